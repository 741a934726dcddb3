-- When, from which browser and from where each user last signed in, and on each session
-- the sign-in before it, so that people can see whether someone else was there meanwhile.
ALTER TABLE users ADD COLUMN last_sign_in_at TIMESTAMPTZ;
ALTER TABLE users ADD COLUMN last_sign_in_browser TEXT;
ALTER TABLE users ADD COLUMN last_sign_in_address TEXT;
ALTER TABLE sessions ADD COLUMN previous_sign_in_at TIMESTAMPTZ;
ALTER TABLE sessions ADD COLUMN previous_sign_in_browser TEXT;
ALTER TABLE sessions ADD COLUMN previous_sign_in_address TEXT;
