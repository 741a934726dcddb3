-- What happened to accounts, for their owners and admins: sign-ups, logins (failed and
-- refused ones too), logouts, ended sessions, password changes, deletions, admin actions.
-- The email is kept as it was, so that events outlive an account deleted (user_id NULL).
CREATE TABLE audit_log (
    id             BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at             TIMESTAMPTZ NOT NULL,
    user_id        BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    email          TEXT,
    event          TEXT        NOT NULL,
    client_address TEXT,
    browser        TEXT,
    detail         TEXT        NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_user_id_idx ON audit_log (user_id, id);
CREATE INDEX audit_log_email_idx ON audit_log (email, id);
CREATE INDEX audit_log_event_idx ON audit_log (event, id);
CREATE INDEX audit_log_at_idx ON audit_log (at);
