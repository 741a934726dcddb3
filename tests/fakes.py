"""Stand-ins for the services outside the app that the tests must not reach."""
from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.support.live_server import free_port

BREACHED = "correct horse battery staple"


def sha1(password: str) -> str:
    return hashlib.sha1(password.encode()).hexdigest().upper()


class FakeRangeServer:
    """Answers /range/<prefix> as the real one does, from a list of breached passwords, with
    padding lines; remembers the paths it was asked for."""

    def __init__(self, breached: list[str], delay: float = 0.0) -> None:
        self.asked: list[str] = []
        hashes = [sha1(password) for password in breached]
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
                fake.asked.append(self.path)
                time.sleep(delay)
                prefix = self.path.rsplit("/", 1)[-1]
                lines = [f"{digest[5:]}:42" for digest in hashes if digest.startswith(prefix)]
                lines.append("0" * 35 + ":0")  # padding
                body = "\r\n".join(lines).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/range/"

    def __enter__(self) -> FakeRangeServer:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
