"""The app's long-lived objects, found from inside a request."""
from __future__ import annotations

from quart import Quart, current_app

from .db import Database
from .services.passwords import PasswordHasher
from .services.sessions import SessionLookup

_DATABASE = "quartauth.database"
_PASSWORD_HASHER = "quartauth.password_hasher"
_SESSION_LOOKUP = "quartauth.session_lookup"


def install(app: Quart, database: Database, password_hasher: PasswordHasher) -> None:
    app.extensions[_DATABASE] = database
    app.extensions[_PASSWORD_HASHER] = password_hasher
    app.extensions[_SESSION_LOOKUP] = SessionLookup(database)


def database() -> Database:
    return current_app.extensions[_DATABASE]


def password_hasher() -> PasswordHasher:
    return current_app.extensions[_PASSWORD_HASHER]


def session_lookup() -> SessionLookup:
    return current_app.extensions[_SESSION_LOOKUP]
