-- Members: the branch's membership records, its teams, the reps' teams, and CSV imports.
-- Member rows are special-category personal data. Erasure pseudonymises a row in place
-- (keeping its id, so counts and references stay right) and sets erased_at.

CREATE TABLE teams (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id   BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    workplace   TEXT,
    created_at  BIGINT  NOT NULL
);
CREATE UNIQUE INDEX teams_branch_name ON teams (branch_id, lower(name));

CREATE TABLE members (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id          BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    membership_number  TEXT    NOT NULL,
    name               TEXT    NOT NULL,
    email              TEXT,
    phone              TEXT,
    employer           TEXT,
    team_id            BIGINT  REFERENCES teams (id) ON DELETE SET NULL,
    workplace          TEXT,
    job_title          TEXT,
    daily_pay_pence    BIGINT  CHECK (daily_pay_pence >= 0),
    is_rep             BIGINT  NOT NULL DEFAULT 0 CHECK (is_rep IN (0, 1)),
    contact_email      BIGINT  NOT NULL DEFAULT 0 CHECK (contact_email IN (0, 1)),
    contact_phone      BIGINT  NOT NULL DEFAULT 0 CHECK (contact_phone IN (0, 1)),
    consent_wording    TEXT,
    consent_date       TEXT,
    user_id            BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL,
    erased_at          BIGINT
);
CREATE UNIQUE INDEX members_branch_number ON members (branch_id, membership_number);
CREATE INDEX members_branch_name ON members (branch_id, name);
CREATE INDEX members_branch_team ON members (branch_id, team_id);
CREATE INDEX members_user ON members (user_id);

-- The teams a rep user represents, per branch.
CREATE TABLE rep_teams (
    branch_id   BIGINT NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    team_id     BIGINT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (user_id, team_id)
);
CREATE INDEX rep_teams_branch ON rep_teams (branch_id, user_id);

-- The column mapping a branch last imported with (JSON).
CREATE TABLE member_import_maps (
    branch_id   BIGINT PRIMARY KEY REFERENCES branches (id) ON DELETE CASCADE,
    mapping     TEXT   NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- Import runs started from the web: progress while running, then the result. The report
-- holds row numbers, fields, reasons and membership numbers, never other personal data.
CREATE TABLE member_imports (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id        BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    started_by       BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    dry_run          BIGINT  NOT NULL CHECK (dry_run IN (0, 1)),
    status           TEXT    NOT NULL CHECK (status IN ('running', 'done', 'refused', 'failed')),
    rows_total       BIGINT  NOT NULL DEFAULT 0,
    rows_done        BIGINT  NOT NULL DEFAULT 0,
    created_count    BIGINT  NOT NULL DEFAULT 0,
    updated_count    BIGINT  NOT NULL DEFAULT 0,
    unchanged_count  BIGINT  NOT NULL DEFAULT 0,
    rejected_count   BIGINT  NOT NULL DEFAULT 0,
    report           TEXT,
    error            TEXT,
    created_at       BIGINT  NOT NULL,
    finished_at      BIGINT
);
CREATE INDEX member_imports_branch ON member_imports (branch_id, id);
