"""``quartauth serve``: hypercorn with the shipped settings, each worker on a socket of its own.

hypercorn's workers share one listening socket and each accepts greedily, so a few
keep-alive connections (a proxy's upstream pool, say) can all land on one worker while the
other idles. Here every worker listens on a socket of its own bound to the same address
(SO_REUSEPORT), and the kernel spreads new connections across them evenly.

A worker can also listen on an address of its own (``--worker-bind``), so that a proxy can
balance requests across workers itself (nginx's ``least_conn``), whatever its pool holds.

Only what is asked is bound: with ``--worker-bind`` and no ``--bind``, the workers' own
addresses alone, not hypercorn.toml's shared one as well.

A port that something else is listening on is an error at once (hypercorn would quietly
share it with whoever holds it, and requests would split between the two).

A worker's memory falls back after a crowd: a connection its client closed ends at once,
and glibc's malloc is told to give freed memory back (``GIVE_BACK_FREED_MEMORY``).
"""
from __future__ import annotations

import errno
import os
import signal
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

from hypercorn.config import Config, Sockets

from . import logs
from .shipped import shipped

DEFAULT_APP = "quartauth:create_app()"
DEFAULT_CONFIG = shipped("hypercorn.toml")
# glibc's malloc, left to itself, keeps what a worker frees. It raises its thresholds after a
# large buffer is freed (up to 32 MB before it maps a block of its own, 64 MB free before it
# gives any back), and gives each thread that allocates at once an arena of its own (up to
# eight a core), each keeping its own freed memory. A worker's threads (bcrypt's, the
# database's, the pool's) allocate little, so two arenas do; with the thresholds fixed low,
# a worker's memory falls back when a crowd has gone (measured: 8 MB less a worker at the
# end of `make bench`). An operator's own settings win; other C libraries ignore these.
GIVE_BACK_FREED_MEMORY = {"MALLOC_ARENA_MAX": "2", "MALLOC_TRIM_THRESHOLD_": "131072", "MALLOC_MMAP_THRESHOLD_": "131072"}


class ServeError(Exception):
    """The server cannot start; the message says why, for the person starting it."""


@dataclass(frozen=True)
class Plan:
    config: Config
    worker_binds: tuple[str, ...]  # one per worker, or none


def plan(
    config_file: Path = DEFAULT_CONFIG,
    *,
    app: str = DEFAULT_APP,
    binds: Sequence[str] = (),
    workers: int | None = None,
    worker_bind: str | None = None,
) -> Plan:
    """The hypercorn settings ``serve`` will run with: the file's, then the options'."""
    try:
        config = Config.from_toml(str(config_file))
    except (OSError, ValueError) as error:
        raise ServeError(f"cannot read {config_file}: {error}") from None
    config.application_path = app
    if binds:
        config.bind = list(binds)
    elif worker_bind is not None:
        config.bind = []
    if workers is not None:
        config.workers = workers
    if config.workers < 1:
        raise ServeError("--workers must be at least 1")
    if not config.bind and worker_bind is None:
        raise ServeError("nothing to listen on: give --bind or --worker-bind")
    for bind in config.bind:
        if bind.startswith(("unix:", "fd://")):
            raise ServeError(f"bind {bind!r}: serve listens on host:port; use --worker-bind for unix sockets")
    return Plan(config, _worker_binds(worker_bind, config.workers))


def served_url(plan: Plan) -> str | None:
    """The address a person on this machine reaches the server at (the first TCP bind), for
    links in mail when PUBLIC_URL is not set; None when it listens on unix sockets only."""
    for bind in (*plan.config.bind, *plan.worker_binds):
        if bind.startswith(("unix:", "fd://")):
            continue
        host, port = _host_and_port(bind)
        host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
    return None


def _worker_binds(template: str | None, workers: int) -> tuple[str, ...]:
    """``unix:/run/quartauth/worker-{n}.sock`` or ``127.0.0.1:5101`` (then 5102, ...)."""
    if template is None:
        return ()
    if "{n}" in template:
        return tuple(template.replace("{n}", str(number)) for number in range(1, workers + 1))
    host, _, port = template.rpartition(":")
    if not host or not port.isdigit():
        raise ServeError(f"--worker-bind must be HOST:FIRST_PORT or contain {{n}}, not {template!r}")
    return tuple(f"{host}:{int(port) + index}" for index in range(workers))


def serve(plan: Plan) -> int:
    """Listen, start the workers, and wait until a signal or a worker's exit ends them all."""
    worker_sockets = _listen(plan)
    for name, value in GIVE_BACK_FREED_MEMORY.items():
        os.environ.setdefault(name, value)  # read by each worker's C library as it starts
    context = get_context("spawn")
    stop = context.Event()
    _worker_function(plan.config.worker_class)  # refuse an unknown class before starting any
    # Workers inherit this: a Ctrl-C reaches the whole group, and only this process decides.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    processes = []
    for sockets in worker_sockets:
        process = context.Process(
            target=_run_worker, args=(plan.config.worker_class,),
            kwargs={"config": plan.config, "sockets": sockets, "shutdown_event": stop},
        )
        process.start()
        processes.append(process)

    def shut_down(*_: Any) -> None:
        stop.set()

    for name in ("SIGINT", "SIGTERM"):
        signal.signal(getattr(signal, name), shut_down)
    wait([process.sentinel for process in processes])
    stop.set()  # one worker ended (a signal, or it failed): end the others too
    exit_code = 0
    for process in processes:
        process.join(plan.config.graceful_timeout + 5)
        if process.is_alive():
            process.terminate()
            process.join()
        exit_code = exit_code or (process.exitcode or 0)
    for sockets in worker_sockets:
        for sock in sockets.insecure_sockets:
            sock.close()
    return exit_code


def _run_worker(worker_class: str, **arguments: Any) -> None:
    """One worker. A SIGTERM sent to the whole group (systemd's stop, say) is left to the
    parent, which asks every worker to finish its requests and stop (graceful_timeout)."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    logs.configure(arguments["config"])
    _end_connections_their_clients_closed()
    _worker_function(worker_class)(**arguments)


def _end_connections_their_clients_closed() -> None:
    """hypercorn (0.18) reads a client's end of a connection, but leaves the connection's idle
    timer running: the connection, and all it holds, lives on until ``keep_alive_timeout``
    (75 s here, longer than a proxy keeps an idle upstream connection). Every visitor that
    connects and leaves then costs a worker memory for that long, and a crowd costs a lot.
    Once reading has ended, the timer stops, and the connection ends with its last answer."""
    from hypercorn.asyncio.tcp_server import TCPServer

    read_data = TCPServer._read_data

    async def read_then_end(self: TCPServer) -> None:
        await read_data(self)
        await self.idle_task.stop()

    TCPServer._read_data = read_then_end  # type: ignore[method-assign]


def _worker_function(worker_class: str) -> Any:
    if worker_class == "uvloop":
        from hypercorn.asyncio.run import uvloop_worker

        return uvloop_worker
    if worker_class == "asyncio":
        from hypercorn.asyncio.run import asyncio_worker

        return asyncio_worker
    raise ServeError(f"worker_class must be uvloop or asyncio, not {worker_class!r}")


def _listen(plan: Plan) -> list[Sockets]:
    """Each worker's sockets: one for every shared bind, and its own address if asked."""
    config = plan.config
    for bind in config.bind:
        _refuse_if_in_use(bind)
    per_worker = []
    for number in range(config.workers):
        own = [_socket(bind, reuse_port=True) for bind in config.bind]
        if plan.worker_binds:
            own.append(_socket(plan.worker_binds[number], reuse_port=False))
        per_worker.append(Sockets(secure_sockets=[], insecure_sockets=own, quic_sockets=[]))
    return per_worker


def _refuse_if_in_use(bind: str) -> None:
    """A socket without SO_REUSEPORT cannot bind where anyone listens: try one."""
    if bind.startswith("unix:"):
        return
    probe = _socket(bind, reuse_port=False)
    probe.close()


def _socket(bind: str, *, reuse_port: bool) -> socket.socket:
    if bind.startswith("unix:"):
        path = Path(bind.removeprefix("unix:"))
        path.unlink(missing_ok=True)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(str(path))
    else:
        host, port = _host_and_port(bind)
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            sock.bind((host, port))
        except OSError as error:
            sock.close()
            if error.errno == errno.EADDRINUSE:
                raise ServeError(f"port {port} on {host} is already in use: is quartauth already running?") from None
            raise ServeError(f"cannot listen on {bind}: {error.strerror}") from None
    sock.setblocking(False)
    sock.set_inheritable(True)
    return sock


def _host_and_port(bind: str) -> tuple[str, int]:
    host, _, port = bind.replace("[", "").replace("]", "").rpartition(":")
    if not host or not port.isdigit():
        raise ServeError(f"bind must be HOST:PORT, not {bind!r}")
    return host, int(port)
