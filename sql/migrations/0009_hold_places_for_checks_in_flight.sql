-- A login attempt whose password is being checked holds a place in each bucket it counts
-- in: a row of throttle_events carrying the attempt's hold id. The limits count held places
-- as failures to come, so that a burst cannot check more passwords than a key's remaining
-- budget (plus one per worker) before the first failure is recorded; yet attempts within
-- the budget are checked side by side. A failure keeps its rows (the hold id cleared), a
-- success deletes them: only failures count. A place held longer than a minute (a worker
-- that stopped mid-check) is ignored.
ALTER TABLE throttle_events ADD COLUMN hold TEXT;
CREATE INDEX throttle_events_hold_idx ON throttle_events (hold) WHERE hold IS NOT NULL;
