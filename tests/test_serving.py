"""quartauth serve: the shipped settings, a socket per worker, and a busy port refused."""
from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from quartauth import serving
from tests.support.live_server import app_server, free_port
from tests.support.pages import csrf_token_in

from .helpers import PASSWORD

QUARTAUTH = Path(sys.executable).with_name("quartauth")


def test_the_shipped_settings_are_the_tuned_ones():
    plan = serving.plan()

    assert plan.config.worker_class == "uvloop"
    assert plan.config.workers == 2 and plan.config.bind == ["127.0.0.1:5000"]
    assert plan.worker_binds == ()


def test_options_override_the_file():
    plan = serving.plan(binds=["127.0.0.1:6000"], workers=3, worker_bind="127.0.0.1:6101")

    assert plan.config.bind == ["127.0.0.1:6000"] and plan.config.workers == 3
    assert plan.worker_binds == ("127.0.0.1:6101", "127.0.0.1:6102", "127.0.0.1:6103")


def test_worker_binds_alone_bind_nothing_else():
    plan = serving.plan(workers=2, worker_bind="127.0.0.1:5101")

    assert plan.config.bind == [] and plan.worker_binds == ("127.0.0.1:5101", "127.0.0.1:5102")
    assert serving.served_url(plan) == "http://127.0.0.1:5101"


@pytest.mark.parametrize(
    ("binds", "url"),
    [(["127.0.0.1:6000"], "http://127.0.0.1:6000"), (["0.0.0.0:8080"], "http://127.0.0.1:8080"), (["[::1]:7000"], "http://[::1]:7000")],
)
def test_links_point_where_the_server_listens(binds, url):
    assert serving.served_url(serving.plan(binds=binds)) == url


def test_worker_binds_can_be_unix_sockets():
    plan = serving.plan(workers=2, worker_bind="unix:/run/quartauth/worker-{n}.sock")

    assert plan.worker_binds == ("unix:/run/quartauth/worker-1.sock", "unix:/run/quartauth/worker-2.sock")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"workers": 0}, "at least 1"),
        ({"worker_bind": "no-port"}, "--worker-bind must be HOST:FIRST_PORT"),
        ({"binds": ["unix:/tmp/x.sock"]}, "serve listens on host:port"),
    ],
)
def test_bad_options_are_refused_with_a_reason(options, message):
    with pytest.raises(serving.ServeError, match=message):
        serving.plan(**options)


def test_a_missing_config_file_is_refused(tmp_path):
    with pytest.raises(serving.ServeError, match="cannot read"):
        serving.plan(tmp_path / "missing.toml")


def listeners(port: int, expected: int) -> list[str]:
    """The listening sockets on ``port``, once ``expected`` are there (workers start one by one)."""
    deadline = time.monotonic() + 20
    while True:
        found = subprocess.run(
            ["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True, check=True
        ).stdout.splitlines()
        if len(found) >= expected or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def test_each_worker_listens_on_a_socket_of_its_own(tmp_path):
    with app_server(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path) as server:
        found = listeners(server.port, expected=2)
        parent = server.process.pid

    # Two listening sockets on the one port, each held by a different worker (and the parent).
    holders = [set(map(int, re.findall(r"pid=(\d+)", line))) - {parent} for line in found]
    assert len(found) == 2
    assert all(len(workers) == 1 for workers in holders) and holders[0] != holders[1]


def test_a_connection_its_client_closed_ends_at_once_not_after_the_keep_alive_time(tmp_path):
    with app_server(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
            connection.sendall(f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode())
            answer = read_one_answer(connection)
            connection.shutdown(socket.SHUT_WR)  # the client is done: the server should close its end
            started = time.monotonic()
            after = connection.recv(1024)  # b"" once the server has closed; a timeout if it never does

    assert answer.startswith(b"HTTP/1.1 200")
    assert after == b"" and time.monotonic() - started < 5


def read_one_answer(connection: socket.socket) -> bytes:
    """One HTTP/1.1 answer with a Content-Length, read off ``connection``."""
    received = b""
    while b"\r\n\r\n" not in received and (chunk := connection.recv(65536)):
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
    while len(body) < length and (chunk := connection.recv(65536)):
        body += chunk
    return head + b"\r\n\r\n" + body


def worker_environments(server) -> list[dict[str, str]]:
    """Each worker's environment, as its C library read it at start."""
    found = listeners(server.port, expected=2)
    pids = {int(pid) for line in found for pid in re.findall(r"pid=(\d+)", line)} - {server.process.pid}
    return [
        dict(entry.split("=", 1) for entry in Path(f"/proc/{pid}/environ").read_text().split("\0") if "=" in entry)
        for pid in pids
    ]


def test_workers_start_with_malloc_settings_that_give_freed_memory_back(tmp_path):
    with app_server(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path) as server:
        environments = worker_environments(server)

    assert len(environments) == 2
    for environment in environments:
        assert {name: environment.get(name) for name in serving.GIVE_BACK_FREED_MEMORY} == serving.GIVE_BACK_FREED_MEMORY


def test_an_operators_own_malloc_settings_win(tmp_path):
    server = app_server(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path, MALLOC_TRIM_THRESHOLD_="1048576")
    with server:
        environments = worker_environments(server)

    assert [environment["MALLOC_TRIM_THRESHOLD_"] for environment in environments] == ["1048576", "1048576"]


def test_a_port_in_use_is_an_error_that_names_it(tmp_path):
    environment = {"QUARTAUTH_ENV": "testing", "PATH": "/usr/bin:/bin"}
    subprocess.run([str(QUARTAUTH), "migrate"], cwd=tmp_path, env=environment, check=True, capture_output=True)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        result = subprocess.run(
            [str(QUARTAUTH), "serve", "--bind", f"127.0.0.1:{port}"],
            capture_output=True, text=True, timeout=30, cwd=tmp_path, env=environment,
        )

    assert result.returncode != 0
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr


def test_a_second_server_on_the_same_port_is_refused(tmp_path):
    with app_server(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path) as server:
        result = subprocess.run(
            server.arguments(), capture_output=True, text=True, timeout=30, cwd=tmp_path, env=server.environment
        )

    assert result.returncode != 0
    assert f"port {server.port} on 127.0.0.1 is already in use" in result.stderr


def test_a_sigterm_to_the_whole_group_stops_every_worker_gracefully(tmp_path):
    server = app_server(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path)
    with server:
        listeners(server.port, expected=2)
    # LiveServer.stop sent SIGTERM to the process group, as systemd does.

    assert server.process.returncode == 0, (tmp_path / "server.log").read_text()[-2000:]
    assert "Traceback" not in (tmp_path / "server.log").read_text()


def test_a_served_process_prints_its_log_lines_and_mails_links_to_where_it_listens(tmp_path):
    with app_server(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path) as server, httpx.Client(base_url=server.url()) as browser:
        token = csrf_token_in(browser.get("/register").text)
        browser.post("/register", data={"csrf_token": token, "email": "person@example.com", "password": PASSWORD, "confirm": PASSWORD})
        log = wait_for_line(server.log_file, "links: ")

    link_line = next(line for line in log.splitlines() if "links: " in line)
    assert f"http://127.0.0.1:{server.port}/verify/" in link_line
    audit_line = next(line for line in log.splitlines() if "quartauth.security_log" in line)
    assert re.match(r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}\] \[\d+\] \[INFO\] quartauth.security_log: \{", audit_line)
    assert json.loads(audit_line.split("quartauth.security_log: ", 1)[1])["event"] == "sign_up"


def wait_for_line(log_file: Path, text: str, seconds: float = 10) -> str:
    deadline = time.monotonic() + seconds
    while text not in (log := log_file.read_text()):
        assert time.monotonic() < deadline, f"no {text!r} on the log:\n{log[-2000:]}"
        time.sleep(0.05)
    return log


def test_serve_on_a_database_behind_the_code_says_to_migrate_and_starts_nothing(tmp_path):
    result = subprocess.run(
        [str(QUARTAUTH), "serve", "--bind", f"127.0.0.1:{free_port()}"],
        capture_output=True, text=True, timeout=30, cwd=tmp_path,
        env={"QUARTAUTH_ENV": "testing", "PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite3'}"},
    )

    assert result.returncode != 0
    assert "run `quartauth migrate` first" in result.stderr and "Traceback" not in result.stderr
