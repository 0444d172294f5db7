//! Outbox worker: claims e-mail jobs with a lease, retries with back-off.
