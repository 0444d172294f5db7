//! Test helpers: TestApp builder and database factories for both backends.
