-- The security log is called so everywhere; its table too.
ALTER TABLE audit_log RENAME TO security_log;
ALTER INDEX audit_log_pkey RENAME TO security_log_pkey;
ALTER INDEX audit_log_user_id_idx RENAME TO security_log_user_id_idx;
ALTER INDEX audit_log_email_idx RENAME TO security_log_email_idx;
ALTER INDEX audit_log_event_idx RENAME TO security_log_event_idx;
ALTER INDEX audit_log_at_idx RENAME TO security_log_at_idx;
ALTER SEQUENCE audit_log_id_seq RENAME TO security_log_id_seq;
