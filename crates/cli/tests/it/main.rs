//! picket-cli's integration tests, built as one binary: each module runs the built `picket`
//! binary (through `support::picket`) as a person or a script would, on the backend
//! `PICKET_TEST_BACKEND` selects where a database is needed; `desk_browser` also drives
//! Chromium. A new test file goes here as a module, so the stack is linked once.

mod account_cli;
mod backup_cli;
mod commands;
mod demo_truth;
mod desk_browser;
mod fund_cli;
mod import_cli;
mod law_cli;
mod law_settings;
mod support;
mod text_args;
