"""A protocol-faithful fake OneBot v11 bridge (go-cqhttp / NapCat / Lagrange) for connector tests.

Why a fake and not mocks: the QQ connector talks HTTP, WebSocket and signed
HTTP POST to a bridge process. Tests are only meaningful if those bytes go over
real sockets with the same quirks the real bridges have (PROTOCOLS.md 1.1-1.8):
token checks with 401/403 (or NapCat's 403 body), the two failure dialects,
unknown-action answers, ``_async`` suffixes, CQ-code strings vs segment arrays,
quick-operation replies, heartbeats, dropped sockets, slow or failing calls.

Usage::

    with FakeOneBot(post_url=receiver_url) as bot:
        bot.add_group(1, "g"); bot.add_member(1, 42, "alice")
        httpx.post(f"{bot.base_url}/set_group_kick", json={...},
                   headers={"Authorization": "Bearer tok"})
        bot.wait_delivered(1)

The server is a raw ASGI app served by uvicorn (h11 + websockets-sansio) on
127.0.0.1 in a daemon thread with its own event loop. State lives in
:class:`OneBotState` (``onebot_state.py``) behind one re-entrant lock, so tests
may inspect ``groups``/``members``/``sent``/``calls`` directly.

This module holds the server's lifecycle and the knobs and helpers tests drive; the
rest of the bridge is in mixins named for what they hold: ``onebot_api.py`` (envelopes,
dispatch, auth), ``onebot_http.py`` (the HTTP API and its faults), ``onebot_ws.py``
(forward and reverse WebSockets, heartbeats), ``onebot_delivery.py`` (events pushed
and POSTed), ``onebot_state.py`` (the groups), ``onebot_actions.py`` (the actions
over them) and ``onebot_dialects.py`` (what each bridge sends beyond the common events).

``dialect`` picks the bridge: ``gocq`` (go-cqhttp), ``napcat`` or ``lagrange``
(Lagrange.OneBot: bare ``{status, retcode, data, echo}`` answers without words, no
``_async``/``_rate_limited`` suffixes, ``seq-group-type`` request flags).
"""

from __future__ import annotations

import asyncio
import queue
import socket
import threading
import time
from typing import Any, Callable

import uvicorn

from .onebot_actions import OneBotActions
from .onebot_api import OneBotApi
from .onebot_cq import cq_escape, cq_unescape, normalize_message, parse_cq_string, plain_text, to_cq_string
from .onebot_delivery import OneBotDelivery
from .onebot_dialects import OneBotDialects
from .onebot_http import OneBotHttp
from .onebot_state import ActionError, OneBotState
from .onebot_ws import _CLOSE, OneBotWebSocket, _WsConn
from .server_kit import bind_loopback, stop_server, wait_started

__all__ = [
    "FakeOneBot", "ActionError", "cq_escape", "cq_unescape", "to_cq_string", "parse_cq_string",
    "normalize_message", "plain_text", "FAULT_KINDS", "DIALECTS",
]

FAULT_KINDS = ("timeout", "reset", "slow", "http500", "failed")
DIALECTS = ("gocq", "napcat", "lagrange")


class FakeOneBot(OneBotApi, OneBotHttp, OneBotWebSocket, OneBotDelivery, OneBotDialects, OneBotActions, OneBotState):
    """Fake OneBot v11 bridge: HTTP API, forward WS, HTTP POST events, optional reverse WS."""

    def __init__(self, *, access_token: str | None = "tok", secret: str | None = "sec", self_id: int = 10001,
                 dialect: str = "gocq", message_format: str = "array", post_url: str | None = None,
                 heartbeat_interval: float | None = None, bot_role: str = "admin",
                 supports_notice: bool = True, echo_own_messages: bool = False,
                 admin_requires_owner: bool = True, reverse_ws_url: str | None = None, port: int = 0):
        if dialect not in DIALECTS:
            raise ValueError(f"dialect must be one of {DIALECTS}")
        if message_format not in ("array", "string"):
            raise ValueError("message_format must be 'array' or 'string'")
        self.access_token, self.secret, self.self_id = access_token, secret, self_id
        self.dialect, self.message_format, self.post_url = dialect, message_format, post_url
        self.heartbeat_interval, self.bot_role = heartbeat_interval, bot_role
        self.supports_notice, self.echo_own_messages = supports_notice, echo_own_messages
        # set_group_admin needs the group owner in QQ; False relaxes that to admin
        self.admin_requires_owner = admin_requires_owner
        self.own_message_post_type = "message_sent"  # both bridges report own messages this way
        self.reverse_ws_url = reverse_ws_url  # 1.1(d): the fake dials the console, role Universal
        self.reverse_ws_reconnect_interval = 3.0
        self.reverse_ws_connects = 0
        self.reverse_ws_roles = ("Universal",)  # ("Event", "API"): go-cqhttp's two sockets
        self.reverse_ws_refusals: list = []  # the HTTP status of each refused handshake
        self.reverse_ws_closes: list = []  # the close code of each socket that ended
        self.port = port
        # fault injection knobs
        self.slow_seconds = 0.3  # "slow": answer late but within a normal client timeout
        self.timeout_seconds = 3.0  # "timeout": answer after this; set above the client's read timeout
        self.async_delay = 0.05  # ``_async`` effect applied after this
        self.rate_limit_interval = 0.5  # ``_rate_limited`` spacing (api.rate_limit_interval)
        # HTTP POST delivery knobs
        self.post_timeout = 5.0
        self.post_max_retries = 0
        self.post_retries_interval = 0.1
        self._init_state()
        self.delivered: list[tuple[dict, int]] = []
        self.post_replies: list[dict] = []  # quick operations honoured: {event, operation, results}
        self._delivered_cond = threading.Condition(self._lock)
        self._faults: list[str] = []
        self._sticky_fault: str | None = None
        self._rl_next = 0.0
        self._ws_conns: list[_WsConn] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None  # set (in the loop) when stop() begins
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._post_queue: queue.Queue = queue.Queue()
        self._post_stop: threading.Event | None = None
        self._post_thread: threading.Thread | None = None
        self._lifecycle_lock = threading.Lock()

    # ================================================================ lifecycle
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def __enter__(self) -> "FakeOneBot":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def start(self) -> "FakeOneBot":
        """Serve on 127.0.0.1 (ephemeral port first, the same port after restart); wait until up."""
        with self._lifecycle_lock:
            if self._thread is None:
                sock = self._bind()
                config = uvicorn.Config(self._asgi, http="h11", ws="websockets-sansio", lifespan="off",
                                        interface="asgi3", log_config=None, log_level="warning",
                                        access_log=False, timeout_graceful_shutdown=1, ws_ping_interval=None)
                server = uvicorn.Server(config)
                thread = threading.Thread(target=self._serve_thread, args=(server, sock), daemon=True,
                                          name=f"fake-onebot-{self.port}")
                thread.start()
                wait_started(server, thread, "fake OneBot server")
                self._server, self._thread = server, thread
            if self._post_thread is None or not self._post_thread.is_alive():
                self._post_stop = threading.Event()
                self._post_thread = threading.Thread(target=self._post_worker, args=(self._post_stop,),
                                                     daemon=True, name="fake-onebot-post")
                self._post_thread.start()
        return self

    def _bind(self) -> socket.socket:
        sock = bind_loopback(self.port)
        self.port = sock.getsockname()[1]
        return sock

    def _serve_thread(self, server: uvicorn.Server, sock: socket.socket) -> None:
        async def main() -> None:
            with self._lock:
                self._loop = asyncio.get_running_loop()
                self._stopping = asyncio.Event()
            tasks = []
            if self.heartbeat_interval:
                tasks.append(asyncio.create_task(self._heartbeat_loop()))
            if self.reverse_ws_url:
                tasks.extend(asyncio.create_task(self._reverse_ws_loop(role)) for role in self.reverse_ws_roles)
            try:
                await server.serve(sockets=[sock])
            finally:
                for task in tasks:
                    task.cancel()
                with self._lock:
                    self._loop = None

        asyncio.run(main())

    def stop(self) -> None:
        """Stop serving (closes WS clients with 1012, cancels slow handlers); bounded to ~3 s."""
        with self._lifecycle_lock:
            server, thread = self._server, self._thread
            if server is not None and thread is not None:
                with self._lock:
                    loop, stopping = self._loop, self._stopping
                if loop is not None and stopping is not None:
                    try:
                        loop.call_soon_threadsafe(stopping.set)
                    except RuntimeError:
                        pass
            stop_server(server, thread)
            self._server = self._thread = None
            with self._lock:
                self._ws_conns.clear()
            if self._post_stop is not None:
                self._post_stop.set()
            if self._post_thread is not None:
                self._post_thread.join(0.5)
            self._post_thread = None

    def restart(self, downtime: float = 0.0) -> None:
        """Stop, stay down for ``downtime`` seconds, then serve again on the same port."""
        self.stop()
        if downtime:
            time.sleep(downtime)
        self.start()

    # ============================================================ test helpers
    def inject_event(self, event: dict) -> dict:
        """Emit any raw event (fills ``time``/``self_id``); no state change."""
        event = dict(event)
        event.setdefault("time", int(time.time()))
        event.setdefault("self_id", self.self_id)
        return self._emit(event)

    def fail_next(self, kind: str, count: int | None = 1) -> None:
        """Fault the next ``count`` HTTP action calls (``None``: every call until ``clear_faults``).

        "timeout"/"slow": the action IS executed, the answer comes after
        ``timeout_seconds``/``slow_seconds`` (a timed-out send may still have
        been sent, as in real life). "reset" (connection aborted, no response),
        "http500" and "failed" (dialect failure envelope): nothing executed.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {FAULT_KINDS}")
        with self._lock:
            if count is None:
                self._sticky_fault = kind
            else:
                self._faults.extend([kind] * count)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()
            self._sticky_fault = None

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0, what: str = "condition") -> Any:
        """Poll ``predicate`` until truthy; raise TimeoutError instead of hanging a test."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                result = predicate()
            if result:
                return result
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
            time.sleep(0.01)

    def wait_delivered(self, n: int, timeout: float = 5.0) -> list[tuple[dict, int]]:
        """Block until at least ``n`` POST delivery attempts were recorded (quick ops applied)."""
        with self._delivered_cond:
            if not self._delivered_cond.wait_for(lambda: len(self.delivered) >= n, timeout):
                raise TimeoutError(f"only {len(self.delivered)} of {n} POST deliveries after {timeout}s")
            return list(self.delivered)

    @property
    def reverse_clients(self) -> int:
        """Number of connected reverse-WebSocket sockets (the fake dialled the console)."""
        with self._lock:
            return sum(1 for c in self._ws_conns if c.reverse)

    @property
    def ws_clients(self) -> int:
        """Number of connected forward-WebSocket clients."""
        with self._lock:
            return sum(1 for c in self._ws_conns if not c.reverse)

    def wait_ws_clients(self, n: int, timeout: float = 5.0) -> None:
        self.wait_for(lambda: self.ws_clients >= n, timeout, f"{n} WebSocket client(s)")

    def drop_ws(self, timeout: float = 2.0) -> None:
        """Close every WebSocket from the server side (code 1001), as a crashing bridge would."""
        with self._lock:
            conns, loop = list(self._ws_conns), self._loop
        if loop is None:
            return
        for conn in conns:
            loop.call_soon_threadsafe(conn.queue.put_nowait, _CLOSE)
        self.wait_for(lambda: not any(c in self._ws_conns for c in conns), timeout, "WebSockets to close")

    # ===================================================================== ASGI
    async def _asgi(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self._websocket(scope, receive, send)

