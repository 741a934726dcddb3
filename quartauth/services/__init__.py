"""The rules of the product. Nothing here knows about HTTP: callers pass in the database."""
