-- With SIGN_UP_REVEALS_ACCOUNTS=false, a sign-up is an answer that says nothing of the
-- address: the account starts only when the link mailed to it is opened. Until then the
-- sign-up waits here, its password already hashed; only the SHA-256 of the link's token is
-- kept, and the link works once, until expires_at.
CREATE TABLE pending_sign_ups (
    token_hash    TEXT        PRIMARY KEY,
    email         TEXT        NOT NULL,
    password_hash TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX pending_sign_ups_expires_at_idx ON pending_sign_ups (expires_at);
