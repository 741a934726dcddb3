"""Every worker does its share: the busiest worker's part of the connections, and how much
the page rate moves, over back-to-back runs of the same load.

A shared machine's own speed swings by a fifth from one few-second run to the next, which
would drown what an unfair spread of connections costs. So, as for target 3, each run of
signed-in pages follows a short run of the baseline route through the same path, and the
rate that must hold steady is pages per baseline; the raw rates are reported beside it.
"""
from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass

from . import wrk

RUNS = 5
SECONDS = 3
BASELINE_SECONDS = 2
CONNECTIONS = 32
SAMPLE_AFTER_SECONDS = 1.0


@dataclass(frozen=True)
class Balance:
    busiest_shares: list[float]  # per run: the busiest worker's part of the app's connections
    rates: list[float]  # per run: signed-in pages per second
    baseline_rates: list[float]  # per run: the baseline route just before, same path
    failures: int

    @property
    def worst_share(self) -> float:
        return max(self.busiest_shares)

    @property
    def rate_spread(self) -> float:
        """(fastest - slowest) / mean of pages per baseline, over the runs."""
        return _spread([rate / baseline for rate, baseline in zip(self.rates, self.baseline_rates)])

    @property
    def raw_rate_spread(self) -> float:
        return _spread(self.rates)


def _spread(values: list[float]) -> float:
    return (max(values) - min(values)) / (sum(values) / len(values))


def measure(home_url: str, baseline_url: str, cookies: str, worker_pids: Sequence[int], app_ports: Sequence[int]) -> Balance:
    shares, rates, baselines, failures = [], [], [], 0
    for _ in range(RUNS):
        baseline = wrk.run(baseline_url, "get.lua", connections=CONNECTIONS, seconds=BASELINE_SECONDS)
        process = wrk.start(home_url, "signed_in.lua", cookies, connections=CONNECTIONS, seconds=SECONDS)
        time.sleep(SAMPLE_AFTER_SECONDS)
        counts = connections_per_worker(worker_pids, app_ports)
        load = wrk.finish(process)
        total = sum(counts.values())
        shares.append(max(counts.values()) / total if total else 1.0)
        rates.append(load.success_rate)
        baselines.append(baseline.success_rate)
        failures += load.failures + baseline.failures
    return Balance(shares, rates, baselines, failures)


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
