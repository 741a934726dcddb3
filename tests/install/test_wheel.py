"""quartauth installed as a wheel into a fresh virtualenv, used from a folder of its own.

Nothing of the checkout may be needed: the SQL files, templates and server settings come
from the package, and the instance folder (SQLite file, development secret) is made under
the working directory, never inside the installed package.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.live_server import LiveServer
from tests.support.pages import csrf_token_in

pytestmark = pytest.mark.slow

CHECKOUT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"
LEFT_OUT_OF_THE_BUILD = (
    ".git", ".venv", "build", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis", "instance", "screenshots",
)


def run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a fresh virtualenv with quartauth's wheel (and nothing else of ours)."""
    folder = tmp_path_factory.mktemp("wheel")
    # A copy of the sources, as a fresh clone has them: no build/ left from an earlier build.
    source = folder / "source"
    shutil.copytree(CHECKOUT, source, ignore=shutil.ignore_patterns(*LEFT_OUT_OF_THE_BUILD))
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", folder / "dist", source, cwd=folder)
    [wheel] = (folder / "dist").glob("quartauth-*.whl")
    run(sys.executable, "-m", "venv", folder / "venv", cwd=folder)
    run(folder / "venv" / "bin" / "python", "-m", "pip", "install", "--quiet", wheel, cwd=folder)
    return folder / "venv" / "bin"


def outside_environment(bin_folder: Path) -> dict[str, str]:
    """A shell elsewhere: no settings of ours, nothing of the checkout on any path."""
    keep = {"HOME", "LANG", "LC_ALL", "TMPDIR"}
    environment = {name: value for name, value in os.environ.items() if name in keep}
    environment["PATH"] = f"{bin_folder}:/usr/local/bin:/usr/bin:/bin"
    return environment


def test_the_wheel_serves_sign_up_and_log_in_from_another_folder(installed, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    environment = outside_environment(installed)

    package = run(installed / "python", "-c", "import quartauth; print(quartauth.__file__)", cwd=site, env=environment)
    assert "site-packages" in package and str(CHECKOUT) not in package
    assert "Applied 0001_" in run(installed / "quartauth", "migrate", cwd=site, env=environment)

    server = LiveServer(
        environment, site / "server.log", command=installed / "quartauth", cwd=site, inherit_environment=False
    )
    with server:
        with httpx.Client(base_url=server.url(""), timeout=30) as browser:
            form = {"email": "person@example.com", "password": PASSWORD, "confirm": PASSWORD}
            token = csrf_token_in(browser.get("/register").text)
            signed_up = browser.post("/register", data={**form, "csrf_token": token}, follow_redirects=True)
            assert "Welcome person@example.com!" in signed_up.text

            browser.post("/logout", data={"csrf_token": csrf_token_in(browser.get("/logout").text)})
            token = csrf_token_in(browser.get("/login").text)
            logged_in = browser.post(
                "/login", data={"csrf_token": token, "email": "person@example.com", "password": PASSWORD},
                follow_redirects=True,
            )
            assert "Welcome person@example.com!" in logged_in.text

            # Every blueprint's templates came with the wheel: the account page and the admin area.
            assert "Change password" in browser.get("/account").text
            made = run(installed / "quartauth", "users", "make-admin", "person@example.com", cwd=site, env=environment)
            assert "person@example.com is now an admin." in made
            admin_area = browser.get("/admin")
            assert admin_area.status_code == 200 and "person@example.com" in admin_area.text

    assert (site / "instance" / "quartauth.sqlite3").exists() and (site / "instance" / "secret_key").exists()
    site_packages = Path(package).parents[1]
    assert not (site_packages / "instance").exists()
    assert (site_packages / "quartauth" / "sql" / "migrations").is_dir()
    assert (site_packages / "quartauth" / "hypercorn.toml").is_file()
    assert not (site_packages / "quartauth" / "testing").exists()  # what only tests and the bench use stays behind
    assert not (site_packages / "tests").exists() and not (site_packages / "bench").exists()


def test_the_wheel_says_its_version(installed, tmp_path):
    assert run(installed / "quartauth", "--version", cwd=tmp_path, env=outside_environment(installed)).startswith(
        "quartauth, version 0.1.0"
    )
