//! Migrations: applied once, and a database from a newer Picket is refused.

use picket_domain::Division;
use picket_store::sql::SqlStore;
use picket_store::{Backend, StoreError};
use picket_test_support::{db::fresh_url, test_backend};

fn newest_known() -> i64 {
    let migrator = match test_backend() {
        Backend::Sqlite => &picket_store_sqlite::MIGRATOR,
        Backend::Postgres => &picket_store_postgres::MIGRATOR,
    };
    migrator.iter().map(|m| m.version).max().unwrap_or(0)
}

async fn connect(url: &str) -> Result<SqlStore, StoreError> {
    match test_backend() {
        Backend::Sqlite => picket_store_sqlite::connect(url, 2).await,
        Backend::Postgres => picket_store_postgres::connect(url, 2).await,
    }
}

#[tokio::test]
async fn migrating_twice_is_harmless_and_a_newer_schema_is_refused() {
    let (url, _dir) = fresh_url().await;
    let store = connect(&url).await.expect("first start migrates");
    let version = picket_store::sql::schema_version(store.pool())
        .await
        .unwrap();
    assert_eq!(version, Some(newest_known()));
    store.close().await;
    let store = connect(&url)
        .await
        .expect("second start finds nothing to do");

    // A later Picket applied migration 99 to this database.
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99, 'from the future', TRUE, $1, 1)",
    )
    .bind(vec![0_u8])
    .execute(store.pool())
    .await
    .expect("record a future migration");
    store.close().await;
    match connect(&url).await {
        Err(StoreError::SchemaTooNew { found: 99, known }) if known == newest_known() => {}
        Err(other) => panic!("expected SchemaTooNew, got {other}"),
        Ok(_) => panic!("a database from a newer Picket was accepted"),
    }
}

/// Migration 0017 over a database of the old kind: a dispute's free-text teams become the
/// branch's teams of the same name (compared without regard to case, made where the branch
/// had none, once for the branch), the free-text team parties go, decision-makers stay, and
/// figures typed before keep their value as hand figures with the reason saying so.
#[tokio::test]
async fn free_text_teams_and_typed_figures_migrate_to_the_bargaining_unit() {
    use picket_domain::bargaining::{Basis, MIGRATED_REASON};
    use picket_domain::disputes::DisputeStatus;
    use picket_domain::{Division, Nation};
    use picket_store::contract::Setup;
    use picket_store::disputes::NewDispute;
    use picket_store::prelude::*;
    use sqlx::migrate::Migrator;

    let (url, _dir) = fresh_url().await;
    let (store, full) = match test_backend() {
        Backend::Sqlite => (
            picket_store_sqlite::open(&url, 2).await.unwrap(),
            &picket_store_sqlite::MIGRATOR,
        ),
        Backend::Postgres => (
            picket_store_postgres::open(&url, 2).await.unwrap(),
            &picket_store_postgres::MIGRATOR,
        ),
    };
    let before = Migrator {
        migrations: std::borrow::Cow::Owned(
            full.iter().filter(|m| m.version < 17).cloned().collect(),
        ),
        ..Migrator::DEFAULT
    };
    picket_store::sql::migrate(store.pool(), &before)
        .await
        .unwrap();

    let branch = store
        .setup_branch(&"old".parse().unwrap(), "Old", Division::EnglandAndWales)
        .await
        .unwrap()
        .id;
    let mut w = store.begin().await.unwrap();
    let north = w
        .create_team(branch, "Community Mental Health North", None)
        .await
        .unwrap();
    w.commit().await.unwrap();
    // Written as the schema before 0017 had it (no days joined and left).
    sqlx::query(
        "INSERT INTO members (branch_id, membership_number, name, team_id, created_at, updated_at) \
         VALUES ($1, 'M1', 'Ana', $2, 0, 0)",
    )
    .bind(branch.0)
    .bind(north.id.0)
    .execute(store.pool())
    .await
    .unwrap();
    let mut w = store.begin().await.unwrap();
    let new = NewDispute {
        title: "Pay".into(),
        employer: "A council".into(),
        nation: Nation::England,
        status: DisputeStatus::InAction,
        summary: String::new(),
    };
    let first = w.create_dispute(branch, &new).await.unwrap().id;
    let second = w.create_dispute(branch, &new).await.unwrap().id;
    w.commit().await.unwrap();
    for (dispute, kind, name) in [
        (first, "team", " community mental health NORTH "),
        (first, "team", "AMHP Service"),
        (first, "decision-maker", "Chief Executive"),
        (second, "team", "amhp service"),
    ] {
        sqlx::query(
            "INSERT INTO dispute_parties (branch_id, dispute_id, kind, name, detail, headcount) \
             VALUES ($1, $2, $3, $4, 'Borough-wide', 5)",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(kind)
        .bind(name)
        .execute(store.pool())
        .await
        .unwrap();
    }
    sqlx::query(
        "INSERT INTO ballots (branch_id, dispute_id, kind, title, opened, closed, entitled) \
         VALUES ($1, $2, 'statutory', 'Strike ballot', '2023-08-07', '2023-08-31', 19)",
    )
    .bind(branch.0)
    .bind(first.0)
    .execute(store.pool())
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO action_periods (branch_id, dispute_id, kind, starts, ends, teams, called_out) \
         VALUES ($1, $2, 'strike', '2023-10-04', '2023-10-04', '', 15)",
    )
    .bind(branch.0)
    .bind(first.0)
    .execute(store.pool())
    .await
    .unwrap();

    picket_store::sql::migrate(store.pool(), full)
        .await
        .unwrap();

    let teams: Vec<String> = store
        .teams(branch)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(
        teams,
        ["AMHP Service", "Community Mental Health North"],
        "the existing team is reused and the missing one made once"
    );
    let day = "2024-01-01".parse().unwrap();
    let unit = |d| {
        let store = store.clone();
        async move {
            store
                .unit_teams(branch, d, day)
                .await
                .unwrap()
                .into_iter()
                .map(|t| (t.team.name, t.members))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        unit(first).await,
        [
            ("AMHP Service".to_string(), 0),
            ("Community Mental Health North".to_string(), 1)
        ]
    );
    assert_eq!(unit(second).await, [("AMHP Service".to_string(), 0)]);
    let parties = store.parties(branch, first).await.unwrap();
    assert_eq!(
        parties.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        ["Chief Executive"]
    );
    let hand = Basis::Hand {
        reason: MIGRATED_REASON.into(),
    };
    let ballot = &store.ballots(branch, first).await.unwrap()[0];
    assert_eq!((ballot.entitled, &ballot.entitled_basis), (19, &hand));
    let period = &store.action_periods(branch, first).await.unwrap()[0];
    assert_eq!((period.called_out, &period.called_out_basis), (15, &hand));
}

/// Migration 0023: a signature's campaign must be its branch's (PostgreSQL checks the pair
/// with one key; SQLite keeps a key to each), and the hashes of the confirmation and
/// unsubscribe links stay unique where there is one while any number of rows have none.
#[tokio::test]
async fn signature_keys_hold_the_campaigns_branch_and_unique_link_hashes() {
    use picket_store::contract::eactions::{campaign, with_campaign};
    use picket_store::contract::Setup;

    let (url, _dir) = fresh_url().await;
    let store = connect(&url).await.unwrap();
    let new = campaign("count-only", 30, false);
    let (branch, _, eaction) = with_campaign(&store, "keys-a", &new).await;
    let other = store
        .setup_branch(&"keys-b".parse().unwrap(), "B", Division::Scotland)
        .await
        .unwrap()
        .id;
    let insert = |branch: i64, n: u32, hash: Option<&'static str>| {
        let pool = store.pool().clone();
        async move {
            sqlx::query(
                "INSERT INTO eaction_signatures (branch_id, eaction_id, name, email, email_key, postcode, \
                 own_words, confirmed, confirm_hash, signed_at) \
                 VALUES ($1, $2, 'S', $3, $3, 'M1 1AE', '', 0, $4, 1) RETURNING id",
            )
            .bind(branch)
            .bind(eaction.0)
            .bind(format!("s{n}@example.org"))
            .bind(hash)
            .fetch_one(&pool)
            .await
            .map(|row| sqlx::Row::get::<i64, _>(&row, "id"))
        }
    };
    let first = insert(branch.0, 1, None).await.expect("a signature");
    let second = insert(branch.0, 2, None)
        .await
        .expect("two without a link hash");
    insert(branch.0, 3, Some("h"))
        .await
        .expect("one with a hash");
    assert!(
        insert(branch.0, 4, Some("h")).await.is_err(),
        "two signatures with one confirmation hash"
    );
    let misplaced = insert(other.0, 5, None).await;
    if test_backend() == Backend::Postgres {
        assert!(
            misplaced.is_err(),
            "a signature in another branch's campaign"
        );
    }
    let consent = |signature: i64, hash: Option<&'static str>| {
        let pool = store.pool().clone();
        async move {
            sqlx::query(
                "INSERT INTO supporter_consents (branch_id, signature_id, wording, given_at, unsubscribe_hash) \
                 VALUES ($1, $2, 'Keep me in touch.', 1, $3)",
            )
            .bind(branch.0)
            .bind(signature)
            .bind(hash)
            .execute(&pool)
            .await
        }
    };
    consent(first, None).await.expect("a consent");
    consent(second, None).await.expect("two without a hash");
    consent(first, Some("u")).await.expect("one with a hash");
    assert!(
        consent(second, Some("u")).await.is_err(),
        "two consents with one unsubscribe hash"
    );
    assert!(
        consent(first + second + 1000, None).await.is_err(),
        "a consent without its signature"
    );
}

/// `picket serve`'s store on a fresh database: migrated and, on PostgreSQL, every connection
/// kept open however long it idles, each with the public sign-up's statements run against the
/// migrated schema (an error there is a statement that no longer fits it). On SQLite the
/// server's store is the plain one, opening connections as they are needed.
#[tokio::test]
async fn a_server_starts_with_every_connection_open_and_ready() {
    let (url, _dir) = fresh_url().await;
    let (store, kept) = match test_backend() {
        Backend::Sqlite => (picket_store_sqlite::connect(&url, 4).await, 0),
        Backend::Postgres => (picket_store_postgres::connect_to_serve(&url, 4).await, 4),
    };
    let store = store.expect("a server's store opens on a fresh database");
    assert_eq!(
        picket_store::sql::schema_version(store.pool())
            .await
            .unwrap(),
        Some(newest_known())
    );
    let options = store.pool().options();
    assert_eq!(options.get_min_connections(), kept, "connections kept open");
    if kept > 0 {
        assert_eq!(
            options.get_idle_timeout(),
            None,
            "an idle connection is closed"
        );
    }
    store
        .warm_connections()
        .await
        .expect("the sign-up's statements run on the migrated schema");
}
