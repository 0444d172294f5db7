//! What several test modules use: the built `picket` binary and how a refusal reads.

use picket_test_support::cli::text;
use picket_test_support::Picket;

/// A run of the `picket` binary cargo built for these tests.
pub fn picket() -> Picket {
    Picket::new(env!("CARGO_BIN_EXE_picket"))
}

/// Runs `picket` with `args`, expecting exit code 2 with a message on standard error that
/// starts `error: ` and names `option`, and nothing on standard output; returns the message.
pub fn refused_naming(args: &[&str], option: &str) -> String {
    let out = picket().args(args).run();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(
        out.status.code(),
        Some(2),
        "picket {args:?} should exit 2; stdout: {stdout} stderr: {stderr}"
    );
    assert!(
        stderr.starts_with("error: "),
        "picket {args:?}: message should start with `error: `: {stderr}"
    );
    assert!(
        stderr.contains(option),
        "picket {args:?}: message should name {option}: {stderr}"
    );
    assert!(stdout.is_empty(), "nothing on stdout when refused");
    stderr
}
