"""Rows 12 to 14: the three floods that once found a way around admission, 25 s each, while
the owner of an account logs in with its device cookie (1 connection) and signed-in pages
load (8 connections).

12. Accounts of the attacker's own: twenty of them, each with its real device cookie, logged
    in to again and again on 100 connections from two addresses.
13. Slow bodies: 40 connections from one address open ``POST /login`` and send a byte every
    5 s; a stranger (no device cookie) from another address logs in meanwhile, and must get
    in (no 503).
14. Made-up device cookies: wrong passwords from 50 addresses on 200 connections, each
    carrying a ``quartauth_device`` cookie the site never signed.
"""
from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from . import seed, wrk
from .attack import owner_form, wrong_password_forms
from .browser import Browser
from .server import PROXY_HEADERS

SECONDS = 25
PAGE_CONNECTIONS = 8
OWN_ACCOUNTS = 20
OWN_ACCOUNTS_FIRST_USER = 101
OWN_ACCOUNTS_CONNECTIONS = 100
OWN_ACCOUNTS_FIRST_ADDRESS = "127.0.0.80"
OWN_ACCOUNTS_ADDRESSES = 2
SLOW_CONNECTIONS = 40
SLOW_ADDRESS = "127.0.0.90"
SLOW_BYTE_SECONDS = 5
MADE_UP_CONNECTIONS = 200
MADE_UP_FIRST_ADDRESS = "127.0.0.100"
MADE_UP_ADDRESSES = 50


@dataclass(frozen=True)
class Flood:
    flood: wrk.Load | None  # None for the slow bodies, which are not wrk's
    owner: wrk.Load
    pages: wrk.Load
    stranger: wrk.Load | None = None  # the slow-body row's stranger logging in
    slow_connections: int = 0  # connections the slow bodies opened in all

    @property
    def failures(self) -> int:
        """Errors, timeouts and anything unexpected, but for the flood's own answers."""
        extra = (self.flood.unexpected + self.flood.socket_errors) if self.flood else 0
        stranger = (self.stranger.unexpected + self.stranger.socket_errors) if self.stranger else 0
        return extra + stranger + self.owner.unexpected + self.owner.socket_errors + self.pages.failures


@dataclass(frozen=True)
class Floods:
    own_accounts: Flood
    slow_bodies: Flood
    made_up_cookies: Flood

    @property
    def failures(self) -> int:
        return self.own_accounts.failures + self.slow_bodies.failures + self.made_up_cookies.failures


def measure(login_url: str, home_url: str, cookies: str, logins: str, workdir: Path, port: int) -> Floods:
    """``cookies``: signed-in people's cookie headers; ``logins``: strangers' login forms."""
    workdir.mkdir(exist_ok=True)
    own = str(_own_accounts_forms(port, workdir / "own-accounts.tsv"))
    made_up = str(wrong_password_forms(port, workdir / "made-up-cookies.tsv", made_up_device_cookies=True))
    owners = [str(owner_form(port, workdir / f"owner-{number}.tsv", number=number)) for number in (8, 9, 10)]

    def meanwhile(owner: str, stranger: bool = False) -> tuple[wrk.Load, wrk.Load, wrk.Load | None]:
        """The owner's logins, signed-in pages and (``stranger``) a stranger's logins, for the row's length."""
        owner_load = wrk.start(login_url, "login.lua", owner, connections=1, seconds=SECONDS)
        pages = wrk.start(home_url, "signed_in.lua", cookies, connections=PAGE_CONNECTIONS, seconds=SECONDS)
        stranger_load = wrk.start(login_url, "login.lua", logins, connections=1, seconds=SECONDS) if stranger else None
        return wrk.finish(owner_load), wrk.finish(pages), wrk.finish(stranger_load) if stranger_load else None

    flood = wrk.start(
        login_url, "guesses.lua", own, OWN_ACCOUNTS_FIRST_ADDRESS, str(OWN_ACCOUNTS_ADDRESSES), "logins",
        connections=OWN_ACCOUNTS_CONNECTIONS, seconds=SECONDS,
    )
    owner, pages, _ = meanwhile(owners[0])
    own_accounts = Flood(wrk.finish(flood), owner, pages)

    slow = SlowBodies(port)
    slow.start()
    owner, pages, stranger = meanwhile(owners[1], stranger=True)
    slow.stop()
    slow_bodies = Flood(None, owner, pages, stranger, slow.connections)

    flood = wrk.start(
        login_url, "guesses.lua", made_up, MADE_UP_FIRST_ADDRESS, str(MADE_UP_ADDRESSES),
        connections=MADE_UP_CONNECTIONS, seconds=SECONDS,
    )
    owner, pages, _ = meanwhile(owners[2])
    made_up_cookies = Flood(wrk.finish(flood), owner, pages)
    return Floods(own_accounts, slow_bodies, made_up_cookies)


def _own_accounts_forms(port: int, path: Path) -> Path:
    """Lines of "cookie<TAB>form body": each of the attacker's accounts logged in to once (its
    browser has the device cookie), with a fresh form and the right password."""
    lines = []
    for number in range(OWN_ACCOUNTS_FIRST_USER, OWN_ACCOUNTS_FIRST_USER + OWN_ACCOUNTS):
        browser = Browser(port)
        browser.log_in(seed.email_of(number), seed.PASSWORD)
        browser.request("POST", "/logout", {"csrf_token": browser.csrf_token("/logout")})
        body = urlencode({"csrf_token": browser.csrf_token("/login"), "email": seed.email_of(number), "password": seed.PASSWORD})
        lines.append(f"{browser.cookie_header()}\t{body}\n")
    path.write_text("".join(lines))
    return path


class SlowBodies:
    """``SLOW_CONNECTIONS`` connections from ``SLOW_ADDRESS`` (through the trusted proxy), each
    posting a login form a byte every ``SLOW_BYTE_SECONDS``, opened again when the server
    closes it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connections = 0
        self._stopping = threading.Event()
        self._threads = [threading.Thread(target=self._hold, daemon=True) for _ in range(SLOW_CONNECTIONS)]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout=SLOW_BYTE_SECONDS + 5)

    def _hold(self) -> None:
        headers = {**PROXY_HEADERS, "X-Forwarded-For": SLOW_ADDRESS, "Content-Type": "application/x-www-form-urlencoded"}
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        request = f"POST /login HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n{head}Content-Length: 4096\r\n\r\n".encode()
        while not self._stopping.is_set():
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=SLOW_BYTE_SECONDS) as connection:
                    self.connections += 1
                    connection.sendall(request)
                    while not self._stopping.is_set():
                        try:
                            if not connection.recv(4096):
                                break  # the server answered (408) and closed it: open another
                        except TimeoutError:
                            connection.sendall(b"a")
            except OSError:
                time.sleep(0.05)
