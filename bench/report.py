"""The report: one table, every figure beside its target, also kept in bench/results/latest.md."""
from __future__ import annotations

import os
import platform
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .__main__ import DialectResult

RESULTS_FILE = Path(__file__).resolve().parent / "results" / "latest.md"

LOGIN_RATIO_TARGET = 0.9
PAGE_RATIO_TARGET = 0.6
# Queueing the verification mail costs a sign-up no more than a tenth of its rate.
SIGN_UP_RATIO_TARGET = 0.9
# Logins must not starve under page load: at least half the limit while pages saturate.
MIXED_LOGIN_RATIO_TARGET = 0.5
MIXED_P99_TARGET_MS = 100
GROWTH_RATIO_TARGET = 1.1
MEMORY_TARGET_MB = 100
BUSIEST_SHARE_TARGET = 0.75
RATE_SPREAD_TARGET = 0.15
ADMIN_SEARCH_P50_TARGET_MS = 20
REFUSED_P50_TARGET_MS = 5
OWNER_P50_TARGET_MS = 1000
OWNER_P99_TARGET_MS = 2000
FLOOD_PAGE_P99_TARGET_MS = 100
# The code of a second step costs no hash: a login with one keeps the rate of a login.
SECOND_STEP_P50_TARGET_MS = 5
# A passkey costs no hash either: its sign-in answers in a few database trips, and the rate of
# passkey sign-ins is far from the bcrypt limit (ten times it at least).
PASSKEY_P50_TARGET_MS = 10
PASSKEY_RATIO_TARGET = 10.0
# The API's JSON costs what the pages' forms do: an app's login keeps the rate of a login, and
# who-am-I with a bearer token (no page to render) is no slower than the signed-in page.
API_SESSION_RATIO_TARGET = 1.0


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kilobytes = int(meminfo.read_text().split()[1])
        memory = f", {kilobytes / 1024 / 1024:.0f} GiB"
    return f"{model}, {os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def render(limit: float, rounds: int, workers: int, results: Sequence[DialectResult]) -> str:
    rows: list[tuple[str, Callable[[DialectResult], str], str]] = [
        (f"1. bcrypt limit (checks/s, cost {rounds}, {workers} threads)", lambda r: f"{limit:.1f}", ""),
        ("2. logins/s at saturation", lambda r: f"{r.logins.success_rate:.1f}", ""),
        ("   logins / limit", lambda r: _mark(r.logins.success_rate / limit, ">=", LOGIN_RATIO_TARGET), f">= {LOGIN_RATIO_TARGET}"),
        ("   sign-ups/s at saturation, each queueing its verification mail", lambda r: f"{r.sign_ups.success_rate:.1f}", ""),
        ("   sign-ups / logins (a sign-up without mail costs a login: one bcrypt hash)", lambda r: _mark(r.sign_ups.success_rate / r.logins.success_rate, ">=", SIGN_UP_RATIO_TARGET), f">= {SIGN_UP_RATIO_TARGET}"),
        ("3. baseline route req/s (p50 / p99 ms)", lambda r: _rate(r.baseline), ""),
        ("   signed-in GET / req/s (p50 / p99 ms)", lambda r: _rate(r.pages), ""),
        ("   signed-in / baseline", lambda r: _mark(r.pages.success_rate / r.baseline.success_rate, ">=", PAGE_RATIO_TARGET), f">= {PAGE_RATIO_TARGET}"),
        ("4. GET / p99 ms while logins saturate", lambda r: _mark(r.mixed_pages.p99_ms, "<=", MIXED_P99_TARGET_MS, "{:.1f}"), f"<= {MIXED_P99_TARGET_MS}"),
        ("   meanwhile: GET / req/s, logins/s", lambda r: f"{r.mixed_pages.success_rate:.0f}, {r.mixed_logins.success_rate:.1f}", ""),
        ("   meanwhile: logins / limit", lambda r: _mark(r.mixed_logins.success_rate / limit, ">=", MIXED_LOGIN_RATIO_TARGET), f">= {MIXED_LOGIN_RATIO_TARGET}"),
        ("5. login p50 ms, 1,000 users", lambda r: f"{r.login_latency_small.p50_ms:.1f}", ""),
        ("   login p50 ms, 1,000,000 users", lambda r: f"{r.login_latency_large.p50_ms:.1f}", ""),
        ("   1M / 1k", lambda r: _mark(r.login_latency_large.p50_ms / r.login_latency_small.p50_ms, "<=", GROWTH_RATIO_TARGET), f"<= {GROWTH_RATIO_TARGET}"),
        ("6. worker RSS MB at the end", lambda r: _memory(r.worker_memory_mb), f"<= {MEMORY_TARGET_MB}"),
        ("7. failed or 5xx requests", lambda r: _mark(r.failures, "<=", 0, "{:d}") + _where(r.failures_by_phase()), "= 0"),
        ("8. direct: busiest worker's share of 32 connections, worst of 5 runs", lambda r: _mark(r.balance_direct.worst_connection_share, "<=", BUSIEST_SHARE_TARGET), f"<= {BUSIEST_SHARE_TARGET}"),
        ("   direct: busiest worker's share of the workers' CPU, worst run", lambda r: _mark(r.balance_direct.worst_cpu_share, "<=", BUSIEST_SHARE_TARGET), f"<= {BUSIEST_SHARE_TARGET}"),
        ("   direct: page rate spread over the 5 runs ((max-min)/mean)", lambda r: _mark(r.balance_direct.rate_spread, "<", RATE_SPREAD_TARGET), f"< {RATE_SPREAD_TARGET}"),
        ("   direct: page rates req/s", lambda r: _rates(r.balance_direct.rates), ""),
        ("9. nginx: busiest worker's share of its connections, worst of 5 runs", lambda r: _mark(r.balance_nginx.worst_connection_share, "<=", BUSIEST_SHARE_TARGET), f"<= {BUSIEST_SHARE_TARGET}"),
        ("   nginx: busiest worker's share of the workers' CPU, worst run", lambda r: _mark(r.balance_nginx.worst_cpu_share, "<=", BUSIEST_SHARE_TARGET), f"<= {BUSIEST_SHARE_TARGET}"),
        ("   nginx: page rate spread over the 5 runs", lambda r: _mark(r.balance_nginx.rate_spread, "<", RATE_SPREAD_TARGET), f"< {RATE_SPREAD_TARGET}"),
        ("   nginx: page rates req/s", lambda r: _rates(r.balance_nginx.rates), ""),
        ("10. admin search by email prefix, 1,000,000 users: p50 ms", lambda r: _mark(r.admin_search.p50_ms, "<=", ADMIN_SEARCH_P50_TARGET_MS, "{:.1f}"), f"<= {ADMIN_SEARCH_P50_TARGET_MS}"),
        ("    p99 ms, req/s", lambda r: f"{r.admin_search.p99_ms:.1f}, {r.admin_search.success_rate:.0f}", ""),
        ("    its plan", lambda r: r.admin_search_plan, "index range"),
        ("11. a refused login: p50 ms", lambda r: _mark(r.attack.refused.p50_ms, "<=", REFUSED_P50_TARGET_MS, "{:.1f}"), f"<= {REFUSED_P50_TARGET_MS}"),
        ("    passwords checked while refusing", lambda r: _mark(r.attack.refused_hashes, "<=", 0, "{:d}"), "= 0"),
        ("    flood (200 connections, 50 addresses): owner's login p50 ms", lambda r: _mark(r.attack.owner.p50_ms, "<=", OWNER_P50_TARGET_MS, "{:.0f}"), f"<= {OWNER_P50_TARGET_MS}"),
        ("    flood: owner's login p99 ms", lambda r: _mark(r.attack.owner.p99_ms, "<=", OWNER_P99_TARGET_MS, "{:.0f}"), f"<= {OWNER_P99_TARGET_MS}"),
        ("    flood: signed-in GET / p99 ms", lambda r: _mark(r.attack.pages.p99_ms, "<=", FLOOD_PAGE_P99_TARGET_MS, "{:.1f}"), f"<= {FLOOD_PAGE_P99_TARGET_MS}"),
        ("    flood: crowd logins/s (turned away: 503s), flood answers/s", lambda r: f"{r.attack.crowd.success_rate:.1f} ({r.attack.crowd.server_errors}), {r.attack.flood.success_rate:.0f}", ""),
        ("    under attack: errors, timeouts, unexpected answers", lambda r: _mark(r.attack.failures, "<=", 0, "{:d}"), "= 0"),
        *_flood_rows("12. own accounts (20 with device cookies, 100 connections, 2 addresses)", lambda r: r.floods.own_accounts),
        ("    own accounts: flood answers/s", lambda r: _flood_answers(r.floods.own_accounts.flood), ""),
        *_flood_rows("13. slow bodies (40 connections from one address)", lambda r: r.floods.slow_bodies),
        ("    slow bodies: a stranger's logins/s (503s)", lambda r: f"{r.floods.slow_bodies.stranger.success_rate:.1f} ({_mark(r.floods.slow_bodies.stranger.server_errors, '<=', 0, '{:d}')})", "503s = 0"),
        ("    slow bodies: connections opened", lambda r: f"{r.floods.slow_bodies.slow_connections}", ""),
        *_flood_rows("14. made-up device cookies (200 connections, 50 addresses)", lambda r: r.floods.made_up_cookies),
        ("    made-up cookies: flood answers/s", lambda r: f"{r.floods.made_up_cookies.flood.success_rate:.0f}", ""),
        ("    floods: errors, timeouts, unexpected answers", lambda r: _mark(r.floods.failures, "<=", 0, "{:d}"), "= 0"),
        ("15. logins/s with a second step (the password, then the app's code)", lambda r: f"{r.two_step.saturated.success_rate:.1f}", ""),
        ("    with a second step / limit", lambda r: _mark(r.two_step.saturated.success_rate / limit, ">=", LOGIN_RATIO_TARGET), f">= {LOGIN_RATIO_TARGET}"),
        ("    second step p50 ms (p99 ms)", lambda r: _mark(r.two_step.second_steps.p50_ms, "<=", SECOND_STEP_P50_TARGET_MS, "{:.1f}") + f" ({r.two_step.second_steps.p99_ms:.1f})", f"<= {SECOND_STEP_P50_TARGET_MS}"),
        ("16. passkey sign-ins/s (options, signature, answer)", lambda r: f"{r.passkeys.rate:.1f}", ""),
        ("    passkey sign-ins / limit", lambda r: _mark(r.passkeys.rate / limit, ">=", PASSKEY_RATIO_TARGET), f">= {PASSKEY_RATIO_TARGET}"),
        ("    passkey sign-in p50 ms (p99 ms)", lambda r: _mark(r.passkeys.p50_ms, "<=", PASSKEY_P50_TARGET_MS, "{:.1f}") + f" ({r.passkeys.p99_ms:.1f})", f"<= {PASSKEY_P50_TARGET_MS}"),
        ("    its options p50 ms", lambda r: f"{r.passkeys.options_p50_ms:.1f}", ""),
        ("17. API logins/s at saturation (an app's JSON)", lambda r: f"{r.api.logins.success_rate:.1f}", ""),
        ("    API logins / limit", lambda r: _mark(r.api.logins.success_rate / limit, ">=", LOGIN_RATIO_TARGET), f">= {LOGIN_RATIO_TARGET}"),
        ("    GET /api/v1/session with a bearer token req/s (p50 / p99 ms)", lambda r: _rate(r.api.sessions), ""),
        ("    signed-in GET / in the same rounds req/s (p50 / p99 ms)", lambda r: _rate(r.api.pages), ""),
        ("    API session / signed-in page", lambda r: _mark(r.api.sessions.success_rate / r.api.pages.success_rate, ">=", API_SESSION_RATIO_TARGET), f">= {API_SESSION_RATIO_TARGET}"),
    ]
    header = ["measure", *(result.name for result in results), "target"]
    lines = [
        "# quartauth bench",
        "",
        f"- when: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {machine()}",
        f"- server: `quartauth serve`, {workers} workers (hypercorn.toml), QUARTAUTH_ENV=production, load from wrk on 127.0.0.1;",
        "  row 2: logins and then sign-ups (each with a new email) on 8 connections, 20 s each;",
        "  rows 9: through nginx with TLS (deploy/nginx-quartauth.conf, one nginx worker) on the same machine;",
        "  row 10: GET /admin?search=<prefix> as a signed-in admin, six prefixes in turn, 4 connections;",
        "  row 11: wrong passwords from an address past its limit; then wrong passwords from 50 addresses",
        "  (X-Forwarded-For through the trusted proxy) on 200 connections, while a browser with its device",
        "  cookie logs in (1 connection), signed-in pages load (8) and a crowd without one logs in (4);",
        "  rows 12 to 14: 25 s each, while another owner with its device cookie logs in (1) and pages load (8);",
        "  row 15: each login another account with two-step sign-in on: both steps chained on 8 connections",
        "  for 20 s; then 64 second steps alone (POST /login/two-step) on 1 connection;",
        "  row 16: 8 browsers each signing in to its own account with its passkey again and again for 20 s",
        "  (the signatures made by a software authenticator in the load's process); then 64 alone, one at a time;",
        "  row 17: an app's logins (JSON, no cookie) on 8 connections for 20 s; then GET /api/v1/session with",
        "  64 apps' bearer tokens and signed-in GET / with 64 people's cookies, in 5 alternating 2 s rounds of 32 connections",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for label, cell, target in rows:
        lines.append("| " + " | ".join([label, *(cell(result) for result in results), target]) + " |")
    missed = [line for line in lines if "MISSED" in line]
    lines += ["", f"Targets missed: {len(missed)}" if missed else "All targets met."]
    return "\n".join(lines) + "\n"


def save(text: str) -> None:
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_FILE.write_text(text)


def _flood_rows(title: str, flood: Callable[[DialectResult], object]) -> list[tuple[str, Callable[[DialectResult], str], str]]:
    """The owner's login p50 and p99, and the pages' p99, during one flood."""
    return [
        (f"{title}: owner's login p50 ms", lambda r: _mark(flood(r).owner.p50_ms, "<=", OWNER_P50_TARGET_MS, "{:.0f}"), f"<= {OWNER_P50_TARGET_MS}"),  # type: ignore[attr-defined]
        ("    owner's login p99 ms", lambda r: _mark(flood(r).owner.p99_ms, "<=", OWNER_P99_TARGET_MS, "{:.0f}"), f"<= {OWNER_P99_TARGET_MS}"),  # type: ignore[attr-defined]
        ("    signed-in GET / p99 ms", lambda r: _mark(flood(r).pages.p99_ms, "<=", FLOOD_PAGE_P99_TARGET_MS, "{:.1f}"), f"<= {FLOOD_PAGE_P99_TARGET_MS}"),  # type: ignore[attr-defined]
    ]


def _where(counts: dict[str, int]) -> str:
    return " (" + ", ".join(f"{phase}: {count}" for phase, count in counts.items()) + ")" if counts else ""


def _flood_answers(load) -> str:  # type: ignore[no-untyped-def]
    return f"{load.success_rate:.1f}"


def _rate(load) -> str:  # type: ignore[no-untyped-def]
    return f"{load.success_rate:.0f} ({load.p50_ms:.1f} / {load.p99_ms:.1f})"


def _rates(rates: list[float]) -> str:
    return " ".join(f"{rate:.0f}" for rate in rates)


def _mark(value: float, comparison: str, target: float, form: str = "{:.2f}") -> str:
    met = {">=": value >= target, "<=": value <= target, "<": value < target}[comparison]
    return form.format(value) + ("" if met else " MISSED")


def _memory(values: list[float]) -> str:
    text = ", ".join(f"{value:.0f}" for value in values) or "unknown"
    return text + ("" if values and max(values) <= MEMORY_TARGET_MB else " MISSED")
