//! The demo dispute's pressure campaign, shaped like the seeds: an email campaign to the Chief
//! Executive and the council leader, a petition, the letters to a regulator (refused at
//! reception, then sent by registered post and still unanswered) and to two staffing agencies
//! covering strikers' work (one withdrew, one carries on). Every person is invented.

use anyhow::{anyhow, Context};
use chrono::NaiveDate;
use picket_domain::correspondence::{LetterInput, LetterStatus, NewLetter};
use picket_domain::disputes::Named;
use picket_domain::eactions::{EactionInput, NewEaction, Signer, DEFAULT_CONSENT_WORDING};
use picket_domain::monitor::{NewReport, Outcome};
use picket_domain::{BranchId, DisputeId, EactionId};
use picket_store::eactions::NewSignature;
use picket_store::Branch;
use picket_web::AppState;

/// Invented supporters: name, email, postcode, own words.
const SUPPORTERS: &[(&str, &str, &str, &str)] = &[
    (
        "Aïcha O'Brien",
        "aicha.obrien@example.org",
        "N17 6AA",
        "My mum waited nine months for an assessment.",
    ),
    ("Bartek Nowicki", "bartek.n@example.org", "N15 4RX", ""),
    (
        "Chidi Okafor",
        "chidi.okafor@example.net",
        "N22 7SE",
        "Pay the social workers and keep them.",
    ),
    ("Deirdre Flanagan", "deirdre.f@example.org", "N8 9QT", ""),
    ("Eitan Goldberg", "eitan.goldberg@example.com", "N4 1DH", ""),
    (
        "Fatma Yıldız",
        "fatma.yildiz@example.org",
        "N17 9LJ",
        "Caseloads are unsafe. Settle now.",
    ),
    ("Gwen Pryce", "gwen.pryce@example.net", "N10 3HP", ""),
    ("Hamza Siddiqui", "hamza.s@example.org", "N18 2UT", ""),
];

fn day(s: &str) -> anyhow::Result<NaiveDate> {
    s.parse().with_context(|| format!("demo date {s}"))
}

fn campaign(input: &EactionInput<'_>) -> anyhow::Result<NewEaction> {
    NewEaction::parse(input).map_err(|e| anyhow!("demo campaign: {e}"))
}

fn signatures(
    branch: BranchId,
    dispute: DisputeId,
    eaction: EactionId,
    take: usize,
) -> anyhow::Result<Vec<NewSignature>> {
    SUPPORTERS
        .iter()
        .take(take)
        .enumerate()
        .map(|(n, (name, email, postcode, own))| {
            Ok(NewSignature {
                branch,
                dispute,
                eaction,
                signer: Signer::parse(name, email, postcode, own, 500)
                    .map_err(|e| anyhow!("demo supporter: {e}"))?,
                consent: n
                    .is_multiple_of(2)
                    .then(|| DEFAULT_CONSENT_WORDING.to_string()),
                confirmation: None,
            })
        })
        .collect()
}

fn letter(input: LetterInput<'_>) -> anyhow::Result<NewLetter> {
    NewLetter::parse(&input).map_err(|e| anyhow!("demo letter: {e}"))
}

/// Adds the demo's campaigns, letters and strike-breaking reports to dispute `dispute`.
pub async fn seed(state: &AppState, branch: &Branch, dispute: DisputeId) -> anyhow::Result<()> {
    let parties = state.store.parties(branch.id, dispute).await?;
    let party = |name: &str| {
        parties
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.id)
            .ok_or_else(|| anyhow!("the demo dispute has no party {name}"))
    };
    let mut work = state.store.begin().await?;
    let ceo = work
        .create_eaction(
            branch.id,
            dispute,
            &campaign(&EactionInput {
                kind: "email",
                title: "Write to the Chief Executive: settle with the social workers",
                subject: "Settle the mental health social workers' dispute — from {name}",
                body: "Dear Chief Executive,\n\nI support the mental health social workers. Their caseloads are unsafe \
                       and people wait months for an assessment. Please meet their union and settle.\n\n\
                       {own_words}\n\nYours sincerely,\n{name}\n{postcode}",
                delivery: "each-signature",
                per_hour: 60,
                confirm_email: false,
                own_words_max: 500,
                open: true,
            })?,
        )
        .await?;
    work.add_party_target(branch.id, dispute, ceo, party("Graham Pelletier")?)
        .await?;
    work.add_party_target(branch.id, dispute, ceo, party("Cllr Hannah Obuya")?)
        .await?;
    let petition = work
        .create_eaction(
            branch.id,
            dispute,
            &campaign(&EactionInput {
                kind: "petition",
                title: "Safe caseloads for mental health social work",
                body: "We call on Northfield Council to fund safe caseloads and a retention payment for its \
                       mental health social workers, so that people in crisis are seen in time.",
                open: true,
                ..EactionInput::default()
            })?,
        )
        .await?;
    let mut batch = signatures(branch.id, dispute, ceo, SUPPORTERS.len())?;
    batch.extend(signatures(branch.id, dispute, petition, 5)?);
    for outcome in work.sign_batch(&batch).await? {
        outcome.context("a demo signature")?;
    }

    work.add_letter(
        branch.id,
        dispute,
        &letter(LetterInput {
            direction: "sent",
            counterpart: "Care Standards Inspectorate",
            subject: "Unsafe caseloads in the community mental health teams",
            channel: "by-hand",
            sent_on: Some(day("2024-03-11")?),
            proof: "Taken to reception by two reps",
            status: LetterStatus::RefusedAtReception.as_str(),
            notes: "Reception would not accept the letter.",
            ..LetterInput::default()
        })?,
    )
    .await?;
    work.add_letter(
        branch.id,
        dispute,
        &letter(LetterInput {
            direction: "sent",
            counterpart: "Care Standards Inspectorate",
            subject: "Unsafe caseloads in the community mental health teams (sent again)",
            channel: "registered-post",
            sent_on: Some(day("2024-03-13")?),
            proof: "Signed for, tracking RR 1234 5678 9GB",
            reply_by: Some(day("2024-04-10")?),
            ..LetterInput::default()
        })?,
    )
    .await?;
    for (agency, outcome, reply) in [
        ("Swift Staffing Ltd", Outcome::Withdrew, Some("2024-04-26")),
        ("Carewell Locums Ltd", Outcome::Continuing, None),
    ] {
        let report = work
            .add_report(
                branch.id,
                dispute,
                &NewReport::parse(
                    agency,
                    "Approved mental health professional rota on strike days",
                    Some(day("2024-04-22")?),
                    "Names of agency staff on the duty rota for the strike days, seen by a rep.",
                    outcome.as_str(),
                )
                .map_err(|e| anyhow!("demo report: {e}"))?,
            )
            .await?;
        let sent = work
            .add_letter(
                branch.id,
                dispute,
                &letter(LetterInput {
                    direction: "sent",
                    counterpart: agency,
                    subject: "Supplying workers to cover strikers' work",
                    channel: "email",
                    sent_on: Some(day("2024-04-23")?),
                    reply_by: Some(day("2024-04-30")?),
                    status: if reply.is_some() { "answered" } else { "" },
                    ..LetterInput::default()
                })?,
            )
            .await?;
        work.link_letter(branch.id, dispute, report, sent).await?;
        if let Some(on) = reply {
            let answer = work
                .add_letter(
                    branch.id,
                    dispute,
                    &letter(LetterInput {
                        direction: "received",
                        counterpart: agency,
                        subject: "We have withdrawn our workers",
                        channel: "email",
                        sent_on: Some(day(on)?),
                        status: "answered",
                        ..LetterInput::default()
                    })?,
                )
                .await?;
            work.link_letter(branch.id, dispute, report, answer).await?;
        }
    }
    work.commit().await?;
    Ok(())
}
