//! The demo's strike fund: the donations the seeds tell of (£250 from Eastmoor Local
//! Government Branch for the strike fund, £150 from Harbourside Health Branch for the
//! hardship fund), a strike pay policy, what the members of the teams called out did on each
//! day of the strike from 15 to 26 April 2024 (one released for emergency cover at the employer's
//! request, one off sick, one who worked the last day, one member's declaration left in
//! conflict for a rep to settle), and an approved pay run over those days with two payments.

use chrono::NaiveDate;
use picket_domain::fund::strike_pay::{PayPolicy, PayRate};
use picket_domain::fund::{DonationMethod, DonorKind, NewDonation, Restriction};
use picket_domain::strike_days::{DaySource, DayStatus};
use picket_domain::{DisputeId, MemberId, Pence};
use picket_store::members::MemberFilter;
use picket_store::strike_days::{DayEntry, NewReleaseRequest};
use picket_store::Branch;
use picket_web::state::AppState;
use std::collections::BTreeSet;

fn day(s: &str) -> anyhow::Result<NaiveDate> {
    Ok(NaiveDate::parse_from_str(s, "%Y-%m-%d")?)
}

/// The donations: donor, amount in pounds, received, restriction.
const DONATIONS: &[(&str, &str, &str, Option<Restriction>)] = &[
    (
        "Eastmoor Local Government Branch",
        "250.00",
        "2023-10-18",
        None,
    ),
    (
        "Harbourside Health Branch",
        "150.00",
        "2023-11-08",
        Some(Restriction::Hardship),
    ),
];

/// The rows of the demo file (see `demo_members`) whose strike days are recorded: those of
/// the first thirty in the two community mental health teams the periods call out.
fn strikers() -> Vec<usize> {
    let teams = crate::demo_members::DEMO_TEAMS;
    (0..30)
        .filter(|i| {
            teams[i % teams.len()]
                .0
                .starts_with("Community Mental Health")
        })
        .collect()
}

/// Adds the demo's fund to the branch and dispute `dispute`.
pub async fn seed(state: &AppState, branch: &Branch, dispute: DisputeId) -> anyhow::Result<()> {
    let treasurer = state
        .store
        .user_by_email("treasurer@picket.example")
        .await?;
    let rep = state.store.user_by_email("rep@picket.example").await?;
    let today = chrono::Utc::now().date_naive();
    // Made up for the demonstration, so written without audit entries.
    let mut work = state.store.begin().await?;
    for (name, amount, received, restriction) in DONATIONS {
        let donation = NewDonation::new(
            DonorKind::Organisation,
            name,
            true,
            Pence::parse(amount)?,
            day(received)?,
            DonationMethod::BankTransfer,
            None,
            *restriction,
            today,
        )?;
        work.record_donation(branch.id, &donation, Some(treasurer.id))
            .await?;
    }
    work.set_pay_policy(
        branch.id,
        dispute,
        &PayPolicy::new(
            PayRate::Flat {
                daily: Pence::from_pence(4_000),
            },
            BTreeSet::from([DayStatus::OnStrike]),
            None,
        )?,
        Some(treasurer.id),
    )
    .await?;
    work.commit().await?;

    let members = state
        .store
        .export_members(branch.id, &MemberFilter::default(), None, 1000)
        .await?;
    let id_of = |row: usize| -> anyhow::Result<MemberId> {
        let number = crate::demo_members::number_of(row);
        members
            .iter()
            .find(|m| m.details.membership_number.as_str() == number)
            .map(|m| m.id)
            .ok_or_else(|| anyhow::anyhow!("demo member {number} is missing"))
    };
    let april = day("2024-04-15")?;
    let period = picket_web::fund::strike_periods(state, branch, dispute)
        .await
        .map_err(|e| anyhow::anyhow!("the demo's strike days: {e}"))?
        .into_iter()
        .find(|p| p.period.starts == april)
        .ok_or_else(|| anyhow::anyhow!("the demo dispute has no April 2024 strike"))?;
    let (last, days) = (&period.period, &period.days);
    let (first_day, last_day) = (days[0], days[days.len() - 1]);
    let rows = strikers();
    let mut entries = Vec::new();
    for row in &rows {
        let member = id_of(*row)?;
        for (n, d) in days.iter().enumerate() {
            let status = match (row, n) {
                (10, 0) => DayStatus::Sick,
                (9, n) if n == days.len() - 1 => DayStatus::Working,
                _ => DayStatus::OnStrike,
            };
            entries.push(DayEntry {
                member,
                day: *d,
                status,
            });
        }
    }
    let released = id_of(5)?;
    let mut work = state.store.begin().await?;
    work.record_strike_days(
        branch.id,
        dispute,
        last.id,
        DaySource::Rep,
        &entries,
        Some(rep.id),
    )
    .await?;
    work.record_strike_days(
        branch.id,
        dispute,
        last.id,
        DaySource::Member,
        &[
            DayEntry {
                member: id_of(1)?,
                day: first_day,
                status: DayStatus::OnStrike,
            },
            DayEntry {
                member: id_of(6)?,
                day: days[2],
                status: DayStatus::Working,
            },
        ],
        None,
    )
    .await?;
    let request = work
        .add_release_request(
            branch.id,
            dispute,
            last.id,
            &NewReleaseRequest {
                day: days[1],
                asked_by: "Head of adult social care".into(),
                asked_on: first_day,
                cover: "One approved mental health professional for Mental Health Act assessments on the day".into(),
            },
            Some(rep.id),
        )
        .await?;
    work.decide_release_request(branch.id, dispute, request, Some(released), Some(rep.id))
        .await?;
    let run = work
        .create_pay_run(branch.id, dispute, first_day, last_day, Some(treasurer.id))
        .await?;
    let paid_on = last_day + chrono::Duration::days(7);
    work.approve_pay_run(branch.id, run, paid_on, Some(treasurer.id))
        .await?;
    for row in [1, 2] {
        work.pay_strike_pay(
            branch.id,
            id_of(row)?,
            Pence::from_pence(4_000 * 5),
            paid_on,
            "bank",
            Some(treasurer.id),
        )
        .await?;
    }
    work.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use picket_domain::Pence;
    use picket_store::strike_pay::PayRunStatus;
    use picket_web::AppState;
    use std::sync::Arc;

    #[tokio::test]
    async fn the_demo_fund_holds_the_seeds_donations_and_an_approved_pay_run() {
        let db = picket_test_support::test_db().await;
        let state = AppState::new(
            db.dyn_store(),
            Arc::new(picket_mail::MemoryMailer::new()),
            picket_test_support::test_settings(),
        );
        let dispute = crate::demo::seed(&state).await.unwrap();
        let branch = state
            .store
            .branch_by_slug(crate::demo::DEMO_BRANCH)
            .await
            .unwrap();
        let raised = state.store.raised_so_far(branch.id).await.unwrap();
        assert_eq!(raised.total, Pence::from_pence(40_000));
        let hardship = state
            .store
            .fund_account_by_code(branch.id, "hardship-fund")
            .await
            .unwrap();
        assert_eq!(hardship.balance, Pence::from_pence(15_000), "kept apart");
        let runs = state.store.pay_runs(branch.id, dispute).await.unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].status, PayRunStatus::Approved);
        let run = state.store.pay_run(branch.id, runs[0].id).await.unwrap();
        // 15 strikers × 10 days at £40, less the released day, the sick day, the day worked
        // and the day in conflict.
        assert_eq!(run.total, Pence::from_pence((15 * 10 - 4) * 4_000));
        assert!(run
            .lines
            .iter()
            .any(|l| l.working.contains("entries conflict")));
        let owed = state
            .store
            .fund_account_by_code(branch.id, "strike-pay-owed")
            .await
            .unwrap();
        assert_eq!(
            owed.shown_balance(),
            Pence::from_pence(run.total.pence() - 2 * 20_000)
        );
    }
}
