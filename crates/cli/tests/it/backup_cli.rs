//! `picket backup`, `restore`, `export instance`, `import instance` and `retention run`, run
//! as the real binary on the backend this run selects: the files, the messages and the exit
//! codes.

use crate::support::picket;
use picket_test_support::cli::{ok, refused};
use picket_test_support::db::fresh_url;
use std::path::Path;

/// The audit log's actions, newest first.
async fn audit_actions(url: &str) -> Vec<String> {
    use picket_store::{prelude::*, PageRequest};
    let store = if picket_store_sqlite::handles(url) {
        picket_store_sqlite::connect(url, 1).await
    } else {
        picket_store_postgres::connect(url, 1).await
    }
    .expect("open the database");
    store
        .audit_entries(None, PageRequest::new(1, 200))
        .await
        .expect("read the audit log")
        .items
        .into_iter()
        .map(|e| e.action)
        .collect()
}

fn write(path: &Path, text: &str) -> String {
    std::fs::write(path, text).unwrap();
    path.display().to_string()
}

#[tokio::test]
async fn an_encrypted_backup_restores_with_its_passphrase_only() {
    let (source, _d1) = fresh_url().await;
    let (target, _d2) = fresh_url().await;
    let dir = tempfile::tempdir().unwrap();
    ok(&picket()
        .args([
            "branch",
            "add",
            "--slug",
            "northfield",
            "--name",
            "Northfield",
            "--division",
            "scotland",
        ])
        .database(&source)
        .run());
    let file = dir.path().join("picket.backup");
    let file = file.to_str().unwrap();
    let right = write(&dir.path().join("pass"), "a long shared passphrase\n");
    let wrong = write(&dir.path().join("wrong"), "another passphrase\n");

    let said = ok(&picket()
        .args(["backup", file, "--encrypt", "--passphrase-file", &right])
        .database(&source)
        .run());
    assert!(said.contains("encrypted") && said.contains(file), "{said}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(file).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "only the owner reads a backup");
    }
    // An existing file is not replaced without --force.
    let err = refused(&picket().args(["backup", file]).database(&source).run());
    assert!(err.contains("exists") && err.contains("--force"), "{err}");

    let err = refused(&picket().args(["restore", file]).database(&target).run());
    assert!(err.contains("PICKET_BACKUP_PASSPHRASE"), "{err}");
    let err = refused(
        &picket()
            .args(["restore", file, "--passphrase-file", &wrong])
            .database(&target)
            .run(),
    );
    assert!(err.contains("passphrase does not open"), "{err}");
    let said = ok(&picket()
        .args(["restore", file])
        .database(&target)
        .env("PICKET_BACKUP_PASSPHRASE", "a long shared passphrase")
        .run());
    assert!(said.starts_with("restored "), "{said}");
    let branches = ok(&picket().args(["branch", "list"]).database(&target).run());
    assert!(branches.contains("northfield"), "{branches}");
    // Now the target has rows: a second restore is refused, naming a table.
    let err = refused(
        &picket()
            .args(["restore", file, "--passphrase-file", &right])
            .database(&target)
            .run(),
    );
    assert!(err.contains("not empty (table `"), "{err}");
}

#[tokio::test]
async fn export_and_import_instance_share_the_backup_format() {
    let (source, _d1) = fresh_url().await;
    let (target, _d2) = fresh_url().await;
    let dir = tempfile::tempdir().unwrap();
    ok(&picket()
        .args([
            "branch",
            "add",
            "--slug",
            "riverside",
            "--name",
            "Riverside",
            "--division",
            "england-and-wales",
        ])
        .database(&source)
        .run());
    let file = dir.path().join("instance.picket");
    let file = file.to_str().unwrap();
    ok(&picket()
        .args(["export", "instance", file])
        .database(&source)
        .run());
    let gz = std::fs::read(file).unwrap();
    assert_eq!(&gz[..2], &[0x1f, 0x8b], "gzip'd");
    ok(&picket()
        .args(["import", "instance", file])
        .database(&target)
        .run());
    assert!(ok(&picket().args(["branch", "list"]).database(&target).run()).contains("riverside"));
    // Taking every member's data out, and loading it in, are both in the audit log.
    assert!(
        audit_actions(&source)
            .await
            .contains(&"instance.backup".to_string()),
        "the export is audited where it was taken"
    );
    assert_eq!(
        audit_actions(&target).await.first().map(String::as_str),
        Some("instance.restore"),
        "the import is audited where it was loaded, after the archive's own entries"
    );

    let junk = write(&dir.path().join("junk.csv"), "id,name\n1,x\n");
    let (other, _d3) = fresh_url().await;
    let err = refused(
        &picket()
            .args(["import", "instance", &junk])
            .database(&other)
            .run(),
    );
    assert!(err.contains("not a Picket archive"), "{err}");
}

#[tokio::test]
async fn retention_run_reports_each_kind() {
    let (url, _d) = fresh_url().await;
    let dry = ok(&picket()
        .args(["retention", "run", "--dry-run"])
        .database(&url)
        .run());
    for kind in [
        "wall_rejected",
        "wall_contact",
        "sessions",
        "login_failures",
        "audit",
        "outbox_sent",
        "hardship_reasons",
    ] {
        assert!(dry.contains(kind), "{kind} in:\n{dry}");
    }
    assert!(dry.contains("would be deleted"), "{dry}");
    let kept = ok(&picket()
        .args(["retention", "run"])
        .database(&url)
        .env("PICKET_RETENTION__AUDIT_DAYS", "0")
        .run());
    assert!(
        kept.contains("deleted") && !kept.contains("would"),
        "{kept}"
    );
    let audit_line = kept.lines().find(|l| l.starts_with("audit")).unwrap();
    assert!(audit_line.contains("for ever"), "{audit_line}");
    let err = refused(
        &picket()
            .args(["retention", "run"])
            .database(&url)
            .env("PICKET_RETENTION__FOREVER_DAYS", "3")
            .run(),
    );
    assert!(err.contains("retention.forever_days"), "{err}");
}
