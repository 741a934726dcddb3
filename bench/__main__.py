"""Run every phase on SQLite, and on Postgres when reachable; print and save the report.

    python -m bench          (or: make bench)

Each phase has a fixed duration; the whole run takes about twenty minutes (both databases).
It exits non-zero only when it could not run; missed targets are reported as such.
"""
from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import bcrypt

from quartauth.db import migrations
from tests.support import plans, throwaway_postgres
from tests.support.live_server import free_port
from tests.support.nginx import free_port_run, make_certificate, running_nginx, site_for

from . import api, attack, balance, floods, passkeys, report, seed, two_step, wrk
from .app import BASELINE_PATH
from .browser import Browser
from .server import ROOT, bench_server, configured_workers, worker_memory_mb, worker_pids

NGINX_SITE = ROOT / "deploy" / "nginx-quartauth.conf"

SMALL_USER_COUNT = 1_000
LARGE_USER_COUNT = 1_000_000
LOGIN_IDENTITIES = 16  # browsers, each with its own CSRF cookie and token
SIGNED_IN_PEOPLE = 64  # signed-in GET / comes from this many sessions, in turn
PAGE_CONNECTIONS = 32
LOGIN_CONNECTIONS = 8
MIXED_PAGE_CONNECTIONS = 8
WARM_UP_SECONDS = 2
# Baseline and signed-in pages alternate in short rounds, so that a slow spell of a shared
# machine falls on both alike and their ratio holds.
PAGE_ROUNDS = 5
PAGE_ROUND_SECONDS = 2
LOGIN_SECONDS = 20
MIXED_SECONDS = 15
LATENCY_SECONDS = 10
LIMIT_SECONDS = 10
ADMIN_SEARCH_CONNECTIONS = 4
ADMIN_SEARCH_SECONDS = 10
# Accounts with two-step sign-in on (a code counts once: each login needs another account).
TWO_STEP_ACCOUNTS = 1_000
# Row 16's accounts: seeded ones no other phase logs in to.
PASSKEY_FIRST_USER = SMALL_USER_COUNT + 1
# A prefix a ninth of the users share: the widest range a page is read from.
PLANNED_PREFIX = "bench-user-1"


@dataclass(frozen=True)
class DialectResult:
    name: str
    baseline: wrk.Load
    pages: wrk.Load
    logins: wrk.Load
    sign_ups: wrk.Load
    mixed_pages: wrk.Load
    mixed_logins: wrk.Load
    login_latency_small: wrk.Load
    login_latency_large: wrk.Load
    worker_memory_mb: list[float]
    balance_direct: balance.Balance
    balance_nginx: balance.Balance
    admin_search: wrk.Load
    admin_search_plan: str
    attack: attack.Attack
    floods: floods.Floods
    two_step: two_step.TwoStep
    passkeys: passkeys.Passkeys
    api: api.Api

    @property
    def failures(self) -> int:
        return sum(self.failures_by_phase().values())

    def failures_by_phase(self) -> dict[str, int]:
        """Failed or 5xx answers, by the phase that met them (none listed: none met)."""
        phases = {
            "baseline": self.baseline.failures, "pages": self.pages.failures, "logins": self.logins.failures,
            "sign-ups": self.sign_ups.failures, "mixed pages": self.mixed_pages.failures,
            "mixed logins": self.mixed_logins.failures, "login latency 1k": self.login_latency_small.failures,
            "login latency 1M": self.login_latency_large.failures, "admin search": self.admin_search.failures,
            "balance direct": self.balance_direct.failures, "balance nginx": self.balance_nginx.failures,
            "two-step logins": self.two_step.failures, "passkey sign-ins": self.passkeys.failures,
            "api": self.api.failures,
        }
        # Under attack, turning logins away (503) is the design: rows 11 to 14 count their own.
        return {phase: count for phase, count in phases.items() if count}


def bcrypt_limit(rounds: int, threads: int, seconds: float) -> float:
    """bcrypt checks per second at ``rounds`` with ``threads`` threads, in a bare loop."""
    secret = b"0" * 64  # what the app checks: a 64-byte SHA-256 hex digest
    hashed = bcrypt.hashpw(secret, bcrypt.gensalt(rounds))
    started = time.monotonic()
    deadline = started + seconds
    counts = [0] * threads
    finished = [started] * threads

    def loop(index: int) -> None:
        while time.monotonic() < deadline:
            bcrypt.checkpw(secret, hashed)
            counts[index] += 1
            finished[index] = time.monotonic()

    workers = [threading.Thread(target=loop, args=(index,)) for index in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(counts) / (max(finished) - started)


def write_login_forms(port: int, path: Path) -> Path:
    """Lines of "cookie<TAB>form body": real CSRF tokens, each user's real credentials."""
    browsers = [Browser(port) for _ in range(LOGIN_IDENTITIES)]
    tokens = [browser.csrf_token("/login") for browser in browsers]
    lines = []
    for number in range(1, SMALL_USER_COUNT + 1):
        browser, token = browsers[number % LOGIN_IDENTITIES], tokens[number % LOGIN_IDENTITIES]
        body = urlencode({"csrf_token": token, "email": seed.email_of(number), "password": seed.PASSWORD})
        lines.append(f"{browser.cookie_header()}\t{body}\n")
    path.write_text("".join(lines))
    return path


def write_sign_up_browsers(port: int, path: Path) -> Path:
    """Lines of "cookie<TAB>CSRF token": browsers on the sign-up page."""
    browsers = [Browser(port) for _ in range(LOGIN_IDENTITIES)]
    tokens = [browser.csrf_token("/register") for browser in browsers]
    path.write_text("".join(f"{browser.cookie_header()}\t{token}\n" for browser, token in zip(browsers, tokens)))
    return path


def write_signed_in_cookies(port: int, path: Path) -> tuple[Path, str]:
    """One cookie header per line, each a different person's session; and the bytes of
    the first one's home page."""
    browsers, pages = [Browser(port) for _ in range(SIGNED_IN_PEOPLE)], []
    for number, browser in enumerate(browsers, start=1):
        browser.log_in(seed.email_of(number), seed.PASSWORD)
        # The redirect's page, as a browser would follow it: its Logout form gives the
        # session its CSRF seed, which the cookies must carry from then on.
        status, html = browser.request("GET", "/")
        if status != 200 or "Welcome" not in html:
            raise RuntimeError(f"signed-in GET / answered {status}")
        pages.append(html)
    path.write_text("".join(f"{browser.cookie_header()}\n" for browser in browsers))
    return path, pages[0]


def pages_in_rounds(baseline_url: str, home_url: str, cookies: str) -> tuple[wrk.Load, wrk.Load]:
    baselines, pages = [], []
    for _ in range(PAGE_ROUNDS):
        baselines.append(wrk.run(baseline_url, "get.lua", connections=PAGE_CONNECTIONS, seconds=PAGE_ROUND_SECONDS))
        pages.append(wrk.run(home_url, "signed_in.lua", cookies, connections=PAGE_CONNECTIONS, seconds=PAGE_ROUND_SECONDS))
    return wrk.combined(baselines), wrk.combined(pages)


def bench_database(name: str, url: str, rounds: int, hashed: str, workdir: Path) -> DialectResult:
    print(f"[{name}] migrating and seeding {SMALL_USER_COUNT:,} users", flush=True)
    asyncio.run(migrations.migrate_url(url))
    asyncio.run(seed.add_users(url, 1, SMALL_USER_COUNT, hashed))
    baseline_file = workdir / f"{name}-home.html"
    workers = configured_workers()
    first_worker_port = free_port_run(workers)
    worker_ports = [first_worker_port + index for index in range(workers)]
    nginx_port, nginx_http_port = free_port(), free_port()
    server = bench_server(
        url, baseline_file, workdir / f"{name}-server.log", rounds, worker_ports=worker_ports, nginx_port=nginx_port
    )
    site = site_for(NGINX_SITE, workdir, tls_port=nginx_port, http_port=nginx_http_port, worker_ports=worker_ports)
    with server, running_nginx(site, workdir):
        forms = str(write_login_forms(server.port, workdir / f"{name}-logins.tsv"))
        cookie_file, home = write_signed_in_cookies(server.port, workdir / f"{name}-cookies.txt")
        cookies = str(cookie_file)
        baseline_file.write_text(home)
        baseline_url, home_url, login_url = server.url(BASELINE_PATH), server.url("/"), server.url("/login")

        print(f"[{name}] pages: baseline and signed-in GET /, in alternating rounds", flush=True)
        wrk.run(baseline_url, "get.lua", connections=PAGE_CONNECTIONS, seconds=WARM_UP_SECONDS)
        wrk.run(home_url, "signed_in.lua", cookies, connections=PAGE_CONNECTIONS, seconds=WARM_UP_SECONDS)
        baseline, pages = pages_in_rounds(baseline_url, home_url, cookies)

        print(f"[{name}] balance: {balance.RUNS} runs of {balance.CONNECTIONS} connections, direct and through nginx", flush=True)
        pids = worker_pids(server)
        balance_direct = balance.measure(home_url, cookies, pids, [server.port])
        balance_nginx = balance.measure(f"https://127.0.0.1:{nginx_port}/", cookies, pids, worker_ports)

        print(f"[{name}] logins at saturation", flush=True)
        logins = wrk.run(login_url, "login.lua", forms, connections=LOGIN_CONNECTIONS, seconds=LOGIN_SECONDS)

        print(f"[{name}] sign-ups at saturation, each queueing its verification mail", flush=True)
        sign_up_browsers = str(write_sign_up_browsers(server.port, workdir / f"{name}-sign-ups.tsv"))
        sign_ups = wrk.run(
            server.url("/register"), "sign_up.lua", sign_up_browsers, connections=LOGIN_CONNECTIONS, seconds=LOGIN_SECONDS
        )

        print(f"[{name}] pages while logins saturate the CPU", flush=True)
        login_load = wrk.start(login_url, "login.lua", forms, connections=LOGIN_CONNECTIONS, seconds=MIXED_SECONDS)
        page_load = wrk.start(home_url, "signed_in.lua", cookies, connections=MIXED_PAGE_CONNECTIONS, seconds=MIXED_SECONDS)
        mixed_pages, mixed_logins = wrk.finish(page_load), wrk.finish(login_load)

        print(f"[{name}] login latency with {SMALL_USER_COUNT:,} users", flush=True)
        latency_small = wrk.run(login_url, "login.lua", forms, connections=1, seconds=LATENCY_SECONDS)
        print(f"[{name}] seeding up to {LARGE_USER_COUNT:,} users", flush=True)
        asyncio.run(seed.add_users(url, SMALL_USER_COUNT + 1, LARGE_USER_COUNT, hashed))
        print(f"[{name}] login latency with {LARGE_USER_COUNT:,} users", flush=True)
        latency_large = wrk.run(login_url, "login.lua", forms, connections=1, seconds=LATENCY_SECONDS)

        print(f"[{name}] admin search by email prefix with {LARGE_USER_COUNT:,} users", flush=True)
        search_plan = asyncio.run(plans.email_search_plan(url, PLANNED_PREFIX))
        admin_cookie = write_admin_cookie(server.port, url, server.environment["SECRET_KEY"], workdir / f"{name}-admin-cookie.txt")
        admin_search = wrk.run(
            server.url("/admin"), "admin_search.lua", str(admin_cookie),
            connections=ADMIN_SEARCH_CONNECTIONS, seconds=ADMIN_SEARCH_SECONDS,
        )
        if admin_search.unexpected:
            raise RuntimeError(f"{admin_search.unexpected} admin searches did not answer 200")

        print(f"[{name}] logins with a second step: {two_step.CONNECTIONS} connections, then one at a time", flush=True)
        two_step_accounts = range(LARGE_USER_COUNT - TWO_STEP_ACCOUNTS + 1, LARGE_USER_COUNT + 1)
        keys = two_step.set_up(url, two_step_accounts, server.environment["SECRET_KEY"])
        second_steps = two_step.measure(login_url, server.port, keys, workdir / name, url)

        print(f"[{name}] passkey sign-ins: {passkeys.CONNECTIONS} connections, then one at a time", flush=True)
        passkey_owners = passkeys.set_up(url, server.port, range(PASSKEY_FIRST_USER, PASSKEY_FIRST_USER + passkeys.CONNECTIONS + 1))
        passkey_sign_ins = passkeys.measure(passkey_owners)

        print(f"[{name}] the JSON API: an app's logins, then GET /api/v1/session against GET /", flush=True)
        api_load = api.measure(
            server.url("/api/v1/login"), server.url("/api/v1/session"), home_url,
            # Not the first user: the admin of row 10, with two-step sign-in on.
            api.write_login_bodies(workdir / f"{name}-api-logins.jsonl", range(2, SMALL_USER_COUNT + 1)),
            api.write_tokens(server.port, workdir / f"{name}-api-tokens.txt", range(2, SIGNED_IN_PEOPLE + 2)), cookies,
            connections=LOGIN_CONNECTIONS, seconds=LOGIN_SECONDS, page_connections=PAGE_CONNECTIONS,
            rounds=PAGE_ROUNDS, round_seconds=PAGE_ROUND_SECONDS,
        )

        print(f"[{name}] under attack: a refused login, then a flood from {attack.FLOOD_ADDRESSES} addresses", flush=True)
        under_attack = attack.measure(
            login_url, home_url, cookies, forms, workdir / name, server.port,
            lambda: asyncio.run(seed.failed_logins(url)),
        )
        print(f"[{name}] floods that once found a way around admission, {floods.SECONDS} s each", flush=True)
        around = floods.measure(login_url, home_url, cookies, forms, workdir / name, server.port)

        memory = worker_memory_mb(server)
    return DialectResult(
        name, baseline, pages, logins, sign_ups, mixed_pages, mixed_logins, latency_small, latency_large, memory,
        balance_direct, balance_nginx, admin_search,
        _plan_verdict(name, url, search_plan), under_attack, around, second_steps, passkey_sign_ins, api_load,
    )


def _plan_verdict(name: str, url: str, plan: str) -> str:
    if plans.reads_an_index_range(url, plan):
        return "index range"
    print(f"[{name}] the email search scans or sorts:\n{plan}", flush=True)
    return "scan or sort MISSED"


def write_admin_cookie(port: int, url: str, secret_key: str, path: Path) -> Path:
    """The first seeded user, made an admin with two-step sign-in on (production asks it of
    admins), signed in with both steps: their cookie header, in a file."""
    email = seed.email_of(1)
    asyncio.run(seed.make_admin(url, email))
    key = two_step.set_up(url, range(1, 2), secret_key)[email]
    browser = Browser(port)
    two_step.log_in(browser, email, key)
    path.write_text(browser.cookie_header() + "\n")
    return path


def main() -> int:
    wrk.ensure_installed()
    wrk.ensure_installed("nginx")
    rounds = int(os.environ.get("BCRYPT_ROUNDS", "12"))
    workers = configured_workers()
    print(f"bcrypt limit: cost {rounds}, {workers} threads, {LIMIT_SECONDS}s", flush=True)
    limit = bcrypt_limit(rounds, workers, LIMIT_SECONDS)
    hashed = asyncio.run(seed.password_hash(rounds))

    results = []
    with tempfile.TemporaryDirectory(prefix="quartauth-bench-") as directory:
        workdir = Path(directory)
        make_certificate(workdir)
        results.append(bench_database("sqlite", f"sqlite:///{workdir / 'bench.sqlite3'}", rounds, hashed, workdir))
        unreachable = asyncio.run(throwaway_postgres.unreachable_reason(seed.POSTGRES_ADMIN_URL))
        if unreachable is None:
            name, url = asyncio.run(throwaway_postgres.create_database(seed.POSTGRES_ADMIN_URL, "quartauth_bench"))
            try:
                results.append(bench_database("postgres", url, rounds, hashed, workdir))
            finally:
                asyncio.run(throwaway_postgres.drop_database(seed.POSTGRES_ADMIN_URL, name))
        else:
            print(f"{unreachable}: SQLite only", flush=True)

    text = report.render(limit, rounds, workers, results)
    print(text)
    report.save(text)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, OSError) as error:
        print(f"bench could not run: {error}", file=sys.stderr)
        sys.exit(1)
