"""The app under test, served the documented way (`quartauth serve`) in production mode.

Production answers only HTTPS; the load comes over plain HTTP on 127.0.0.1 and says, as a
TLS-terminating proxy in front would, that the client connected over HTTPS
(``X-Forwarded-Proto``, believed from 127.0.0.1 through ``TRUSTED_PROXIES``).
"""
from __future__ import annotations

import secrets
import tomllib
from pathlib import Path

from quartauth.serving import DEFAULT_CONFIG
from tests.support.live_server import LiveServer

ROOT = Path(__file__).resolve().parents[1]
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def configured_workers() -> int:
    return int(tomllib.loads(DEFAULT_CONFIG.read_text()).get("workers", 1))


def bench_server(
    database_url: str, baseline_file: Path, log_file: Path, rounds: int, *, worker_ports: list[int], nginx_port: int
) -> LiveServer:
    """Workers also listen on ``worker_ports`` (for nginx, as deploy/ sets it up), and the
    app answers the host nginx is reached at, 127.0.0.1:``nginx_port``."""
    environment = {
        "QUARTAUTH_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": database_url,
        "BCRYPT_ROUNDS": str(rounds),
        "TRUSTED_PROXIES": "127.0.0.1",
        "ALLOWED_HOSTS": f"127.0.0.1:{nginx_port}",  # and the server's own address, below
        "BENCH_BASELINE_FILE": str(baseline_file),
        # The sign-up phase signs up from one address, and the login phases log in from one
        # address, to the same accounts again and again, as no single person would.
        "SIGN_UPS_PER_ADDRESS": "100000",
        "LOGINS_PER_ADDRESS": "100000",
        "LOGINS_PER_ACCOUNT": "100000",
        # Mail (sign-in notices) goes to .eml files there, not into the checkout.
        "INSTANCE_PATH": str(log_file.parent / "instance"),
    }
    server = LiveServer(
        environment, log_file, app="bench.app:create_bench_app()", cwd=ROOT, probe_headers=PROXY_HEADERS,
        extra_arguments=("--worker-bind", f"127.0.0.1:{worker_ports[0]}"),
    )
    # A site whose passkeys work (a relying party is a host name), reached at 127.0.0.1 as well.
    server.environment["PUBLIC_URL"] = f"https://localhost:{server.port}"
    server.environment["ALLOWED_HOSTS"] += f",127.0.0.1:{server.port}"
    return server


def worker_pids(server: LiveServer) -> list[int]:
    """The worker processes of the server (Linux /proc)."""
    assert server.process is not None
    return [pid for pid in _descendants(server.process.pid) if _is_worker(pid)]


def worker_memory_mb(server: LiveServer) -> list[float]:
    """Resident memory of each worker process."""
    return [_rss_mb(pid) for pid in worker_pids(server)]


def _descendants(pid: int) -> list[int]:
    children_file = Path(f"/proc/{pid}/task/{pid}/children")
    children = [int(child) for child in children_file.read_text().split()] if children_file.exists() else []
    return children + [grandchild for child in children for grandchild in _descendants(child)]


def _is_worker(pid: int) -> bool:
    # The workers are multiprocessing spawns; the resource tracker is not a worker.
    command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    return b"multiprocessing" in command and b"resource_tracker" not in command


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0
