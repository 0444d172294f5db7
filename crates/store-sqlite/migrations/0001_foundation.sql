-- Picket foundation: branches, users, memberships, sessions, API tokens, audit log, outbox.
-- Instants are Unix seconds (BIGINT); the same SQL text runs on PostgreSQL.

CREATE TABLE branches (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    slug        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    division    TEXT    NOT NULL CHECK (division IN ('england-and-wales', 'scotland', 'northern-ireland')),
    created_at  BIGINT  NOT NULL
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    email          TEXT    NOT NULL,
    display_name   TEXT    NOT NULL,
    password_hash  TEXT,
    created_at     BIGINT  NOT NULL
);
CREATE UNIQUE INDEX users_email_lower ON users (lower(email));

CREATE TABLE memberships (
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    branch_id   BIGINT NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    role        TEXT   NOT NULL CHECK (role IN ('admin', 'organiser', 'treasurer', 'rep', 'member')),
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (user_id, branch_id)
);
CREATE INDEX memberships_branch ON memberships (branch_id);

CREATE TABLE sessions (
    token_hash  TEXT   PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    token_hash    TEXT    NOT NULL UNIQUE,
    created_at    BIGINT  NOT NULL,
    last_used_at  BIGINT,
    revoked_at    BIGINT
);

CREATE TABLE login_failures (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    key_hash  TEXT    NOT NULL,
    at        BIGINT  NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key_hash, at);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          BIGINT  NOT NULL,
    actor_id    BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    branch_id   BIGINT  REFERENCES branches (id) ON DELETE SET NULL,
    action      TEXT    NOT NULL,
    subject     TEXT,
    detail      TEXT,
    request_id  TEXT
);
CREATE INDEX audit_log_branch ON audit_log (branch_id, id);

CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key  TEXT    UNIQUE,
    payload          TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts         BIGINT  NOT NULL DEFAULT 0,
    max_attempts     BIGINT  NOT NULL,
    run_after        BIGINT  NOT NULL,
    locked_by        TEXT,
    locked_until     BIGINT,
    last_error       TEXT,
    created_at       BIGINT  NOT NULL,
    sent_at          BIGINT
);
CREATE INDEX outbox_due ON outbox (status, run_after);
