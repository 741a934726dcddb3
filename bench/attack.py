"""Row 11: logins under attack. A refused login's cost, then a flood of wrong passwords from
50 addresses while the owner of an account (with its device cookie) logs in, signed-in pages
are read, and a crowd without device cookies logs in."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from . import seed, wrk
from .browser import Browser

FLOOD_CONNECTIONS = 200
FLOOD_SECONDS = 15
FLOOD_FIRST_ADDRESS = "127.0.0.10"
FLOOD_ADDRESSES = 50
REFUSED_ADDRESS = "127.0.0.200"
REFUSED_SECONDS = 5
WRONG_PASSWORD = "not the password at all"


@dataclass(frozen=True)
class Attack:
    refused: wrk.Load  # every answer a 429
    refused_hashes: int  # failures the server recorded meanwhile: each would have been a hash
    flood: wrk.Load
    owner: wrk.Load  # the device-cookie person's logins during the flood
    pages: wrk.Load
    crowd: wrk.Load  # logins without device cookies during the flood

    @property
    def failures(self) -> int:
        """Answers nobody should get even under attack: errors and timeouts anywhere, a 5xx
        to the owner or a signed-in page, anything but checked, refused or turned away to
        the flood. The crowd's 503s are not among them: turning strangers away is the design."""
        return (
            self.refused.failures + self.flood.unexpected + self.flood.socket_errors
            + self.owner.unexpected + self.owner.socket_errors + self.pages.failures + self.crowd.socket_errors
        )


def wrong_password_forms(
    port: int, path: Path, identities: int = 16, users: int = 1000, *, made_up_device_cookies: bool = False
) -> Path:
    """Lines of "cookie<TAB>form body": real CSRF tokens, real emails, wrong passwords; with
    ``made_up_device_cookies``, each browser also carries a device cookie the site never signed."""
    browsers = [Browser(port) for _ in range(identities)]
    tokens = [browser.csrf_token("/login") for browser in browsers]
    lines = []
    for number in range(1, users + 1):
        browser, token = browsers[number % identities], tokens[number % identities]
        body = urlencode({"csrf_token": token, "email": seed.email_of(number), "password": WRONG_PASSWORD})
        made_up = f"; quartauth_device=made-up-{number:04d}.{'0' * 16}.{'f' * 32}" if made_up_device_cookies else ""
        lines.append(f"{browser.cookie_header()}{made_up}\t{body}\n")
    path.write_text("".join(lines))
    return path


def refuse(port: int, address: str) -> None:
    """Wrong passwords from ``address``, one at a time, until the app refuses it."""
    browser = Browser(port)
    token = browser.csrf_token("/login")
    for number in range(1, 101):
        form = {"csrf_token": token, "email": seed.email_of(number), "password": WRONG_PASSWORD}
        status, _ = browser.request("POST", "/login", form, client_address=address)
        if status == 429:
            return
    raise RuntimeError(f"100 wrong passwords from {address} were never refused")


def owner_form(port: int, path: Path, number: int) -> Path:
    """One line: the cookies of a browser that logged in to user ``number`` before (its
    device cookie among them) and a fresh login form with the right password."""
    browser = Browser(port)
    browser.log_in(seed.email_of(number), seed.PASSWORD)
    browser.request("POST", "/logout", {"csrf_token": browser.csrf_token("/logout")})
    if "quartauth_device" not in "".join(browser.cookies):
        raise RuntimeError("the owner's browser got no device cookie")
    body = urlencode({"csrf_token": browser.csrf_token("/login"), "email": seed.email_of(number), "password": seed.PASSWORD})
    path.write_text(f"{browser.cookie_header()}\t{body}\n")
    return path


def measure(
    login_url: str, home_url: str, cookies: str, logins: str, workdir: Path, port: int, count_failures: Callable[[], int]
) -> Attack:
    """``logins``: the crowd's login forms; ``cookies``: signed-in people's cookie headers;
    ``count_failures``: how many failed logins the server has recorded so far."""
    workdir.mkdir(exist_ok=True)
    guesses = str(wrong_password_forms(port, workdir / "guesses.tsv"))
    owner = str(owner_form(port, workdir / "owner.tsv", number=7))

    # A refused login: one address past its limit, then nothing but refusals.
    refuse(port, REFUSED_ADDRESS)
    before = count_failures()
    refused = wrk.run(login_url, "refused.lua", guesses, REFUSED_ADDRESS, connections=4, seconds=REFUSED_SECONDS)
    refused_hashes = count_failures() - before

    flood = wrk.start(login_url, "guesses.lua", guesses, FLOOD_FIRST_ADDRESS, str(FLOOD_ADDRESSES), connections=FLOOD_CONNECTIONS, seconds=FLOOD_SECONDS)
    owner_load = wrk.start(login_url, "login.lua", owner, connections=1, seconds=FLOOD_SECONDS)
    pages = wrk.start(home_url, "signed_in.lua", cookies, connections=8, seconds=FLOOD_SECONDS)
    crowd = wrk.start(login_url, "login.lua", logins, connections=4, seconds=FLOOD_SECONDS)
    return Attack(refused, refused_hashes, wrk.finish(flood), wrk.finish(owner_load), wrk.finish(pages), wrk.finish(crowd))
