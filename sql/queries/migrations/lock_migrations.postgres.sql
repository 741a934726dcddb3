-- Held until the migration's transaction ends; the number is this app's own lock id.
SELECT pg_advisory_xact_lock(727166001)
