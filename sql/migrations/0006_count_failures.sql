-- Failed logins and sign-ups, one row per bucket each falls in (the client address, the
-- account and address pair, the account, a device, sign-ups from an address), so that
-- every worker and host counts them alike. Keys never hold an email, only its SHA-256.
CREATE TABLE throttle_events (
    bucket TEXT        NOT NULL,
    key    TEXT        NOT NULL,
    at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX throttle_events_key_idx ON throttle_events (bucket, key, at);
CREATE INDEX throttle_events_at_idx ON throttle_events (at);
