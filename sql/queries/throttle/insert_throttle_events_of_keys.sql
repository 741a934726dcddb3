-- One failure, or one attempt's held places, in three buckets at once (the address, the
-- pair, the account).
INSERT INTO throttle_events (bucket, key, at, hold)
VALUES (:bucket1, :key1, :at, :hold),
       (:bucket2, :key2, :at, :hold),
       (:bucket3, :key3, :at, :hold)
