"""Debian's nginx in front of the app, with the shipped site file and a throwaway certificate."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .live_server import free_port

PUBLIC_HOST = "auth.example.com"
SHIPPED_UPSTREAMS = "    server 127.0.0.1:5101;\n    server 127.0.0.1:5102;\n"


def nginx_program() -> str | None:
    return shutil.which("nginx") or next((path for path in ("/usr/sbin/nginx",) if Path(path).exists()), None)


def free_port_run(count: int) -> int:
    """The first of ``count`` consecutive free ports on 127.0.0.1."""
    for _ in range(50):
        first = free_port()
        if first + count < 65536 and all(is_free(first + index) for index in range(count)):
            return first
    raise RuntimeError("no run of free ports")


def is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def site_for(shipped_site: Path, folder: Path, *, tls_port: int, http_port: int, worker_ports: list[int]) -> str:
    """The shipped site file pointed at these ports and ``folder``'s certificate; nothing else changed."""
    site = shipped_site.read_text()
    if SHIPPED_UPSTREAMS not in site:
        raise ValueError(f"{shipped_site} no longer lists the workers as expected")
    upstreams = "".join(f"    server 127.0.0.1:{port};\n" for port in worker_ports)
    site = site.replace(SHIPPED_UPSTREAMS, upstreams)
    site = site.replace("listen 443 ssl;", f"listen 127.0.0.1:{tls_port} ssl;")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    site = "\n".join(line for line in site.splitlines() if "[::]" not in line)  # loopback IPv4 only
    site = site.replace(f"/etc/letsencrypt/live/{PUBLIC_HOST}/fullchain.pem", str(folder / "cert.pem"))
    return site.replace(f"/etc/letsencrypt/live/{PUBLIC_HOST}/privkey.pem", str(folder / "key.pem"))


def make_certificate(folder: Path) -> None:
    """A self-signed certificate for PUBLIC_HOST, good for a day: cert.pem and key.pem."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={PUBLIC_HOST}",
         "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
        check=True, capture_output=True,
    )


@contextmanager
def running_nginx(site: str, folder: Path) -> Iterator[None]:
    """nginx serving ``site`` (one worker process, files in ``folder``) until the block ends."""
    program = nginx_program()
    if program is None:
        raise RuntimeError("nginx is not installed (apt-get install nginx)")
    (folder / "site.conf").write_text(site)
    user = "user root;\n" if os.geteuid() == 0 else ""
    config = folder / "nginx.conf"
    config.write_text(
        f"{user}worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/nginx-error.log;\n"
        "events { worker_connections 1024; }\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {folder}/body;\n  proxy_temp_path {folder}/proxy;\n"
        f"  include {folder}/site.conf;\n}}\n"
    )
    process = subprocess.Popen([program, "-c", str(config), "-p", str(folder), "-g", "daemon off;"], stderr=subprocess.PIPE)
    try:
        _wait_until_listening(site, process)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until_listening(site: str, process: subprocess.Popen[bytes], seconds: float = 10) -> None:
    ports = [int(line.split(":")[1].split()[0].rstrip(";")) for line in site.splitlines() if "listen 127.0.0.1:" in line]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited: {process.stderr.read().decode() if process.stderr else ''}")
        if not any(is_free(port) for port in ports):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nginx did not listen on {ports}")
