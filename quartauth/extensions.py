"""The app's long-lived objects, found from inside a request."""
from __future__ import annotations

from dataclasses import replace
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

from quart import Quart, current_app

from .db import Database
from .services.passwords import PasswordHasher
from .services.sessions import Clock, Lifetimes, SessionLookup, utc_now
from .services.breaches import BreachedPasswords
from .services.devices import DeviceProofs
from .services.throttle import Rules, Throttle
from .services.delivery import DeliveryTask, FolderTransport, SmtpTransport, Transport
from .services.mail import Letter, Mailer

log = logging.getLogger("quartauth")
_DATABASE = "quartauth.database"
_PASSWORD_HASHER = "quartauth.password_hasher"
_SESSION_LOOKUP = "quartauth.session_lookup"
_LIFETIMES = "quartauth.lifetimes"
_CLOCK = "quartauth.clock"
_THROTTLE = "quartauth.throttle"
_DEVICE_PROOFS = "quartauth.device_proofs"
_BREACHED_PASSWORDS = "quartauth.breached_passwords"
_MAILER = "quartauth.mailer"
_DELIVERY = "quartauth.delivery"
# Each security notice's setting.
NOTICE_SETTINGS = {
    Letter.PASSWORD_CHANGED: "NOTIFY_PASSWORD_CHANGED",
    Letter.PASSWORD_RESET: "NOTIFY_PASSWORD_RESET",
    Letter.EMAIL_CHANGED: "NOTIFY_EMAIL_CHANGED",
    Letter.ACCOUNT_DELETED: "NOTIFY_ACCOUNT_DELETED",
    Letter.NEW_SIGN_IN: "NOTIFY_NEW_SIGN_IN",
}


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
    app.extensions[_THROTTLE] = Throttle(database, clock, _rules(config))
    app.extensions[_DEVICE_PROOFS] = DeviceProofs(config["SECRET_KEY"])
    app.extensions[_BREACHED_PASSWORDS] = (
        BreachedPasswords(config["PWNED_PASSWORDS_URL"]) if config["BREACHED_PASSWORD_CHECK"] else None
    )
    transport = mail_transport(config)
    delivery_task = DeliveryTask(database, transport, config["MAIL_FROM"], clock) if transport else None
    app.extensions[_DELIVERY] = delivery_task
    app.extensions[_MAILER] = Mailer(
        public_url=config["LINK_URL"],
        notices=frozenset(letter for letter, setting in NOTICE_SETTINGS.items() if config[setting]),
        queued=delivery_task.wake if delivery_task else lambda: None,
    )


def mail_transport(config: Any) -> Transport | None:
    """SMTP when ``SMTP_URL`` is set; otherwise ``.eml`` files under ``instance/outbox/``
    (None under test: mail waits in the outbox, unless a test sets ``SMTP_URL``)."""
    if config["SMTP_URL"]:
        return SmtpTransport(config["SMTP_URL"])
    if config["TESTING"]:
        return None
    if config["QUARTAUTH_ENV"] == "production":
        log.warning("Production with no SMTP_URL: mail is written to files under instance/outbox/, and nobody gets it.")
    return FolderTransport(Path(config["INSTANCE_PATH"]) / "outbox")


def _rules(config: Any) -> Rules:
    defaults = Rules()
    return Rules(
        address=replace(defaults.address, limit=config["LOGIN_FAILURES_PER_ADDRESS"]),
        pair=replace(defaults.pair, limit=config["LOGIN_FAILURES_PER_PAIR"]),
        account=replace(defaults.account, limit=config["LOGIN_FAILURES_PER_ACCOUNT"]),
        device=defaults.device,
        sign_up=replace(defaults.sign_up, limit=config["SIGN_UPS_PER_ADDRESS"]),
    )


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


def throttle() -> Throttle:
    return current_app.extensions[_THROTTLE]


def device_proofs() -> DeviceProofs:
    return current_app.extensions[_DEVICE_PROOFS]


def mailer() -> Mailer:
    return current_app.extensions[_MAILER]


def delivery(app: Quart) -> DeliveryTask | None:
    """The app's mail delivery task (None under test without ``SMTP_URL``)."""
    return app.extensions[_DELIVERY]


def breached_passwords() -> BreachedPasswords | None:
    """The breached-password check, or None when it is off."""
    return current_app.extensions[_BREACHED_PASSWORDS]
