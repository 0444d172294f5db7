//! picket-jobs' integration tests, built as one binary.

mod pickets;
mod worker;
