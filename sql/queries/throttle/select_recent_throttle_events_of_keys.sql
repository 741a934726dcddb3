-- The latest events since :since of three keys at once, newest first within each: at most
-- :limit1 of the first key's, :limit2 of the second's, :limit3 of the third's (a limit of 0
-- leaves a key out). One read instead of three, on every login attempt. A held place is an
-- event too (held), until it is older than :held_since.
SELECT 1 AS slot, at, held
  FROM (SELECT at, hold IS NOT NULL AS held
          FROM throttle_events
         WHERE bucket = :bucket1 AND key = :key1 AND at > :since
           AND (hold IS NULL OR at > :held_since)
         ORDER BY at DESC
         LIMIT :limit1) AS first_key
 UNION ALL
SELECT 2 AS slot, at, held
  FROM (SELECT at, hold IS NOT NULL AS held
          FROM throttle_events
         WHERE bucket = :bucket2 AND key = :key2 AND at > :since
           AND (hold IS NULL OR at > :held_since)
         ORDER BY at DESC
         LIMIT :limit2) AS second_key
 UNION ALL
SELECT 3 AS slot, at, held
  FROM (SELECT at, hold IS NOT NULL AS held
          FROM throttle_events
         WHERE bucket = :bucket3 AND key = :key3 AND at > :since
           AND (hold IS NULL OR at > :held_since)
         ORDER BY at DESC
         LIMIT :limit3) AS third_key
 ORDER BY slot, at DESC
