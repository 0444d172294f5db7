-- One bargaining unit: a dispute's teams are the branch's teams (the teams its members belong
-- to), and the members called out for a period of action and entitled to vote in a ballot
-- are counted from the member records in those teams, on the period's first day or the
-- ballot's opening day. A figure typed by hand still wins where it is given, with its reason
-- (e.g. members not yet imported).

CREATE TABLE dispute_teams (
    branch_id   BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    dispute_id  BIGINT  NOT NULL REFERENCES disputes (id) ON DELETE CASCADE,
    team_id     BIGINT  NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    created_at  BIGINT  NOT NULL,
    PRIMARY KEY (dispute_id, team_id)
);
CREATE INDEX dispute_teams_branch ON dispute_teams (branch_id, dispute_id);

-- When a membership began and ended (ISO dates; unknown: counted throughout). A member is
-- counted on a day from joined_on to the day before left_on.
ALTER TABLE members ADD COLUMN joined_on TEXT;
ALTER TABLE members ADD COLUMN left_on TEXT;

-- A hand figure: called_out (and entitled) hold it only while its reason is set; otherwise
-- the figure is counted from the member records.
ALTER TABLE action_periods ADD COLUMN called_out_reason TEXT;
ALTER TABLE ballots ADD COLUMN entitled_reason TEXT;
UPDATE action_periods SET called_out_reason = 'entered before counts came from member records';
UPDATE ballots SET entitled_reason = 'entered before counts came from member records';

-- The free-text teams of disputes become the branch's teams of the same name (compared
-- without regard to case), made where the branch had none.
INSERT INTO teams (branch_id, name, workplace, created_at)
SELECT p.branch_id, MIN(trim(p.name)), NULLIF(MIN(trim(p.detail)), ''), CAST(strftime('%s', 'now') AS BIGINT)
FROM dispute_parties p
WHERE p.kind = 'team' AND trim(p.name) <> ''
  AND NOT EXISTS (SELECT 1 FROM teams t WHERE t.branch_id = p.branch_id AND lower(t.name) = lower(trim(p.name)))
GROUP BY p.branch_id, lower(trim(p.name));

INSERT INTO dispute_teams (branch_id, dispute_id, team_id, created_at)
SELECT DISTINCT p.branch_id, p.dispute_id, t.id, CAST(strftime('%s', 'now') AS BIGINT)
FROM dispute_parties p
JOIN teams t ON t.branch_id = p.branch_id AND lower(t.name) = lower(trim(p.name))
WHERE p.kind = 'team';

DELETE FROM dispute_parties WHERE kind = 'team';
