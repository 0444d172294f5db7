//! SQLite backend for Picket's store (the embedded default).
