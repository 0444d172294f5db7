//! picket-store-sqlite's integration tests, built as one binary.

mod durability;
