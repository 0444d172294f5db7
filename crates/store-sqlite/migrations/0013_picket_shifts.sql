-- Picket lines as a rota: today's picket locations become sites (with notes and entrances),
-- shifts stand at an entrance on a day, and people take places on them (members by their
-- record, supporters by name and a phone number or email address, walk-ups by name). A
-- member's private calendar address is derived from a key generation kept here, so resetting
-- it needs no stored secret. The turnout drive keeps what members say about a statutory
-- ballot ("my paper arrived", "I have voted"), never how anyone voted.

ALTER TABLE picket_locations ADD COLUMN notes TEXT NOT NULL DEFAULT '';

CREATE TABLE picket_entrances (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id   BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    dispute_id  BIGINT  NOT NULL REFERENCES disputes (id) ON DELETE CASCADE,
    location_id BIGINT  NOT NULL REFERENCES picket_locations (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);
CREATE UNIQUE INDEX picket_entrances_name ON picket_entrances (location_id, lower(name));

-- Every existing location keeps one entrance, so shifts can be added to it at once.
INSERT INTO picket_entrances (branch_id, dispute_id, location_id, name, created_at)
    SELECT branch_id, dispute_id, id, 'Main entrance', created_at FROM picket_locations;

CREATE TABLE picket_shifts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id   BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    dispute_id  BIGINT  NOT NULL REFERENCES disputes (id) ON DELETE CASCADE,
    location_id BIGINT  NOT NULL REFERENCES picket_locations (id) ON DELETE CASCADE,
    entrance_id BIGINT  NOT NULL REFERENCES picket_entrances (id) ON DELETE CASCADE,
    day         TEXT    NOT NULL,
    starts      TEXT    NOT NULL,
    ends        TEXT    NOT NULL,
    starts_at   BIGINT  NOT NULL,
    ends_at     BIGINT  NOT NULL,
    capacity    BIGINT  NOT NULL CHECK (capacity > 0),
    open_to_supporters BIGINT NOT NULL DEFAULT 1,
    notes       TEXT    NOT NULL DEFAULT '',
    supervisor_member_id BIGINT REFERENCES members (id) ON DELETE SET NULL,
    cancelled_at BIGINT,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
CREATE INDEX picket_shifts_dispute ON picket_shifts (branch_id, dispute_id, day);
CREATE INDEX picket_shifts_entrance ON picket_shifts (entrance_id, day);
CREATE INDEX picket_shifts_day ON picket_shifts (day);

CREATE TABLE picket_signups (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id   BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    dispute_id  BIGINT  NOT NULL REFERENCES disputes (id) ON DELETE CASCADE,
    shift_id    BIGINT  NOT NULL REFERENCES picket_shifts (id) ON DELETE CASCADE,
    member_id   BIGINT  REFERENCES members (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL DEFAULT '',
    email       TEXT,
    phone       TEXT,
    status      TEXT    NOT NULL CHECK (status IN ('taken', 'waiting', 'cancelled', 'walk_up')),
    present_at  BIGINT,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL,
    cancelled_at BIGINT
);
CREATE INDEX picket_signups_shift ON picket_signups (shift_id, status, id);
CREATE INDEX picket_signups_member ON picket_signups (member_id);
CREATE UNIQUE INDEX picket_signups_one_member ON picket_signups (shift_id, member_id)
    WHERE member_id IS NOT NULL AND status IN ('taken', 'waiting');
CREATE UNIQUE INDEX picket_signups_one_email ON picket_signups (shift_id, lower(email))
    WHERE email IS NOT NULL AND status IN ('taken', 'waiting');

CREATE TABLE picket_feed_keys (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id   BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    member_id   BIGINT  NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    generation  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
CREATE UNIQUE INDEX picket_feed_keys_member ON picket_feed_keys (branch_id, member_id);

CREATE TABLE turnout_reports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id   BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    ballot_id   BIGINT  NOT NULL REFERENCES ballots (id) ON DELETE CASCADE,
    member_id   BIGINT  NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    paper_arrived_at BIGINT,
    voted_at    BIGINT,
    updated_at  BIGINT  NOT NULL
);
CREATE UNIQUE INDEX turnout_reports_member ON turnout_reports (ballot_id, member_id);

CREATE TABLE turnout_settings (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id   BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    ballot_id   BIGINT  NOT NULL REFERENCES ballots (id) ON DELETE CASCADE,
    reminder_every_days BIGINT NOT NULL CHECK (reminder_every_days > 0),
    last_reminder_at BIGINT
);
CREATE UNIQUE INDEX turnout_settings_ballot ON turnout_settings (ballot_id);
