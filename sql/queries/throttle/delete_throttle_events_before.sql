DELETE FROM throttle_events
 WHERE at < :before
