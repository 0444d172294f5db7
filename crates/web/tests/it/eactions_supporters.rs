//! Supporters' email and consent: the confirmation email through the real outbox worker and
//! SMTP transport to a real SMTP server (aiosmtpd), with the unsubscribe link of a supporter
//! who agreed to future contact (List-Unsubscribe and one-click List-Unsubscribe-Post); that
//! link withdrawing the consent, counted for organisers and audited; and a second signature
//! before confirming, which sends the link again at most every few minutes, still counting once.

use crate::eactions_public::campaign;
use crate::smtp_sink::{Received, SmtpSink};
use picket_mail::{SmtpMailer, SmtpSettings, SmtpTls};
use picket_store::PageRequest;
use picket_test_support::{Api, BodyText, TestApp};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

const FROM: &str = "Northfield Branch <branch@union.example>";
/// The public address in links: HTTPS, as RFC 8058's one-click unsubscribe requires.
const PUBLIC: &str = "https://picket.example";

fn sign_path(dispute: i64, eaction: i64) -> String {
    format!("/api/v1/branches/northfield/disputes/{dispute}/eactions/{eaction}/signatures")
}

async fn consents(api: &Api, dispute: i64, eaction: i64) -> (i64, i64) {
    let (status, c) = api
        .get(&format!(
            "/api/v1/branches/northfield/disputes/{dispute}/eactions/{eaction}/consents"
        ))
        .await;
    assert_eq!(status, 200, "{c}");
    (
        c["given"].as_i64().unwrap(),
        c["withdrawn"].as_i64().unwrap(),
    )
}

/// Waits (up to 15 s) until the SMTP server has `n` messages.
async fn arrived(sink: &SmtpSink, n: usize) -> Vec<Received> {
    for _ in 0..150 {
        let got = sink.received();
        if got.len() >= n {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{n} messages did not arrive; got {}", sink.received().len());
}

async fn sign(app: &TestApp, dispute: i64, eaction: i64, body: Value) -> (u16, Value) {
    app.public_api()
        .post(&sign_path(dispute, eaction), &body)
        .await
}

#[tokio::test]
async fn the_confirmation_email_arrives_with_a_one_click_link_that_withdraws_consent() {
    let sink = SmtpSink::start();
    let smtp = SmtpSettings {
        port: Some(sink.port),
        tls: SmtpTls::None,
        timeout_secs: 10,
        ..SmtpSettings::new("127.0.0.1", FROM)
    };
    let app = TestApp::spawn_with_mailer(
        |s| s.server.public_url = PUBLIC.into(),
        Arc::new(SmtpMailer::new(&smtp).unwrap()),
    )
    .await;
    let (api, dispute, eaction) = campaign(&app, json!({"confirm_email": true})).await;
    let (status, r) = sign(
        &app,
        dispute,
        eaction,
        json!({"name": "Siân Ó Dálaigh", "email": "sian@example.org", "postcode": "cf10 1aa", "consent": true}),
    )
    .await;
    assert_eq!(
        (status, r["outcome"].as_str()),
        (201, Some("awaiting-confirmation"))
    );
    let (status, _) = sign(
        &app,
        dispute,
        eaction,
        json!({"name": "Tom Reyes", "email": "tom@example.org", "postcode": "M1 1AE"}),
    )
    .await;
    assert_eq!(status, 201);

    let received = arrived(&sink, 2).await;
    let m = received
        .iter()
        .find(|m| m.rcpt_tos == ["sian@example.org"])
        .expect("Siân's confirmation");
    assert_eq!(m.from.as_deref(), Some(FROM));
    assert_eq!(m.to.as_deref(), Some("sian@example.org"));
    assert_eq!(
        m.subject.as_deref(),
        Some("Please confirm your signature: Write to the Chief Executive")
    );
    let text = m.text_body().unwrap();
    assert!(text.starts_with("Dear Siân Ó Dálaigh,"), "{text}");
    let unsubscribe = m
        .list_unsubscribe
        .as_deref()
        .expect("List-Unsubscribe for a supporter who agreed to contact");
    let link = unsubscribe.trim_start_matches('<').trim_end_matches('>');
    assert!(
        link.starts_with(&format!("{PUBLIC}/northfield/actions/unsubscribe?token=")),
        "{link}"
    );
    assert!(text.contains(link), "the link is in the text too: {text}");
    assert_eq!(
        m.list_unsubscribe_post.as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    assert!(m.raw.split("\r\n\r\n").next().unwrap().is_ascii());
    assert!(m.defects.is_empty(), "{:?}", m.defects);
    let tom = received
        .iter()
        .find(|m| m.rcpt_tos == ["tom@example.org"])
        .expect("Tom's confirmation");
    assert_eq!(tom.list_unsubscribe, None, "Tom agreed to nothing more");
    assert!(!tom.text_body().unwrap().contains("unsubscribe"));
    assert_eq!(consents(&api, dispute, eaction).await, (1, 0));

    // The link opens a page that asks, and names nobody.
    let local = link.replace(PUBLIC, &app.url(""));
    let page = app.client().get(&local).body_text().await;
    assert!(page.contains("Do not contact me again"), "{page}");
    assert!(!page.contains("Siân") && !page.contains("sian@"), "{page}");
    assert_eq!(
        consents(&api, dispute, eaction).await,
        (1, 0),
        "asking withdraws nothing"
    );

    // A mail program's one-click POST (no cookies, no Origin) withdraws it.
    let r = reqwest::Client::new()
        .post(&local)
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("we will not contact you again"));
    assert_eq!(consents(&api, dispute, eaction).await, (0, 1));
    let again = app
        .client()
        .post(app.url("/northfield/actions/unsubscribe"))
        .form(&[("token", crate::support::token_in(link).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 200);
    assert!(again.text().await.unwrap().contains("withdrawn already"));
    let wrong = app
        .client()
        .post(app.url("/northfield/actions/unsubscribe"))
        .form(&[("token", "not-a-token")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 404);

    let withdrawals: Vec<_> = app
        .store()
        .audit_entries(None, PageRequest::new(1, 200))
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|e| e.action == "eaction.consent.withdraw")
        .collect();
    assert_eq!(withdrawals.len(), 1, "audited once");
    assert!(withdrawals[0]
        .subject
        .as_deref()
        .is_some_and(|s| s.starts_with("signature:")));

    // Signing again soon after: kindly told, nothing sent, still one signature.
    let (status, r) = sign(
        &app,
        dispute,
        eaction,
        json!({"name": "Siân Ó Dálaigh", "email": "SIAN@example.org", "postcode": "CF10 1AA"}),
    )
    .await;
    assert_eq!(
        (status, r["outcome"].as_str()),
        (200, Some("confirmation-sent-recently")),
        "{r}"
    );
    assert!(
        r["message"].as_str().unwrap().contains("a few minutes ago"),
        "{r}"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.received().len(), 2, "no third email");
}

#[tokio::test]
async fn signing_again_before_confirming_sends_a_new_link_and_counts_once() {
    let app = TestApp::spawn_with(|s| s.eactions.confirm_again_minutes = 0).await;
    let (api, dispute, eaction) = campaign(&app, json!({"confirm_email": true})).await;
    let body = json!({"name": "Émile Ñúñez", "email": "emile@example.org", "postcode": "EH1 1YZ"});
    let (status, _) = sign(&app, dispute, eaction, body.clone()).await;
    assert_eq!(status, 201);
    let first = app.mailer.wait_for(1, Duration::from_secs(15)).await;
    let old_token = crate::support::token_in(&first[0].text);

    // Through the page this time: the page says so kindly.
    let client = app.client();
    let page_path = format!("/northfield/disputes/{dispute}/actions/{eaction}");
    let page = client.get(app.url(&page_path)).body_text().await;
    let stamp = crate::eactions_public::stamp(&page);
    let r = client
        .post(app.url(&page_path))
        .form(&[
            ("stamp", stamp.as_str()),
            ("name", "Émile Ñúñez"),
            ("email", "emile@example.org"),
            ("postcode", "EH1 1YZ"),
        ])
        .send()
        .await
        .unwrap();
    let shown = crate::eactions_public::follow(&app, &client, r).await;
    assert!(shown.contains("We have emailed you a new link"), "{shown}");

    let sent = app.mailer.wait_for(2, Duration::from_secs(15)).await;
    assert_eq!(sent.len(), 2);
    let new_token = crate::support::token_in(&sent[1].text);
    assert_ne!(old_token, new_token);
    let confirm = |token: String| {
        let client = app.client();
        let url = app.url("/northfield/actions/confirm");
        async move {
            client
                .post(url)
                .form(&[("token", token)])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(confirm(old_token).await, 404, "the old link stops working");
    assert_eq!(confirm(new_token).await, 200);
    let (_, detail) = api
        .get(&format!(
            "/api/v1/branches/northfield/disputes/{dispute}/eactions/{eaction}"
        ))
        .await;
    assert_eq!(
        (
            detail["campaign"]["signatures"].as_i64(),
            detail["campaign"]["pending"].as_i64()
        ),
        (Some(1), Some(0)),
        "one signature"
    );
    let (status, r) = sign(&app, dispute, eaction, body).await;
    assert_eq!(
        (status, r["outcome"].as_str()),
        (200, Some("already-signed"))
    );
}
