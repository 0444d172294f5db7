-- Signing writes a row for every supporter, and on PostgreSQL every foreign key is a lookup
-- and a row lock for every row written. A signature's branch and campaign are now checked by
-- one key, the campaign of that branch (which also says more than the two keys did: the
-- branch is the campaign's own); a consent record's branch comes with its signature, whose
-- key it keeps. The unique indexes on the hashes of the confirmation and unsubscribe links
-- hold only the rows that have one (most campaigns send no confirmation), so a signature
-- without one adds nothing to them.
ALTER TABLE eactions ADD CONSTRAINT eactions_branch_id_id UNIQUE (branch_id, id);
ALTER TABLE eaction_signatures DROP CONSTRAINT eaction_signatures_branch_id_fkey;
ALTER TABLE eaction_signatures DROP CONSTRAINT eaction_signatures_eaction_id_fkey;
ALTER TABLE eaction_signatures ADD CONSTRAINT eaction_signatures_campaign
    FOREIGN KEY (branch_id, eaction_id) REFERENCES eactions (branch_id, id) ON DELETE CASCADE;
ALTER TABLE supporter_consents DROP CONSTRAINT supporter_consents_branch_id_fkey;
ALTER TABLE eaction_signatures DROP CONSTRAINT eaction_signatures_confirm_hash_key;
CREATE UNIQUE INDEX eaction_signatures_confirm_hash ON eaction_signatures (confirm_hash)
    WHERE confirm_hash IS NOT NULL;
DROP INDEX supporter_consents_unsubscribe;
CREATE UNIQUE INDEX supporter_consents_unsubscribe ON supporter_consents (unsubscribe_hash)
    WHERE unsubscribe_hash IS NOT NULL;
