//! Picket's web layer: pages, JSON API, sessions, CSRF.
