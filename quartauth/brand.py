"""The site's name as people read it: in mail, on pages, and as a word the password check
knows is easy to guess."""
from __future__ import annotations

SITE_NAME = "quartauth"
