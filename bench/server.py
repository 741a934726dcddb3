"""The real app under hypercorn, with hypercorn.toml's settings, started and always stopped."""
from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path

from .browser import Browser

ROOT = Path(__file__).resolve().parents[1]
HYPERCORN_CONFIG = ROOT / "hypercorn.toml"


def configured_workers() -> int:
    return int(tomllib.loads(HYPERCORN_CONFIG.read_text()).get("workers", 1))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, database_url: str, baseline_file: Path, log_file: Path, rounds: int) -> None:
        self.port = free_port()
        self.log_file = log_file
        self.environment = {
            **os.environ,
            "QUARTAUTH_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": database_url,
            "BCRYPT_ROUNDS": str(rounds),
            "BENCH_BASELINE_FILE": str(baseline_file),
        }
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        command = [
            str(Path(sys.executable).with_name("hypercorn")),
            "--config", str(HYPERCORN_CONFIG),
            "--bind", f"127.0.0.1:{self.port}",
            "bench.app:create_bench_app()",
        ]
        with self.log_file.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.environment, stdout=subprocess.DEVNULL, stderr=log,
                start_new_session=True,
            )
        self._wait_until_serving()
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def _wait_until_serving(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"hypercorn exited at start-up; see {self.log_file}")
            try:
                if Browser(self.port).request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"hypercorn did not answer within {seconds}s; see {self.log_file}")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def worker_memory_mb(self) -> list[float]:
        """Resident memory of each worker process (Linux /proc)."""
        assert self.process is not None
        return [_rss_mb(pid) for pid in _descendants(self.process.pid) if _is_worker(pid)]


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
