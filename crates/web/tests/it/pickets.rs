//! The organiser's picket locations page: organisers add, correct and remove locations
//! (audited) and the public campaign page shows them at once; a bad field is named with what
//! was typed kept; members get 403 and other branches 404.

use picket_domain::disputes::DisputeStatus;
use picket_domain::{Nation, Role};
use picket_store::disputes::NewDispute;
use picket_store::PageRequest;
use picket_test_support::{extract_csrf, BodyText, TestApp};

async fn form(
    app: &TestApp,
    client: &reqwest::Client,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let html = client.get(app.url(page)).body_text().await;
    let token = extract_csrf(&html).expect("a form");
    let mut body: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
    body.extend_from_slice(fields);
    client
        .post(app.url(action))
        .form(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn organisers_keep_the_picket_locations_the_campaign_page_shows() {
    let app = TestApp::spawn().await;
    let north = app.branch("northfield").await;
    let south = app.branch("southgate").await;
    app.user(&north, "org@example.org", Role::Organiser).await;
    app.user(&north, "mem@example.org", Role::Member).await;
    app.user(&south, "other@example.org", Role::Organiser).await;
    let dispute = picket_test_support::in_unit!(app.store(), |w| w.create_dispute(
        north.id,
        &NewDispute {
            title: "Pay".into(),
            employer: "Council".into(),
            nation: Nation::England,
            status: DisputeStatus::InAction,
            summary: "A fair rise".into(),
        },
    ))
    .unwrap();
    let page = format!("/northfield/disputes/{}/pickets", dispute.id);
    let public = format!("/northfield/disputes/{}", dispute.id);
    let org = app.client();
    app.login(&org, "org@example.org").await;

    // Warm the public page's cache: a change must still show at once.
    let before = reqwest::get(app.url(&public))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(before.contains("Picket locations will be posted here."));

    // A bad map link is named, and what was typed is kept.
    let bad = form(
        &app,
        &org,
        &page,
        &page,
        &[
            ("place", "Civic Centre gate"),
            ("address", "1 High St"),
            ("times", "7.30am to 10am"),
            ("map_url", "javascript:alert(1)"),
        ],
    )
    .await;
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.unwrap();
    assert!(html.contains("The map link must be a web address"));
    assert!(html.contains(r#"name="map_url" type="url" maxlength="500" placeholder="https://www.openstreetmap.org/…" value="javascript:alert(1)" aria-invalid="true""#));
    assert!(html.contains(r#"value="Civic Centre gate""#));
    let missing = form(
        &app,
        &org,
        &page,
        &page,
        &[("place", "Gate"), ("times", " ")],
    )
    .await;
    assert_eq!(missing.status(), 422);
    assert!(missing
        .text()
        .await
        .unwrap()
        .contains("Say when people should come"));
    assert!(app
        .store()
        .picket_locations(north.id, dispute.id)
        .await
        .unwrap()
        .is_empty());

    let added = form(
        &app,
        &org,
        &page,
        &page,
        &[
            ("place", "Civic Centre gate"),
            ("address", "1 High St"),
            ("times", "7.30am to 10am"),
            ("map_url", "https://www.openstreetmap.org/?mlat=52&mlon=-1"),
        ],
    )
    .await;
    assert_eq!(added.status(), 303);
    let location = app
        .store()
        .picket_locations(north.id, dispute.id)
        .await
        .unwrap()[0]
        .id;
    let shown = reqwest::get(app.url(&public))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(shown.contains("Civic Centre gate"), "shown at once");

    // Correct it; a failed correction keeps what was typed in that location's form.
    let action = format!("{page}/{location}");
    let failed = form(
        &app,
        &org,
        &page,
        &action,
        &[("action", "save"), ("place", ""), ("times", "9am")],
    )
    .await;
    assert_eq!(failed.status(), 422);
    assert!(failed.text().await.unwrap().contains("Name the place"));
    let saved = form(
        &app,
        &org,
        &page,
        &action,
        &[
            ("action", "save"),
            ("place", "Depot, back gate"),
            ("times", "6am to 9am"),
            ("map_url", ""),
        ],
    )
    .await;
    assert_eq!(saved.status(), 303);
    let shown = reqwest::get(app.url(&public))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(shown.contains("Depot, back gate") && !shown.contains("Civic Centre gate"));

    // Members may not change them; another branch does not see them.
    let member = app.client();
    app.login(&member, "mem@example.org").await;
    assert_eq!(
        member.get(app.url(&page)).send().await.unwrap().status(),
        403
    );
    let other = app.client();
    app.login(&other, "other@example.org").await;
    assert_eq!(
        other.get(app.url(&page)).send().await.unwrap().status(),
        404
    );
    let token = app.csrf_token(&other, "/dashboard").await;
    let sneaky = other
        .post(app.url(&action))
        .form(&[("csrf_token", token.as_str()), ("action", "delete")])
        .send()
        .await
        .unwrap();
    assert_eq!(sneaky.status(), 404);

    let removed = form(&app, &org, &page, &action, &[("action", "delete")]).await;
    assert_eq!(removed.status(), 303);
    assert!(app
        .store()
        .picket_locations(north.id, dispute.id)
        .await
        .unwrap()
        .is_empty());

    let audit = app
        .store()
        .audit_entries(Some(north.id), PageRequest::new(1, 50))
        .await
        .unwrap();
    let actions: Vec<&str> = audit.items.iter().map(|e| e.action.as_str()).collect();
    for want in [
        "dispute.picket.add",
        "dispute.picket.update",
        "dispute.picket.delete",
    ] {
        assert!(actions.contains(&want), "{want} audited: {actions:?}");
    }
}
