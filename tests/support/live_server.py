"""The real app served the documented way (`quartauth serve`), on a port of its own."""
from __future__ import annotations

import asyncio
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from quartauth.db import migrations

APP = "quartauth:create_app()"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Tests whose many people all come from 127.0.0.1: limits per address (and on successful
# logins, which a test repeats as nobody would) far above what they reach.
ONE_ADDRESS_CROWD = {
    "SIGN_UPS_PER_ADDRESS": "100000",
    "LOGIN_FAILURES_PER_ADDRESS": "100000",
    "LOGINS_PER_ADDRESS": "100000",
    "LOGINS_PER_ACCOUNT": "100000",
}


def app_server(database_url: str, folder: Path, **settings: str) -> LiveServer:
    """The app as `make run` serves it, on ``database_url`` (migrated here first), with its
    instance folder and log in ``folder``, the cheapest bcrypt cost, and ``settings``."""
    asyncio.run(migrations.migrate_url(database_url))
    environment = {
        "QUARTAUTH_ENV": "development",
        "INSTANCE_PATH": str(folder),
        "DATABASE_URL": database_url,
        "BCRYPT_ROUNDS": "4",
        **settings,
    }
    return LiveServer(environment, folder / "server.log")


class LiveServer:
    """``with LiveServer(env, log) as server:`` serves until the block ends, whatever happens in it.

    ``command`` is the ``quartauth`` program to run (this Python's by default), ``cwd`` the
    folder it runs in (the log's), ``probe_headers`` what the start-up probe sends along.
    The server gets this process's environment with ``environment`` on top, or with
    ``inherit_environment=False`` only ``environment``.
    """

    def __init__(
        self,
        environment: Mapping[str, str],
        log_file: Path,
        app: str = APP,
        workers: int | None = None,
        *,
        command: Path | None = None,
        cwd: Path | None = None,
        extra_arguments: tuple[str, ...] = (),
        probe_headers: Mapping[str, str] | None = None,
        inherit_environment: bool = True,
    ) -> None:
        self.port = free_port()
        # Where browsers are sent; "localhost" for passkeys, whose site cannot be an IP address.
        self.host = "127.0.0.1"
        self.environment = {**(os.environ if inherit_environment else {}), **environment}
        self.log_file = log_file
        self.app = app
        self.workers = workers
        self.command = command or Path(sys.executable).with_name("quartauth")
        self.cwd = cwd or log_file.parent
        self.extra_arguments = extra_arguments
        self.probe_headers = dict(probe_headers or {})
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> LiveServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def arguments(self) -> list[str]:
        arguments = [str(self.command), "serve", "--bind", f"127.0.0.1:{self.port}", "--app", self.app]
        if self.workers is not None:
            arguments += ["--workers", str(self.workers)]
        return arguments + list(self.extra_arguments)

    def start(self) -> None:
        with self.log_file.open("ab") as log:
            self.process = subprocess.Popen(
                self.arguments(), cwd=self.cwd, env=self.environment,
                stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
            )
        self._wait_until_serving()

    def stop(self) -> None:
        self._signal(signal.SIGTERM)
        if self.process is None:
            return
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL to every process of the server: no shutdown code runs."""
        self._signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait()

    def _signal(self, number: int) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, number)
            except ProcessLookupError:
                pass

    def _wait_until_serving(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited at start-up:\n{self.log_file.read_text()[-2000:]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/login", headers=self.probe_headers)
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the server did not answer within {seconds}s")

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"
