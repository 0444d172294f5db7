//! Contract tests for e-actions and petitions: campaigns and their targets through their
//! dispute and branch, signatures that sign once with their consent, group commit under a
//! burst, and the delivery job's claims.

use crate::contract::disputes::{create_dispute, unit};
use crate::contract::Setup;
use crate::disputes::{NewDispute, NewParty};
use crate::eactions::{ConfirmOutcome, Confirmation, NewSignature, SignOutcome};
use crate::prelude::*;
use crate::signing::{SignatureWriter, WriterConfig};
use crate::{NewOutboxEmail, PageRequest, StoreError};
use chrono::{Duration, NaiveDate, Utc};
use picket_domain::disputes::{DisputeStatus, PartyKind};
use picket_domain::eactions::{EactionInput, NewEaction, NewTarget, Signer, TargetReply};
use picket_domain::{BranchId, DisputeId, Division, EactionId, Nation};
use std::sync::Arc;

fn new_dispute() -> NewDispute {
    NewDispute {
        title: "Caseloads".into(),
        employer: "A council".into(),
        nation: Nation::England,
        status: DisputeStatus::InAction,
        summary: String::new(),
    }
}

/// An open email campaign to the Chief Executive, delivered as `delivery`, for tests.
pub fn campaign(delivery: &str, per_hour: u32, confirm: bool) -> NewEaction {
    NewEaction::parse(&EactionInput {
        kind: "email",
        title: "Write to the Chief Executive",
        subject: "Settle the dispute",
        body: "Dear Chief Executive,\n\n{own_words}\n\n{name}, {postcode}",
        delivery,
        per_hour,
        confirm_email: confirm,
        own_words_max: 500,
        open: true,
    })
    .expect("valid campaign")
}

/// Supporter `n`, at supporter{n}@example.org, M1 1AE.
pub fn signer(n: usize) -> Signer {
    Signer::parse(
        &format!("Supporter {n}"),
        &format!("supporter{n}@example.org"),
        "M1 1AE",
        "",
        0,
    )
    .expect("valid signer")
}

pub(crate) fn signature(
    branch: BranchId,
    dispute: DisputeId,
    eaction: EactionId,
    signer: Signer,
) -> NewSignature {
    NewSignature {
        branch,
        dispute,
        eaction,
        signer,
        consent: None,
        confirmation: None,
    }
}

/// A branch with a dispute and a campaign on it, for tests.
pub async fn with_campaign(
    store: &dyn Store,
    slug: &str,
    new: &NewEaction,
) -> (BranchId, DisputeId, EactionId) {
    let branch = store
        .setup_branch(&slug.parse().unwrap(), "Branch", Division::EnglandAndWales)
        .await
        .unwrap();
    let dispute = create_dispute(store, branch.id, &new_dispute())
        .await
        .unwrap()
        .id;
    let eaction = unit!(store, |w| w.create_eaction(branch.id, dispute, new)).unwrap();
    (branch.id, dispute, eaction)
}

pub(crate) async fn sign(
    store: &dyn Store,
    batch: &[NewSignature],
) -> Vec<Result<SignOutcome, StoreError>> {
    let mut w = store.begin().await.unwrap();
    let out = w.sign_batch(batch).await.unwrap();
    w.commit().await.unwrap();
    out
}

/// A campaign keeps its values and targets (a decision-maker of its dispute, or one typed);
/// through another dispute or branch it is not found and nothing changes.
pub async fn eactions_are_kept_with_their_targets(store: Arc<dyn Store>) {
    let new = campaign("each-signature", 30, false);
    let (branch, dispute, eaction) = with_campaign(&*store, "eactions-a", &new).await;
    let other = create_dispute(&*store, branch, &new_dispute())
        .await
        .unwrap()
        .id;
    let stranger = store
        .setup_branch(&"eactions-b".parse().unwrap(), "B", Division::Scotland)
        .await
        .unwrap()
        .id;

    let got = store.eaction(branch, dispute, eaction).await.unwrap();
    assert_eq!(
        (got.title.as_str(), got.delivery, got.open),
        (new.title.as_str(), new.delivery, true)
    );
    assert_eq!(got.opened_on, Some(Utc::now().date_naive()));
    assert_eq!(store.eactions(branch, dispute).await.unwrap().len(), 1);
    assert!(store.eactions(branch, other).await.unwrap().is_empty());
    assert!(matches!(
        store.eaction(branch, other, eaction).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.eaction(stranger, dispute, eaction).await,
        Err(StoreError::NotFound)
    ));

    let party = |kind, name: &str| NewParty {
        kind,
        name: name.into(),
        detail: "Chief Executive".into(),
        email: Some("ceo@council.example".into()),
        address: None,
        headcount: None,
    };
    let ceo = unit!(store, |w| w.add_party(
        branch,
        dispute,
        &party(PartyKind::DecisionMaker, "Dr Jo Bloggs")
    ))
    .unwrap();
    let elsewhere = unit!(store, |w| w.add_party(
        branch,
        other,
        &party(PartyKind::DecisionMaker, "Someone")
    ))
    .unwrap();
    let from_party = unit!(store, |w| w.add_party_target(branch, dispute, eaction, ceo)).unwrap();
    for (what, party) in [("another dispute's", elsewhere)] {
        let r = unit!(store, |w| w
            .add_party_target(branch, dispute, eaction, party));
        assert!(matches!(r, Err(StoreError::NotFound)), "{what}: {r:?}");
    }
    let typed = NewTarget::parse(
        "Cllr Sam Lee",
        "Council leader",
        "leader@council.example",
        new.delivery,
    )
    .unwrap();
    let leader = unit!(store, |w| w.add_target(branch, dispute, eaction, &typed)).unwrap();
    let r = unit!(store, |w| w.add_target(branch, other, eaction, &typed));
    assert!(matches!(r, Err(StoreError::NotFound)), "{r:?}");

    let targets = store.targets(branch, dispute, eaction).await.unwrap();
    assert_eq!(targets.len(), 2);
    assert_eq!(
        (targets[0].id, targets[0].party_id),
        (from_party, Some(ceo))
    );
    assert_eq!(targets[0].name, "Dr Jo Bloggs");
    assert_eq!(targets[0].role, "Chief Executive");
    assert_eq!(targets[0].email.as_deref(), Some("ceo@council.example"));
    assert_eq!(targets[1].id, leader);
    assert!(matches!(
        store.targets(branch, other, eaction).await,
        Err(StoreError::NotFound)
    ));

    let opened = got.opened_on.unwrap();
    let reply = TargetReply::parse(opened, "Declined to meet.", "Dear …", opened).unwrap();
    let r = unit!(store, |w| w
        .record_reply(branch, other, eaction, leader, &reply));
    assert!(matches!(r, Err(StoreError::NotFound)), "{r:?}");
    unit!(store, |w| w
        .record_reply(branch, dispute, eaction, leader, &reply))
    .unwrap();
    let targets = store.targets(branch, dispute, eaction).await.unwrap();
    assert_eq!(targets[1].reply.as_ref(), Some(&reply));
    assert_eq!(targets[0].reply, None);

    let r = unit!(store, |w| w
        .remove_target(stranger, dispute, eaction, leader));
    assert!(matches!(r, Err(StoreError::NotFound)), "{r:?}");
    unit!(store, |w| w.remove_target(branch, dispute, eaction, leader)).unwrap();
    assert_eq!(
        store.targets(branch, dispute, eaction).await.unwrap().len(),
        1
    );

    let r = unit!(store, |w| w.set_eaction_open(branch, other, eaction, false));
    assert!(matches!(r, Err(StoreError::NotFound)), "{r:?}");
    unit!(store, |w| w
        .set_eaction_open(branch, dispute, eaction, false))
    .unwrap();
    let mut changed = campaign("daily-digest", 0, true);
    changed.open = false;
    changed.title = "Write again".into();
    unit!(store, |w| w
        .update_eaction(branch, dispute, eaction, &changed))
    .unwrap();
    let got = store.eaction(branch, dispute, eaction).await.unwrap();
    assert_eq!(
        (
            got.title.as_str(),
            got.delivery,
            got.confirm_email,
            got.open
        ),
        ("Write again", changed.delivery, true, false)
    );
    assert_eq!(got.opened_on, Some(opened), "the first day open is kept");
}

/// One email signs once (a second attempt, or the same address earlier in the batch in
/// another case, is "already signed"); consent is kept apart with its wording; a closed
/// campaign stores nothing; a campaign of another branch fails that signature alone.
pub async fn signatures_sign_once_with_their_consent(store: Arc<dyn Store>) {
    let (branch, dispute, eaction) =
        with_campaign(&*store, "signing-a", &campaign("count-only", 0, false)).await;
    let (b2, d2, closed) =
        with_campaign(&*store, "signing-b", &campaign("count-only", 0, false)).await;
    unit!(store, |w| w.set_eaction_open(b2, d2, closed, false)).unwrap();

    let mut first = signature(branch, dispute, eaction, signer(1));
    first.consent = Some("Keep me in touch.".into());
    let mut again = signature(branch, dispute, eaction, signer(1));
    again.signer.email = "SUPPORTER1@example.org".parse().unwrap();
    let outcomes = sign(
        &*store,
        &[
            first.clone(),
            again,
            signature(branch, dispute, eaction, signer(2)),
            signature(b2, d2, closed, signer(3)),
            signature(b2, dispute, eaction, signer(4)),
        ],
    )
    .await;
    assert!(
        matches!(outcomes[0], Ok(SignOutcome::Signed { .. })),
        "{outcomes:?}"
    );
    assert!(
        matches!(outcomes[1], Ok(SignOutcome::AlreadySigned)),
        "{outcomes:?}"
    );
    assert!(
        matches!(outcomes[2], Ok(SignOutcome::Signed { .. })),
        "{outcomes:?}"
    );
    assert!(
        matches!(outcomes[3], Ok(SignOutcome::Closed)),
        "{outcomes:?}"
    );
    assert!(
        matches!(outcomes[4], Err(StoreError::NotFound)),
        "{outcomes:?}"
    );

    let outcomes = sign(&*store, &[first]).await;
    assert!(
        matches!(outcomes[0], Ok(SignOutcome::AlreadySigned)),
        "{outcomes:?}"
    );
    let counts = store
        .signature_counts(branch, dispute, eaction)
        .await
        .unwrap();
    assert_eq!((counts.confirmed, counts.pending), (2, 0));
    assert_eq!(
        store
            .signature_counts(b2, d2, closed)
            .await
            .unwrap()
            .confirmed,
        0
    );
    let page = store
        .signatures(branch, dispute, eaction, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(page.items[0].name, "Supporter 1");
    assert_eq!(page.items[0].email, "supporter1@example.org");
    assert_eq!(page.items[0].postcode, "M1 1AE");
    assert_eq!(page.items[0].consent.as_deref(), Some("Keep me in touch."));
    assert_eq!(page.items[1].consent, None);
    assert!(matches!(
        store
            .signatures(b2, dispute, eaction, PageRequest::default())
            .await,
        Err(StoreError::NotFound)
    ));

    // Nothing of a signature survives a unit that is not committed.
    let mut w = store.begin().await.unwrap();
    let mut lost = signature(branch, dispute, eaction, signer(9));
    lost.consent = Some("Keep me in touch.".into());
    assert!(matches!(
        w.sign_batch(&[lost]).await.unwrap()[0],
        Ok(SignOutcome::Signed { .. })
    ));
    drop(w);
    assert_eq!(
        store
            .signature_counts(branch, dispute, eaction)
            .await
            .unwrap()
            .confirmed,
        2
    );
}

/// A campaign that asks for confirmation counts a signature once its link is followed; the
/// email with the link is queued in the signature's commit.
pub async fn signatures_wait_for_confirmation(store: Arc<dyn Store>) {
    let (branch, dispute, eaction) =
        with_campaign(&*store, "confirming", &campaign("count-only", 0, true)).await;
    let before = store.outbox_counts().await.unwrap().pending;
    let mut s = signature(branch, dispute, eaction, signer(1));
    s.confirmation = Some(Confirmation {
        token_hash: "hash-of-token-1".into(),
        email: NewOutboxEmail {
            idempotency_key: Some("eaction-confirm:test-1".into()),
            payload: "{}".into(),
            max_attempts: 3,
            run_after: Utc::now(),
            send_once: false,
        },
        unsubscribe_hash: None,
        again_after_secs: 600,
    });
    let out = sign(&*store, &[s.clone()]).await;
    assert!(
        matches!(out[0], Ok(SignOutcome::AwaitingConfirmation { .. })),
        "{out:?}"
    );
    assert_eq!(store.outbox_counts().await.unwrap().pending, before + 1);
    let counts = store
        .signature_counts(branch, dispute, eaction)
        .await
        .unwrap();
    assert_eq!((counts.confirmed, counts.pending), (0, 1));
    // Signing again while it waits, soon after: nothing changes and nothing is queued.
    let out = sign(&*store, &[s.clone()]).await;
    assert!(
        matches!(out[0], Ok(SignOutcome::ConfirmationSentRecently)),
        "{out:?}"
    );
    assert_eq!(store.outbox_counts().await.unwrap().pending, before + 1);
    // Long enough after: the email goes again with a new token, and the old one stops working.
    let mut again = s.clone();
    again.confirmation = again.confirmation.map(|c| Confirmation {
        token_hash: "hash-of-token-2".into(),
        email: NewOutboxEmail {
            idempotency_key: Some("eaction-confirm:test-2".into()),
            ..c.email
        },
        again_after_secs: 0,
        ..c
    });
    let out = sign(&*store, &[again]).await;
    assert!(
        matches!(out[0], Ok(SignOutcome::ConfirmationSentAgain)),
        "{out:?}"
    );
    assert_eq!(store.outbox_counts().await.unwrap().pending, before + 2);
    let counts = store
        .signature_counts(branch, dispute, eaction)
        .await
        .unwrap();
    assert_eq!(
        (counts.confirmed, counts.pending),
        (0, 1),
        "still one signature"
    );

    let confirm = |hash: &'static str| {
        let store = store.clone();
        async move { unit!(store, |w| w.confirm_signature(hash)).unwrap() }
    };
    assert_eq!(confirm("hash-of-token-1").await, ConfirmOutcome::Unknown);
    assert_eq!(
        confirm("hash-of-token-2").await,
        ConfirmOutcome::Confirmed(eaction)
    );
    assert_eq!(
        confirm("hash-of-token-2").await,
        ConfirmOutcome::AlreadyConfirmed(eaction)
    );
    assert_eq!(confirm("no-such-hash").await, ConfirmOutcome::Unknown);
    let counts = store
        .signature_counts(branch, dispute, eaction)
        .await
        .unwrap();
    assert_eq!((counts.confirmed, counts.pending), (1, 0));
    // Once it counts, signing again is simply "already signed".
    let out = sign(&*store, &[s]).await;
    assert!(matches!(out[0], Ok(SignOutcome::AlreadySigned)), "{out:?}");
    assert_eq!(store.outbox_counts().await.unwrap().pending, before + 2);
}

/// 64 supporters signing at once through the group-commit writer, each also signing again
/// with another's address: every acknowledged signature is stored, each address once, and a
/// signature for a campaign that is not there fails alone.
pub async fn group_commit_keeps_every_acknowledged_signature(store: Arc<dyn Store>) {
    let (branch, dispute, eaction) =
        with_campaign(&*store, "burst", &campaign("count-only", 0, false)).await;
    let mut events = store.subscribe();
    let writer = SignatureWriter::start(
        store.clone(),
        WriterConfig {
            max_batch: 32,
            writers: 2,
            queue: 64,
            gather: std::time::Duration::from_millis(1),
        },
    );
    const CLIENTS: usize = 64;
    const EACH: usize = 8;
    let mut tasks = Vec::new();
    for client in 0..CLIENTS {
        let writer = writer.clone();
        tasks.push(tokio::spawn(async move {
            let (mut signed, mut already, mut missing) = (0, 0, 0);
            for n in 0..EACH {
                let mine = client * EACH + n;
                let theirs = ((client + 1) % CLIENTS) * EACH + n;
                for who in [mine, theirs] {
                    match writer
                        .sign(signature(branch, dispute, eaction, signer(who)))
                        .await
                    {
                        Ok(SignOutcome::Signed { .. }) => signed += 1,
                        Ok(SignOutcome::AlreadySigned) => already += 1,
                        other => panic!("{other:?}"),
                    }
                }
                if n == 0 {
                    let gone =
                        signature(branch, dispute, EactionId(eaction.0 + 1000), signer(mine));
                    if matches!(writer.sign(gone).await, Err(StoreError::NotFound)) {
                        missing += 1;
                    }
                }
            }
            (signed, already, missing)
        }));
    }
    let (mut signed, mut already, mut missing) = (0, 0, 0);
    for task in tasks {
        let (s, a, m) = task.await.unwrap();
        signed += s;
        already += a;
        missing += m;
    }
    assert_eq!(signed, CLIENTS * EACH, "each address signed once");
    assert_eq!(
        already,
        CLIENTS * EACH,
        "each second attempt was already signed"
    );
    assert_eq!(missing, CLIENTS);
    let counts = store
        .signature_counts(branch, dispute, eaction)
        .await
        .unwrap();
    assert_eq!(counts.confirmed, (CLIENTS * EACH) as u64);
    // The campaign's new count is announced (the announcements of a burst are gathered, so
    // there are far fewer than batches, but the last of them comes after the last commit).
    let ours = format!("{{\"branch\":{},\"eaction\":{}}}", branch.0, eaction.0);
    let mut announced = false;
    while let Ok(Ok(event)) =
        tokio::time::timeout(std::time::Duration::from_secs(2), events.recv()).await
    {
        if event.topic == crate::signing::SIGNED && event.payload == ours {
            announced = true;
            break;
        }
    }
    assert!(announced, "the burst's count was announced");
}

/// The delivery claims: each signature goes to a target once, at most the hourly limit in any
/// hour; a digest is claimed once a day and carries what came after the last one.
pub async fn delivery_claims_each_signature_once(store: Arc<dyn Store>) {
    let new = campaign("each-signature", 3, false);
    let (branch, dispute, eaction) = with_campaign(&*store, "delivery", &new).await;
    let target = NewTarget::parse(
        "Dr Jo Bloggs",
        "Chief Executive",
        "ceo@council.example",
        new.delivery,
    )
    .unwrap();
    let ceo = unit!(store, |w| w.add_target(branch, dispute, eaction, &target)).unwrap();
    let batch: Vec<_> = (0..5)
        .map(|n| signature(branch, dispute, eaction, signer(n)))
        .collect();
    sign(&*store, &batch).await;
    let now = Utc::now();
    let claim = |at: chrono::DateTime<Utc>| {
        let store = store.clone();
        async move { unit!(store, |w| w.claim_letters(branch, ceo, 3, at)).unwrap() }
    };
    let first = claim(now).await;
    assert_eq!(first.len(), 3);
    assert_eq!(first[0].signer.name, "Supporter 0");
    assert!(claim(now).await.is_empty(), "the hour's three are used");
    let later = claim(now + Duration::hours(2)).await;
    assert_eq!(later.len(), 2);
    assert!(
        claim(now + Duration::hours(4)).await.is_empty(),
        "each signature goes once"
    );
    let stranger = store
        .setup_branch(&"delivery-b".parse().unwrap(), "B", Division::Scotland)
        .await
        .unwrap()
        .id;
    let r = unit!(store, |w| w.claim_letters(stranger, ceo, 3, now));
    assert!(matches!(r, Err(StoreError::NotFound)), "{r:?}");
    let work = store.delivery_work().await.unwrap();
    let mine = work
        .iter()
        .find(|w| w.eaction.id == eaction)
        .expect("listed for delivery");
    assert_eq!(mine.targets.len(), 1);

    let digest = campaign("daily-digest", 0, false);
    let (branch, dispute, eaction) = with_campaign(&*store, "digest", &digest).await;
    let target =
        NewTarget::parse("Dr Jo Bloggs", "", "ceo@council.example", digest.delivery).unwrap();
    let ceo = unit!(store, |w| w.add_target(branch, dispute, eaction, &target)).unwrap();
    sign(
        &*store,
        &[
            signature(branch, dispute, eaction, signer(1)),
            signature(branch, dispute, eaction, signer(2)),
        ],
    )
    .await;
    let day = |d: u32| NaiveDate::from_ymd_opt(2024, 5, d).unwrap();
    let claim = |d: NaiveDate| {
        let store = store.clone();
        async move { unit!(store, |w| w.claim_digest(branch, ceo, d, now)).unwrap() }
    };
    assert_eq!(claim(day(1)).await.len(), 2);
    sign(&*store, &[signature(branch, dispute, eaction, signer(3))]).await;
    assert!(claim(day(1)).await.is_empty(), "one digest a day");
    let next = claim(day(2)).await;
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].signer.name, "Supporter 3");
    assert!(claim(day(3)).await.is_empty(), "nothing new, no digest");
}

/// An email queued "send once" whose worker died after saying it was sending is given up when
/// the lease runs out, never claimed again; one whose worker died before sending, or whose
/// send failed and was reported, is claimed again as usual.
pub async fn send_once_email_is_never_sent_twice(store: Arc<dyn Store>) {
    let queue = |key: &str| {
        let store = store.clone();
        let email = NewOutboxEmail {
            idempotency_key: Some(key.into()),
            payload: "{}".into(),
            max_attempts: 5,
            run_after: Utc::now() - Duration::seconds(1),
            send_once: true,
        };
        async move {
            let mut w = store.begin().await.unwrap();
            let id = w.enqueue_email(email).await.unwrap();
            w.commit().await.unwrap();
            id.0
        }
    };
    let sending = queue("once:sending").await;
    let untouched = queue("once:untouched").await;
    let failed = queue("once:failed").await;
    let now = Utc::now();
    let jobs = store
        .claim_jobs("dies", now, now + Duration::seconds(60), 10)
        .await
        .unwrap();
    assert_eq!(jobs.len(), 3);
    assert!(jobs.iter().all(|j| j.send_once));
    assert!(store.start_sending(sending, "dies", now).await.unwrap());
    assert!(
        !store
            .start_sending(untouched, "another", now)
            .await
            .unwrap(),
        "not its claim"
    );
    assert!(store.start_sending(failed, "dies", now).await.unwrap());
    store
        .fail_job(failed, "dies", "451 try later", Some(now))
        .await
        .unwrap();

    let later = now + Duration::seconds(120);
    let again = store
        .claim_jobs("next", later, later + Duration::seconds(60), 10)
        .await
        .unwrap();
    let mut ids: Vec<i64> = again.iter().map(|j| j.id).collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        [untouched, failed],
        "the one that may have gone is not sent again"
    );
    assert!(!store.start_sending(sending, "next", later).await.unwrap());
    let counts = store.outbox_counts().await.unwrap();
    assert_eq!((counts.pending, counts.failed), (2, 1));
}
