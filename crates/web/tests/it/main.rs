//! picket-web's integration tests, built as one binary: each module tests one part of the
//! site over HTTP (or in Chromium, the `*browser` modules) against a running Picket on the
//! backend `PICKET_TEST_BACKEND` selects. Helpers they share are in `support`; a new test
//! file goes here as a module, not beside this directory, so the stack is linked once.

mod a11y_browser;
mod account;
mod account_sign_in;
mod api_fuzz;
mod browser;
mod caching;
mod campaign;
mod campaign_browser;
mod campaign_ics;
mod demo;
mod disputes;
mod disputes_api;
mod disputes_edits_api;
mod disputes_edits_pages;
mod disputes_publication;
mod disputes_rooms;
mod disputes_rooms_browser;
mod disputes_unit;
mod eactions_desk;
mod eactions_public;
mod eactions_supporters;
mod fund_api;
mod fund_browser;
mod fund_concurrency;
mod fund_fixture;
mod fund_hardship;
mod fund_ledger;
mod fund_pages;
mod http;
mod input_rules;
mod member_data_browser;
mod member_data_email;
mod member_data_own;
mod member_data_staff;
mod members;
mod members_browser;
mod members_dates;
mod members_edit;
mod members_edit_browser;
mod members_export;
mod members_import_abandoned;
mod pickets;
mod pickets_api;
mod pickets_browser;
mod pickets_changes;
mod pickets_concurrent;
mod pickets_fixture;
mod pickets_ics;
mod pickets_pages;
mod pickets_turnout;
mod roles;
#[path = "../../../mail/tests/it/common.rs"]
#[expect(
    dead_code,
    reason = "picket-mail's real SMTP server helper; these tests use the server, not the parser"
)]
mod smtp_sink;
mod support;
mod text_input;
mod wall;
mod wall_browser;
mod wall_feed;
mod wall_limits;
mod wall_moderation_keys_browser;
mod wall_public;
mod words;
