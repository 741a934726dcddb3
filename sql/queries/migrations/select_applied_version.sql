SELECT version
  FROM schema_migrations
 WHERE version = :version
