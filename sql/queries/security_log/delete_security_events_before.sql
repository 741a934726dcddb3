DELETE FROM security_log
 WHERE at < :before
