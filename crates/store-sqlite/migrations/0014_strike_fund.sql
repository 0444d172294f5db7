-- The strike fund: a double-entry ledger in integer pence, and the donations posted to it.
--
-- The ledger refuses, by itself, what must never be stored:
--   * a line is never changed or deleted, nor is a transaction (a correction is a reversal);
--   * the lines of a transaction are added in order (seq 1, 2, …); every line but the last
--     names the next (next_seq), checked at commit by a deferred foreign key, so a transaction
--     cannot be committed with a line missing; the last line (next_seq NULL) is refused unless
--     the lines then add up to zero, and nothing may follow it. With no line of zero, a
--     transaction therefore has two or more lines that balance.
-- Each account keeps its balance (the sum of its lines: debits positive) and its line count,
-- written by the same transaction that adds the lines, so reading a balance reads one row.

CREATE TABLE fund_accounts (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id      BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    code           TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    kind           TEXT    NOT NULL CHECK (kind IN ('asset', 'income', 'expense', 'liability')),
    balance_pence  BIGINT  NOT NULL DEFAULT 0,
    line_count     BIGINT  NOT NULL DEFAULT 0,
    created_at     BIGINT  NOT NULL
);
CREATE UNIQUE INDEX fund_accounts_code ON fund_accounts (branch_id, code);
CREATE UNIQUE INDEX fund_accounts_branch_id ON fund_accounts (branch_id, id);

CREATE TABLE fund_transactions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id    BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    day          TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('manual', 'donation', 'strike-pay', 'payment', 'hardship', 'reversal')),
    memo         TEXT    NOT NULL,
    reverses_id  BIGINT  REFERENCES fund_transactions (id),
    posted_by    BIGINT  REFERENCES users (id),
    posted_at    BIGINT  NOT NULL,
    CHECK ((kind = 'reversal') = (reverses_id IS NOT NULL))
);
CREATE UNIQUE INDEX fund_transactions_branch_id ON fund_transactions (branch_id, id);
CREATE UNIQUE INDEX fund_transactions_reversal ON fund_transactions (reverses_id);
CREATE INDEX fund_transactions_day ON fund_transactions (branch_id, day, id);

CREATE TABLE fund_lines (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id       BIGINT  NOT NULL,
    transaction_id  BIGINT  NOT NULL,
    seq             BIGINT  NOT NULL CHECK (seq >= 1),
    next_seq        BIGINT  CHECK (next_seq = seq + 1),
    account_id      BIGINT  NOT NULL,
    amount_pence    BIGINT  NOT NULL CHECK (amount_pence <> 0),
    UNIQUE (transaction_id, seq),
    FOREIGN KEY (branch_id, transaction_id) REFERENCES fund_transactions (branch_id, id),
    FOREIGN KEY (branch_id, account_id) REFERENCES fund_accounts (branch_id, id),
    FOREIGN KEY (transaction_id, next_seq) REFERENCES fund_lines (transaction_id, seq)
        DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX fund_lines_account ON fund_lines (account_id, id);

CREATE TRIGGER fund_lines_in_order BEFORE INSERT ON fund_lines
WHEN NEW.seq <> 1 + (SELECT COUNT(*) FROM fund_lines WHERE transaction_id = NEW.transaction_id)
  OR EXISTS (SELECT 1 FROM fund_lines WHERE transaction_id = NEW.transaction_id AND next_seq IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'fund lines are added in order, and none after the last');
END;

CREATE TRIGGER fund_lines_balance BEFORE INSERT ON fund_lines
WHEN NEW.next_seq IS NULL
 AND (SELECT COALESCE(SUM(amount_pence), 0) FROM fund_lines WHERE transaction_id = NEW.transaction_id) + NEW.amount_pence <> 0
BEGIN
    SELECT RAISE(ABORT, 'a fund transaction must balance');
END;

CREATE TRIGGER fund_lines_no_update BEFORE UPDATE ON fund_lines
BEGIN
    SELECT RAISE(ABORT, 'fund lines are never changed: post a reversal');
END;

CREATE TRIGGER fund_lines_no_delete BEFORE DELETE ON fund_lines
BEGIN
    SELECT RAISE(ABORT, 'fund lines are never deleted: post a reversal');
END;

CREATE TRIGGER fund_transactions_no_update BEFORE UPDATE ON fund_transactions
BEGIN
    SELECT RAISE(ABORT, 'fund transactions are never changed: post a reversal');
END;

CREATE TRIGGER fund_transactions_no_delete BEFORE DELETE ON fund_transactions
BEGIN
    SELECT RAISE(ABORT, 'fund transactions are never deleted: post a reversal');
END;

-- Donations. The donor's name is shown in public only when may_be_named is 1. Restricted
-- money (restriction 'hardship') is posted to the restricted accounts.
CREATE TABLE fund_donations (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id        BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    donor_kind       TEXT    NOT NULL CHECK (donor_kind IN ('organisation', 'person')),
    donor_name       TEXT    NOT NULL,
    may_be_named     BIGINT  NOT NULL CHECK (may_be_named IN (0, 1)),
    amount_pence     BIGINT  NOT NULL CHECK (amount_pence > 0),
    received         TEXT    NOT NULL,
    method           TEXT    NOT NULL CHECK (method IN ('bank-transfer', 'cheque', 'cash', 'online')),
    wall_message_id  BIGINT  REFERENCES wall_messages (id) ON DELETE SET NULL,
    restriction      TEXT    CHECK (restriction IN ('hardship')),
    transaction_id   BIGINT  NOT NULL UNIQUE,
    recorded_by      BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    recorded_at      BIGINT  NOT NULL,
    FOREIGN KEY (branch_id, transaction_id) REFERENCES fund_transactions (branch_id, id)
);
CREATE INDEX fund_donations_branch ON fund_donations (branch_id, received, id);

-- Participation per member: what each member called out did on each strike day. A rep's
-- entry, the member's own declaration and a rep's settlement of a conflict are kept side by
-- side (one of each per member and day); the store refuses a member not in a team called out.
CREATE TABLE strike_days (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id    BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    dispute_id   BIGINT  NOT NULL REFERENCES disputes (id) ON DELETE CASCADE,
    period_id    BIGINT  NOT NULL REFERENCES action_periods (id) ON DELETE CASCADE,
    member_id    BIGINT  NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    day          TEXT    NOT NULL,
    source       TEXT    NOT NULL CHECK (source IN ('rep', 'member', 'settled')),
    status       TEXT    NOT NULL CHECK (status IN ('on-strike', 'working', 'released', 'on-leave', 'sick', 'not-employed')),
    entered_by   BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    entered_at   BIGINT  NOT NULL
);
CREATE UNIQUE INDEX strike_days_entry ON strike_days (member_id, day, source);
CREATE INDEX strike_days_period ON strike_days (branch_id, dispute_id, period_id, day);

-- Release (derogation) requests: the employer asks the branch to release strikers to cover
-- an emergency. Who asked, when, what cover, the decision, and who was released.
CREATE TABLE strike_release_requests (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id           BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    dispute_id          BIGINT  NOT NULL REFERENCES disputes (id) ON DELETE CASCADE,
    period_id           BIGINT  NOT NULL REFERENCES action_periods (id) ON DELETE CASCADE,
    day                 TEXT    NOT NULL,
    asked_by            TEXT    NOT NULL,
    asked_on            TEXT    NOT NULL,
    cover               TEXT    NOT NULL,
    decision            TEXT    NOT NULL CHECK (decision IN ('pending', 'granted', 'refused')),
    decided_by          BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    decided_at          BIGINT,
    released_member_id  BIGINT  REFERENCES members (id) ON DELETE SET NULL,
    recorded_by         BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    recorded_at         BIGINT  NOT NULL,
    CHECK (released_member_id IS NULL OR decision = 'granted')
);
CREATE INDEX strike_release_requests_dispute ON strike_release_requests (branch_id, dispute_id, day);

-- Strike pay. A policy per dispute (the rate, the statuses that count, national strike pay);
-- pay runs computed per member and day with their working; approval posts the run's
-- liability in one ledger transaction and writes each day it pays into strike_pay_days,
-- whose key (member, day) means a day is never paid twice, whatever runs overlap.
CREATE TABLE strike_pay_policies (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id              BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    dispute_id             BIGINT  NOT NULL UNIQUE REFERENCES disputes (id) ON DELETE CASCADE,
    policy                 TEXT    NOT NULL,
    updated_by             BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    updated_at             BIGINT  NOT NULL
);

CREATE TABLE strike_pay_runs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id       BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    dispute_id      BIGINT  NOT NULL REFERENCES disputes (id) ON DELETE CASCADE,
    first_day       TEXT    NOT NULL,
    last_day        TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('draft', 'approved')),
    total_pence     BIGINT  NOT NULL CHECK (total_pence >= 0),
    created_by      BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at      BIGINT  NOT NULL,
    approved_by     BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    approved_at     BIGINT,
    transaction_id  BIGINT  REFERENCES fund_transactions (id),
    CHECK (status = 'approved' OR transaction_id IS NULL)
);
CREATE INDEX strike_pay_runs_dispute ON strike_pay_runs (branch_id, dispute_id, id);

-- Every day of every member in a run, paid or not, with its working.
CREATE TABLE strike_pay_lines (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id     BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    run_id        BIGINT  NOT NULL REFERENCES strike_pay_runs (id) ON DELETE CASCADE,
    member_id     BIGINT  NOT NULL REFERENCES members (id),
    day           TEXT    NOT NULL,
    status        TEXT,
    amount_pence  BIGINT  NOT NULL CHECK (amount_pence >= 0),
    working       TEXT    NOT NULL
);
CREATE INDEX strike_pay_lines_run ON strike_pay_lines (run_id, member_id, day);

-- The days paid by approved runs: one row per member and day, ever.
CREATE TABLE strike_pay_days (
    member_id     BIGINT  NOT NULL REFERENCES members (id),
    day           TEXT    NOT NULL,
    branch_id     BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    run_id        BIGINT  NOT NULL REFERENCES strike_pay_runs (id),
    amount_pence  BIGINT  NOT NULL CHECK (amount_pence > 0),
    PRIMARY KEY (member_id, day)
);

-- Payments clearing what a member is owed, each with its ledger transaction.
CREATE TABLE strike_pay_payments (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id       BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    member_id       BIGINT  NOT NULL REFERENCES members (id),
    amount_pence    BIGINT  NOT NULL CHECK (amount_pence > 0),
    paid_on         TEXT    NOT NULL,
    transaction_id  BIGINT  NOT NULL UNIQUE REFERENCES fund_transactions (id),
    paid_by         BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    paid_at         BIGINT  NOT NULL
);
CREATE INDEX strike_pay_payments_member ON strike_pay_payments (branch_id, member_id);

-- Hardship grants. The reason is personal: seen by the treasurer and organisers only, and
-- cleared by retention (hardship_reasons) after the decision; the amounts and the ledger stay.
CREATE TABLE fund_hardship_grants (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id            BIGINT  NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    member_id            BIGINT  NOT NULL REFERENCES members (id),
    amount_pence         BIGINT  NOT NULL CHECK (amount_pence > 0),
    reason               TEXT,
    applied_on           TEXT    NOT NULL,
    decision             TEXT    NOT NULL CHECK (decision IN ('pending', 'granted', 'refused')),
    decided_by           BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    decided_at           BIGINT,
    transaction_id       BIGINT  UNIQUE REFERENCES fund_transactions (id),
    paid_transaction_id  BIGINT  UNIQUE REFERENCES fund_transactions (id),
    recorded_by          BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at           BIGINT  NOT NULL,
    CHECK ((decision = 'granted') = (transaction_id IS NOT NULL)),
    CHECK (paid_transaction_id IS NULL OR transaction_id IS NOT NULL)
);
CREATE INDEX fund_hardship_grants_branch ON fund_hardship_grants (branch_id, id);
