-- Sessions end on the server after a spell without requests, not only at their latest end:
-- idle_expires_at moves forward as the session is used; remembered sign-ins may idle longer.
-- Sessions from before this migration keep their latest end as their idle end.
ALTER TABLE sessions ADD COLUMN remembered BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sessions ADD COLUMN idle_expires_at TIMESTAMPTZ;
UPDATE sessions SET idle_expires_at = expires_at;
CREATE INDEX sessions_idle_expires_at_idx ON sessions (idle_expires_at);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);
