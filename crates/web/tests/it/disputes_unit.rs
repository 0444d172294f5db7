//! A dispute's bargaining unit: its teams are the branch's teams, its members are counted by
//! team on a day from the member records and listed (after a reason, audited) with links to
//! their records, and each figure the desk uses is counted unless typed by hand with its
//! reason. The page and the API; bad input changes nothing.

use picket_domain::members::MemberDetails;
use picket_domain::{BranchId, DisputeId, MemberId, PeriodId, Role, TeamId};
use picket_store::{AuditFilter, PageRequest};
use picket_test_support::{Api, TestApp};
use serde_json::{json, Value};

/// The branch's teams and members: North (Nia joined 1 Jan 2024, Ned, Noor left 1 Mar
/// 2024), South (Sam), Duty (Dee); and another branch's team.
struct Branch {
    app: TestApp,
    api: Api,
    branch: BranchId,
    north: TeamId,
    south: TeamId,
    duty: TeamId,
    stranger: TeamId,
    members: Vec<(MemberId, &'static str)>,
    dispute: i64,
}

impl Branch {
    async fn new() -> Branch {
        let app = TestApp::spawn().await;
        let north_branch = app.branch("northfield").await;
        let other = app.branch("southfield").await;
        app.user(&north_branch, "org@example.org", Role::Organiser)
            .await;
        app.user(&north_branch, "rep@example.org", Role::Rep).await;
        let store = app.store();
        let mut w = store.begin().await.unwrap();
        let north = w.create_team(north_branch.id, "North", None).await.unwrap();
        let south = w.create_team(north_branch.id, "South", None).await.unwrap();
        let duty = w.create_team(north_branch.id, "Duty", None).await.unwrap();
        let stranger = w.create_team(other.id, "Elsewhere", None).await.unwrap();
        let mut members = Vec::new();
        for (i, (name, team, joined, left)) in [
            ("Nia Abernethy", north.id, Some("2024-01-01"), None),
            ("Ned Brightwell", north.id, None, None),
            ("Noor Castellano", north.id, None, Some("2024-03-01")),
            ("Sam Dunmore", south.id, None, None),
            ("Dee Ekwueme", duty.id, None, None),
        ]
        .into_iter()
        .enumerate()
        {
            let details = MemberDetails::new(format!("N{i}").parse().unwrap(), name);
            let m = w
                .create_member(north_branch.id, &details, Some(team))
                .await
                .unwrap();
            w.set_membership_dates(
                north_branch.id,
                m.id,
                joined.map(|d| d.parse().unwrap()),
                left.map(|d| d.parse().unwrap()),
            )
            .await
            .unwrap();
            members.push((m.id, name));
        }
        w.commit().await.unwrap();
        let api = app.api(&app.api_token("org@example.org").await);
        let (status, created) = api
            .post(
                "/api/v1/branches/northfield/disputes",
                &json!({"title": "Recruitment and retention", "employer": "Borough council",
                        "nation": "england", "status": "in-action"}),
            )
            .await;
        assert_eq!(status, 201, "{created}");
        Branch {
            dispute: created["id"].as_i64().unwrap(),
            app,
            api,
            branch: north_branch.id,
            north: north.id,
            south: south.id,
            duty: duty.id,
            stranger: stranger.id,
            members,
        }
    }

    fn id(&self) -> DisputeId {
        DisputeId(self.dispute)
    }

    fn page(&self) -> String {
        format!("/northfield/disputes/{}/unit", self.dispute)
    }

    fn api_path(&self, rest: &str) -> String {
        format!(
            "/api/v1/branches/northfield/disputes/{}{rest}",
            self.dispute
        )
    }

    /// The dispute's teams by name, as stored.
    async fn unit(&self) -> Vec<String> {
        self.app
            .store()
            .unit_teams(self.branch, self.id(), "2024-02-01".parse().unwrap())
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.team.name)
            .collect()
    }

    async fn audit(&self, action: &str) -> Vec<Option<String>> {
        self.app
            .store()
            .audit_search(
                self.branch,
                &AuditFilter {
                    actor: None,
                    action_prefix: Some(action.into()),
                },
                PageRequest::default(),
            )
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|e| e.detail)
            .collect()
    }

    async fn signed_in(&self, email: &str) -> reqwest::Client {
        let client = self.app.client();
        self.app.login(&client, email).await;
        client
    }

    async fn post(
        &self,
        client: &reqwest::Client,
        action: &str,
        fields: &[(&str, &str)],
    ) -> (u16, String) {
        let token = self.app.csrf_token(client, &self.page()).await;
        let mut form: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        form.extend_from_slice(fields);
        let res = client
            .post(self.app.url(action))
            .form(&form)
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.text().await.unwrap_or_default())
    }

    async fn get(&self, client: &reqwest::Client, path: &str) -> (u16, String) {
        let res = client.get(self.app.url(path)).send().await.unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }
}

#[tokio::test]
async fn the_page_chooses_branch_teams_counts_members_on_a_day_and_lists_them_after_a_reason() {
    let b = Branch::new().await;
    let org = b.signed_in("org@example.org").await;
    let teams = format!("{}/teams", b.page());
    for team in [b.north, b.south] {
        let (status, body) = b
            .post(
                &org,
                &teams,
                &[("action", "add"), ("team_id", &team.to_string())],
            )
            .await;
        assert_eq!(status, 303, "{body}");
    }
    assert_eq!(b.unit().await, ["North", "South"]);
    assert_eq!(b.audit("dispute.teams").await.len(), 2);
    assert!(b
        .audit("dispute.teams")
        .await
        .contains(&Some("Added North.".to_string())));

    let (status, page) = b.get(&org, &format!("{}?as_of=2024-02-01", b.page())).await;
    assert_eq!(status, 200);
    assert!(page.contains("Bargaining unit"), "{page}");
    assert!(
        page.contains("3</span> members on 1 February 2024"),
        "{page}"
    );
    assert!(
        page.contains("<strong>4</strong> members in these teams on 1 February 2024"),
        "{page}"
    );
    assert!(page.contains("Take Duty off") || page.contains(">Duty</option>"));
    assert!(!page.contains("Ned Brightwell"), "no names before a reason");
    let (_, earlier) = b.get(&org, &format!("{}?as_of=2023-12-01", b.page())).await;
    assert!(
        earlier.contains("2</span> members on 1 December 2023"),
        "Nia had not joined: {earlier}"
    );

    // Listing the members reads their records: after a reason, audited, linked.
    let (status, listed) = b
        .get(
            &org,
            &format!("{}?as_of=2024-03-01&reason=organising", b.page()),
        )
        .await;
    assert_eq!(status, 200);
    for (id, name) in &b.members[..2] {
        assert!(
            listed.contains(&format!(
                "<a href=\"/northfield/members/{id}?reason=organising\">{name}</a>"
            )),
            "{name} is linked: {listed}"
        );
    }
    assert!(!listed.contains("Noor Castellano"), "Noor left on 1 March");
    assert!(
        !listed.contains("Dee Ekwueme"),
        "Duty is not in the dispute"
    );
    let read = b.audit("dispute.unit.members").await;
    assert_eq!(
        read,
        [Some(
            "reason=organising; as_of=2024-03-01; results=3".to_string()
        )]
    );
    let (status, _) = b.get(&org, &format!("{}?reason=nonsense", b.page())).await;
    assert_eq!(status, 422);
    assert_eq!(b.audit("dispute.unit.members").await.len(), 1);

    // Another branch's team: a clear message, nothing stored.
    let (status, body) = b
        .post(
            &org,
            &teams,
            &[("action", "add"), ("team_id", &b.stranger.to_string())],
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("is not one of this branch"), "{body}");
    assert_eq!(b.unit().await, ["North", "South"]);
    assert_eq!(b.audit("dispute.teams").await.len(), 2);

    let (status, _) = b
        .post(
            &org,
            &teams,
            &[("action", "remove"), ("team_id", &b.south.to_string())],
        )
        .await;
    assert_eq!(status, 303);
    assert_eq!(b.unit().await, ["North"]);

    // A rep sees the counts but cannot change the teams.
    let rep = b.signed_in("rep@example.org").await;
    let (status, page) = b.get(&rep, &b.page()).await;
    assert_eq!(status, 200);
    assert!(!page.contains("Add team"));
    let (status, _) = b
        .post(
            &rep,
            &teams,
            &[("action", "add"), ("team_id", &b.duty.to_string())],
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(b.unit().await, ["North"]);
}

#[tokio::test]
async fn hand_figures_need_a_reason_and_the_desk_uses_whichever_applies() {
    let b = Branch::new().await;
    let (status, _) = b
        .api
        .call(
            reqwest::Method::PUT,
            &b.api_path("/teams"),
            &json!({"team_ids": [b.north.0, b.south.0]}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, period) = b
        .api
        .post(
            &b.api_path("/action-periods"),
            &json!({"kind": "strike", "starts": "2024-02-05", "ends": "2024-02-09"}),
        )
        .await;
    assert_eq!(status, 201, "{period}");
    assert_eq!(period["period"]["called_out"], 4, "counted: {period}");
    assert_eq!(period["period"]["called_out_basis"]["source"], "counted");
    let pid = PeriodId(period["period"]["id"].as_i64().unwrap());
    let stored = || async {
        b.app
            .store()
            .action_period(b.branch, b.id(), pid)
            .await
            .unwrap()
    };

    let org = b.signed_in("org@example.org").await;
    let form = format!("{}/periods/{pid}", b.page());
    for (figure, reason, field, words) in [
        (
            "-3",
            "members not yet imported",
            "figure",
            "cannot be negative",
        ),
        ("15", "", "reason", "say why the figure is typed"),
        ("lots", "x", "figure", "whole number"),
    ] {
        let (status, body) = b
            .post(&org, &form, &[("figure", figure), ("reason", reason)])
            .await;
        assert_eq!(status, 422, "{figure}/{reason}: {body}");
        assert!(body.contains(words), "{words}: {body}");
        assert!(
            body.contains(&format!(
                "id=\"period-{pid}-{field}\" name=\"{field}\" type=\"text\""
            )),
            "{body}"
        );
        assert!(
            body.contains(&format!("value=\"{figure}\"")),
            "the form keeps what was typed"
        );
        assert_eq!(stored().await.called_out, 4, "nothing stored");
    }
    assert!(b.audit("action.called_out").await.is_empty());

    let (status, _) = b
        .post(
            &org,
            &form,
            &[("figure", "15"), ("reason", "members not yet imported")],
        )
        .await;
    assert_eq!(status, 303);
    assert_eq!(stored().await.called_out, 15);
    assert_eq!(
        b.audit("action.called_out").await,
        [Some(
            "15 typed by hand: members not yet imported".to_string()
        )]
    );
    let (_, page) = b.get(&org, &b.page()).await;
    assert!(
        page.contains("15</span> called out: typed by hand: members not yet imported. The member records count 4 on 5 February 2024."),
        "{page}"
    );
    let (_, desk) = b
        .get(&org, &format!("/northfield/disputes/{}/action", b.dispute))
        .await;
    assert!(
        desk.contains("typed by hand: members not yet imported"),
        "the desk says which"
    );

    let (status, _) = b.post(&org, &form, &[("count", "on")]).await;
    assert_eq!(status, 303);
    assert_eq!(stored().await.called_out, 4, "counted again");

    // A ballot counts those entitled on its opening day.
    let (status, ballot) = b
        .api
        .post(
            &b.api_path("/ballots"),
            &json!({"kind": "statutory", "title": "Strike ballot", "opened": "2023-12-01",
                    "closed": "2023-12-29"}),
        )
        .await;
    assert_eq!(status, 201, "{ballot}");
    let ballots = b.app.store().ballots(b.branch, b.id()).await.unwrap();
    assert_eq!(
        ballots[0].entitled, 3,
        "Ned, Noor and Sam on 1 December 2023"
    );
    let (status, body) = b
        .post(
            &org,
            &format!("{}/ballots/{}", b.page(), ballots[0].id),
            &[("figure", "19"), ("reason", "")],
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        b.app.store().ballots(b.branch, b.id()).await.unwrap()[0].entitled,
        3
    );
}

#[tokio::test]
async fn the_api_sets_teams_and_figures_and_refuses_bad_input() {
    let b = Branch::new().await;
    let teams = b.api_path("/teams");
    let put = |path: String, body: Value| {
        let api = &b.api;
        async move { api.call(reqwest::Method::PUT, &path, &body).await }
    };
    let (status, body) = put(
        teams.clone(),
        json!({"team_ids": [b.north.0, b.stranger.0]}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "teams");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("not one of this branch's teams"));
    assert!(b.unit().await.is_empty(), "nothing stored");

    let (status, unit) = put(teams.clone(), json!({"team_ids": [b.north.0, b.duty.0]})).await;
    assert_eq!(status, 200, "{unit}");
    let (status, unit) = b.api.get(&format!("{teams}?as_of=2024-02-01")).await;
    assert_eq!(status, 200);
    assert_eq!(unit["as_of"], "2024-02-01");
    assert_eq!(unit["teams"][0]["team"]["name"], "Duty");
    assert_eq!(unit["teams"][1]["members"], 3);
    assert_eq!(unit["total"], 4);
    let (status, bad) = b.api.get(&format!("{teams}?as_of=soon")).await;
    assert_eq!(
        (status, bad["error"]["field"].as_str()),
        (422, Some("as_of"))
    );

    let (_, period) = b
        .api
        .post(
            &b.api_path("/action-periods"),
            &json!({"kind": "strike", "starts": "2024-02-05", "ends": "2024-02-09"}),
        )
        .await;
    let pid = period["period"]["id"].as_i64().unwrap();
    let called_out = b.api_path(&format!("/action-periods/{pid}/called-out"));
    for (body, field) in [
        (json!({"figure": -1, "reason": "x"}), "figure"),
        (json!({"figure": 12}), "reason"),
        (json!({"figure": 12, "reason": "  "}), "reason"),
        (json!({"reason": "members not yet imported"}), "figure"),
    ] {
        let (status, answer) = put(called_out.clone(), body.clone()).await;
        assert_eq!(status, 422, "{body}: {answer}");
        assert_eq!(answer["error"]["field"], field, "{body}: {answer}");
        assert_eq!(answer["error"]["code"], "validation");
    }
    assert!(
        b.audit("action.called_out").await.is_empty(),
        "nothing stored"
    );
    let (status, figure) = put(
        called_out.clone(),
        json!({"figure": 12, "reason": "members not yet imported"}),
    )
    .await;
    assert_eq!(status, 200, "{figure}");
    assert_eq!(figure["figure"], 12);
    assert_eq!(figure["basis"]["source"], "hand");
    assert_eq!(figure["counted"], 4);
    let (status, figure) = put(called_out.clone(), json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(
        (
            figure["figure"].as_u64(),
            figure["basis"]["source"].as_str()
        ),
        (Some(4), Some("counted"))
    );

    let (_, ballot) = b
        .api
        .post(
            &b.api_path("/ballots"),
            &json!({"kind": "statutory", "title": "Strike ballot", "opened": "2024-02-01",
                    "closed": "2024-02-29"}),
        )
        .await;
    let entitled = b.api_path(&format!(
        "/ballots/{}/entitled",
        ballot["ballot"]["id"]
            .as_i64()
            .unwrap_or_else(|| ballot["id"].as_i64().unwrap())
    ));
    let (status, figure) = put(
        entitled,
        json!({"figure": 19, "reason": "members not yet imported"}),
    )
    .await;
    assert_eq!(status, 200, "{figure}");
    assert_eq!(
        (figure["figure"].as_u64(), figure["counted"].as_u64()),
        (Some(19), Some(4))
    );

    // Only organisers change the unit; another branch's dispute is not found.
    let rep = b.app.api(&b.app.api_token("rep@example.org").await);
    let (status, _) = rep
        .call(reqwest::Method::PUT, &teams, &json!({"team_ids": []}))
        .await;
    assert_eq!(status, 403);
    let (status, _) = rep.get(&teams).await;
    assert_eq!(status, 200);
    let (status, _) = b
        .api
        .get(&format!(
            "/api/v1/branches/southfield/disputes/{}/teams",
            b.dispute
        ))
        .await;
    assert!(status == 403 || status == 404, "{status}");

    let (_, doc) = b.app.public_api().get("/api/v1/openapi.json").await;
    for path in [
        "/api/v1/branches/{branch}/disputes/{id}/teams",
        "/api/v1/branches/{branch}/disputes/{id}/action-periods/{period}/called-out",
        "/api/v1/branches/{branch}/disputes/{id}/ballots/{ballot}/entitled",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }
}
