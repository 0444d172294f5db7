//! picket-jobs' integration tests, built as one binary.

mod eactions;
mod pickets;
mod worker;
