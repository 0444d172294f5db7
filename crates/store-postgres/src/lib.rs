//! PostgreSQL backend for Picket's store (the scale-out engine).
