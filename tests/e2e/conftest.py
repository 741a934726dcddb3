"""A real browser (Debian's Chromium, driven by Playwright) against the real app under hypercorn.

Every page visited is photographed into tests/e2e/screenshots/ and checked by axe-core (the
copy axe-playwright-python ships): any accessibility violation fails the test. A failing
test's last page is kept there as FAILED-<test>.png. Without Chromium these tests skip,
except under CI=true.
"""
from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.support.live_server import ONE_ADDRESS_CROWD, LiveServer, app_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
# A small phone and a laptop: every journey runs at both widths.
VIEWPORT_WIDTHS = (375, 1280)
AXE = Axe()


def _require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    message = "Chromium is not installed: apt-get install chromium (Debian) to run the browser tests"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session", autouse=True)
def fresh_screenshots() -> None:
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app as `make run` serves it, on a fresh SQLite database."""
    _require_chromium()
    folder = tmp_path_factory.mktemp("e2e")
    # Every journey comes from 127.0.0.1: the per-address limits would be a crowd's.
    with app_server(f"sqlite:///{folder / 'quartauth.sqlite3'}", folder, **ONE_ADDRESS_CROWD) as server:
        yield server


@pytest.fixture(scope="module")
def browser(live_server: LiveServer):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Visit:
    """A person at a browser tab: every page they reach is checked and photographed."""

    page: object
    server: LiveServer
    name: str
    problems: list[str] = field(default_factory=list)
    shots: int = 0

    def goto(self, path: str) -> None:
        self.page.goto(self.server.url(path))  # type: ignore[attr-defined]
        self.snap()

    def snap(self) -> None:
        self.page.wait_for_load_state("load")  # type: ignore[attr-defined]
        self.check_accessibility()
        self.shots += 1
        slug = re.sub(r"[^a-z0-9]+", "-", self.page.url.split("//", 1)[-1].split("/", 1)[-1].lower()).strip("-")  # type: ignore[attr-defined]
        self.page.screenshot(path=SCREENSHOTS / f"{self.name}-{self.shots:02d}-{slug or 'home'}.png", full_page=True)  # type: ignore[attr-defined]

    def check_accessibility(self) -> None:
        results = AXE.run(self.page)
        for violation in results.response["violations"]:
            targets = [node["target"] for node in violation["nodes"]][:3]
            self.problems.append(f"axe {violation['id']} at {self.width}px on {self.page.url}: {violation['help']} {targets}")  # type: ignore[attr-defined]

    def submit(self, button: str) -> None:
        self.page.get_by_role("button", name=button, exact=True).click()  # type: ignore[attr-defined]
        self.snap()

    def text(self) -> str:
        return self.page.inner_text("body")  # type: ignore[attr-defined]

    @property
    def width(self) -> int:
        return int(self.page.viewport_size["width"])  # type: ignore[attr-defined]

    def focused_field(self) -> str | None:
        return self.page.evaluate("document.activeElement && document.activeElement.name")  # type: ignore[attr-defined]

    def overflows_sideways(self) -> bool:
        return bool(self.page.evaluate("document.documentElement.scrollWidth > window.innerWidth"))  # type: ignore[attr-defined]


@pytest.fixture(params=VIEWPORT_WIDTHS, ids=lambda width: f"{width}px")
def visit(browser, live_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Visit]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": request.param, "height": 800})
    page = context.new_page()
    name = re.sub(r"[^A-Za-z0-9_]+", "-", request.node.name)
    visit = Visit(page, live_server, name)
    page.on("console", lambda message: message.type == "error" and visit.problems.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: visit.problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda req: visit.problems.append(f"failed: {req.url} {req.failure}"))
    page.on(
        "response",
        lambda response: response.request.resource_type != "document"
        and response.status >= 400
        and visit.problems.append(f"{response.status}: {response.url}"),
    )
    yield visit
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        page.screenshot(path=SCREENSHOTS / f"FAILED-{name}.png", full_page=True)
    context.close()
    assert visit.problems == [], "the browser reported problems (CSP violations, failed resources, accessibility)"
