//! picket-store-postgres' integration tests, built as one binary.

mod events;
