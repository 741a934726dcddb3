"""Settings: sensible in development, strict in production."""
from __future__ import annotations

import ipaddress
import secrets

import pytest

from quartauth import create_app
from quartauth.app_objects import relying_party
from quartauth.config import ConfigError, load_config
from quartauth.services.passkeys import RelyingParty

from .helpers import production_settings


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY is not set.*secrets.token_urlsafe"):
        load_config({"QUARTAUTH_ENV": "production", "PUBLIC_URL": "https://auth.example.com"})


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("too-short", "at least 32 characters"),
        (" " * 32, "does not look random"),
        ("k" * 48, "does not look random"),
        ("abc1" * 12, "does not look random"),
        ("0123456789" * 4, "does not look random"),
        ("abcdefghijklmnopqrstuvwxyz012345", "does not look random"),
        ("0123456789" * 3 + "01", "does not look random"),
        ("your-secret-key-here-change-me-please", "does not look random"),
        ("passwordpasswordpassword12345678", "does not look random"),
        ("correct-horse-battery-staple-forever-more", "does not look random"),
    ],
)
def test_production_refuses_a_secret_key_that_is_short_or_plainly_not_random(key, message):
    with pytest.raises(ConfigError, match=f"{message}.*secrets.token_urlsafe"):
        load_config(production_settings(SECRET_KEY=key))


@pytest.mark.parametrize("make", [lambda: secrets.token_urlsafe(48), lambda: secrets.token_hex(16), lambda: secrets.token_hex(32), lambda: secrets.token_urlsafe(24)])
def test_production_takes_any_random_secret_key(make):
    for _ in range(50):  # random keys are not refused by chance
        key = make()
        assert load_config(production_settings(SECRET_KEY=key))["SECRET_KEY"] == key


def test_production_requires_an_https_public_url(monkeypatch):
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    with pytest.raises(ConfigError, match="PUBLIC_URL is not set"):
        load_config({"QUARTAUTH_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(48)})
    with pytest.raises(ConfigError, match="must start with https://"):
        load_config(production_settings(PUBLIC_URL="http://auth.example.com"))


@pytest.mark.parametrize("url", ["auth.example.com", "https://", "https://auth.example.com/sub", "ftp://auth.example.com"])
def test_a_public_url_that_is_not_a_site_address_is_refused(url):
    with pytest.raises(ConfigError, match="PUBLIC_URL must look like"):
        load_config(production_settings(PUBLIC_URL=url))


def test_allowed_hosts_are_public_urls_host_and_the_listed_ones():
    config = load_config(production_settings(PUBLIC_URL="https://Auth.Example.com", ALLOWED_HOSTS="www.example.com, example.com:8443"))

    assert config["PUBLIC_URL"] == "https://auth.example.com"
    assert config["ALLOWED_HOSTS"] == {"auth.example.com", "www.example.com", "example.com:8443"}


def test_trusted_proxies_are_addresses_or_networks():
    config = load_config(production_settings(TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/8 ::1"))

    assert config["TRUSTED_PROXIES"] == tuple(map(ipaddress.ip_network, ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]))
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES must list addresses"):
        load_config(production_settings(TRUSTED_PROXIES="nginx"))


def test_production_cookies_are_secure_host_only_and_site_wide():
    config = load_config(production_settings())

    assert config["QUART_AUTH_COOKIE_SECURE"] and config["SESSION_COOKIE_SECURE"]
    assert config["QUART_AUTH_COOKIE_NAME"] == "__Host-quartauth_session"
    assert config["SESSION_COOKIE_NAME"] == "__Host-quartauth_csrf"
    assert config["QUART_AUTH_COOKIE_PATH"] == config["SESSION_COOKIE_PATH"] == "/"
    assert config["QUART_AUTH_COOKIE_DOMAIN"] is config["SESSION_COOKIE_DOMAIN"] is None
    assert config["QUART_AUTH_COOKIE_SAMESITE"] == config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_the_default_instance_folder_is_under_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("INSTANCE_PATH", raising=False)
    monkeypatch.chdir(tmp_path)

    config = load_config({"QUARTAUTH_ENV": "development"})

    assert config["INSTANCE_PATH"] == tmp_path / "instance"
    assert (tmp_path / "instance" / "secret_key").exists()
    assert (tmp_path / "instance").stat().st_mode & 0o077 == 0


def test_development_generates_a_secret_key_once_and_keeps_it(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_config({"QUARTAUTH_ENV": "development", "INSTANCE_PATH": tmp_path})
    second = load_config({"QUARTAUTH_ENV": "development", "INSTANCE_PATH": tmp_path})

    assert len(first["SECRET_KEY"]) >= 32
    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert not first["QUART_AUTH_COOKIE_SECURE"]


def test_default_database_is_sqlite_under_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = load_config({"QUARTAUTH_ENV": "testing", "INSTANCE_PATH": tmp_path})
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'quartauth.sqlite3'}"


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("QUARTAUTH_ENV", "staging", "QUARTAUTH_ENV must be one of"),
        ("BCRYPT_ROUNDS", "twelve", "BCRYPT_ROUNDS must be a whole number"),
        ("BCRYPT_ROUNDS", "3", "BCRYPT_ROUNDS must be between 4 and 31"),
        ("HASH_THREADS", "0", "HASH_THREADS must be between 1 and 256"),
        ("REAUTH_MINUTES", "-1", "REAUTH_MINUTES must be between 0 and 1440"),
        ("REAUTH_MINUTES", "ten", "REAUTH_MINUTES must be a whole number"),
        ("BREACHED_PASSWORD_CHECK", "maybe", "BREACHED_PASSWORD_CHECK must be true or false"),
        ("LOGIN_FAILURES_PER_PAIR", "0", "LOGIN_FAILURES_PER_PAIR must be between 1 and 100000"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_message(setting, value, message):
    with pytest.raises(ConfigError, match=message):
        load_config({"QUARTAUTH_ENV": "testing", setting: value})


def test_an_unknown_database_url_is_refused(tmp_path):
    with pytest.raises(ValueError, match="DATABASE_URL must start with"):
        create_app({"QUARTAUTH_ENV": "testing", "DATABASE_URL": "mysql://localhost/db"})


def test_reauth_minutes_defaults_to_ten_and_may_be_zero():
    assert load_config({"QUARTAUTH_ENV": "testing"})["REAUTH_MINUTES"] == 10
    assert load_config({"QUARTAUTH_ENV": "testing", "REAUTH_MINUTES": "0"})["REAUTH_MINUTES"] == 0


@pytest.mark.parametrize(
    ("configured", "sender"),
    [(None, "quartauth <no-reply@auth.example.com>"), ("ops@example.com", "quartauth <ops@example.com>"), ("Example <x@example.com>", "Example <x@example.com>")],
)
def test_mail_is_sent_in_the_sites_name(configured, sender):
    settings = production_settings(**({"MAIL_FROM": configured} if configured else {}))

    assert load_config(settings)["MAIL_FROM"] == sender


def test_two_step_is_required_of_admins_in_production_and_of_nobody_in_development(tmp_path):
    assert load_config(production_settings())["TWO_STEP_REQUIRED"] == "admins"
    assert load_config({"QUARTAUTH_ENV": "development", "INSTANCE_PATH": str(tmp_path)})["TWO_STEP_REQUIRED"] == "none"
    assert load_config(production_settings(TWO_STEP_REQUIRED="Everyone"))["TWO_STEP_REQUIRED"] == "everyone"
    with pytest.raises(ConfigError, match="TWO_STEP_REQUIRED must be one of none, admins, everyone"):
        load_config(production_settings(TWO_STEP_REQUIRED="some"))


def test_site_name_names_the_site_in_mail_and_pages():
    config = load_config(production_settings(SITE_NAME="  Example   Auth "))

    assert config["SITE_NAME"] == "Example Auth" and config["MAIL_FROM"] == "Example Auth <no-reply@auth.example.com>"
    assert load_config(production_settings())["SITE_NAME"] == "quartauth"
    with pytest.raises(ConfigError, match="SITE_NAME"):
        load_config(production_settings(SITE_NAME="<script>"))


def test_the_relying_party_of_passkeys_is_public_urls_host_and_origin(tmp_path):
    production = relying_party(load_config(production_settings(PUBLIC_URL="https://auth.example.com:8443")))
    development = {"QUARTAUTH_ENV": "development", "INSTANCE_PATH": str(tmp_path)}

    assert production == RelyingParty("auth.example.com", "https://auth.example.com:8443", "quartauth")
    # Without PUBLIC_URL: where the server listens, its loopback address named localhost.
    assert relying_party(load_config(development)) == RelyingParty("localhost", "http://localhost:5000", "quartauth")
    assert relying_party(load_config({**development, "QUARTAUTH_SERVED_URL": "http://127.0.0.1:8123"})).origin == "http://localhost:8123"
    assert relying_party(load_config({**development, "PUBLIC_URL": "http://192.0.2.7:5000"})) is None


def test_cors_origins_are_exact_origins():
    assert load_config(production_settings(CORS_ORIGINS="https://App.example.com, http://localhost:3000"))["CORS_ORIGINS"] == {
        "https://app.example.com", "http://localhost:3000",
    }
    assert load_config(production_settings())["CORS_ORIGINS"] == frozenset()
    for bad in ("*", "https://*.example.com", "https://app.example.com/path", "app.example.com"):
        with pytest.raises(ConfigError, match="CORS_ORIGINS"):
            load_config(production_settings(CORS_ORIGINS=bad))
