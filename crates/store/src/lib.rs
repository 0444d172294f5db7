//! The Store trait, row models, and the contract tests every backend runs.
