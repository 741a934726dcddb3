"""Row 17: the JSON API. Logins as an app (``POST /api/v1/login``, JSON, no cookie) at
saturation against the bcrypt limit, as row 2's logins on the login page; then ``GET
/api/v1/session`` with a bearer token against the signed-in page (``GET /``), in alternating
rounds as row 3's, from as many apps as row 3 has people.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import httpx

from . import seed, wrk
from .server import PROXY_HEADERS


@dataclass(frozen=True)
class Api:
    logins: wrk.Load
    sessions: wrk.Load  # GET /api/v1/session with a bearer token
    pages: wrk.Load  # signed-in GET /, in the same rounds

    @property
    def failures(self) -> int:
        return self.logins.failures + self.sessions.failures + self.pages.failures


def write_login_bodies(path: Path, numbers: range) -> Path:
    """The seeded users ``numbers``' credentials, a JSON body a line (none with two-step sign-in on)."""
    path.write_text("".join(json.dumps({"email": seed.email_of(number), "password": seed.PASSWORD}) + "\n" for number in numbers))
    return path


def write_tokens(port: int, path: Path, numbers: range) -> Path:
    """One app session's bearer token per line, each of another of the seeded users ``numbers``."""
    tokens = []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=PROXY_HEADERS, timeout=60) as client:
        for number in numbers:
            answer = client.post("/api/v1/login", json={"email": seed.email_of(number), "password": seed.PASSWORD})
            if answer.status_code != 200:
                raise RuntimeError(f"an app's login as {seed.email_of(number)} answered {answer.status_code}")
            tokens.append(answer.json()["token"])
    path.write_text("".join(f"{token}\n" for token in tokens))
    return path


def measure(
    login_url: str, session_url: str, home_url: str, bodies: Path, tokens: Path, cookies: str, *,
    connections: int, seconds: int, page_connections: int, rounds: int, round_seconds: int,
) -> Api:
    logins = wrk.run(login_url, "api_login.lua", str(bodies), connections=connections, seconds=seconds)
    sessions, pages = [], []
    for _ in range(rounds):
        sessions.append(wrk.run(session_url, "bearer.lua", str(tokens), connections=page_connections, seconds=round_seconds))
        pages.append(wrk.run(home_url, "signed_in.lua", cookies, connections=page_connections, seconds=round_seconds))
    return Api(logins, wrk.combined(sessions), wrk.combined(pages))
