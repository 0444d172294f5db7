-- A pay run looks up the days already paid in its range across the branch's members: an
-- index by branch and day (with the member, so the index alone answers it) rather than a
-- scan of every day ever paid.
CREATE INDEX strike_pay_days_branch_day ON strike_pay_days (branch_id, day, member_id);
