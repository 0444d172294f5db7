//! Who may keep a response: every page and API answer for a signed-in person (and every page
//! that sets no policy of its own) is `Cache-Control: no-store`, so personal data never stays
//! in a browser's or a proxy's cache; public documents keep their public caching.

use picket_domain::disputes::DisputeStatus;
use picket_domain::members::MemberDetails;
use picket_domain::{Nation, Role};
use picket_store::contract::member_writes;
use picket_store::disputes::NewDispute;
use picket_test_support::TestApp;

struct Site {
    app: TestApp,
    member: picket_domain::MemberId,
    dispute: picket_domain::DisputeId,
}

async fn site() -> Site {
    let app = TestApp::spawn().await;
    let branch = app.branch("north").await;
    app.user(&branch, "org@example.org", Role::Organiser).await;
    app.user(&branch, "ana@example.org", Role::Member).await;
    let store = app.store();
    let mut details = MemberDetails::new("N1".parse().unwrap(), "Ana Lopez");
    details.email = Some("ana@example.org".parse().unwrap());
    let member = member_writes::create_member(&*store, branch.id, &details, None)
        .await
        .unwrap()
        .id;
    let ana = store.user_by_email("ana@example.org").await.unwrap();
    member_writes::link_member_user(&*store, branch.id, member, Some(ana.id))
        .await
        .unwrap();
    let dispute = picket_test_support::in_unit!(store, |w| w.create_dispute(
        branch.id,
        &NewDispute {
            title: "Pay".into(),
            employer: "Northfield Council".into(),
            nation: Nation::England,
            status: DisputeStatus::InAction,
            summary: "A fair rise".into(),
        },
    ))
    .unwrap()
    .id;
    Site {
        app,
        member,
        dispute,
    }
}

/// GETs `path` with `client` and returns its status and `Cache-Control`.
async fn cache_control(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    let r = client.get(app.url(path)).send().await.unwrap();
    let policy = r
        .headers()
        .get("cache-control")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (r.status().as_u16(), policy)
}

#[tokio::test]
async fn signed_in_pages_and_personal_data_are_never_stored() {
    let s = site().await;
    let (app, m, d) = (&s.app, s.member, s.dispute);
    let org = app.client();
    app.login(&org, "org@example.org").await;
    let organiser_pages = [
        "/dashboard".to_string(),
        "/north/members?reason=record-keeping".into(),
        format!("/north/members/{m}?reason=record-keeping"),
        format!("/north/members/{m}/subject-access"),
        "/north/members/export.csv?reason=record-keeping".into(),
        "/north/members/audit".into(),
        "/north/wall/moderate".into(),
        "/north/wall/pledges".into(),
        "/north/admin/users".into(),
        "/north/disputes".into(),
        // Pages anonymous visitors share are rendered for a signed-in person, and not kept.
        format!("/north/disputes/{d}"),
        "/north/wall".into(),
    ];
    for path in &organiser_pages {
        assert_eq!(
            cache_control(app, &org, path).await,
            (200, "no-store".into()),
            "{path}"
        );
    }

    let ana = app.client();
    app.login(&ana, "ana@example.org").await;
    for path in ["/north/me", "/dashboard"] {
        assert_eq!(
            cache_control(app, &ana, path).await,
            (200, "no-store".into()),
            "{path}"
        );
    }

    let token = app.api_token("org@example.org").await;
    let api = reqwest::Client::builder()
        .default_headers(
            [(
                reqwest::header::AUTHORIZATION,
                format!("Bearer {token}").parse().unwrap(),
            )]
            .into_iter()
            .collect(),
        )
        .build()
        .unwrap();
    for path in [
        "/api/v1/me".to_string(),
        "/api/v1/branches".into(),
        "/api/v1/branches/north/members?reason=organising".into(),
        format!("/api/v1/branches/north/members/{m}?reason=organising"),
        format!("/api/v1/branches/north/members/{m}/subject-access?reason=SAR%20received"),
        "/api/v1/branches/north/users".into(),
        // A refusal to a token holder is not kept either.
        "/api/v1/branches/north/members".into(),
    ] {
        let (status, policy) = cache_control(app, &api, &path).await;
        assert!(status == 200 || status == 422, "{path}: {status}");
        assert_eq!(policy, "no-store", "{path}");
    }
}

#[tokio::test]
async fn public_documents_keep_their_public_caching() {
    let s = site().await;
    let (app, d) = (&s.app, s.dispute);
    let public = reqwest::Client::new();
    let shared = [
        (format!("/north/disputes/{d}"), "public, max-age=10"),
        (
            format!("/north/disputes/{d}/strikes.ics"),
            "public, max-age=300",
        ),
        ("/north/wall/feed.atom".to_string(), "public, max-age=60"),
        ("/north/wall".to_string(), "no-cache"),
    ];
    for (path, policy) in &shared {
        assert_eq!(
            cache_control(app, &public, path).await,
            (200, (*policy).to_string()),
            "{path}"
        );
    }
    // The same document for everyone: a signed-in person's copy of a feed or calendar keeps
    // its policy too.
    let org = app.client();
    app.login(&org, "org@example.org").await;
    for (path, policy) in &shared[1..3] {
        assert_eq!(
            cache_control(app, &org, path).await,
            (200, (*policy).to_string()),
            "{path}"
        );
    }
    // A page that sets no policy (the sign-in form) is not kept.
    assert_eq!(
        cache_control(app, &public, "/login").await,
        (200, "no-store".into())
    );
}
