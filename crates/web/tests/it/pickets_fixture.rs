//! A branch with a dispute in action, a picket site with two entrances, and four logins: an
//! organiser, a rep, and two members whose logins are linked to their member records. The
//! picket tests start from here.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};
use picket_domain::disputes::DisputeStatus;
use picket_domain::members::MemberDetails;
use picket_domain::pickets::shifts::ShiftTimes;
use picket_domain::pickets::sites::SiteDetails;
use picket_domain::{DisputeId, MemberId, Nation, PicketEntranceId, PicketShiftId, Role};
use picket_store::contract::member_writes;
use picket_store::disputes::NewDispute;
use picket_store::shifts::NewShift;
use picket_store::Branch;
use picket_test_support::{BodyText, TestApp};

/// The picket line the tests use.
pub struct Line {
    pub app: TestApp,
    pub branch: Branch,
    pub dispute: DisputeId,
    /// "Front" and "Car park".
    pub entrances: [PicketEntranceId; 2],
    /// Ana Lopez, linked to ana@example.org (Ben Okafor is linked to ben@example.org).
    pub ana: MemberId,
}

/// A weekday at least `days` from today.
pub fn weekday_after(days: i64) -> NaiveDate {
    let mut d = chrono::Utc::now().date_naive() + Duration::days(days);
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
        d += Duration::days(1);
    }
    d
}

/// `h:m`.
pub fn at(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

async fn member(
    app: &TestApp,
    branch: &Branch,
    number: &str,
    name: &str,
    email: &str,
    team: Option<picket_domain::TeamId>,
) -> MemberId {
    let store = app.store();
    let mut details = MemberDetails::new(number.parse().unwrap(), name);
    details.email = Some(email.parse().unwrap());
    details.phone = Some("07700 900123".parse().unwrap());
    let id = member_writes::create_member(&*store, branch.id, &details, team)
        .await
        .unwrap()
        .id;
    if let Ok(user) = store.user_by_email(email).await {
        member_writes::link_member_user(&*store, branch.id, id, Some(user.id))
            .await
            .unwrap();
    }
    id
}

/// Adds a member of `team` with no login.
pub async fn team_member(
    line: &Line,
    number: &str,
    name: &str,
    team: picket_domain::TeamId,
) -> MemberId {
    member(
        &line.app,
        &line.branch,
        number,
        name,
        &format!("{}@example.org", number.to_lowercase()),
        Some(team),
    )
    .await
}

/// The line, with the settings adjusted by `adjust`.
pub async fn line_with(adjust: impl FnOnce(&mut picket_web::Settings)) -> Line {
    let app = TestApp::spawn_with(adjust).await;
    let branch = app.branch("north").await;
    app.user(&branch, "org@example.org", Role::Organiser).await;
    app.user(&branch, "rep@example.org", Role::Rep).await;
    app.user(&branch, "ana@example.org", Role::Member).await;
    app.user(&branch, "ben@example.org", Role::Member).await;
    let ana = member(&app, &branch, "N1", "Ana Lopez", "ana@example.org", None).await;
    member(&app, &branch, "N2", "Ben Okafor", "ben@example.org", None).await;
    let store = app.store();
    let dispute = picket_test_support::in_unit!(store, |w| w.create_dispute(
        branch.id,
        &NewDispute {
            title: "Safe caseloads".into(),
            employer: "Northfield Council".into(),
            nation: Nation::England,
            status: DisputeStatus::InAction,
            summary: "Safe caseloads now".into(),
        },
    ))
    .unwrap()
    .id;
    let details = SiteDetails::parse(
        "Civic Centre",
        "1 High St",
        "",
        "Bring a flask",
        &["Front", "Car park"],
    )
    .unwrap();
    picket_test_support::in_unit!(store, |w| w.add_picket_site(branch.id, dispute, &details))
        .unwrap();
    let sites = store.picket_sites(branch.id, dispute).await.unwrap();
    let e = &sites[0].entrances;
    Line {
        entrances: [e[0].id, e[1].id],
        app,
        branch,
        dispute,
        ana,
    }
}

/// The line with default settings.
pub async fn line() -> Line {
    line_with(|_| {}).await
}

impl Line {
    /// Adds a shift straight to the store.
    pub async fn shift(
        &self,
        entrance: usize,
        day: NaiveDate,
        capacity: u32,
        open_to_supporters: bool,
    ) -> PicketShiftId {
        let store = self.app.store();
        let new = NewShift {
            entrance: self.entrances[entrance],
            times: ShiftTimes::new(day, at(8, 0), at(12, 30)).unwrap(),
            capacity,
            open_to_supporters,
            notes: "Bring a flask".into(),
        };
        let ids = picket_test_support::in_unit!(store, |w| w.add_picket_shifts(
            self.branch.id,
            self.dispute,
            std::slice::from_ref(&new)
        ))
        .unwrap()
        .unwrap();
        ids[0]
    }

    /// `/north/disputes/{id}/pickets` followed by `rest`.
    pub fn page(&self, rest: &str) -> String {
        format!("/north/disputes/{}/pickets{rest}", self.dispute)
    }

    /// `/api/v1/branches/north/disputes/{id}/pickets` followed by `rest`.
    pub fn api(&self, rest: &str) -> String {
        format!(
            "/api/v1/branches/north/disputes/{}/pickets{rest}",
            self.dispute
        )
    }

    /// A browser-like client signed in as `email`.
    pub async fn signed_in(&self, email: &str) -> reqwest::Client {
        let client = self.app.client();
        self.app.login(&client, email).await;
        client
    }

    /// Posts a form from `page` (with its CSRF token) to `action`.
    pub async fn form(
        &self,
        client: &reqwest::Client,
        page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let html = client.get(self.app.url(page)).body_text().await;
        let token = picket_test_support::extract_csrf(&html).expect("a form");
        let mut body: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        body.extend_from_slice(fields);
        client
            .post(self.app.url(action))
            .form(&body)
            .send()
            .await
            .unwrap()
    }
}

impl Line {
    /// How many audit entries of the branch start with `action`.
    pub async fn audited(&self, action: &str) -> u64 {
        let filter = picket_store::AuditFilter {
            actor: None,
            action_prefix: Some(action.into()),
        };
        self.app
            .store()
            .audit_search(
                self.branch.id,
                &filter,
                picket_store::PageRequest::new(1, 1),
            )
            .await
            .unwrap()
            .total
    }

    /// The first email delivered to `to` whose subject contains `subject`, waiting up to ten
    /// seconds for the outbox worker.
    pub async fn mail_to(&self, to: &str, subject: &str) -> picket_mail::OutgoingEmail {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let sent = self.app.mailer.sent();
            if let Some(m) = sent
                .iter()
                .find(|m| m.to == to && m.subject.contains(subject))
            {
                return m.clone();
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no email to {to} about {subject:?}; sent: {:?}",
                sent.iter().map(|m| (&m.to, &m.subject)).collect::<Vec<_>>()
            );
            let n = sent.len() + 1;
            self.app
                .mailer
                .wait_for(n, std::time::Duration::from_millis(500))
                .await;
        }
    }
}
