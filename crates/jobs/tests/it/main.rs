//! picket-jobs' integration tests, built as one binary.

mod eactions;
mod pickets;
mod smtp;
#[path = "../../../mail/tests/it/common.rs"]
#[expect(
    dead_code,
    reason = "picket-mail's real SMTP server helper; these tests use the server, not the parser"
)]
mod smtp_sink;
mod worker;
