-- API tokens may expire (NULL: they do not); a user's sessions and tokens are found by user,
-- to end them all at once (password changes, an admin's reset) and to list them.

ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;
CREATE INDEX api_tokens_user ON api_tokens (user_id);
CREATE INDEX sessions_user ON sessions (user_id);
