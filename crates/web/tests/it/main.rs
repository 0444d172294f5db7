//! picket-web's integration tests, built as one binary: each module tests one part of the
//! site over HTTP (or in Chromium, the `*browser` modules) against a running Picket on the
//! backend `PICKET_TEST_BACKEND` selects. Helpers they share are in `support`; a new test
//! file goes here as a module, not beside this directory, so the stack is linked once.

mod account;
mod api_fuzz;
mod browser;
mod caching;
mod campaign;
mod campaign_browser;
mod campaign_ics;
mod dispute_edits_api;
mod dispute_edits_pages;
mod disputes;
mod disputes_api;
mod http;
mod import_abandoned;
mod input_rules;
mod member_data;
mod members;
mod members_browser;
mod members_export;
mod moderation_keys_browser;
mod pickets;
mod roles;
mod self_service;
mod self_service_browser;
mod sign_in;
mod support;
mod text_input;
mod wall;
mod wall_browser;
mod wall_feed;
mod wall_limits;
mod wall_public;
