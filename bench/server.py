"""The app under test: hypercorn with hypercorn.toml, in production mode, and its workers' memory."""
from __future__ import annotations

import secrets
import tomllib
from pathlib import Path

from tests.live_server import HYPERCORN_CONFIG, LiveServer


def configured_workers() -> int:
    return int(tomllib.loads(HYPERCORN_CONFIG.read_text()).get("workers", 1))


def bench_server(database_url: str, baseline_file: Path, log_file: Path, rounds: int) -> LiveServer:
    environment = {
        "QUARTAUTH_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": database_url,
        "BCRYPT_ROUNDS": str(rounds),
        "BENCH_BASELINE_FILE": str(baseline_file),
    }
    return LiveServer(environment, log_file, app="bench.app:create_bench_app()")


def worker_memory_mb(server: LiveServer) -> list[float]:
    """Resident memory of each worker process (Linux /proc)."""
    assert server.process is not None
    return [_rss_mb(pid) for pid in _descendants(server.process.pid) if _is_worker(pid)]


def _descendants(pid: int) -> list[int]:
    children_file = Path(f"/proc/{pid}/task/{pid}/children")
    children = [int(child) for child in children_file.read_text().split()] if children_file.exists() else []
    return children + [grandchild for child in children for grandchild in _descendants(child)]


def _is_worker(pid: int) -> bool:
    # hypercorn's workers are multiprocessing spawns; the resource tracker is not a worker.
    command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    return b"multiprocessing" in command and b"resource_tracker" not in command


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0
