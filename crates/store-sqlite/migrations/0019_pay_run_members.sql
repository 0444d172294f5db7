-- A pay run keeps one row per member, holding that member's days with their working as a JSON
-- array of [day, status, amount in pence, working], in day order: a run over 2,000 members and
-- a hundred days writes 2,000 rows, not 200,000 (each of which the database checked against
-- three other tables). The days a run pays are still written one row each into
-- strike_pay_days when it is approved, whose key keeps a day from being paid twice.
CREATE TABLE strike_pay_run_members (
    run_id     BIGINT  NOT NULL REFERENCES strike_pay_runs (id) ON DELETE CASCADE,
    member_id  BIGINT  NOT NULL REFERENCES members (id),
    branch_id  BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    days       TEXT    NOT NULL,
    PRIMARY KEY (run_id, member_id)
);

INSERT INTO strike_pay_run_members (run_id, member_id, branch_id, days)
SELECT run_id, member_id, branch_id, json_group_array(json_array(day, status, amount_pence, working))
  FROM (SELECT * FROM strike_pay_lines ORDER BY run_id, member_id, day)
 GROUP BY run_id, member_id, branch_id;

DROP TABLE strike_pay_lines;
