"""The app's long-lived objects, found from inside a request."""
from __future__ import annotations

from quart import Quart, current_app

from .db import Database
from .services.passwords import PasswordHasher

_DATABASE = "quartauth.database"
_PASSWORD_HASHER = "quartauth.password_hasher"


def install(app: Quart, database: Database, password_hasher: PasswordHasher) -> None:
    app.extensions[_DATABASE] = database
    app.extensions[_PASSWORD_HASHER] = password_hasher


def database() -> Database:
    return current_app.extensions[_DATABASE]


def password_hasher() -> PasswordHasher:
    return current_app.extensions[_PASSWORD_HASHER]
