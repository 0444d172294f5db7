-- A member's own access: single-use sign-in links (only the token's hash is kept) and the
-- history of their contact consent (each change, with the wording agreed to and the day).

CREATE TABLE magic_links (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id   BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    member_id   BIGINT  NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    token_hash  TEXT    NOT NULL UNIQUE,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL,
    used_at     BIGINT
);
CREATE INDEX magic_links_member ON magic_links (member_id);
CREATE INDEX magic_links_expiry ON magic_links (expires_at);

CREATE TABLE member_consents (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id      BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    member_id      BIGINT  NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    changed_at     BIGINT  NOT NULL,
    by_email       BIGINT  NOT NULL CHECK (by_email IN (0, 1)),
    by_phone       BIGINT  NOT NULL CHECK (by_phone IN (0, 1)),
    wording        TEXT,
    agreed_on      TEXT,
    source         TEXT    NOT NULL CHECK (source IN ('member', 'organiser', 'import')),
    actor_id       BIGINT  REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX member_consents_member ON member_consents (member_id, id);
