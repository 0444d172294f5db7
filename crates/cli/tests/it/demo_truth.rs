//! `picket demo` tells the truth about its own data, on the backend under test: wall messages
//! are dated within the dispute (not on the day the demo starts), each demo login of the
//! branch opens a record with its own name and address, and no ballot step is marked done
//! before the day the ballot's card gives for it.

use crate::support::picket;
use chrono::NaiveDate;
use picket_store::prelude::*;
use picket_store::wall::WallFilter;
use picket_store::PageRequest;
use picket_test_support::db::fresh_url;
use std::io::{BufRead, BufReader};
use std::process::Stdio;

#[tokio::test]
async fn the_demo_dates_its_wall_links_each_login_to_its_own_record_and_orders_ballot_steps() {
    let (url, _guard) = fresh_url().await;
    let mut child = picket()
        .args(["demo", "--addr", "127.0.0.1:0", "--database-url", &url])
        .command()
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the demo");
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seeded = false;
    for line in lines {
        if line.unwrap().starts_with("Dispute desk: ") {
            seeded = true;
            break;
        }
    }
    assert!(seeded, "the demo printed its desk address");
    let store = match picket_test_support::test_backend() {
        picket_store::Backend::Sqlite => picket_store_sqlite::connect(&url, 2).await.unwrap(),
        picket_store::Backend::Postgres => picket_store_postgres::connect(&url, 2).await.unwrap(),
    };
    let branch = store.branch_by_slug("northfield").await.unwrap();
    let day = |s: &str| s.parse::<NaiveDate>().unwrap();

    // The wall: every message sent between the first ballot's result and the last strike.
    let wall = store
        .wall_messages(branch.id, WallFilter::default(), PageRequest::new(1, 200))
        .await
        .unwrap();
    assert!(wall.total > 10);
    for m in &wall.items {
        let sent = m.created_at.date_naive();
        assert!(
            (day("2023-09-01")..=day("2024-07-12")).contains(&sent),
            "a wall message dated {sent}, outside the dispute"
        );
        if let Some(moderated) = m.moderated_at {
            assert!(moderated >= m.created_at, "moderated before it was sent");
        }
    }

    // Each login of the branch opens its own record.
    for (email, name) in [
        ("organiser@picket.example", "Dana Whitlock"),
        ("treasurer@picket.example", "Priya Ashdown"),
        ("rep@picket.example", "Tomasz Hale"),
        ("member@picket.example", "Sam Okonjo-Reyes"),
    ] {
        let user = store.user_by_email(email).await.unwrap();
        let own = store
            .member_for_user(branch.id, user.id)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{email} has a member record"));
        assert_eq!(own.details.name, name, "{email} opens their own record");
        assert_eq!(own.details.email.unwrap().as_str(), email);
    }

    // Ballot steps: done on or after the dates the ballot gives, and by their deadlines.
    let dispute = store.disputes(branch.id).await.unwrap()[0].id;
    let periods = store.action_periods(branch.id, dispute).await.unwrap();
    let mut checked = 0;
    for ballot in store.ballots(branch.id, dispute).await.unwrap() {
        for step in store.steps(branch.id, dispute, ballot.id).await.unwrap() {
            let Some(done) = step.done else { continue };
            if let Some(due) = step.due {
                assert!(done <= due, "{}: done after its deadline", step.name);
            }
            if step.name.starts_with("Tell the employer the result") {
                let told = ballot.result_to_employer.expect("the card gives the day");
                assert_eq!(done, told, "{}: {done}, the card says {told}", step.name);
                checked += 1;
            }
            if step.name.starts_with("Tell everyone") {
                assert!(
                    done >= ballot.closed,
                    "{}: before the ballot closed",
                    step.name
                );
            }
            if step.name.starts_with("Notice of industrial action") {
                let first = periods
                    .iter()
                    .filter(|p| p.starts > ballot.closed)
                    .min_by_key(|p| p.starts)
                    .and_then(|p| p.notice_received)
                    .expect("a notice under the mandate");
                assert_eq!(done, first, "{}", step.name);
                assert!(
                    ballot.result_to_employer.is_none_or(|told| done >= told),
                    "notice of action before the employer was told the result"
                );
            }
        }
    }
    assert_eq!(checked, 2, "both statutory ballots were checked");
    let _ = child.kill();
    let _ = child.wait();
}
