//! The campaign page in Debian's Chromium on a phone-sized window: the wall counter goes up
//! live when a message is approved, without a reload, and nothing is wider than the screen;
//! and the poster's QR code, as Chromium draws it, reads back as the page's address.

use fantoccini::Locator;
use picket_domain::disputes::DisputeStatus;
use picket_domain::{Nation, Role};
use picket_store::disputes::NewDispute;
use picket_test_support::{Browser, TestApp};
use std::time::Duration;

async fn counter(c: &fantoccini::Client, name: &str) -> String {
    c.find(Locator::Css(&format!("[data-counter={name}]")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn dispute(
    app: &TestApp,
    branch_id: picket_domain::BranchId,
) -> picket_store::disputes::Dispute {
    picket_test_support::in_unit!(app.store(), |w| w.create_dispute(
        branch_id,
        &NewDispute {
            title: "Mental health social workers".into(),
            employer: "Northfield Borough Council".into(),
            nation: Nation::England,
            status: DisputeStatus::InAction,
            summary: "A recruitment and retention payment".into(),
        },
    ))
    .unwrap()
}

#[tokio::test]
async fn the_wall_counter_rises_live_on_an_open_page() {
    let app = TestApp::spawn_with(|s| s.wall.posts_per_ip_per_hour = 100).await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "org@example.org", Role::Organiser).await;
    let token = app.api_token("org@example.org").await;
    let dispute = dispute(&app, branch.id).await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&app.url(&format!("/northfield/disputes/{}", dispute.id)))
        .await
        .unwrap();
    assert_eq!(counter(c, "wall_messages").await, "0");
    c.execute("window.__picketMarker = 1; return true;", vec![])
        .await
        .unwrap();
    let width = c
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        width[0].as_i64().unwrap() <= width[1].as_i64().unwrap(),
        "nothing wider than a 390px phone: {width}"
    );
    // Let the page's EventSource connect.
    tokio::time::sleep(Duration::from_millis(800)).await;

    let http = reqwest::Client::new();
    let (_, r) = app.public_api().post("/api/v1/branches/northfield/wall", &serde_json::json!({"name": "A resident", "kind": "resident", "message": "We back you"})).await;
    let id = r["id"].as_i64().unwrap();
    let ok = http
        .post(app.url(&format!("/api/v1/branches/northfield/wall/{id}/moderation")))
        .bearer_auth(&token)
        .json(&serde_json::json!({"action": "approve"}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let mut seen = String::new();
    for _ in 0..100 {
        seen = counter(c, "wall_messages").await;
        if seen == "1" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(seen, "1", "the counter rose without a reload");
    let marker = c
        .execute("return window.__picketMarker === 1;", vec![])
        .await
        .unwrap();
    assert_eq!(marker, serde_json::json!(true), "no reload happened");
    browser.close().await;
}

/// The QR codes found in a PNG image, decoded.
fn qr_codes_in(png_bytes: &[u8]) -> Vec<String> {
    let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes))
        .read_info()
        .unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    let channels = frame.color_type.samples();
    let (width, height) = (frame.width as usize, frame.height as usize);
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| {
        // The first channel is enough for a black-on-white code.
        pixels[(y * width + x) * channels]
    });
    image
        .detect_grids()
        .iter()
        .map(|grid| grid.decode().unwrap().1)
        .collect()
}

#[tokio::test]
async fn the_posters_qr_code_as_chromium_draws_it_reads_back_as_the_page_address() {
    let app = TestApp::spawn_with(|s| {
        s.server.public_url = "https://picket.example.org".into();
    })
    .await;
    let branch = app.branch("northfield").await;
    let dispute = dispute(&app, branch.id).await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&app.url(&format!("/northfield/disputes/{}/poster", dispute.id)))
        .await
        .unwrap();
    let qr = c.find(Locator::Css(".poster-qr .qr svg")).await.unwrap();
    let shot = qr.screenshot().await.unwrap();
    assert_eq!(
        qr_codes_in(&shot),
        vec![format!(
            "https://picket.example.org/northfield/disputes/{}",
            dispute.id
        )],
        "the code a phone camera reads leads to the campaign page"
    );
    browser.close().await;
}
