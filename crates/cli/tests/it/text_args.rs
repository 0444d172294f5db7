//! Text typed on the command line follows the same rule as text typed on a page: a branch's
//! name with a control character or a direction override is refused (exit code 2), saying why.

use picket_test_support::db::fresh_url;
use std::process::{Command, Output};

fn picket(args: &[&str], url: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_picket"))
        .args(args)
        .env_remove("PICKET_CONFIG")
        .env("PICKET_DATABASE_URL", url)
        .env("PICKET_MAIL__KIND", "memory")
        .output()
        .expect("run picket")
}

#[tokio::test]
async fn a_branch_name_with_control_or_direction_characters_is_refused() {
    let (url, _dir) = fresh_url().await;
    assert!(picket(&["migrate"], &url).status.success());
    for (name, says) in [
        ("North\u{1b}[2J", "U+001B"),
        ("North\u{202E}dleif", "U+202E"),
        ("North\nfield", "one line"),
    ] {
        let out = picket(
            &[
                "branch",
                "add",
                "--slug",
                "north",
                "--name",
                name,
                "--division",
                "scotland",
            ],
            &url,
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name:?}: {err}");
        assert!(
            err.contains("--name") && err.contains(says),
            "{name:?}: {err}"
        );
    }
    let ok = picket(
        &[
            "branch",
            "add",
            "--slug",
            "north",
            "--name",
            " Northfield ",
            "--division",
            "scotland",
        ],
        &url,
    );
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let list = picket(&["branch", "list"], &url);
    assert!(String::from_utf8_lossy(&list.stdout).contains("north\tscotland\tNorthfield\n"));
}
