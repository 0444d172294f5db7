//! Members' self-service over HTTP: the sign-in link (request → email → confirmation page →
//! POST → session), their record and its corrections, the download of their data, refusals
//! (reuse, expiry), no difference between known and unknown addresses, and the rate limit.

use crate::support::{ask_for_link, confirm, token_in};
use chrono::{Duration, Utc};
use picket_domain::members::MemberDetails;
use picket_domain::MemberId;
use picket_store::contract::member_writes;
use picket_store::member_data::NewMagicLink;
use picket_store::Branch;
use picket_test_support::{extract_csrf, BodyText, TestApp};
use std::time::Duration as StdDuration;

async fn member(app: &TestApp, branch: &Branch, number: &str, name: &str, email: &str) -> MemberId {
    let team = member_writes::create_team(
        &*app.store(),
        branch.id,
        &format!("Team {number}"),
        Some("Civic Centre"),
    )
    .await
    .unwrap();
    let mut details = MemberDetails::new(number.parse().unwrap(), name);
    details.email = Some(email.parse().unwrap());
    details.job_title = Some("Social worker".into());
    details.employer = Some("Northfield Council".into());
    member_writes::create_member(&*app.store(), branch.id, &details, Some(team.id))
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn a_member_signs_in_by_link_corrects_their_details_and_downloads_their_data() {
    let app = TestApp::spawn().await;
    let branch = app.branch("northfield").await;
    let id = member(&app, &branch, "N100", "Ana Rees", "ana@example.org").await;
    let client = app.client();

    // Not signed in: /me leads to the link form.
    let r = client.get(app.url("/northfield/me")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/northfield/me/login");

    let (status, body) = ask_for_link(&app, &client, "northfield", "ANA@example.org").await;
    assert_eq!(status, 200);
    assert!(body.contains("If we know this address"), "{body}");
    let sent = app.mailer.wait_for(1, StdDuration::from_secs(10)).await;
    assert_eq!(sent[0].to, "ana@example.org");
    let token = token_in(&sent[0].text);
    assert!(sent[0].text.contains(&format!(
        "{}/login/link?token=",
        app.settings.server.public_url
    )));

    // Following the link (twice, as a mail scanner would) spends nothing.
    for _ in 0..2 {
        let page = client
            .get(app.url(&format!("/login/link?token={token}")))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("id=\"confirm-sign-in\""), "{html}");
    }
    let r = confirm(&app, &client, &token).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/northfield/me");
    assert!(r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("HttpOnly"));

    let page = client.get(app.url("/northfield/me")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Ana Rees") && html.contains("N100") && html.contains("Team N100"),
        "{html}"
    );
    assert!(html.contains(&app.settings.self_service.consent_wording));

    // A bad phone number: the form comes back with what was typed and the field named.
    let csrf = extract_csrf(&html).unwrap();
    let bad = client
        .post(app.url("/northfield/me"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("email", "ana@example.org"),
            ("phone", "call me"),
            ("contact_email", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.unwrap();
    assert!(
        html.contains("phone number") && html.contains("value=\"call me\""),
        "{html}"
    );

    let saved = client
        .post(app.url("/northfield/me"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("email", "ana.rees@example.org"),
            ("phone", "07700 900123"),
            ("contact_email", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 303);
    let html = client
        .get(app.url("/northfield/me?saved=2"))
        .body_text()
        .await;
    assert!(html.contains("Your changes are saved") && html.contains("07700 900123"));
    // The new address waits for the link sent to it.
    let record = app.store().member(branch.id, id).await.unwrap();
    assert_eq!(record.details.email.unwrap().as_str(), "ana@example.org");
    let sent = app.mailer.wait_for(2, StdDuration::from_secs(10)).await;
    assert_eq!(sent[1].to, "ana.rees@example.org");
    let change = token_in(&sent[1].text);
    let page = client
        .get(app.url(&format!("/northfield/me/confirm-email?token={change}")))
        .body_text()
        .await;
    let form_csrf = extract_csrf(&page).unwrap();
    let used = client
        .post(app.url("/northfield/me/confirm-email"))
        .form(&[
            ("csrf_token", form_csrf.as_str()),
            ("token", change.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(used.status(), 200);
    let record = app.store().member(branch.id, id).await.unwrap();
    assert_eq!(
        record.details.email.unwrap().as_str(),
        "ana.rees@example.org"
    );
    assert!(record.details.contact.by_email && !record.details.contact.by_phone);
    assert_eq!(
        record.details.contact.consent_date,
        Some(Utc::now().date_naive())
    );

    // The JSON download.
    let r = client
        .get(app.url("/northfield/me/data.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"picket-northfield-member-"));
    let data: serde_json::Value = r.json().await.unwrap();
    assert_eq!(data["member"]["id"], id.0);
    assert_eq!(data["member"]["name"], "Ana Rees");
    assert_eq!(data["member"]["phone"], "07700 900123");
    assert_eq!(data["member"]["job_title"], "Social worker");
    assert_eq!(data["consent_history"].as_array().unwrap().len(), 1);
    assert_eq!(data["consent_history"][0]["by_email"], true);
    assert_eq!(data["consent_history"][0]["source"], "member");
    assert_eq!(data["account"]["email"], "ana.rees@example.org");
    assert_eq!(data["account"]["has_password"], false);
    assert_eq!(data["roles"][0]["role"], "member");
    let links = data["sign_in_links"].as_array().unwrap();
    assert_eq!(links.len(), 1);
    assert!(links[0]["used_at"].is_string());
    assert!(links[0].get("token_hash").is_none());
    let about: Vec<&str> = data["audit_about_member"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    for action in [
        "member.link.sent",
        "login.link",
        "member.self.view",
        "member.self.update",
        "member.email.requested",
        "member.email.confirmed",
        "member.subject_access",
    ] {
        assert!(about.contains(&action), "{action} missing from {about:?}");
    }
    assert!(!data["audit_by_member"].as_array().unwrap().is_empty());

    // The readable download.
    let r = client
        .get(app.url("/northfield/me/data.html"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains(".html\""));
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Ana Rees")
            && html.contains("Consent history")
            && html.contains("07700 900123")
    );
    // Who read or changed the record, in words; the codes stay in the JSON.
    assert!(
        html.contains("Ana Rees corrected their own record"),
        "{html}"
    );
    assert!(!html.contains("member.self.update"), "{html}");

    // The link is spent: a second use is refused with a way to a new one.
    let again = confirm_post_only(&app, &token).await;
    assert_eq!(again.status(), 410);
    let html = again.text().await.unwrap();
    assert!(
        html.contains("already been used") && html.contains("/northfield/me/login"),
        "{html}"
    );
}

/// Posts a token with a fresh client (a CSRF token from the link form first).
async fn confirm_post_only(app: &TestApp, token: &str) -> reqwest::Response {
    let client = app.client();
    let csrf = app.csrf_token(&client, "/northfield/me/login").await;
    client
        .post(app.url("/login/link"))
        .form(&[("csrf_token", csrf.as_str()), ("token", token)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn expired_and_unknown_links_are_refused() {
    let app = TestApp::spawn().await;
    let branch = app.branch("northfield").await;
    let id = member(&app, &branch, "N200", "Bo Lind", "bo@example.org").await;
    let token = "expired-token-for-the-test";
    let link = NewMagicLink {
        branch: branch.id,
        member_id: id,
        token_hash: picket_web::account::tokens::hash_token(token),
        expires_at: Utc::now() - Duration::minutes(1),
    };
    member_writes::create_magic_link(&*app.store(), &link, None)
        .await
        .unwrap();
    let page = reqwest::get(app.url(&format!("/login/link?token={token}")))
        .await
        .unwrap();
    assert_eq!(page.status(), 410);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("expired") && html.contains("/northfield/me/login"),
        "{html}"
    );
    let r = confirm_post_only(&app, token).await;
    assert_eq!(r.status(), 410);
    assert!(r
        .headers()
        .get("set-cookie")
        .is_none_or(|c| !c.to_str().unwrap().contains("picket_session")));

    let unknown = reqwest::get(app.url("/login/link?token=nothing-like-it"))
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    assert!(unknown.text().await.unwrap().contains("not one we sent"));
    let r = confirm_post_only(&app, "nothing-like-it").await;
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn known_and_unknown_addresses_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let branch = app.branch("northfield").await;
    member(&app, &branch, "N300", "Cy Moss", "cy@example.org").await;
    let client = app.client();
    let (known_status, known) = ask_for_link(&app, &client, "northfield", "cy@example.org").await;
    let (unknown_status, unknown) =
        ask_for_link(&app, &client, "northfield", "nobody@example.org").await;
    assert_eq!((known_status, unknown_status), (200, 200));
    // The pages differ only in the address echoed back in the (hidden) form value.
    assert_eq!(
        known.replace("cy@example.org", "X"),
        unknown.replace("nobody@example.org", "X")
    );
    let sent = app.mailer.wait_for(1, StdDuration::from_secs(10)).await;
    tokio::time::sleep(StdDuration::from_millis(1500)).await;
    assert_eq!(
        app.mailer.sent().len(),
        1,
        "only the known address gets mail"
    );
    assert_eq!(sent[0].to, "cy@example.org");

    // A malformed address is named, and the form keeps it.
    let (status, body) = ask_for_link(&app, &client, "northfield", "not an address").await;
    assert_eq!(status, 422);
    assert!(body.contains("Enter the email address") && body.contains("value=\"not an address\""));
    // An unknown branch is a 404.
    let r = client
        .get(app.url("/nowhere/me/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn link_requests_are_rate_limited_per_address_and_per_client() {
    let app = TestApp::spawn_with(|s| {
        s.self_service.links_per_email_per_hour = 2;
        s.self_service.links_per_ip_per_hour = 4;
    })
    .await;
    let branch = app.branch("northfield").await;
    member(&app, &branch, "N400", "Di Ford", "di@example.org").await;
    let client = app.client();
    for _ in 0..2 {
        assert_eq!(
            ask_for_link(&app, &client, "northfield", "di@example.org")
                .await
                .0,
            200
        );
    }
    let path = "/northfield/me/login";
    let csrf = app.csrf_token(&client, path).await;
    let r = client
        .post(app.url(path))
        .form(&[("csrf_token", csrf.as_str()), ("email", "di@example.org")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "3600");
    assert!(r.text().await.unwrap().contains("Too many sign-in links"));
    // An unknown address counts the same, then the client's own limit applies.
    for _ in 0..2 {
        assert_eq!(
            ask_for_link(&app, &client, "northfield", "else@example.org")
                .await
                .0,
            200
        );
    }
    assert_eq!(
        ask_for_link(&app, &client, "northfield", "third@example.org")
            .await
            .0,
        429
    );
    let sent = app.mailer.wait_for(2, StdDuration::from_secs(10)).await;
    assert_eq!(sent.len(), 2);
}

#[tokio::test]
async fn parallel_link_requests_cannot_pass_the_limits() {
    let app = TestApp::spawn_with(|s| {
        s.self_service.links_per_email_per_hour = 3;
        s.self_service.links_per_ip_per_hour = 100;
    })
    .await;
    let branch = app.branch("northfield").await;
    member(&app, &branch, "N500", "Ed Gale", "ed@example.org").await;
    let client = app.client();
    let path = "/northfield/me/login";
    let csrf = app.csrf_token(&client, path).await;
    let burst = (0..20).map(|_| {
        let client = client.clone();
        let csrf = csrf.clone();
        let url = app.url(path);
        async move {
            client
                .post(url)
                .form(&[("csrf_token", csrf.as_str()), ("email", "ed@example.org")])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    });
    let statuses = futures::future::join_all(burst).await;
    let sent = statuses.iter().filter(|s| **s == 200).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((sent, refused), (3, 17), "{statuses:?}");
    let links = app.mailer.wait_for(3, StdDuration::from_secs(10)).await;
    assert_eq!(links.len(), 3);

    // The per-client limit holds the same way.
    let app = TestApp::spawn_with(|s| {
        s.self_service.links_per_email_per_hour = 100;
        s.self_service.links_per_ip_per_hour = 4;
    })
    .await;
    app.branch("northfield").await;
    let client = app.client();
    let csrf = app.csrf_token(&client, path).await;
    let burst = (0..20).map(|i| {
        let client = client.clone();
        let csrf = csrf.clone();
        let url = app.url(path);
        async move {
            client
                .post(url)
                .form(&[
                    ("csrf_token", csrf.as_str()),
                    ("email", format!("someone{i}@example.org").as_str()),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    });
    let statuses = futures::future::join_all(burst).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        4,
        "{statuses:?}"
    );
}
