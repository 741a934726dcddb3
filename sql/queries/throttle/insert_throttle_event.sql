INSERT INTO throttle_events (bucket, key, at, hold)
VALUES (:bucket, :key, :at, :hold)
