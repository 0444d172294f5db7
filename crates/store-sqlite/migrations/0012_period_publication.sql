-- A period of action whose law checks fail stays off every public page until an organiser
-- publishes it despite the warnings: the warning codes they confirmed, when and by whom.
-- A period with no warnings is public without this; a change to the period clears it, and a
-- warning that was not confirmed keeps the period private again.

ALTER TABLE action_periods ADD COLUMN published_despite TEXT;
ALTER TABLE action_periods ADD COLUMN published_at BIGINT;
ALTER TABLE action_periods ADD COLUMN published_by BIGINT REFERENCES users (id) ON DELETE SET NULL;
