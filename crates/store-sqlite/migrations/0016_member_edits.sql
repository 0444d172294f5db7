-- A member's change of their own email address waits here until they open the link sent to
-- the new address: only the token's hash is kept, and the record keeps the old address until
-- the link is used (once, before it expires). Organisers' edits need no table: each is an
-- audit entry naming the fields changed and the reason.

CREATE TABLE member_email_changes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id   BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    member_id   BIGINT  NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    new_email   TEXT    NOT NULL,
    token_hash  TEXT    NOT NULL UNIQUE,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL,
    used_at     BIGINT
);
CREATE INDEX member_email_changes_member ON member_email_changes (branch_id, member_id);
CREATE INDEX member_email_changes_expiry ON member_email_changes (expires_at);
