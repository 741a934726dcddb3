"""Load from wrk, a separate C process that costs little CPU, with Lua for the form posts."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

LUA_DIR = Path(__file__).resolve().parent / "lua"


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    successes: int
    server_errors: int
    unexpected: int
    socket_errors: int

    @property
    def success_rate(self) -> float:
        return self.successes / self.seconds

    @property
    def failures(self) -> int:
        return self.server_errors + self.socket_errors


def ensure_installed(program: str = "wrk") -> str:
    """The path of ``program`` (wrk, nginx: Debian packages of the same name), installed if missing."""
    found = shutil.which(program, path=f"{os.environ.get('PATH', '')}:/usr/sbin")
    if found:
        return found
    print(f"{program} is missing; installing it with apt-get", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", program], check=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    found = shutil.which(program, path=f"{os.environ.get('PATH', '')}:/usr/sbin")
    if not found:
        raise RuntimeError(f"{program} could not be installed")
    return found


def start(
    url: str,
    script: str,
    *script_args: str,
    connections: int,
    seconds: int,
    threads: int = 1,
) -> subprocess.Popen[str]:
    """``threads``: 1 but for scripts that chain requests, which need a connection a thread."""
    command = [
        "wrk", "--threads", str(threads), "--connections", str(connections), "--duration", f"{seconds}s",
        "--timeout", "30s", "--script", str(LUA_DIR / script),
    ]
    command += [url, "--", *script_args]
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "BENCH_LUA_DIR": str(LUA_DIR)},
    )


def finish(process: subprocess.Popen[str]) -> Load:
    stdout, stderr = process.communicate(timeout=120)
    summary = next((line for line in reversed(stdout.splitlines()) if line.startswith("{")), None)
    if process.returncode != 0 or summary is None:
        raise RuntimeError(f"wrk failed ({process.returncode}): {stderr.strip() or stdout.strip()}")
    values = json.loads(summary)
    return Load(
        requests=values["requests"],
        seconds=values["duration_us"] / 1e6,
        p50_ms=values["p50_us"] / 1000,
        p99_ms=values["p99_us"] / 1000,
        successes=values["successes"],
        server_errors=values["server_errors"],
        unexpected=values["unexpected"],
        socket_errors=values["socket_errors"],
    )


def run(url: str, script: str, *script_args: str, connections: int, seconds: int, threads: int = 1) -> Load:
    return finish(start(url, script, *script_args, connections=connections, seconds=seconds, threads=threads))


def combined(loads: list[Load]) -> Load:
    """Rounds of one load as one: counts summed; the middle p50 and the worst p99."""
    p50s = sorted(load.p50_ms for load in loads)
    return Load(
        requests=sum(load.requests for load in loads),
        seconds=sum(load.seconds for load in loads),
        p50_ms=p50s[len(p50s) // 2],
        p99_ms=max(load.p99_ms for load in loads),
        successes=sum(load.successes for load in loads),
        server_errors=sum(load.server_errors for load in loads),
        unexpected=sum(load.unexpected for load in loads),
        socket_errors=sum(load.socket_errors for load in loads),
    )
