"""Settings, read from the environment (and a ``.env`` file) once, when the app is built.

| variable           | default                                        |
| ------------------ | ---------------------------------------------- |
| QUARTAUTH_ENV      | development (or testing, production)           |
| INSTANCE_PATH      | ./instance (under the working directory)       |
| DATABASE_URL       | sqlite:///<instance>/quartauth.sqlite3         |
| SECRET_KEY         | development: generated once, kept in instance/ |
| PUBLIC_URL         | none; required in production (without it, links in mail point where `quartauth serve` listens) |
| ALLOWED_HOSTS      | none: only PUBLIC_URL's host                   |
| TRUSTED_PROXIES    | none: X-Forwarded-* believed from nobody       |
| SESSION_IDLE_MINUTES | 60: a sign-in without "Remember me" ends unused |
| REAUTH_MINUTES     | 10: how long an entered password vouches for what matters most (0: ask every time) |
| LOGIN_FAILURES_PER_ADDRESS | 10 a minute, then refused (longer as it goes on) |
| LOGIN_FAILURES_PER_PAIR    | 5 in 15 minutes for one account from one address, then a growing delay |
| LOGIN_FAILURES_PER_ACCOUNT | 20 in 15 minutes from anywhere, then refused |
| LOGINS_PER_ADDRESS         | 60 successful logins in 15 minutes, then refused |
| LOGINS_PER_ACCOUNT         | 20 successful logins in 15 minutes, then refused |
| SIGN_UPS_PER_ADDRESS       | 10 an hour |
| AUDIT_RETENTION_DAYS       | 365: how long the security log keeps events (quartauth prune) |
| BREACHED_PASSWORD_CHECK    | false: ask Pwned Passwords (k-anonymity) whether a new password was breached |
| PWNED_PASSWORDS_URL        | https://api.pwnedpasswords.com/range/ |
| SMTP_URL           | none: each mail is written to instance/outbox/*.eml (under test: kept in the outbox) |
| SITE_NAME          | quartauth: in mail, on pages, in authenticator apps |
| MAIL_FROM          | SITE_NAME <no-reply@PUBLIC_URL's host>          |
| OUTBOX_RETENTION_DAYS | 30: how long delivered mail is kept (quartauth prune) |
| REQUIRE_VERIFIED_EMAIL | false: true keeps unverified accounts out of signed-in pages |
| TWO_STEP_REQUIRED  | admins in production, none otherwise (or everyone): who must set up two-step sign-in |
| CORS_ORIGINS       | none: the origins (https://app.example.com, exact matches) whose pages may call the JSON API with credentials |
| SIGN_UP_REVEALS_ACCOUNTS | true: "Email already registered"; false: every sign-up answered alike, by a link |
| NOTIFY_PASSWORD_CHANGED, NOTIFY_PASSWORD_RESET, NOTIFY_EMAIL_CHANGED, NOTIFY_ACCOUNT_DELETED, NOTIFY_NEW_SIGN_IN | true: each security notice by mail |
| BCRYPT_ROUNDS      | 12                                             |
| HASH_THREADS       | the number of CPUs                             |
| DATABASE_POOL_SIZE | 10 (Postgres), 4 (SQLite)                      |
"""
from __future__ import annotations

import ipaddress
import os
import re
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dotenv import find_dotenv, load_dotenv

from . import secret_keys
from .brand import DEFAULT_SITE_NAME
from .services.mail import NOTICE_SETTINGS
from .private_files import private_folder, write_private_file

ENVIRONMENTS = ("development", "testing", "production")
TWO_STEP_REQUIRED = ("none", "admins", "everyone")
MAX_SITE_NAME = 60
DEFAULT_INSTANCE_FOLDER = "instance"
# Where links in mail point when PUBLIC_URL is not set: where `quartauth serve` listens (it
# says so in this variable for its workers), else where `make run` listens.
DEVELOPMENT_URL = "http://127.0.0.1:5000"
SERVED_URL_VARIABLE = "QUARTAUTH_SERVED_URL"

DEFAULTS: dict[str, Any] = {
    "QUARTAUTH_ENV": "development",
    "BCRYPT_ROUNDS": 12,
    "HASH_THREADS": os.cpu_count() or 1,
    "DATABASE_POOL_SIZE": None,
    # A browser-session cookie dies with the browser; the server ends it after a day anyway,
    # or after SESSION_IDLE_MINUTES without a request.
    "SESSION_LIFETIME": timedelta(days=1),
    "SESSION_IDLE_MINUTES": 60,
    # Ending other sessions, deleting the account and admin actions ask for the password
    # again once the last time it was entered is older than this.
    "REAUTH_MINUTES": 10,
    # Limits on failed logins and sign-ups (services/throttle.py says how they grow).
    "LOGIN_FAILURES_PER_ADDRESS": 10,
    "LOGIN_FAILURES_PER_PAIR": 5,
    "LOGIN_FAILURES_PER_ACCOUNT": 20,
    "LOGINS_PER_ADDRESS": 60,
    "LOGINS_PER_ACCOUNT": 20,
    "SIGN_UPS_PER_ADDRESS": 10,
    "AUDIT_RETENTION_DAYS": 365,
    "BREACHED_PASSWORD_CHECK": "false",
    "PWNED_PASSWORDS_URL": "https://api.pwnedpasswords.com/range/",
    "SMTP_URL": None,
    "MAIL_FROM": None,
    "OUTBOX_RETENTION_DAYS": 30,
    "REQUIRE_VERIFIED_EMAIL": "false",
    "SIGN_UP_REVEALS_ACCOUNTS": "true",
    **{name: "true" for name in NOTICE_SETTINGS.values()},
    "REMEMBER_LIFETIME": timedelta(days=30),
    "REMEMBER_IDLE": timedelta(days=7),
    # Forms carry an email and passwords: anything larger is not a person using them.
    "MAX_CONTENT_LENGTH": 64 * 1024,
}


class ConfigError(Exception):
    """The settings cannot run the app; the message says which and how to fix it."""


def load_config(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The app's settings: ``overrides`` (tests) over the environment over ``DEFAULTS``.

    A ``.env`` file is read when there are no overrides, without replacing what the
    environment already says.
    """
    if overrides is None:
        load_dotenv(find_dotenv(usecwd=True), override=False)
    overrides = dict(overrides or {})

    def setting(name: str) -> Any:
        if name in overrides:
            return overrides[name]
        return os.environ.get(name, DEFAULTS.get(name))

    config = dict(DEFAULTS)
    environment = str(setting("QUARTAUTH_ENV"))
    if environment not in ENVIRONMENTS:
        raise ConfigError(f"QUARTAUTH_ENV must be one of {', '.join(ENVIRONMENTS)}, not {environment!r}.")
    # Under the working directory, never inside the installed package.
    instance_path = Path(setting("INSTANCE_PATH") or DEFAULT_INSTANCE_FOLDER).absolute()
    public_url = _public_url(environment, setting("PUBLIC_URL"))
    site_name = _site_name(setting("SITE_NAME"))
    config.update(
        QUARTAUTH_ENV=environment,
        INSTANCE_PATH=instance_path,
        DATABASE_URL=setting("DATABASE_URL") or f"sqlite:///{instance_path / 'quartauth.sqlite3'}",
        SECRET_KEY=_secret_key(environment, setting("SECRET_KEY"), instance_path),
        PUBLIC_URL=public_url,
        LINK_URL=public_url or setting(SERVED_URL_VARIABLE) or DEVELOPMENT_URL,
        ALLOWED_HOSTS=_allowed_hosts(public_url, setting("ALLOWED_HOSTS")),
        CORS_ORIGINS=_cors_origins(setting("CORS_ORIGINS")),
        TRUSTED_PROXIES=_trusted_proxies(setting("TRUSTED_PROXIES")),
        BCRYPT_ROUNDS=_integer("BCRYPT_ROUNDS", setting("BCRYPT_ROUNDS"), 4, 31),
        HASH_THREADS=_integer("HASH_THREADS", setting("HASH_THREADS"), 1, 256),
        SESSION_IDLE_MINUTES=_integer("SESSION_IDLE_MINUTES", setting("SESSION_IDLE_MINUTES"), 1, 24 * 60),
        REAUTH_MINUTES=_integer("REAUTH_MINUTES", setting("REAUTH_MINUTES"), 0, 24 * 60),
        AUDIT_RETENTION_DAYS=_integer("AUDIT_RETENTION_DAYS", setting("AUDIT_RETENTION_DAYS"), 1, 100 * 365),
        BREACHED_PASSWORD_CHECK=_boolean("BREACHED_PASSWORD_CHECK", setting("BREACHED_PASSWORD_CHECK")),
        PWNED_PASSWORDS_URL=str(setting("PWNED_PASSWORDS_URL")),
        **{
            name: _integer(name, setting(name), 1, 100_000)
            for name in ("LOGIN_FAILURES_PER_ADDRESS", "LOGIN_FAILURES_PER_PAIR", "LOGIN_FAILURES_PER_ACCOUNT",
                         "LOGINS_PER_ADDRESS", "LOGINS_PER_ACCOUNT", "SIGN_UPS_PER_ADDRESS")
        },
        SMTP_URL=_smtp_url(setting("SMTP_URL")),
        SITE_NAME=site_name,
        MAIL_FROM=_mail_from(setting("MAIL_FROM"), public_url, site_name),
        TWO_STEP_REQUIRED=_two_step_required(environment, setting("TWO_STEP_REQUIRED")),
        OUTBOX_RETENTION_DAYS=_integer("OUTBOX_RETENTION_DAYS", setting("OUTBOX_RETENTION_DAYS"), 1, 100 * 365),
        REQUIRE_VERIFIED_EMAIL=_boolean("REQUIRE_VERIFIED_EMAIL", setting("REQUIRE_VERIFIED_EMAIL")),
        SIGN_UP_REVEALS_ACCOUNTS=_boolean("SIGN_UP_REVEALS_ACCOUNTS", setting("SIGN_UP_REVEALS_ACCOUNTS")),
        **{name: _boolean(name, setting(name)) for name in NOTICE_SETTINGS.values()},
        TESTING=environment == "testing",
    )
    pool_size = setting("DATABASE_POOL_SIZE")
    if pool_size is not None:
        config["DATABASE_POOL_SIZE"] = _integer("DATABASE_POOL_SIZE", pool_size, 1, 1000)
    config.update({key: value for key, value in overrides.items() if key not in config})
    config.update(_cookie_settings(config))
    return config


def cookie_name(name: str, *, production: bool) -> str:
    """``__Host-`` in production: the browser then takes the cookie only from this very host,
    over HTTPS, for the whole site, so a sibling subdomain cannot plant one."""
    return f"__Host-{name}" if production else name


def _cookie_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    secure = config["QUARTAUTH_ENV"] == "production"
    return {
        "QUART_AUTH_COOKIE_NAME": cookie_name("quartauth_session", production=secure),
        "QUART_AUTH_COOKIE_PATH": "/",
        "QUART_AUTH_COOKIE_DOMAIN": None,
        "QUART_AUTH_COOKIE_SECURE": secure,
        "QUART_AUTH_COOKIE_HTTP_ONLY": True,
        "QUART_AUTH_COOKIE_SAMESITE": "Lax",
        "QUART_AUTH_DURATION": int(config["REMEMBER_LIFETIME"].total_seconds()),
        # Proof that this browser logged in to an account before (services/devices.py).
        "DEVICE_COOKIE_NAME": cookie_name("quartauth_device", production=secure),
        # Binds a pending sign-in (password right, second step due) to its browser.
        "SECOND_STEP_COOKIE_NAME": cookie_name("quartauth_second_step", production=secure),
        # Binds the passkey challenges a browser is given to that browser.
        "PASSKEY_COOKIE_NAME": cookie_name("quartauth_passkey", production=secure),
        # Quart's own session cookie carries only the CSRF seed.
        "SESSION_COOKIE_NAME": cookie_name("quartauth_csrf", production=secure),
        "SESSION_COOKIE_PATH": "/",
        "SESSION_COOKIE_DOMAIN": None,
        "SESSION_COOKIE_SECURE": secure,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
    }


def _secret_key(environment: str, configured: str | None, instance_path: Path) -> str:
    if configured:
        if environment == "production":
            _check_secret_key(configured)
        return configured
    if environment == "production":
        raise ConfigError(
            "SECRET_KEY is not set. Production needs a random secret of at least "
            f"{secret_keys.MIN_LENGTH} characters ({secret_keys.HOW_TO_MAKE_ONE})."
        )
    if environment == "testing":
        return secrets.token_urlsafe(48)
    return _development_secret_key(instance_path / "secret_key")


def _check_secret_key(key: str) -> None:
    problem = secret_keys.weakness(key)
    if problem:
        raise ConfigError(problem)


def _mail_from(configured: str | None, public_url: str | None, site_name: str) -> str:
    """The sender, always with the site's name shown: a bare address gets it added."""
    address = (configured or "").strip() or f"no-reply@{urlsplit(public_url or DEVELOPMENT_URL).hostname}"
    return address if "<" in address else f"{site_name} <{address}>"


def _site_name(configured: str | None) -> str:
    name = " ".join(str(configured or "").split())
    if not name:
        return DEFAULT_SITE_NAME
    if len(name) > MAX_SITE_NAME or not name.isprintable() or "<" in name or ">" in name:
        raise ConfigError(f"SITE_NAME must be a short name of at most {MAX_SITE_NAME} characters, without < or >.")
    return name


def _two_step_required(environment: str, configured: str | None) -> str:
    """Who must sign in in two steps: by default admins in production, and nobody in
    development (where the tutorial's create-admin, then "Welcome", stays as it is)."""
    required = str(configured or ("admins" if environment == "production" else "none")).strip().lower()
    if required not in TWO_STEP_REQUIRED:
        raise ConfigError(f"TWO_STEP_REQUIRED must be one of {', '.join(TWO_STEP_REQUIRED)}, not {configured!r}.")
    return required


def _smtp_url(configured: str | None) -> str | None:
    if not configured:
        return None
    parts = urlsplit(configured)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError("SMTP_URL must look like smtp://host:587 or smtps://user:password@host:465.")
    try:
        parts.port
    except ValueError:
        raise ConfigError("SMTP_URL's port must be a number from 1 to 65535.") from None
    return configured


def _public_url(environment: str, configured: str | None) -> str | None:
    if not configured:
        if environment == "production":
            raise ConfigError(
                "PUBLIC_URL is not set. Production needs the address people use, "
                "for example PUBLIC_URL=https://auth.example.com"
            )
        return None
    parts = urlsplit(configured)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") or parts.query:
        raise ConfigError(f"PUBLIC_URL must look like https://auth.example.com, not {configured!r}.")
    if environment == "production" and parts.scheme != "https":
        raise ConfigError(f"PUBLIC_URL must start with https:// in production, not {configured!r}.")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _allowed_hosts(public_url: str | None, configured: str | None) -> frozenset[str]:
    """The Host headers answered: PUBLIC_URL's and ALLOWED_HOSTS' (empty: any, in development)."""
    hosts = {host.lower() for host in re.split(r"[\s,]+", configured or "") if host}
    if public_url:
        hosts.add(urlsplit(public_url).netloc)
    return frozenset(hosts)


def _cors_origins(configured: Any) -> frozenset[str]:
    """Origins exactly as browsers send them: scheme, host and port, nothing more (no path,
    no wildcard)."""
    if not isinstance(configured, str):
        return frozenset(configured or ())
    origins = set()
    for entry in re.split(r"[\s,]+", configured.strip()):
        if not entry:
            continue
        parts = urlsplit(entry)
        if parts.scheme not in ("http", "https") or not parts.hostname or "*" in entry or parts.path or parts.query or parts.fragment:
            raise ConfigError(f"CORS_ORIGINS must list origins such as https://app.example.com, not {entry!r}.")
        origins.add(f"{parts.scheme}://{parts.netloc.lower()}")
    return frozenset(origins)


def _trusted_proxies(configured: Any) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    if not isinstance(configured, str):
        return tuple(configured or ())
    networks = []
    for entry in re.split(r"[\s,]+", configured.strip()):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ConfigError(
                f"TRUSTED_PROXIES must list addresses or networks such as 127.0.0.1 or 10.0.0.0/8, not {entry!r}."
            ) from None
    return tuple(networks)


def _development_secret_key(path: Path) -> str:
    """Made once and kept, so that development sign-ins survive a restart.

    Written aside and linked into place, so workers starting together all read one whole key.
    """
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    private_folder(path.parent)
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    write_private_file(draft, secrets.token_urlsafe(48).encode("ascii"))
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_text(encoding="ascii").strip()


def _boolean(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off", ""):
        return False
    raise ConfigError(f"{name} must be true or false, not {value!r}.")


def _integer(name: str, value: Any, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a whole number, not {value!r}.") from None
    if not low <= number <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, not {number}.")
    return number
