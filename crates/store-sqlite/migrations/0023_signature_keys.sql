-- The unique index on the hash of a consent's unsubscribe link holds only the consents that
-- have one (most campaigns send no confirmation). (On PostgreSQL this migration also checks
-- a signature's branch and campaign with one key; SQLite checks its keys without row locks,
-- and rebuilding the table to change them is not worth it.)
DROP INDEX supporter_consents_unsubscribe;
CREATE UNIQUE INDEX supporter_consents_unsubscribe ON supporter_consents (unsubscribe_hash)
    WHERE unsubscribe_hash IS NOT NULL;
