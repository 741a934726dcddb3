-- Where each sign-in came from: the client's address (as the trusted proxies report it)
-- and its browser as people name it. Sessions from before this migration have neither.
ALTER TABLE sessions ADD COLUMN client_address TEXT;
ALTER TABLE sessions ADD COLUMN browser TEXT;
