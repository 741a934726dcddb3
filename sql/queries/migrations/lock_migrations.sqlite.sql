-- BEGIN IMMEDIATE already holds SQLite's write lock for the whole transaction.
SELECT 1
