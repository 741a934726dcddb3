-- A session is a browser's (its token in the session cookie) or an app's (its token sent as
-- "Authorization: Bearer"): each kind's token is taken only the way it was handed over.
ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'browser';
