-- Email: whether each address is proven, the links mailed to people, and the mail itself.
-- Accounts from before this migration have not proven their address yet (NULL).
ALTER TABLE users ADD COLUMN email_verified_at TIMESTAMPTZ;

-- A link mailed to someone: only the SHA-256 of its token is kept, so a copy of the
-- database opens no account. Each has a purpose (verify, reset, change_email) and an
-- expiry, and is deleted when used, so it works once.
CREATE TABLE email_tokens (
    id         INTEGER     PRIMARY KEY,
    user_id    INTEGER     NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT        NOT NULL,
    token_hash TEXT        NOT NULL UNIQUE,
    new_email  TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX email_tokens_user_id_idx ON email_tokens (user_id, purpose);

-- Mail to send, written in the same transaction as the change that caused it. A delivery
-- task claims a message until claimed_until, so no two workers send it at once, and marks
-- it sent; a failure waits until next_attempt_at. Sent messages are kept a while.
CREATE TABLE outbox (
    id              INTEGER     PRIMARY KEY,
    recipient       TEXT        NOT NULL,
    subject         TEXT        NOT NULL,
    text_body       TEXT        NOT NULL,
    html_body       TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    attempts        INTEGER     NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    claimed_until   TIMESTAMPTZ,
    sent_at         TIMESTAMPTZ,
    last_error      TEXT
);
CREATE INDEX outbox_unsent_idx ON outbox (next_attempt_at) WHERE sent_at IS NULL;
CREATE INDEX outbox_sent_at_idx ON outbox (sent_at) WHERE sent_at IS NOT NULL;
