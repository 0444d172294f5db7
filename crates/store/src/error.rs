//! The store's error type. Messages never carry personal data: a conflict names the field,
//! not the value.

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist, or belongs to another branch.
    #[error("not found")]
    NotFound,
    /// A unique value is already taken; the text names the field.
    #[error("{0} is already taken")]
    Conflict(&'static str),
    /// The change breaks one of the domain's rules (an amount larger than what is owed, a
    /// status for someone not called out…); the text says what to fix, in words for people,
    /// and never holds personal data.
    #[error("{0}")]
    Refused(String),
    /// The database could not be reached or opened.
    #[error("cannot reach the database: {0}")]
    Unavailable(String),
    /// The database was migrated by a newer Picket than this one.
    #[error(
        "the database is at schema version {found}, newer than this Picket knows (up to {known}); \
         it was migrated by a newer Picket: run that version, or restore a backup taken before the upgrade"
    )]
    SchemaTooNew {
        /// The newest migration recorded in the database.
        found: i64,
        /// The newest migration this build carries.
        known: i64,
    },
    /// Applying migrations failed.
    #[error("migration failed: {0}")]
    Migrate(String),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => {
                StoreError::Unavailable(e.to_string())
            }
            _ => StoreError::Database(e),
        }
    }
}

impl StoreError {
    /// Maps a unique-constraint violation to [`StoreError::Conflict`] naming `field`.
    pub fn conflict_on(e: sqlx::Error, field: &'static str) -> StoreError {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(field),
            _ => e.into(),
        }
    }
}
