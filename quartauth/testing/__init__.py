"""Helpers for driving quartauth from outside, shared by its tests and its bench: the app
served for real, throwaway Postgres databases, and reading a page's CSRF token."""
