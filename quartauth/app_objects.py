"""The app's long-lived objects, built once by ``create_app`` and found from inside a request
with ``app_objects()``."""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from quart import Quart, current_app

from .db import Database
from .services.breaches import BreachedPasswords
from .services.delivery import DeliveryTask, FolderTransport, SmtpTransport, Transport
from .services.admission import Admission
from .services.devices import DeviceCookies
from .services.mail import Mailer, notices_on
from .services.passkeys import Passkeys, RelyingParty
from .services.passwords import PasswordHasher
from .services.sessions import Clock, Lifetimes, SessionLookup, utc_now
from .services.sign_in_flow import SignInFlow
from .services.throttle import Rules, Throttle
from .services.two_step import TwoStep
from .services.two_step_codes import KeyBox

log = logging.getLogger("quartauth")
_KEY = "quartauth"


@dataclass(frozen=True)
class AppObjects:
    database: Database
    password_hasher: PasswordHasher
    lifetimes: Lifetimes
    clock: Clock  # ``app.config["CLOCK"]``, when a test sets it, is the time the app lives by
    session_lookup: SessionLookup
    throttle: Throttle
    device_cookies: DeviceCookies
    breached_passwords: BreachedPasswords | None  # None when the check is off
    mailer: Mailer
    delivery: DeliveryTask | None  # None under test without ``SMTP_URL``
    two_step: TwoStep
    passkeys: Passkeys
    relying_party: RelyingParty | None  # None when the site's host is an IP address: no passkeys
    sign_in_flow: SignInFlow

    @property
    def admission(self) -> Admission:
        return self.password_hasher.admission

    def now(self) -> datetime:
        return self.clock()


def install(app: Quart, database: Database, password_hasher: PasswordHasher) -> AppObjects:
    config = app.config
    lifetimes = Lifetimes(
        session=config["SESSION_LIFETIME"],
        session_idle=timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
        remembered=config["REMEMBER_LIFETIME"],
        remembered_idle=config["REMEMBER_IDLE"],
        reauthentication=timedelta(minutes=config["REAUTH_MINUTES"]),
    )
    clock = config.get("CLOCK") or utc_now
    transport = mail_transport(config)
    delivery = DeliveryTask(database, transport, config["MAIL_FROM"], clock) if transport else None
    throttle = Throttle(database, clock, _rules(config))
    device_cookies = DeviceCookies(config["SECRET_KEY"])
    mailer = Mailer(
        public_url=config["LINK_URL"],
        notices=notices_on(config),
        queued=delivery.wake if delivery else lambda: None,
        site_name=config["SITE_NAME"],
    )
    two_step = TwoStep(database, KeyBox(config["SECRET_KEY"]), mailer, issuer=config["SITE_NAME"])
    passkeys = Passkeys(database, mailer)
    objects = AppObjects(
        database=database,
        password_hasher=password_hasher,
        lifetimes=lifetimes,
        clock=clock,
        session_lookup=SessionLookup(database, lifetimes, clock),
        throttle=throttle,
        device_cookies=device_cookies,
        breached_passwords=BreachedPasswords(config["PWNED_PASSWORDS_URL"]) if config["BREACHED_PASSWORD_CHECK"] else None,
        mailer=mailer,
        delivery=delivery,
        two_step=two_step,
        passkeys=passkeys,
        relying_party=relying_party(config),
        sign_in_flow=SignInFlow(database, password_hasher, throttle, device_cookies, mailer, two_step, passkeys, lifetimes, clock),
    )
    app.extensions[_KEY] = objects
    return objects


def app_objects() -> AppObjects:
    """The objects of the app handling the request at hand."""
    return current_app.extensions[_KEY]


def of(app: Quart) -> AppObjects:
    return app.extensions[_KEY]


def relying_party(config: Any) -> RelyingParty | None:
    """The site as passkeys know it: ``PUBLIC_URL``'s host and origin. Without one (development),
    where the server listens, with this machine's loopback address named ``localhost``: a
    relying party cannot be an IP address, so the README says to open http://localhost:5000."""
    if config["PUBLIC_URL"]:
        return RelyingParty.of(config["PUBLIC_URL"], config["SITE_NAME"])
    served = urlsplit(config["LINK_URL"])
    host = "localhost" if served.hostname in ("127.0.0.1", "::1") else served.hostname
    port = f":{served.port}" if served.port else ""
    return RelyingParty.of(f"{served.scheme}://{host}{port}", config["SITE_NAME"])


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
        login_address=replace(defaults.login_address, limit=config["LOGINS_PER_ADDRESS"]),
        login_account=replace(defaults.login_account, limit=config["LOGINS_PER_ACCOUNT"]),
        login_device=replace(defaults.login_device, limit=config["LOGINS_PER_ACCOUNT"]),
        sign_up=replace(defaults.sign_up, limit=config["SIGN_UPS_PER_ADDRESS"]),
    )
