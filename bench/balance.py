"""Every worker does its share: over back-to-back runs of the same load, the busiest
worker's part of the connections and of the CPU time, and how much the page rate moves."""
from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import wrk

RUNS = 5
SECONDS = 5
CONNECTIONS = 32
SAMPLE_AFTER_SECONDS = 1.0
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Balance:
    connection_shares: list[float]  # per run: the busiest worker's part of the app's connections
    cpu_shares: list[float]  # per run: the busiest worker's part of the workers' CPU time
    rates: list[float]  # per run: signed-in pages per second
    failures: int

    @property
    def worst_connection_share(self) -> float:
        return max(self.connection_shares)

    @property
    def worst_cpu_share(self) -> float:
        return max(self.cpu_shares)

    @property
    def rate_spread(self) -> float:
        """(fastest - slowest) / mean, over the runs."""
        return (max(self.rates) - min(self.rates)) / (sum(self.rates) / len(self.rates))


def measure(url: str, cookies: str, worker_pids: Sequence[int], app_ports: Sequence[int]) -> Balance:
    connection_shares, cpu_shares, rates, failures = [], [], [], 0
    for _ in range(RUNS):
        cpu_before = [cpu_seconds(pid) for pid in worker_pids]
        process = wrk.start(url, "signed_in.lua", cookies, connections=CONNECTIONS, seconds=SECONDS)
        time.sleep(SAMPLE_AFTER_SECONDS)
        connections = connections_per_worker(worker_pids, app_ports)
        load = wrk.finish(process)
        cpu_used = [cpu_seconds(pid) - before for pid, before in zip(worker_pids, cpu_before)]
        connection_shares.append(_busiest_share(list(connections.values())))
        cpu_shares.append(_busiest_share(cpu_used))
        rates.append(load.success_rate)
        failures += load.failures
    return Balance(connection_shares, cpu_shares, rates, failures)


def _busiest_share(amounts: list[float]) -> float:
    total = sum(amounts)
    return max(amounts) / total if total else 1.0


def connections_per_worker(worker_pids: Sequence[int], app_ports: Sequence[int]) -> dict[int, int]:
    """Open connections each worker holds on the app's ports (an accepted connection belongs
    to the one worker that accepted it; the database's connections are on other ports)."""
    ports = " or ".join(f"sport = :{port}" for port in app_ports)
    lines = subprocess.run(
        ["ss", "-Htnp", "state", "established", f"( {ports} )"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    counts = {pid: 0 for pid in worker_pids}
    for line in lines:
        for pid in map(int, re.findall(r"pid=(\d+)", line)):
            if pid in counts:
                counts[pid] += 1
    return counts


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of ``pid`` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
