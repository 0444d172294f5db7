-- Offers made on the wall (donations, speakers, banners, visits) are follow-up tasks for
-- organisers: done when someone has been in touch.
ALTER TABLE wall_messages ADD COLUMN followed_up_at BIGINT;
ALTER TABLE wall_messages ADD COLUMN followed_up_by BIGINT REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX wall_messages_pledges ON wall_messages (branch_id, pledge_kind, followed_up_at);
