-- Passkeys (WebAuthn). passkey_handle is the user handle authenticators keep with a passkey:
-- random, made with the account's first passkey, never the email or the id.
ALTER TABLE users ADD COLUMN passkey_handle TEXT;
CREATE UNIQUE INDEX users_passkey_handle_idx ON users (passkey_handle);

-- A passkey of an account: its credential id and COSE public key (base64url), and the
-- signature counter its authenticator last reported (0: it keeps none).
CREATE TABLE passkeys (
    credential_id TEXT        PRIMARY KEY,
    user_id       BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    public_key    TEXT        NOT NULL,
    sign_count    BIGINT      NOT NULL,
    name          TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    last_used_at  TIMESTAMPTZ
);
CREATE INDEX passkeys_user_id_idx ON passkeys (user_id);

-- A challenge handed to a browser: the SHA-256 of the challenge, the SHA-256 of the token in
-- the browser's cookie that binds it, what it is for, and whose account (none when signing
-- in). Taken (deleted) by the answer that uses it, so each is used once.
CREATE TABLE passkey_challenges (
    challenge_hash TEXT        PRIMARY KEY,
    browser_hash   TEXT        NOT NULL,
    purpose        TEXT        NOT NULL,
    user_id        BIGINT      REFERENCES users (id) ON DELETE CASCADE,
    created_at     TIMESTAMPTZ NOT NULL,
    expires_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX passkey_challenges_expires_at_idx ON passkey_challenges (expires_at);
CREATE INDEX passkey_challenges_user_id_idx ON passkey_challenges (user_id);
