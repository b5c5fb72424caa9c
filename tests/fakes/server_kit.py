"""The HTTP server scaffolding the fake platforms share: a loopback socket, uvicorn in a
daemon thread, waiting for it to listen, and a bounded stop.

Why shared: every fake (OneBot, WeCom) needs the same three steps, and each copy had the
same subtle points (an explicit ``IPPROTO_TCP`` so asyncio sets TCP_NODELAY; binding the
same port again after a stop while the old socket is still in TIME_WAIT; never hanging a
test when the server dies while starting). One copy keeps them right in one place.
"""

from __future__ import annotations

import errno
import socket
import threading
import time

import uvicorn


def bind_loopback(port: int = 0, *, wait: float = 3.0) -> socket.socket:
    """A socket bound to 127.0.0.1:``port`` (0: an ephemeral port; read it back with
    ``getsockname()``). A port still held after a restart is retried for ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while True:
        # proto must be explicit: asyncio only sets TCP_NODELAY when sock.proto == IPPROTO_TCP
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as exc:
            sock.close()
            if exc.errno != errno.EADDRINUSE or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
            continue
        return sock


def wait_started(server: uvicorn.Server, thread: threading.Thread, what: str, timeout: float = 5.0) -> None:
    """Block until ``server`` listens; RuntimeError naming ``what`` if its thread died or
    ``timeout`` passed (the server is told to exit, so nothing keeps running)."""
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"{what} failed to start")
        time.sleep(0.01)


def stop_server(server: uvicorn.Server | None, thread: threading.Thread | None) -> None:
    """Ask ``server`` to exit and wait up to ~3 s (a graceful exit, then a forced one)."""
    if server is None or thread is None:
        return
    server.should_exit = True
    thread.join(2.0)
    if thread.is_alive():
        server.force_exit = True
        thread.join(1.0)
