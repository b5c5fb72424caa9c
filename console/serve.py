"""``shequn serve``: the engine without the console.

One asyncio loop runs the Runtime (connectors' intake, batched ingest, outbox, jobs,
the engine lock in ``meta`` that tells consoles to attach) and the webhook server
(uvicorn, bound to 127.0.0.1 by default). SIGINT/SIGTERM stop it cleanly: the
webhook server stops accepting, connectors close, the in-flight ingest batch is
committed, and actions not yet started stay pending for the next run.

Logs go to stderr and to ``serve.log_file``.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import sys
from pathlib import Path
from typing import Iterator

import uvicorn

from .config import ConfigError
from .runtime import Runtime, engine_lock_holder
from .webhooks import build_app
from .workspace import Workspace

log = logging.getLogger("shequn.serve")


class _Server(uvicorn.Server):
    """uvicorn without its own signal handlers: ``serve`` owns SIGINT/SIGTERM, so one
    signal stops the engine and the server together (uvicorn would re-raise it)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def setup_logging(log_file: Path | None, level: int = logging.INFO) -> logging.Logger:
    root = logging.getLogger("shequn")
    root.setLevel(level)
    for h in list(root.handlers):
        if getattr(h, "_shequn_serve", False):
            root.removeHandler(h)
            h.close()
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    for h in handlers:
        h.setFormatter(fmt)
        h._shequn_serve = True  # type: ignore[attr-defined]
        root.addHandler(h)
    return root


async def serve_workspace(ws: Workspace, *, host: str, port: int, stop: asyncio.Event,
                          ready: asyncio.Event | None = None, runtime: Runtime | None = None,
                          freeze: bool = False) -> Runtime:
    """Run the runtime and the webhook server on ``ws`` until ``stop`` is set. The server
    is one of the runtime's supervised loops: should it fail, it is logged and started
    again (a port it cannot bind stops ``serve`` instead). ``freeze``: the process is
    serve's own (``shequn serve``), so its start-up heap is frozen (:func:`freeze_heap`);
    not in a test process, where it would keep every earlier test's objects."""
    rt = runtime or Runtime(ws, role="serve")
    app = build_app(rt.connectors, max_body_bytes=ws.settings.serve.max_body_bytes,
                    dead_letter=rt.dead.put, unavailable=rt.unavailable, health=rt.health,
                    refusals=rt.refusals)
    # proxy_headers off: nothing here reads the client's address, and the middleware is a
    # layer of Python per request on the loop
    config = uvicorn.Config(app, host=host, port=port, lifespan="off", log_config=None, access_log=False,
                            log_level="warning", timeout_graceful_shutdown=3, proxy_headers=False)
    servers: list[_Server] = []
    failed: list[str] = []  # the webhook server never listened: serve must not end with 0

    async def web() -> None:
        server = _Server(config)
        servers[:] = [server]
        if stop.is_set():
            return
        try:
            await server.serve()
        except (SystemExit, OSError, OverflowError) as e:  # uvicorn exits this way when the port is taken
            log.error("the webhook server could not bind %s:%s", host, port)
            failed.append(str(e) if isinstance(e, Exception) else "in use, or not this machine's address")
            stop.set()
            return
        if not server.started:
            if not stop.is_set():
                failed.append("it did not start")
            stop.set()

    async def announce() -> None:
        # ready when the server listens and the store takes events (until then webhooks get 503)
        while not (servers and servers[0].started and rt.intake.ready) and not stop.is_set():
            await asyncio.sleep(0.02)
        if servers and servers[0].started and rt.intake.ready:
            for url, name, _route in app.routes():
                log.info("webhook for %s: http://%s:%s%s", name, host, port, url)
            n = len(rt.connectors)
            log.info("shequn serve: %d %s, webhooks on http://%s:%s", n, "connection" if n == 1 else "connections",
                     host, port)
            if ready is not None:
                ready.set()

    async def stopper() -> None:
        await stop.wait()
        for server in servers:
            server.should_exit = True

    async def refreeze() -> None:
        # the first batches import the plugins' and the HTTP client's lazy modules (~8,000
        # objects more): frozen too once stored, after a young-generation collection (~1 ms)
        while rt.intake.batches == 0:
            await asyncio.sleep(0.25)
        await asyncio.sleep(1.0)
        gc.collect(1)
        gc.freeze()

    extra = [announce(), stopper()]
    if freeze:
        freeze_heap()  # before the server listens: no request waits on this collection
        extra.append(refreeze())
    await rt.run(stop, extra_tasks=extra, loops={"webhooks": web})
    if failed:
        raise ConfigError(ws.settings.where(), "serve.port", f"the webhook server could not listen on {host}:{port} "
                          f"({failed[0]})", "a free port (see the log above)")
    return rt


def freeze_heap() -> None:
    """Before serve listens: collect, then move what start-up built (modules, plugins,
    the registry: ~54,000 objects) out of the garbage collector's sight (``gc.freeze``).
    A full collection walks every tracked object with the GIL held, so it stalls the
    event loop from whichever thread triggers it: 38-55 ms each, three times in 8 s at
    1,000 POSTs/s (benchmarks/loop_stall.py); after the freeze 2 ms. The frozen objects
    live as long as serve anyway; the one collection here costs ~60 ms of start-up."""
    gc.collect()
    gc.freeze()


def run_serve(config_path: str | Path | None, host: str | None = None, port: int | None = None) -> None:
    """Open the workspace and serve until SIGINT/SIGTERM. Errors name what and where."""
    ws = Workspace.open(config_path)
    try:
        holder = engine_lock_holder(ws)
        if holder and holder["role"] == "serve":
            raise ConfigError(ws.settings.where(), "serve",
                              f"another shequn serve (pid {holder['pid']}) already runs on {ws.store.path}",
                              "one serve per workspace; stop the other one first")
        s = ws.settings.serve
        setup_logging(ws.settings.resolve_path(s.log_file) if s.log_file else None)
        asyncio.run(_main(ws, host or s.host, port if port is not None else s.port))
    finally:
        ws.close()


async def _main(ws: Workspace, host: str, port: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, _stop_on(sig, stop))
    rt = await serve_workspace(ws, host=host, port=port, stop=stop, freeze=True)
    pending = ws.store.scalar("SELECT count(*) FROM actions WHERE status = 'pending'")
    log.info("shequn serve stopped: %d events ingested, %d duplicates, %d dead letters; %d actions left pending",
             rt.stats.ingested, rt.stats.duplicates, rt.stats.dead_letters, pending)


def _stop_on(sig: int, stop: asyncio.Event):
    def handler() -> None:
        log.info("received %s: stopping (in-flight batch will be committed)", signal.Signals(sig).name)
        stop.set()
    return handler
