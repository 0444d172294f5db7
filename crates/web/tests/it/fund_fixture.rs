//! The strike fund tests' branch: a treasurer, an organiser, a rep of the duty team and two
//! members with logins; a dispute whose strike from 13 to 17 May 2024 calls out the duty
//! team; members Ana (duty team, linked to member@, daily pay £120), Ben (duty team, linked
//! to other@) and Cy (admin team, not called out).

use chrono::NaiveDate;
use picket_domain::disputes::{ActionKind, DisputeStatus};
use picket_domain::members::MemberDetails;
use picket_domain::{DisputeId, MemberId, Nation, Role};
use picket_store::contract::member_writes;
use picket_store::disputes::{NewActionPeriod, NewDispute};
use picket_store::Branch;
use picket_test_support::{extract_csrf, BodyText, TestApp};

pub struct Fund {
    pub app: TestApp,
    pub branch: Branch,
    pub dispute: DisputeId,
    pub ana: MemberId,
    pub ben: MemberId,
    pub cy: MemberId,
}

pub fn may(n: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 5, n).unwrap()
}

impl Fund {
    pub async fn new() -> Fund {
        let app = TestApp::spawn().await;
        let branch = app.branch("northfield").await;
        for (email, role) in [
            ("treasurer@example.org", Role::Treasurer),
            ("organiser@example.org", Role::Organiser),
            ("rep@example.org", Role::Rep),
            ("member@example.org", Role::Member),
            ("other@example.org", Role::Member),
        ] {
            app.user(&branch, email, role).await;
        }
        let store = app.store();
        let dispute = picket_test_support::in_unit!(store, |w| w.create_dispute(
            branch.id,
            &NewDispute {
                title: "Safe staffing".into(),
                employer: "Northfield Council".into(),
                nation: Nation::England,
                status: DisputeStatus::InAction,
                summary: "Safe caseloads".into(),
            },
        ))
        .unwrap()
        .id;
        picket_test_support::in_unit!(store, |w| w.create_action_period(
            branch.id,
            dispute,
            &NewActionPeriod {
                ballot_id: None,
                kind: ActionKind::Strike,
                starts: may(13),
                ends: may(17),
                teams: "Duty team".into(),
                called_out: Some(picket_domain::bargaining::HandFigure::new(
                    2,
                    "members not yet imported"
                )),
                notice_received: None,
                holidays_as_strike: Vec::new(),
            }
        ))
        .unwrap();
        let duty = member_writes::create_team(&*store, branch.id, "Duty team", None)
            .await
            .unwrap();
        let admin = member_writes::create_team(&*store, branch.id, "Admin team", None)
            .await
            .unwrap();
        let mut made = Vec::new();
        for (number, name, team, pay) in [
            ("N1", "Ana Rees", duty.id, Some(12_000)),
            ("N2", "Ben Okafor", duty.id, None),
            ("N3", "Cy Morgan", admin.id, None),
        ] {
            let mut details = MemberDetails::new(number.parse().unwrap(), name);
            details.daily_pay_pence = pay;
            made.push(
                member_writes::create_member(&*store, branch.id, &details, Some(team))
                    .await
                    .unwrap()
                    .id,
            );
        }
        for (member, email) in [
            (made[0], "member@example.org"),
            (made[1], "other@example.org"),
        ] {
            let user = store.user_by_email(email).await.unwrap();
            member_writes::link_member_user(&*store, branch.id, member, Some(user.id))
                .await
                .unwrap();
        }
        let rep = store.user_by_email("rep@example.org").await.unwrap();
        member_writes::set_rep_teams(&*store, branch.id, rep.id, &[duty.id])
            .await
            .unwrap();
        Fund {
            app,
            branch,
            dispute,
            ana: made[0],
            ben: made[1],
            cy: made[2],
        }
    }

    /// A signed-in browser session.
    pub async fn session(&self, email: &str) -> reqwest::Client {
        let client = self.app.client();
        self.app.login(&client, email).await;
        client
    }

    /// The API as `email`.
    pub async fn api(&self, email: &str) -> picket_test_support::Api {
        let token = self.app.api_token(email).await;
        self.app.api(&token)
    }

    /// `/api/v1/branches/northfield` + `rest`.
    pub fn path(&self, rest: &str) -> String {
        format!("/api/v1/branches/northfield{rest}")
    }

    /// Posts a form on `action` with the CSRF token of `page`.
    pub async fn form(
        &self,
        client: &reqwest::Client,
        page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let html = client.get(self.app.url(page)).body_text().await;
        let token = extract_csrf(&html).expect("a form");
        let mut body: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        body.extend_from_slice(fields);
        client
            .post(self.app.url(action))
            .form(&body)
            .send()
            .await
            .unwrap()
    }

    /// The ledger's transaction count.
    pub async fn transactions(&self) -> u64 {
        self.app
            .store()
            .fund_transaction_count(self.branch.id)
            .await
            .unwrap()
    }
}
