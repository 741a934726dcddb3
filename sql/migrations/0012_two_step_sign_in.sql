-- Two-step sign-in. An account's authenticator key is kept sealed (AES-GCM under a key
-- derived from SECRET_KEY, bound to the account) from when setting it up starts; two-step
-- sign-in is on from two_step_on_since. two_step_last_step is the last time step whose
-- code was accepted: a code counts once, whichever worker sees it.
ALTER TABLE users ADD COLUMN two_step_key TEXT;
ALTER TABLE users ADD COLUMN two_step_on_since TIMESTAMPTZ;
ALTER TABLE users ADD COLUMN two_step_last_step BIGINT;

-- Recovery codes: only their SHA-256 (each carries 79 random bits), deleted when used.
CREATE TABLE recovery_codes (
    user_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT   NOT NULL,
    PRIMARY KEY (user_id, code_hash)
);

-- A sign-in whose password was right and whose second step is due: bound to the browser by
-- a random token in a cookie (only its SHA-256 here), for five minutes, and for five codes
-- tried at most (a try is taken before a code is checked).
CREATE TABLE pending_sign_ins (
    token_hash  TEXT        PRIMARY KEY,
    user_id     BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    remembered  BOOLEAN     NOT NULL,
    next_path   TEXT        NOT NULL,
    after_reset BOOLEAN     NOT NULL,
    tries       INTEGER     NOT NULL DEFAULT 0,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX pending_sign_ins_user_id_idx ON pending_sign_ins (user_id);
CREATE INDEX pending_sign_ins_expires_at_idx ON pending_sign_ins (expires_at);

-- Browsers that skip the second step until expires_at: the SHA-256 of the device cookie's
-- nonce, so that trust can be ended from the server.
CREATE TABLE trusted_browsers (
    user_id      BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    browser_hash TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, browser_hash)
);
CREATE INDEX trusted_browsers_expires_at_idx ON trusted_browsers (expires_at);
