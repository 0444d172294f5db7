-- The solidarity wall: public posts, moderated before they are shown.
-- email and ip_hash are never shown publicly; ip_hash is a keyed hash, not the address.

CREATE TABLE wall_messages (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id       BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    name            TEXT    NOT NULL,
    organisation    TEXT,
    kind            TEXT    NOT NULL,
    message         TEXT    NOT NULL,
    original        TEXT,
    email           TEXT,
    consent         BIGINT  NOT NULL DEFAULT 0,
    pledge_kind     TEXT,
    pledge_pence    BIGINT,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'spam')),
    featured        BIGINT  NOT NULL DEFAULT 0,
    content_key     TEXT    NOT NULL,
    ip_hash         TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    moderated_at    BIGINT,
    moderated_by    BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    edited_at       BIGINT
);
CREATE INDEX wall_messages_shown ON wall_messages (branch_id, status, id);
CREATE INDEX wall_messages_ip ON wall_messages (ip_hash, created_at);
CREATE INDEX wall_messages_dup ON wall_messages (branch_id, content_key);

-- Per-instance secrets (e.g. the key for hashing client addresses), created on first use.
CREATE TABLE instance_secrets (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
