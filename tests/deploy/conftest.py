"""The shipped deployment files, tried for real: Debian's nginx with TLS in front of the app."""
from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.live_server import LiveServer, free_port
from tests.support.nginx import (
    PUBLIC_HOST,
    free_port_run,
    make_certificate,
    nginx_program,
    running_nginx,
    site_for,
)

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
NGINX_SITE = DEPLOY / "nginx-quartauth.conf"
SYSTEMD_UNIT = DEPLOY / "quartauth.service"
WORKERS = 2

__all__ = ["PUBLIC_HOST", "Deployment", "NGINX_SITE", "SYSTEMD_UNIT"]


def require_nginx() -> None:
    if nginx_program():
        return
    message = "nginx is not installed: apt-get install nginx (Debian) to run the deployment tests"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class Deployment:
    app: LiveServer
    tls_port: int
    http_port: int
    worker_ports: list[int]

    def url(self, path: str = "/") -> str:
        return f"https://{PUBLIC_HOST}:{self.tls_port}{path}"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """The app in production behind the shipped nginx site, as deploy/quartauth.service runs it."""
    require_nginx()
    folder = tmp_path_factory.mktemp("deploy")
    make_certificate(folder)
    first_worker_port = free_port_run(WORKERS)
    worker_ports = [first_worker_port + index for index in range(WORKERS)]
    tls_port, http_port = free_port(), free_port()
    app = LiveServer(
        {
            "QUARTAUTH_ENV": "production",
            "SECRET_KEY": os.urandom(32).hex(),
            "PUBLIC_URL": f"https://{PUBLIC_HOST}:{tls_port}",
            "TRUSTED_PROXIES": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{folder / 'quartauth.sqlite3'}",
            "BCRYPT_ROUNDS": "4",
        },
        folder / "server.log",
        workers=WORKERS,
        extra_arguments=("--worker-bind", f"127.0.0.1:{first_worker_port}"),
        probe_headers={"Host": f"{PUBLIC_HOST}:{tls_port}", "X-Forwarded-Proto": "https"},
    )
    subprocess.run([str(app.command), "migrate"], env=app.environment, cwd=folder, check=True, capture_output=True)
    site = site_for(NGINX_SITE, folder, tls_port=tls_port, http_port=http_port, worker_ports=worker_ports)
    with app, running_nginx(site, folder):
        # The server answers once one worker does; each worker's own port listens when that
        # worker has started.
        for port in worker_ports:
            wait_until_listening(port)
        yield Deployment(app, tls_port, http_port, worker_ports)


def wait_until_listening(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
