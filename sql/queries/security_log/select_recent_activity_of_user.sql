-- An owner's recent activity, newest first: the last :limit events that are not failures,
-- and between them each run of one kind of failure (failed logins, refusals, wrong
-- passwords) as one line with its count and time span. `done` counts the other events
-- seen so far from the newest, so a run's failures share it with each other.
WITH recent AS (
    SELECT id, at, event, client_address, browser,
           CASE WHEN event IN (:failed, :refused, :check_failed) THEN 1 ELSE 0 END AS is_failure
      FROM security_log
     WHERE user_id = :user_id
       AND id > COALESCE((SELECT id
                            FROM security_log
                           WHERE user_id = :user_id
                             AND event NOT IN (:failed, :refused, :check_failed)
                           ORDER BY id DESC
                           LIMIT 1 OFFSET :limit), 0)
), counted AS (
    SELECT recent.*, SUM(1 - is_failure) OVER (ORDER BY id DESC) AS done
      FROM recent
), runs AS (
    SELECT MAX(id) AS id,
           MIN(id) AS first_id,
           COUNT(*) AS count,
           event,
           COUNT(DISTINCT client_address) AS addresses
      FROM counted
     GROUP BY done, event, CASE WHEN is_failure = 1 THEN 0 ELSE id END
)
-- The times come from the rows themselves, so that they keep their type on SQLite.
SELECT runs.id, latest.at, earliest.at AS first_at, runs.count, runs.event, runs.addresses,
       latest.client_address, latest.browser
  FROM runs
  JOIN security_log AS latest ON latest.id = runs.id
  JOIN security_log AS earliest ON earliest.id = runs.first_id
 ORDER BY runs.id DESC
