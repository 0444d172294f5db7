-- Supporters' consent and the retention of their details. closed_at is when a campaign last
-- closed (supporters' details are forgotten a set time after it; reopening clears it).
-- confirm_sent_at is when a waiting signature's confirmation email was last queued, so
-- signing again sends it again at most every few minutes. unsubscribe_hash is the SHA-256 of
-- the token in the link that withdraws a supporter's consent to future contact.
ALTER TABLE eactions ADD COLUMN closed_at BIGINT;
UPDATE eactions SET closed_at = updated_at WHERE is_open = 0 AND opened_on IS NOT NULL;
ALTER TABLE eaction_signatures ADD COLUMN confirm_sent_at BIGINT;
UPDATE eaction_signatures SET confirm_sent_at = signed_at WHERE confirmed = 0;
ALTER TABLE supporter_consents ADD COLUMN unsubscribe_hash TEXT;
CREATE UNIQUE INDEX supporter_consents_unsubscribe ON supporter_consents (unsubscribe_hash);
