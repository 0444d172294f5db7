//! Signing in: where a sign-in sends the browser afterwards (never off the site, never a 500),
//! and sign-in throttling that holds under parallel requests and cannot lock an office out.

use picket_domain::Role;
use picket_store::PageRequest;
use picket_test_support::{extract_csrf, TestApp, TEST_PASSWORD};

/// `next` values a browser would follow to another site (tabs, CR and LF are dropped by
/// browsers; a backslash reads as a slash), percent-encoded for a query string.
const HOSTILE_NEXT: &[&str] = &[
    "%2F%09%2Fevil.example%2Fx",
    "/%09/evil.example/x",
    "%2F%0D%0A%2Fevil.example%2Fx",
    "%2F%0A%2Fevil.example",
    "%5C%2Fevil.example",
    "%2F%5Cevil.example",
    "%2F%2Fevil.example",
    "http%3Aevil.example",
    "https%3A%2F%2Fevil.example",
    "%2F%252F%2Fevil.example",
    "%2F%2509%2Fevil.example",
];

#[tokio::test]
async fn a_signed_in_visit_to_the_sign_in_page_never_leaves_the_site() {
    let app = TestApp::spawn().await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "dana@example.org", Role::Organiser).await;
    let client = app.client();
    app.login(&client, "dana@example.org").await;

    for next in HOSTILE_NEXT {
        let r = client
            .get(app.url(&format!("/login?next={next}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "next={next}");
        assert_eq!(r.headers()["location"], "/dashboard", "next={next}");
    }
    let r = client
        .get(app.url("/login?next=%2Fnorthfield%2Fadmin%2Fusers"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/northfield/admin/users");
}

#[tokio::test]
async fn signing_in_with_a_hostile_next_goes_to_the_dashboard_with_a_session() {
    let app = TestApp::spawn().await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "dana@example.org", Role::Organiser).await;

    for next in [
        "/\t/evil.example/x",
        "/\r\n/evil.example/x",
        "/\n/evil.example/x",
        "\\/evil.example",
        "/\\evil.example",
        "http:evil.example",
        "/%09/evil.example/x",
        "/x\r\nSet-Cookie: picket_session=stolen",
    ] {
        let client = app.client();
        let csrf = app.csrf_token(&client, "/login").await;
        let r = client
            .post(app.url("/login"))
            .form(&[
                ("csrf_token", csrf.as_str()),
                ("email", "dana@example.org"),
                ("password", TEST_PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "next={next:?}");
        assert_eq!(r.headers()["location"], "/dashboard", "next={next:?}");
        let cookies: Vec<_> = r.headers().get_all("set-cookie").iter().collect();
        assert_eq!(cookies.len(), 1, "next={next:?}: {cookies:?}");
        assert!(cookies[0].to_str().unwrap().starts_with("picket_session="));
        let dash = client.get(app.url("/dashboard")).send().await.unwrap();
        assert_eq!(dash.status(), 200, "signed in after next={next:?}");
    }

    let client = app.client();
    let csrf = app.csrf_token(&client, "/login").await;
    let r = client
        .post(app.url("/login"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("email", "dana@example.org"),
            ("password", TEST_PASSWORD),
            ("next", "/northfield/members?q=ann"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/northfield/members?q=ann");

    let audit = app
        .store()
        .audit_entries(None, PageRequest::default())
        .await
        .unwrap();
    let signed_in = audit
        .items
        .iter()
        .filter(|e| e.action == "login.ok")
        .count();
    assert_eq!(
        signed_in, 9,
        "one login.ok per sign-in, each with its cookie"
    );
}

#[tokio::test]
async fn the_sign_in_form_keeps_next_as_text() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let html = client
        .get(app.url("/login?next=%2F%22%3E%3Cscript%3E"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(extract_csrf(&html).is_some());
    assert!(!html.contains("\"><script>"), "{html}");
}

/// Posts the sign-in form from the client address `ip` (the app trusts `X-Forwarded-For`).
async fn sign_in_from(app: &TestApp, ip: &str, email: &str, password: &str) -> u16 {
    let client = app.client();
    let csrf = app.csrf_token(&client, "/login").await;
    client
        .post(app.url("/login"))
        .header("x-forwarded-for", ip)
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_parallel_burst_of_wrong_passwords_gets_no_more_guesses_than_the_limit() {
    let app = TestApp::spawn().await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "dana@example.org", Role::Member).await;
    let client = app.client();
    let csrf = app.csrf_token(&client, "/login").await;
    let burst = (0..25).map(|i| {
        let client = client.clone();
        let csrf = csrf.clone();
        let url = app.url("/login");
        async move {
            client
                .post(url)
                .form(&[
                    ("csrf_token", csrf.as_str()),
                    ("email", "dana@example.org"),
                    ("password", format!("guess number {i}").as_str()),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    });
    let statuses = futures::future::join_all(burst).await;
    let wrong = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(wrong + refused, 25, "{statuses:?}");
    assert_eq!(
        wrong, app.settings.security.max_failures_per_pair as usize,
        "only as many passwords were checked as the limit allows: {statuses:?}"
    );
    assert_eq!(
        app.login_with(&client, "dana@example.org", TEST_PASSWORD)
            .await
            .status(),
        429
    );
}

#[tokio::test]
async fn failures_at_a_shared_address_do_not_lock_out_a_colleague() {
    let app = TestApp::spawn_with(|s| s.server.trust_proxy_headers = true).await;
    let branch = app.branch("northfield").await;
    let office = "198.51.100.7";
    for i in 0..6 {
        app.user(&branch, &format!("user{i}@example.org"), Role::Member)
            .await;
    }
    app.user(&branch, "colleague@example.org", Role::Member)
        .await;
    // 30 failures from the office on six accounts (five each): the old per-address limit.
    for i in 0..6 {
        for _ in 0..5 {
            assert_eq!(
                sign_in_from(&app, office, &format!("user{i}@example.org"), "wrong guess").await,
                401
            );
        }
        assert_eq!(
            sign_in_from(&app, office, &format!("user{i}@example.org"), TEST_PASSWORD).await,
            429,
            "five failures for one account from one address stop that pair"
        );
    }
    assert_eq!(
        sign_in_from(&app, office, "colleague@example.org", TEST_PASSWORD).await,
        303,
        "a colleague at the same address still signs in"
    );
    assert_eq!(
        sign_in_from(&app, "203.0.113.9", "user0@example.org", TEST_PASSWORD).await,
        303,
        "the account's owner signs in from home"
    );
}

#[tokio::test]
async fn one_address_failing_on_many_accounts_is_throttled_and_so_is_one_account_from_many() {
    let app = TestApp::spawn_with(|s| {
        s.server.trust_proxy_headers = true;
        s.security.max_failures_per_ip = 12;
        s.security.max_failures_per_pair = 3;
        s.security.max_failures_per_email = 6;
    })
    .await;
    let branch = app.branch("northfield").await;
    for i in 0..5 {
        app.user(&branch, &format!("user{i}@example.org"), Role::Member)
            .await;
    }
    let office = "198.51.100.7";
    for i in 0..3 {
        for _ in 0..3 {
            let status =
                sign_in_from(&app, office, &format!("user{i}@example.org"), "wrong guess").await;
            assert_eq!(status, 401);
        }
    }
    assert_eq!(
        sign_in_from(&app, office, "user3@example.org", TEST_PASSWORD).await,
        303,
        "below the address's ceiling others sign in"
    );
    for _ in 0..3 {
        assert_eq!(
            sign_in_from(&app, office, "user3@example.org", "wrong guess").await,
            401
        );
    }
    assert_eq!(
        sign_in_from(&app, office, "user4@example.org", TEST_PASSWORD).await,
        429,
        "twelve failures from one address stop it"
    );
    assert_eq!(
        sign_in_from(&app, "203.0.113.9", "user4@example.org", TEST_PASSWORD).await,
        303,
        "other addresses are not affected"
    );

    // One account guessed from many addresses: the account's own limit.
    for n in 0..6 {
        let ip = format!("192.0.2.{n}");
        assert_eq!(
            sign_in_from(&app, &ip, "user4@example.org", "wrong guess").await,
            401
        );
    }
    assert_eq!(
        sign_in_from(&app, "192.0.2.200", "user4@example.org", TEST_PASSWORD).await,
        429
    );

    let audit = app
        .store()
        .audit_entries(None, PageRequest::default())
        .await
        .unwrap();
    let throttled: Vec<_> = audit
        .items
        .iter()
        .filter(|e| e.action == "login.throttled")
        .filter_map(|e| e.detail.clone())
        .collect();
    assert!(
        throttled.contains(&"limit per address".to_string())
            && throttled.contains(&"limit per account".to_string()),
        "{throttled:?}"
    );
}
