-- An import run names the process working on it and how long that process answers for it.
-- The process extends the lease while it works; a run still 'running' whose lease has run out
-- (or that has none, from before this migration) was abandoned by a process that died, and
-- `picket serve` marks it failed.
ALTER TABLE member_imports ADD COLUMN owner TEXT;
ALTER TABLE member_imports ADD COLUMN lease_until BIGINT;
CREATE INDEX member_imports_running ON member_imports (status, lease_until);
