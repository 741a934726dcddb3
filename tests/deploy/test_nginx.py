"""Through the shipped nginx site, over TLS: sign up, log in, Secure host-only cookies; and
forwarded headers sent straight to the app by anyone but the proxy count for nothing."""
from __future__ import annotations

import shlex
import socket

import httpx
import pytest

from quartauth import serving
from tests.support.pages import csrf_token_in

from .conftest import NGINX_SITE, PUBLIC_HOST, SYSTEMD_UNIT, Deployment

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"


CLIENT_ADDRESS = "127.0.0.3"  # the browser's; nginx connects to the app from 127.0.0.1


def through_nginx(deployment: Deployment) -> httpx.Client:
    """A browser at the public address (this test resolves it to the machine's nginx),
    connecting from CLIENT_ADDRESS and trying to pass itself off as someone else.

    Like a browser, it says which page a form came from: over HTTPS the CSRF check wants it.
    """
    return httpx.Client(
        base_url=f"https://127.0.0.1:{deployment.tls_port}",
        headers={
            "Host": f"{PUBLIC_HOST}:{deployment.tls_port}",
            "Referer": deployment.url("/"),
            "X-Forwarded-For": "203.0.113.66",
            "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        },
        transport=httpx.HTTPTransport(verify=False, local_address=CLIENT_ADDRESS),  # a self-signed certificate
        timeout=30,
    )


def test_sign_up_and_log_in_through_nginx_with_secure_cookies(deployment):
    with through_nginx(deployment) as browser:
        token = csrf_token_in(browser.get("/register").text)
        signed_up = browser.post(
            "/register", data={"csrf_token": token, "email": "person@example.com", "password": PASSWORD, "confirm": PASSWORD}
        )
        assert signed_up.status_code == 302, signed_up.text
        cookies = signed_up.headers.get_list("set-cookie")
        session_cookie = next(cookie for cookie in cookies if cookie.startswith("__Host-quartauth_session="))
        assert "Secure" in session_cookie and "HttpOnly" in session_cookie and "Path=/" in session_cookie
        assert "Domain" not in session_cookie
        assert "Welcome person@example.com!" in browser.get("/").text

        browser.post("/logout", data={"csrf_token": csrf_token_in(browser.get("/logout").text)})
        assert browser.get("/").status_code == 302
        token = csrf_token_in(browser.get("/login").text)
        logged_in = browser.post("/login", data={"csrf_token": token, "email": "person@example.com", "password": PASSWORD})
        assert logged_in.status_code == 302 and logged_in.headers["Location"] == "/"
        assert "Welcome person@example.com!" in browser.get("/").text
        # The session recorded the browser's own address: nginx replaced the forged one.
        account = browser.get("/account").text
        assert f"Firefox on Linux, from {CLIENT_ADDRESS}" in account and "203.0.113.66" not in account


def test_plain_http_at_nginx_is_sent_to_the_https_site(deployment):
    response = httpx.get(f"http://127.0.0.1:{deployment.http_port}/login?next=/account", headers={"Host": "evil.example"})

    assert response.status_code == 301
    assert response.headers["Location"] == "https://auth.example.com/login?next=/account"


def raw_request(port: int, lines: list[str], *, source: str) -> str:
    """One request from ``source`` (an address of this machine's loopback range)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0)) as connection:
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer.decode("latin-1")


def test_forwarded_headers_sent_straight_to_the_app_are_ignored(deployment):
    public = f"{PUBLIC_HOST}:{deployment.tls_port}"
    forged = [
        "X-Forwarded-For: 203.0.113.7",
        "X-Forwarded-Proto: https",
        f"X-Forwarded-Host: {public}",
    ]
    # From 127.0.0.2, which TRUSTED_PROXIES (127.0.0.1) does not list.
    to_a_worker = raw_request(
        deployment.worker_ports[0], ["GET /login HTTP/1.1", f"Host: {public}", *forged, "Connection: close"], source="127.0.0.2"
    )
    wrong_host = raw_request(
        deployment.app.port, ["GET /login HTTP/1.1", "Host: 127.0.0.1", *forged, "Connection: close"], source="127.0.0.2"
    )
    # The same from the proxy's address is believed.
    from_the_proxy = raw_request(
        deployment.worker_ports[0], ["GET /login HTTP/1.1", f"Host: {public}", *forged, "Connection: close"], source="127.0.0.1"
    )

    assert to_a_worker.startswith("HTTP/1.1 308")  # not believed to be HTTPS: sent there
    assert f"location: https://{public}/login" in to_a_worker.lower()
    assert wrong_host.startswith("HTTP/1.1 400")  # the forged host was not believed either
    assert from_the_proxy.startswith("HTTP/1.1 200")


def test_the_systemd_unit_serves_the_workers_the_nginx_site_balances_across():
    exec_start = next(line for line in SYSTEMD_UNIT.read_text().splitlines() if line.startswith("ExecStart="))
    arguments = shlex.split(exec_start.removeprefix("ExecStart="))[2:]  # after "quartauth serve"
    options = dict(zip(arguments[::2], arguments[1::2]))
    plan = serving.plan(binds=[options["--bind"]], workers=int(options["--workers"]), worker_bind=options["--worker-bind"])

    upstreams = [line.split()[1].rstrip(";") for line in NGINX_SITE.read_text().splitlines() if line.strip().startswith("server 127.0.0.1:")]
    assert list(plan.worker_binds) == upstreams
    assert "least_conn;" in NGINX_SITE.read_text()
