"""Helpers for driving quartauth from outside, shared by its tests and its bench (and kept
out of the wheel: a site does not run them): the app served for real, nginx in front of it,
throwaway Postgres databases, query plans, and reading a page's CSRF token."""
