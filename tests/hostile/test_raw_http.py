"""Malformed HTTP straight at the real server: hypercorn and the app refuse it, never a 5xx."""
from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from tests.support.live_server import LiveServer, app_server

RAW_REQUESTS = [
    b"GET / HTTP/1.1\r\nHost: [\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n",
    b"GET /login?next=//evil HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + b"\xff\xfe" * 100 + b"\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: quartauth_session=\x01\x02\r\n\r\n",
    b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n",
    b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data\r\nContent-Length: 10\r\n\r\n0123456789",
    b"BREW / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET /%00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET /../../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET /static/../../pyproject.toml HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET /static/" + b"a" * 300 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",  # longer than a file name may be
    b"GET /static/" + b"a/" * 3000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
]
NOT_HTTP = b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64  # a TLS hello on a plain port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("raw")
    with app_server(f"sqlite:///{folder / 'quartauth.sqlite3'}", folder) as live:
        yield live


def _exchange(port: int, raw: bytes) -> bytes:
    """Send ``raw``, and read what comes back until the server closes or falls quiet."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(raw)
        answer = b""
        try:
            while chunk := connection.recv(65536):
                answer += chunk
                connection.settimeout(0.3)  # keep-alive: the answer is in once it pauses
        except TimeoutError:
            pass
    return answer


@pytest.mark.parametrize("raw", RAW_REQUESTS, ids=range(len(RAW_REQUESTS)))
def test_malformed_http_gets_an_answer_that_is_not_a_server_error(server, raw):
    answer = _exchange(server.port, raw)

    status = int(answer.split(b" ", 2)[1])
    assert status < 500, answer[:300]
    assert b"Traceback" not in answer and "Traceback" not in server.log_file.read_text()
    assert b"[tool.setuptools" not in answer and b"root:" not in answer


def test_a_tls_hello_on_the_plain_port_is_refused_or_dropped(server):
    answer = _exchange(server.port, NOT_HTTP)
    assert answer == b"" or int(answer.split(b" ", 2)[1]) == 400
