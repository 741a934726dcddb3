-- The latest events of one bucket's key since :since, newest first, at most :limit of them.
SELECT at
  FROM throttle_events
 WHERE bucket = :bucket
   AND key = :key
   AND at > :since
 ORDER BY at DESC
 LIMIT :limit
