//! Contract tests for supporters' consent and the retention of their details: an unsubscribe
//! token withdraws a consent once (counted, never named); retention clears the details of the
//! signers of a campaign closed long enough, keeping the signatures (so the counts hold) and
//! those who still agree to be contacted.

use crate::contract::disputes::unit;
use crate::contract::eactions::{campaign, sign, signature, signer, with_campaign};
use crate::eactions::{Confirmation, NewSignature, SignOutcome, WithdrawOutcome};
use crate::prelude::*;
use crate::retention::rule_named;
use crate::{NewOutboxEmail, PageRequest};
use chrono::{Duration, Utc};
use picket_domain::{BranchId, DisputeId, EactionId};
use std::sync::Arc;

const WORDING: &str = "The branch may contact me about the dispute.";

/// Supporter `n` of the campaign, agreeing to future contact with unsubscribe token `n`.
fn consenting(b: BranchId, d: DisputeId, e: EactionId, n: usize) -> NewSignature {
    let mut s = signature(b, d, e, signer(n));
    s.consent = Some(WORDING.into());
    s.confirmation = Some(Confirmation {
        token_hash: format!("confirm-{e}-{n}"),
        email: NewOutboxEmail {
            idempotency_key: Some(format!("eaction-confirm:{e}-{n}")),
            payload: "{}".into(),
            max_attempts: 3,
            run_after: Utc::now(),
            send_once: false,
        },
        unsubscribe_hash: Some(format!("unsubscribe-{e}-{n}")),
        again_after_secs: 600,
    });
    s
}

/// A consent is withdrawn by its token once; the counts follow; an unknown token is unknown.
pub async fn consent_is_withdrawn_by_its_link_and_counted(store: Arc<dyn Store>) {
    let (b, d, e) = with_campaign(&*store, "consent-a", &campaign("count-only", 0, false)).await;
    let out = sign(
        &*store,
        &[
            consenting(b, d, e, 1),
            consenting(b, d, e, 2),
            signature(b, d, e, signer(3)),
        ],
    )
    .await;
    assert!(
        out.iter()
            .all(|o| matches!(o, Ok(SignOutcome::Signed { .. }))),
        "{out:?}"
    );
    let counts = store.consent_counts(b, d, e).await.unwrap();
    assert_eq!((counts.given, counts.withdrawn), (2, 0));

    let token = format!("unsubscribe-{e}-1");
    let now = Utc::now();
    let withdrawn = unit!(store, |w| w.withdraw_consent(&token, now)).unwrap();
    assert!(
        matches!(withdrawn, WithdrawOutcome::Withdrawn { branch, .. } if branch == b),
        "{withdrawn:?}"
    );
    assert_eq!(
        unit!(store, |w| w.withdraw_consent(&token, now)).unwrap(),
        WithdrawOutcome::AlreadyWithdrawn
    );
    assert_eq!(
        unit!(store, |w| w.withdraw_consent("no-such-token", now)).unwrap(),
        WithdrawOutcome::Unknown
    );
    let counts = store.consent_counts(b, d, e).await.unwrap();
    assert_eq!((counts.given, counts.withdrawn), (1, 1));
    let page = store
        .signatures(b, d, e, PageRequest::new(1, 10))
        .await
        .unwrap();
    let consent: Vec<_> = page.items.iter().map(|s| s.consent.is_some()).collect();
    assert_eq!(
        consent,
        [false, true, false],
        "the hand-in shows current consent"
    );
}

/// Retention clears the details of a closed campaign's signers once it has been closed past
/// the cutoff, except those who still agree to be contacted; the signatures stay counted.
pub async fn retention_forgets_supporters_of_closed_campaigns(store: Arc<dyn Store>) {
    let rule = rule_named("supporters").expect("a `supporters` retention kind");
    let (b, d, closed) =
        with_campaign(&*store, "retain-a", &campaign("count-only", 0, false)).await;
    let (b2, d2, open) =
        with_campaign(&*store, "retain-b", &campaign("count-only", 0, false)).await;
    sign(
        &*store,
        &[
            signature(b, d, closed, signer(1)),
            consenting(b, d, closed, 2),
            consenting(b, d, closed, 3),
            signature(b2, d2, open, signer(4)),
        ],
    )
    .await;
    let token = format!("unsubscribe-{closed}-3");
    unit!(store, |w| w.withdraw_consent(&token, Utc::now())).unwrap();
    unit!(store, |w| w.set_eaction_open(b, d, closed, false)).unwrap();

    let now = Utc::now();
    let before_close = now - Duration::days(1);
    let after_close = now + Duration::days(1);
    assert_eq!(
        store.retention_due(rule, before_close).await.unwrap(),
        0,
        "not closed long enough"
    );
    assert_eq!(store.retention_due(rule, after_close).await.unwrap(), 2);
    let counts = crate::contract::retention::apply(&*store, &[(rule, after_close)]).await;
    assert_eq!(
        counts,
        [2],
        "supporters 1 and 3 (who withdrew); 2 still agrees"
    );
    assert_eq!(
        store.retention_due(rule, after_close).await.unwrap(),
        0,
        "once"
    );

    let page = store
        .signatures(b, d, closed, PageRequest::new(1, 10))
        .await
        .unwrap();
    assert_eq!(page.total, 3, "the count holds");
    let left: Vec<_> = page
        .items
        .iter()
        .map(|s| (s.name.as_str(), s.email.as_str(), s.postcode.as_str()))
        .collect();
    assert_eq!(
        left,
        [
            ("", "", ""),
            ("Supporter 2", "supporter2@example.org", "M1 1AE"),
            ("", "", "")
        ]
    );
    assert_eq!(
        store
            .signature_counts(b, d, closed)
            .await
            .unwrap()
            .confirmed,
        3
    );
    let open_page = store
        .signatures(b2, d2, open, PageRequest::new(1, 10))
        .await
        .unwrap();
    assert_eq!(
        open_page.items[0].name, "Supporter 4",
        "an open campaign's stay"
    );

    // Reopening clears the closing day: nothing more is due.
    unit!(store, |w| w.set_eaction_open(b, d, closed, true)).unwrap();
    assert_eq!(store.retention_due(rule, after_close).await.unwrap(), 0);
}
