"""The real app under hypercorn (hypercorn.toml, a port of its own), for tests and the bench."""
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

ROOT = Path(__file__).resolve().parents[1]
HYPERCORN_CONFIG = ROOT / "hypercorn.toml"
APP = "quartauth:create_app()"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_server(database_url: str, folder: Path) -> LiveServer:
    """The app as `make run` serves it, on ``database_url`` (migrated here first), with its
    instance folder and log in ``folder`` and the cheapest bcrypt cost."""
    asyncio.run(migrations.migrate_url(database_url))
    environment = {
        "QUARTAUTH_ENV": "development",
        "INSTANCE_PATH": str(folder),
        "DATABASE_URL": database_url,
        "BCRYPT_ROUNDS": "4",
    }
    return LiveServer(environment, folder / "server.log")


class LiveServer:
    """``with LiveServer(env) as server:`` serves until the block ends, whatever happens in it."""

    def __init__(self, environment: Mapping[str, str], log_file: Path, app: str = APP, workers: int | None = None) -> None:
        self.port = free_port()
        self.environment = {**os.environ, **environment}
        self.log_file = log_file
        self.app = app
        self.workers = workers
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> LiveServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        command = [
            str(Path(sys.executable).with_name("hypercorn")),
            "--config", str(HYPERCORN_CONFIG),
            "--bind", f"127.0.0.1:{self.port}",
        ]
        if self.workers is not None:
            command += ["--workers", str(self.workers)]
        with self.log_file.open("ab") as log:
            self.process = subprocess.Popen(
                [*command, self.app], cwd=ROOT, env=self.environment,
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
                raise RuntimeError(f"hypercorn exited at start-up:\n{self.log_file.read_text()[-2000:]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/login")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"hypercorn did not answer within {seconds}s")

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"
