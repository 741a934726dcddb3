"""Settings: sensible in development, strict in production."""
from __future__ import annotations

import pytest

from quartauth import create_app
from quartauth.config import ConfigError, load_config


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        load_config({"QUARTAUTH_ENV": "production"})


def test_production_refuses_a_short_secret_key():
    with pytest.raises(ConfigError, match="at least 32 characters"):
        load_config({"QUARTAUTH_ENV": "production", "SECRET_KEY": "too-short"})


def test_production_marks_cookies_secure():
    config = load_config({"QUARTAUTH_ENV": "production", "SECRET_KEY": "k" * 32})
    assert config["QUART_AUTH_COOKIE_SECURE"] and config["SESSION_COOKIE_SECURE"]
    assert config["QUART_AUTH_COOKIE_SAMESITE"] == config["SESSION_COOKIE_SAMESITE"] == "Lax"


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
    ],
)
def test_bad_settings_are_refused_with_a_clear_message(setting, value, message):
    with pytest.raises(ConfigError, match=message):
        load_config({"QUARTAUTH_ENV": "testing", setting: value})


def test_an_unknown_database_url_is_refused(tmp_path):
    with pytest.raises(ValueError, match="DATABASE_URL must start with"):
        create_app({"QUARTAUTH_ENV": "testing", "DATABASE_URL": "mysql://localhost/db"})
