-- E-actions and petitions (campaigns supporters sign, their targets, signatures, consent to
-- future contact, and what was queued to each target), the correspondence log, and the
-- strike-breaking monitor. Calendar dates are ISO TEXT; instants BIGINT Unix seconds; flags
-- BIGINT 0/1.

CREATE TABLE eactions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id       BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    dispute_id      BIGINT  NOT NULL REFERENCES disputes (id) ON DELETE CASCADE,
    kind            TEXT    NOT NULL CHECK (kind IN ('email', 'petition')),
    title           TEXT    NOT NULL,
    subject         TEXT    NOT NULL DEFAULT '',
    body            TEXT    NOT NULL,
    delivery        TEXT    NOT NULL CHECK (delivery IN ('each-signature', 'daily-digest', 'count-only')),
    per_hour        BIGINT  NOT NULL DEFAULT 0,
    confirm_email   BIGINT  NOT NULL DEFAULT 0 CHECK (confirm_email IN (0, 1)),
    own_words_max   BIGINT  NOT NULL DEFAULT 0,
    is_open         BIGINT  NOT NULL DEFAULT 0 CHECK (is_open IN (0, 1)),
    opened_on       TEXT,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX eactions_dispute ON eactions (branch_id, dispute_id);

-- Whom a campaign writes to: a decision-maker of the dispute (party_id) or someone added.
-- A target's reply is recorded on its row.
CREATE TABLE eaction_targets (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id       BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    eaction_id      BIGINT  NOT NULL REFERENCES eactions (id) ON DELETE CASCADE,
    party_id        BIGINT  REFERENCES dispute_parties (id) ON DELETE SET NULL,
    name            TEXT    NOT NULL,
    role            TEXT    NOT NULL DEFAULT '',
    email           TEXT,
    replied_on      TEXT,
    reply_summary   TEXT,
    reply_text      TEXT
);
CREATE INDEX eaction_targets_eaction ON eaction_targets (eaction_id);

-- One email signs a campaign once (email_key is the address in lower case). A signature that
-- waits for its address to be confirmed has confirmed = 0 and the hash of its token.
CREATE TABLE eaction_signatures (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id       BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    eaction_id      BIGINT  NOT NULL REFERENCES eactions (id) ON DELETE CASCADE,
    name            TEXT    NOT NULL,
    email           TEXT    NOT NULL,
    email_key       TEXT    NOT NULL,
    postcode        TEXT    NOT NULL,
    own_words       TEXT    NOT NULL DEFAULT '',
    confirmed       BIGINT  NOT NULL CHECK (confirmed IN (0, 1)),
    confirm_hash    TEXT    UNIQUE,
    signed_at       BIGINT  NOT NULL,
    confirmed_at    BIGINT,
    UNIQUE (eaction_id, email_key)
);
CREATE INDEX eaction_signatures_counted ON eaction_signatures (eaction_id, confirmed, id);

-- Consent to future contact, separate from signing, with the wording the supporter agreed to.
CREATE TABLE supporter_consents (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id       BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    signature_id    BIGINT  NOT NULL REFERENCES eaction_signatures (id) ON DELETE CASCADE,
    wording         TEXT    NOT NULL,
    given_at        BIGINT  NOT NULL,
    withdrawn_at    BIGINT
);
CREATE INDEX supporter_consents_signature ON supporter_consents (signature_id);

-- A signature's email to a target, queued once: the pair is unique, and the outbox job
-- carries the same pair in its idempotency key.
CREATE TABLE eaction_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id       BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    signature_id    BIGINT  NOT NULL REFERENCES eaction_signatures (id) ON DELETE CASCADE,
    target_id       BIGINT  NOT NULL REFERENCES eaction_targets (id) ON DELETE CASCADE,
    queued_at       BIGINT  NOT NULL,
    UNIQUE (signature_id, target_id)
);
CREATE INDEX eaction_deliveries_target ON eaction_deliveries (target_id, queued_at);

-- A target's daily digest: one a day. The signatures it carried are in eaction_deliveries, so
-- a signature confirmed late goes in the next one.
CREATE TABLE eaction_digests (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id       BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    target_id       BIGINT  NOT NULL REFERENCES eaction_targets (id) ON DELETE CASCADE,
    day             TEXT    NOT NULL,
    signatures      BIGINT  NOT NULL,
    queued_at       BIGINT  NOT NULL,
    UNIQUE (target_id, day)
);

-- Letters and emails to and from anyone a dispute concerns. "Overdue" is awaiting past
-- reply_by; reminded_at is set when the organisers were told, so they are told once.
CREATE TABLE correspondence (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id       BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    dispute_id      BIGINT  NOT NULL REFERENCES disputes (id) ON DELETE CASCADE,
    direction       TEXT    NOT NULL CHECK (direction IN ('sent', 'received')),
    counterpart     TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    channel         TEXT    NOT NULL CHECK (channel IN ('email', 'letter', 'registered-post', 'by-hand')),
    sent_on         TEXT    NOT NULL,
    proof           TEXT    NOT NULL DEFAULT '',
    reply_by        TEXT,
    status          TEXT    NOT NULL CHECK (status IN ('awaiting', 'answered', 'refused-at-reception', 'returned')),
    notes           TEXT    NOT NULL DEFAULT '',
    timeline_event_id BIGINT REFERENCES dispute_events (id) ON DELETE SET NULL,
    reminded_at     BIGINT,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX correspondence_dispute ON correspondence (branch_id, dispute_id, sent_on);
CREATE INDEX correspondence_due ON correspondence (status, reply_by);

-- Agencies or contractors reported covering strikers' work, and the letters sent to them.
CREATE TABLE strikebreaking_reports (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id       BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    dispute_id      BIGINT  NOT NULL REFERENCES disputes (id) ON DELETE CASCADE,
    who             TEXT    NOT NULL,
    service         TEXT    NOT NULL,
    learned_on      TEXT    NOT NULL,
    evidence        TEXT    NOT NULL DEFAULT '',
    outcome         TEXT    NOT NULL CHECK (outcome IN ('unknown', 'withdrew', 'continuing')),
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX strikebreaking_reports_dispute ON strikebreaking_reports (branch_id, dispute_id);

CREATE TABLE strikebreaking_letters (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id       BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    report_id       BIGINT  NOT NULL REFERENCES strikebreaking_reports (id) ON DELETE CASCADE,
    letter_id       BIGINT  NOT NULL REFERENCES correspondence (id) ON DELETE CASCADE,
    UNIQUE (report_id, letter_id)
);

-- An email that must never reach its recipient twice (a supporter's letter to a target) is
-- marked send_once. The worker sets sending_at just before it hands such an email to the
-- mail server; if the worker dies then, nobody knows whether the server took it, so when the
-- lease runs out the email is given up rather than sent again. A failure the server reported
-- clears sending_at, and the email is retried as usual.
ALTER TABLE outbox ADD COLUMN send_once BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN sending_at BIGINT;
