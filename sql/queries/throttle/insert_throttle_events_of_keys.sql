-- One failure counted in three buckets at once (the address, the pair, the account).
INSERT INTO throttle_events (bucket, key, at)
VALUES (:bucket1, :key1, :at),
       (:bucket2, :key2, :at),
       (:bucket3, :key3, :at)
