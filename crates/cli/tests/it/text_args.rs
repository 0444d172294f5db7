//! Text typed on the command line follows the same rule as text typed on a page: a branch's
//! name with a control character or a direction override is refused (exit code 2), saying why.

use crate::support::picket;
use picket_test_support::db::fresh_url;

#[tokio::test]
async fn a_branch_name_with_control_or_direction_characters_is_refused() {
    let (url, _dir) = fresh_url().await;
    assert!(picket()
        .args(["migrate"])
        .database(&url)
        .run()
        .status
        .success());
    for (name, says) in [
        ("North\u{1b}[2J", "U+001B"),
        ("North\u{202E}dleif", "U+202E"),
        ("North\nfield", "one line"),
    ] {
        let out = picket()
            .args([
                "branch",
                "add",
                "--slug",
                "north",
                "--name",
                name,
                "--division",
                "scotland",
            ])
            .database(&url)
            .run();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name:?}: {err}");
        assert!(
            err.contains("--name") && err.contains(says),
            "{name:?}: {err}"
        );
    }
    let ok = picket()
        .args([
            "branch",
            "add",
            "--slug",
            "north",
            "--name",
            " Northfield ",
            "--division",
            "scotland",
        ])
        .database(&url)
        .run();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let list = picket().args(["branch", "list"]).database(&url).run();
    assert!(String::from_utf8_lossy(&list.stdout).contains("north\tscotland\tNorthfield\n"));
}
