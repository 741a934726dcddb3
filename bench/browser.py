"""Just enough of a browser to fetch a page, keep its cookies and post its form.

The bench runs the app in production mode, whose cookies are marked Secure; a standard
cookie jar would not send them back over the plain HTTP of 127.0.0.1, so this one keeps
them by name, as a browser on an HTTPS site would, and says it came over HTTPS as a proxy
in front would.
"""
from __future__ import annotations

import http.client
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from tests.support.pages import CSRF_FIELD

from .server import PROXY_HEADERS


@dataclass
class Browser:
    """``keep_alive``: one connection for every request, as a browser keeps it (else a new
    connection each time); ``host``: the site's name it asks for (passkeys want "localhost")."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    keep_alive: bool = False
    host: str = "127.0.0.1"
    _connection: http.client.HTTPConnection | None = field(default=None, repr=False)

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, *, client_address: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        """``client_address``: the address the trusted proxy says the request came from."""
        connection = self._connection or http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        # A browser names the page a form came from; over HTTPS the CSRF check wants it.
        headers = {
            **PROXY_HEADERS, "Host": f"{self.host}:{self.port}", "Referer": f"https://{self.host}:{self.port}/", **(headers or {}),
        }
        if client_address is not None:
            headers["X-Forwarded-For"] = client_address
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if self.keep_alive and not response.will_close:
            self._connection = connection
        else:
            connection.close()
            self._connection = None
        return response.status, text

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def csrf_token(self, path: str) -> str:
        status, html = self.request("GET", path)
        match = CSRF_FIELD.search(html)
        if status != 200 or match is None:
            raise RuntimeError(f"GET {path} answered {status} without a form")
        return match[1]

    def log_in(self, email: str, password: str) -> None:
        form = {"csrf_token": self.csrf_token("/login"), "email": email, "password": password}
        status, _ = self.request("POST", "/login", form)
        if status != 302:
            raise RuntimeError(f"logging in as {email} answered {status}")
