//! picket-test-support's integration tests, built as one binary: the store's contract and its
//! migrations, against the backend `PICKET_TEST_BACKEND` selects.

mod fund_sql;
mod migrations;
mod store_contract;
