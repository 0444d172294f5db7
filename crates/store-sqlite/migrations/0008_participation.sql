-- Participation in periods of action: how many members took part on a strike day, or over a
-- whole period (day NULL), entered by a rep or an organiser. Counts only: no link to member
-- records. At most one entry per period and day is kept (the store replaces it).

CREATE TABLE action_participation (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id   BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    dispute_id  BIGINT  NOT NULL REFERENCES disputes (id) ON DELETE CASCADE,
    period_id   BIGINT  NOT NULL REFERENCES action_periods (id) ON DELETE CASCADE,
    day         TEXT,
    took_part   BIGINT  NOT NULL CHECK (took_part >= 0),
    entered_by  BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    entered_at  BIGINT  NOT NULL
);
CREATE INDEX action_participation_period ON action_participation (branch_id, dispute_id, period_id);
