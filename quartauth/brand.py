"""The site's name as people read it, unless ``SITE_NAME`` says otherwise: in mail, on pages,
as the issuer in authenticator apps, and as a word the password check knows is easy to guess."""
from __future__ import annotations

DEFAULT_SITE_NAME = "quartauth"
