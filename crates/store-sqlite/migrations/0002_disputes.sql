-- Disputes: parties, claims and offers, a dated timeline, ballots with their steps and
-- survey questions, and periods of industrial action. Calendar dates are ISO TEXT; flags are
-- BIGINT 0/1; percentages are BIGINT hundredths.

CREATE TABLE disputes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id   BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    title       TEXT    NOT NULL,
    employer    TEXT    NOT NULL,
    nation      TEXT    NOT NULL CHECK (nation IN ('england', 'wales', 'scotland', 'northern-ireland')),
    status      TEXT    NOT NULL CHECK (status IN ('preparing', 'balloting', 'in-action', 'suspended', 'settled', 'closed')),
    summary     TEXT    NOT NULL DEFAULT '',
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
CREATE INDEX disputes_branch ON disputes (branch_id, id);

-- Decision-makers (later the targets of letters) and teams/workplaces in the bargaining unit.
CREATE TABLE dispute_parties (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id   BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    dispute_id  BIGINT  NOT NULL REFERENCES disputes (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('decision-maker', 'team')),
    name        TEXT    NOT NULL,
    detail      TEXT    NOT NULL DEFAULT '',
    email       TEXT,
    address     TEXT,
    headcount   BIGINT
);
CREATE INDEX dispute_parties_dispute ON dispute_parties (branch_id, dispute_id);

CREATE TABLE dispute_claims (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id   BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    dispute_id  BIGINT  NOT NULL REFERENCES disputes (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('claim', 'offer')),
    dated       TEXT    NOT NULL,
    summary     TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('tabled', 'rejected', 'withdrawn', 'accepted'))
);
CREATE INDEX dispute_claims_dispute ON dispute_claims (branch_id, dispute_id);

CREATE TABLE dispute_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id   BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    dispute_id  BIGINT  NOT NULL REFERENCES disputes (id) ON DELETE CASCADE,
    dated       TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    outcome     TEXT    NOT NULL DEFAULT '',
    public      BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX dispute_events_dispute ON dispute_events (branch_id, dispute_id, dated);

-- Organiser-set rates for impact estimates, in hundredths per worker per strike day.
CREATE TABLE dispute_rates (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id   BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    dispute_id  BIGINT  NOT NULL REFERENCES disputes (id) ON DELETE CASCADE,
    label       TEXT    NOT NULL,
    per_worker_day_hundredths BIGINT NOT NULL
);

CREATE TABLE ballots (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id   BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    dispute_id  BIGINT  NOT NULL REFERENCES disputes (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('statutory', 'consultative', 'survey')),
    title       TEXT    NOT NULL,
    opened      TEXT    NOT NULL,
    closed      TEXT    NOT NULL,
    entitled    BIGINT  NOT NULL,
    ips         TEXT,
    welsh_devolved BIGINT NOT NULL DEFAULT 0,
    extension_agreed BIGINT NOT NULL DEFAULT 0,
    cast_votes  BIGINT,
    yes_votes   BIGINT,
    no_votes    BIGINT,
    spoiled     BIGINT,
    result_to_employer TEXT
);
CREATE INDEX ballots_dispute ON ballots (branch_id, dispute_id);

CREATE TABLE ballot_questions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id   BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    ballot_id   BIGINT  NOT NULL REFERENCES ballots (id) ON DELETE CASCADE,
    question    TEXT    NOT NULL,
    answer      TEXT    NOT NULL,
    percent_hundredths BIGINT NOT NULL
);

CREATE TABLE ballot_steps (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id   BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    ballot_id   BIGINT  NOT NULL REFERENCES ballots (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    due         TEXT,
    done        TEXT,
    provision   TEXT    NOT NULL DEFAULT ''
);

CREATE TABLE action_periods (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id   BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    dispute_id  BIGINT  NOT NULL REFERENCES disputes (id) ON DELETE CASCADE,
    ballot_id   BIGINT  REFERENCES ballots (id) ON DELETE SET NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('strike', 'asos')),
    starts      TEXT    NOT NULL,
    ends        TEXT    NOT NULL,
    teams       TEXT    NOT NULL DEFAULT '',
    called_out  BIGINT  NOT NULL,
    notice_received TEXT,
    holidays_as_strike TEXT NOT NULL DEFAULT ''
);
CREATE INDEX action_periods_dispute ON action_periods (branch_id, dispute_id, starts);
