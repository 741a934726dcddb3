INSERT INTO throttle_events (bucket, key, at)
VALUES (:bucket, :key, :at)
