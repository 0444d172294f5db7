//! Backups, restores and instance moves: nothing is lost in a round trip on either engine or
//! between them, encryption holds, and every refusal says why.

use crate::demo;
use picket_store::archive::{
    open_archive, read_header, read_line, ArchiveError, ArchiveHeader, ArchiveLine, ArchiveWriter,
    NoProgress, SecretString,
};
use picket_store::contract::Setup;
use picket_store::prelude::*;
use picket_store::sql::SqlStore;
use picket_store::Backend;
use picket_test_support::db::{test_db, test_db_on, TestDb};
use picket_web::AppState;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;

/// An archive read back: its header and each table's rows, sorted (row order within a
/// table may differ between engines for text keys).
#[derive(Debug, PartialEq)]
struct Contents {
    header: ArchiveHeader,
    rows: BTreeMap<String, Vec<String>>,
}

impl Contents {
    fn read(bytes: &[u8], passphrase: Option<&str>) -> Contents {
        let mut lines = open_archive(bytes, passphrase.map(secret)).expect("opens");
        let header = read_header(&mut lines).expect("header");
        let mut rows: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut n = 1;
        loop {
            n += 1;
            match read_line(&mut lines, n).expect("a line") {
                Some(ArchiveLine::Row { table, values }) => rows
                    .entry(table)
                    .or_default()
                    .push(serde_json::to_string(&values).unwrap()),
                Some(ArchiveLine::End { rows: total, .. }) => {
                    assert_eq!(total, rows.values().map(|r| r.len() as u64).sum::<u64>());
                    break;
                }
                None => panic!("no end line"),
            }
        }
        for r in rows.values_mut() {
            r.sort();
        }
        Contents { header, rows }
    }

    /// The header without what differs between two snapshots of the same data.
    fn comparable_header(&self) -> ArchiveHeader {
        ArchiveHeader {
            created_at: String::new(),
            source_backend: String::new(),
            ..self.header.clone()
        }
    }

    fn assert_same_data(&self, other: &Contents) {
        assert_eq!(self.comparable_header(), other.comparable_header());
        assert_eq!(self.rows, other.rows);
    }

    fn column(&self, table: &str, column: &str) -> Vec<Value> {
        let t = self
            .header
            .tables
            .iter()
            .find(|t| t.name == table)
            .unwrap_or_else(|| panic!("table {table} in the archive"));
        let i = t.columns.iter().position(|c| c.name == column).unwrap();
        self.rows[table]
            .iter()
            .map(|r| serde_json::from_str::<Vec<Value>>(r).unwrap()[i].clone())
            .collect()
    }
}

fn secret(text: &str) -> SecretString {
    SecretString::from(text.to_string())
}

async fn archive(store: &SqlStore, passphrase: Option<&str>) -> Vec<u8> {
    let mut writer = ArchiveWriter::new(Vec::new(), passphrase.map(secret)).unwrap();
    store.write_archive(&mut writer, &NoProgress).await.unwrap();
    writer.finish().unwrap()
}

async fn restore(
    store: &SqlStore,
    bytes: &[u8],
    passphrase: Option<&str>,
) -> Result<u64, ArchiveError> {
    let mut lines = open_archive(bytes, passphrase.map(secret))?;
    Ok(store.restore_archive(&mut lines, &NoProgress).await?.rows)
}

/// The demo's branch, people, wall and dispute, plus a session and an API token.
async fn seeded(backend: Backend) -> TestDb {
    let db = test_db_on(backend).await;
    let state = AppState::new(
        db.dyn_store(),
        Arc::new(picket_mail::MemoryMailer::new()),
        picket_test_support::test_settings(),
    );
    demo::seed(&state).await.expect("demo data");
    let branch = db.store.list_branches().await.unwrap()[0].id;
    crate::backup_fund_tests::add_fund_records(&*db.store, branch).await;
    let user = db
        .store
        .user_by_email("organiser@picket.example")
        .await
        .unwrap();
    db.store
        .create_session("a-session-hash", user.id, chrono::Utc::now())
        .await
        .unwrap();
    let mut work = db.store.begin().await.unwrap();
    work.create_api_token(user.id, "website", "a-token-hash", None)
        .await
        .unwrap();
    // A member's change of address waiting for its link.
    let member = db
        .store
        .user_by_email("member@picket.example")
        .await
        .unwrap();
    let branch = db.store.branch_by_slug(demo::DEMO_BRANCH).await.unwrap();
    let record = db
        .store
        .member_for_user(branch.id, member.id)
        .await
        .unwrap()
        .unwrap();
    work.request_email_change(&picket_store::member_data::NewEmailChange {
        branch: branch.id,
        member_id: record.id,
        user: member.id,
        new_email: "sam.new@picket.example".parse().unwrap(),
        token_hash: "a-change-hash".into(),
        expires_at: chrono::Utc::now() + chrono::Duration::hours(1),
    })
    .await
    .unwrap();
    work.commit().await.unwrap();
    // The campaign's letters to its targets, queued as the desk's delivery pass does.
    let queued = picket_jobs::eactions::deliver(&*db.store, chrono::Utc::now())
        .await
        .unwrap();
    assert!(queued.letters > 0);
    db
}

/// Back up, restore into a fresh database, back up again: the same rows, typed the same;
/// the Store reads the same; new rows get fresh ids.
#[tokio::test]
async fn a_round_trip_keeps_every_row() {
    let source = seeded(picket_test_support::test_backend()).await;
    let first = archive(&source.store, None).await;
    let before = Contents::read(&first, None);
    for table in [
        "branches",
        "users",
        "memberships",
        "wall_messages",
        "disputes",
        "ballots",
        "audit_log",
        "outbox",
        "sessions",
        "api_tokens",
        "picket_locations",
        "picket_entrances",
        "picket_shifts",
        "picket_signups",
        "picket_feed_keys",
        "turnout_reports",
        "turnout_settings",
        "eactions",
        "eaction_targets",
        "eaction_signatures",
        "supporter_consents",
        "correspondence",
        "strikebreaking_reports",
        "strikebreaking_letters",
        "eaction_deliveries",
        "member_email_changes",
        "dispute_teams",
    ] {
        assert!(
            !before.rows.get(table).is_none_or(Vec::is_empty),
            "the demo fills {table}"
        );
    }
    for table in crate::backup_fund_tests::FUND_TABLES {
        assert!(
            !before.rows.get(*table).is_none_or(Vec::is_empty),
            "the fund records fill {table}"
        );
    }
    assert!(!before
        .header
        .tables
        .iter()
        .any(|t| t.name == "_sqlx_migrations"));
    assert!(before.header.schema_version >= 4);
    // Typed values: ids are integers, text is text, absent values are null.
    assert!(before.column("branches", "id").iter().all(Value::is_i64));
    assert!(before
        .column("branches", "slug")
        .iter()
        .all(Value::is_string));
    assert!(before
        .column("api_tokens", "revoked_at")
        .iter()
        .all(Value::is_null));
    // Parents come before children.
    let position = |name: &str| {
        before
            .header
            .tables
            .iter()
            .position(|t| t.name == name)
            .unwrap()
    };
    assert!(position("branches") < position("memberships"));
    assert!(position("users") < position("memberships"));
    assert!(position("teams") < position("dispute_teams"));
    assert!(position("disputes") < position("dispute_teams"));
    assert!(position("disputes") < position("ballots"));
    assert!(position("picket_locations") < position("picket_entrances"));
    assert!(position("picket_entrances") < position("picket_shifts"));
    assert!(position("picket_shifts") < position("picket_signups"));
    assert!(position("members") < position("turnout_reports"));
    assert!(position("eactions") < position("eaction_signatures"));
    assert!(position("eaction_signatures") < position("supporter_consents"));
    assert!(position("correspondence") < position("strikebreaking_letters"));

    let target = test_db().await;
    let rows = restore(&target.store, &first, None).await.unwrap();
    assert_eq!(
        rows,
        before.rows.values().map(|r| r.len() as u64).sum::<u64>()
    );
    let after = Contents::read(&archive(&target.store, None).await, None);
    before.assert_same_data(&after);

    // Spot checks through the Store.
    let branches = target.store.list_branches().await.unwrap();
    assert_eq!(branches, source.store.list_branches().await.unwrap());
    let branch = &branches[0];
    assert_eq!(
        target.store.wall_counts(branch.id).await.unwrap(),
        source.store.wall_counts(branch.id).await.unwrap()
    );
    assert_eq!(
        target.store.disputes(branch.id).await.unwrap(),
        source.store.disputes(branch.id).await.unwrap()
    );
    // The ledger reads the same, its kept balances still add up, and it takes new postings.
    assert_eq!(
        target.store.fund_accounts(branch.id).await.unwrap(),
        source.store.fund_accounts(branch.id).await.unwrap()
    );
    assert_eq!(
        target
            .store
            .fund_journal(branch.id, None, 1000)
            .await
            .unwrap(),
        source
            .store
            .fund_journal(branch.id, None, 1000)
            .await
            .unwrap()
    );
    assert_eq!(
        target.store.raised_so_far(branch.id).await.unwrap(),
        source.store.raised_so_far(branch.id).await.unwrap()
    );
    picket_store::contract::assert_ledger_adds_up(&*target.store, branch.id).await;
    let mut work = target.store.begin().await.unwrap();
    let bank = target
        .store
        .fund_account_by_code(branch.id, "bank")
        .await
        .unwrap()
        .id;
    let cash = target
        .store
        .fund_account_by_code(branch.id, "cash")
        .await
        .unwrap()
        .id;
    let t = picket_domain::fund::BalancedTransaction::transfer(
        chrono::NaiveDate::from_ymd_opt(2024, 6, 1).unwrap(),
        picket_domain::fund::TransactionKind::Manual,
        "Float after the move",
        cash,
        bank,
        picket_domain::Pence::from_pence(100),
    )
    .unwrap();
    work.post_fund_transaction(branch.id, &t, None)
        .await
        .unwrap();
    work.commit().await.unwrap();
    let dispute = source.store.disputes(branch.id).await.unwrap()[0].id;
    let shifts = target
        .store
        .picket_shifts(branch.id, dispute, None, None)
        .await
        .unwrap();
    assert!(shifts.iter().any(|s| s.taken > 0));
    assert_eq!(
        shifts,
        source
            .store
            .picket_shifts(branch.id, dispute, None, None)
            .await
            .unwrap()
    );
    assert_eq!(
        target.store.picket_sites(branch.id, dispute).await.unwrap(),
        source.store.picket_sites(branch.id, dispute).await.unwrap()
    );
    let dispute = source.store.disputes(branch.id).await.unwrap()[0].id;
    for eaction in source.store.eactions(branch.id, dispute).await.unwrap() {
        assert_eq!(
            target
                .store
                .signatures(branch.id, dispute, eaction.id, Default::default())
                .await
                .unwrap(),
            source
                .store
                .signatures(branch.id, dispute, eaction.id, Default::default())
                .await
                .unwrap()
        );
        assert_eq!(
            target
                .store
                .targets(branch.id, dispute, eaction.id)
                .await
                .unwrap(),
            source
                .store
                .targets(branch.id, dispute, eaction.id)
                .await
                .unwrap()
        );
    }
    assert_eq!(
        target.store.letters(branch.id, dispute).await.unwrap(),
        source.store.letters(branch.id, dispute).await.unwrap()
    );
    assert_eq!(
        target.store.reports(branch.id, dispute).await.unwrap(),
        source.store.reports(branch.id, dispute).await.unwrap()
    );
    let organiser = target
        .store
        .session_user(
            "a-session-hash",
            chrono::Utc::now() - chrono::Duration::hours(1),
        )
        .await
        .unwrap();
    assert_eq!(organiser.email, "organiser@picket.example");
    // Identity sequences moved past the restored ids.
    let added = target
        .store
        .setup_branch(
            &"after".parse().unwrap(),
            "After",
            picket_domain::Division::Scotland,
        )
        .await
        .unwrap();
    assert!(
        branches.iter().all(|b| b.id.0 < added.id.0),
        "fresh id {:?}",
        added.id
    );
    let user = target
        .store
        .setup_user(&"new@example.org".parse().unwrap(), "New", None)
        .await
        .unwrap();
    let max_user = before
        .column("users", "id")
        .iter()
        .filter_map(Value::as_i64)
        .max()
        .unwrap();
    assert!(user.id.0 > max_user);
}

/// SQLite → PostgreSQL → SQLite through export and import: the same rows at every step.
#[tokio::test]
async fn an_instance_moves_from_sqlite_to_postgres_and_back() {
    let sqlite = seeded(Backend::Sqlite).await;
    let a = archive(&sqlite.store, None).await;
    let postgres = test_db_on(Backend::Postgres).await;
    restore(&postgres.store, &a, None).await.unwrap();
    let b = archive(&postgres.store, None).await;
    let back = test_db_on(Backend::Sqlite).await;
    restore(&back.store, &b, None).await.unwrap();
    let c = archive(&back.store, None).await;

    let (a, b, c) = (
        Contents::read(&a, None),
        Contents::read(&b, None),
        Contents::read(&c, None),
    );
    assert_eq!(a.header.source_backend, "sqlite");
    assert_eq!(b.header.source_backend, "postgres");
    a.assert_same_data(&b);
    a.assert_same_data(&c);
    // PostgreSQL hands out new ids after the moved ones.
    let added = postgres
        .store
        .setup_branch(
            &"moved".parse().unwrap(),
            "Moved",
            picket_domain::Division::Scotland,
        )
        .await
        .unwrap();
    assert!(a
        .column("branches", "id")
        .iter()
        .all(|id| id.as_i64().unwrap() < added.id.0));
}

/// An encrypted archive restores with its passphrase, and only with it.
#[tokio::test]
async fn an_encrypted_archive_needs_its_passphrase() {
    let source = seeded(picket_test_support::test_backend()).await;
    let bytes = archive(&source.store, Some("a long shared passphrase")).await;
    assert!(bytes.starts_with(b"age-encryption.org/"));
    // No plain text of the data in the file.
    assert!(!bytes.windows(8).any(|w| w == b"northfie"));

    let target = test_db().await;
    assert!(matches!(
        restore(&target.store, &bytes, None).await,
        Err(ArchiveError::PassphraseNeeded)
    ));
    let wrong = restore(&target.store, &bytes, Some("not the passphrase")).await;
    assert!(
        matches!(wrong, Err(ArchiveError::WrongPassphrase)),
        "{wrong:?}"
    );
    assert_eq!(
        wrong.unwrap_err().to_string(),
        "the passphrase does not open this archive (wrong passphrase?)"
    );
    restore(&target.store, &bytes, Some("a long shared passphrase"))
        .await
        .unwrap();
    Contents::read(&bytes, Some("a long shared passphrase"))
        .assert_same_data(&Contents::read(&archive(&target.store, None).await, None));
}

/// Re-gzips an archive after `edit` changes its lines.
fn rewrite(bytes: &[u8], edit: impl FnOnce(&mut Vec<String>)) -> Vec<u8> {
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(bytes), &mut text).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    edit(&mut lines);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    for line in lines {
        writeln!(gz, "{line}").unwrap();
    }
    gz.finish().unwrap()
}

/// A non-empty target, another schema version and damaged files are refused with a reason,
/// and a refused restore leaves nothing behind.
#[tokio::test]
async fn bad_restores_are_refused_and_leave_nothing() {
    let source = seeded(picket_test_support::test_backend()).await;
    let good = archive(&source.store, None).await;

    // Into a database that has rows: named.
    let err = restore(&source.store, &good, None).await.unwrap_err();
    assert!(
        matches!(&err, ArchiveError::NotEmpty { table } if !table.is_empty()),
        "{err}"
    );
    assert!(err.to_string().contains("is not empty (table `"), "{err}");

    let target = test_db().await;
    // Another schema version.
    let newer = rewrite(&good, |lines| {
        let mut header: ArchiveHeader = serde_json::from_str(&lines[0]).unwrap();
        header.schema_version += 1;
        lines[0] = serde_json::to_string(&header).unwrap();
    });
    let err = restore(&target.store, &newer, None).await.unwrap_err();
    assert!(matches!(err, ArchiveError::SchemaMismatch { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("restore it with the Picket that wrote it"),
        "{err}"
    );

    // Damaged: cut short, a byte changed, the trailer or a row missing, not an archive.
    let cut = good[..good.len() / 2].to_vec();
    let mut flipped = good.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x55;
    let no_end = rewrite(&good, |lines| {
        lines.pop();
    });
    let row_missing = rewrite(&good, |lines| {
        lines.remove(lines.len() / 2);
    });
    for (what, bytes) in [
        ("cut", &cut),
        ("flipped", &flipped),
        ("no end", &no_end),
        ("row missing", &row_missing),
    ] {
        let err = restore(&target.store, bytes, None).await.unwrap_err();
        assert!(matches!(err, ArchiveError::Corrupt(_)), "{what}: {err}");
        assert!(
            err.to_string().starts_with("the archive is damaged"),
            "{what}: {err}"
        );
    }
    let err = restore(&target.store, b"id,name\n1,Northfield\n", None)
        .await
        .unwrap_err();
    assert!(matches!(err, ArchiveError::NotAnArchive), "{err}");

    // Every refusal rolled back: the target is still empty, so the good archive loads.
    assert!(target.store.list_branches().await.unwrap().is_empty());
    restore(&target.store, &good, None).await.unwrap();
    assert_eq!(target.store.list_branches().await.unwrap().len(), 1);
}
