-- The security log is called so everywhere; its table too. SQLite renames no index: they
-- are made again under their new names.
ALTER TABLE audit_log RENAME TO security_log;
DROP INDEX audit_log_user_id_idx;
DROP INDEX audit_log_email_idx;
DROP INDEX audit_log_event_idx;
DROP INDEX audit_log_at_idx;
CREATE INDEX security_log_user_id_idx ON security_log (user_id, id);
CREATE INDEX security_log_email_idx ON security_log (email, id);
CREATE INDEX security_log_event_idx ON security_log (event, id);
CREATE INDEX security_log_at_idx ON security_log (at);
