"""Fixtures for fault tests: a private PostgreSQL server these tests may stop, and a browser-like
HTTP client that fills in real forms."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ..conftest import require_postgres
from ..helpers import PASSWORD, csrf_token_in
from tests.support.live_server import free_port


def _postgres_bin() -> Path | None:
    """Where initdb and pg_ctl live: pg_config says, else Debian's versioned folders."""
    candidates = []
    try:
        output = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True)
        candidates.append(Path(output.stdout.strip()))
    except (OSError, subprocess.CalledProcessError):
        pass
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    return next((folder for folder in candidates if (folder / "initdb").exists()), None)


class PrivatePostgres:
    """A throwaway PostgreSQL cluster on a free port; never the machine's shared server."""

    def __init__(self, binaries: Path) -> None:
        self.binaries = binaries
        self.folder = Path(tempfile.mkdtemp(prefix="quartauth-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        if os.geteuid() == 0:  # initdb refuses to run as root
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.binaries / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.folder)

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder}"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-o", options, "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    require_postgres()  # the same rule: required under CI, skipped elsewhere when absent
    binaries = _postgres_bin()
    if binaries is None:
        message = "PostgreSQL's initdb and pg_ctl are not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    server = PrivatePostgres(binaries)
    server.start()
    try:
        yield server
    finally:
        server.destroy()


REDIRECT_TARGET = re.compile(r"^https?://[^/]+")


def location(response: httpx.Response) -> str:
    return REDIRECT_TARGET.sub("", response.headers.get("location", ""))


def post_form(client: httpx.Client, path: str, form_path: str, **fields: str) -> httpx.Response:
    token = csrf_token_in(client.get(form_path).text)
    return client.post(path, data={"csrf_token": token, **fields})


def register(client: httpx.Client, email: str, password: str = PASSWORD) -> httpx.Response:
    return post_form(client, "/register", "/register", email=email, password=password, confirm=password)


def log_in(client: httpx.Client, email: str, password: str = PASSWORD) -> httpx.Response:
    return post_form(client, "/login", "/login", email=email, password=password)
