"""The app's long-lived objects, found from inside a request."""
from __future__ import annotations

from datetime import timedelta

from quart import Quart, current_app

from .db import Database
from .services.passwords import PasswordHasher
from .services.sessions import Clock, Lifetimes, SessionLookup, utc_now

_DATABASE = "quartauth.database"
_PASSWORD_HASHER = "quartauth.password_hasher"
_SESSION_LOOKUP = "quartauth.session_lookup"
_LIFETIMES = "quartauth.lifetimes"
_CLOCK = "quartauth.clock"


def install(app: Quart, database: Database, password_hasher: PasswordHasher) -> None:
    """``app.config["CLOCK"]``, when a test sets it, is the time the app lives by."""
    config = app.config
    lifetimes = Lifetimes(
        session=config["SESSION_LIFETIME"],
        session_idle=timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
        remembered=config["REMEMBER_LIFETIME"],
        remembered_idle=config["REMEMBER_IDLE"],
        reauthentication=timedelta(minutes=config["REAUTH_MINUTES"]),
    )
    clock = config.get("CLOCK") or utc_now
    app.extensions[_DATABASE] = database
    app.extensions[_PASSWORD_HASHER] = password_hasher
    app.extensions[_LIFETIMES] = lifetimes
    app.extensions[_CLOCK] = clock
    app.extensions[_SESSION_LOOKUP] = SessionLookup(database, lifetimes, clock)


def database() -> Database:
    return current_app.extensions[_DATABASE]


def password_hasher() -> PasswordHasher:
    return current_app.extensions[_PASSWORD_HASHER]


def session_lookup() -> SessionLookup:
    return current_app.extensions[_SESSION_LOOKUP]


def lifetimes() -> Lifetimes:
    return current_app.extensions[_LIFETIMES]


def clock() -> Clock:
    return current_app.extensions[_CLOCK]
