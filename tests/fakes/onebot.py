"""A protocol-faithful fake OneBot v11 bridge (go-cqhttp / NapCat) for connector tests.

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
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import hmac
import json
import queue
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import parse_qs

import httpx
import uvicorn

from .onebot_cq import cq_escape, cq_unescape, normalize_message, parse_cq_string, plain_text, to_cq_string
from .onebot_state import ActionError, OneBotState, UnknownAction, coerce_params

__all__ = [
    "FakeOneBot", "ActionError", "cq_escape", "cq_unescape", "to_cq_string", "parse_cq_string",
    "normalize_message", "plain_text", "FAULT_KINDS",
]

FAULT_KINDS = ("timeout", "reset", "slow", "http500", "failed")
_CLOSE = object()  # sentinel put on a WS connection's queue to close it from the server side


def _split_suffix(action: str) -> tuple[str, str | None]:
    """``send_group_msg_async`` -> (``send_group_msg``, ``_async``); same for ``_rate_limited``."""
    for suffix in ("_async", "_rate_limited"):
        if action.endswith(suffix) and action != suffix:
            return action[: -len(suffix)], suffix
    return action, None


@dataclass(eq=False)
class _WsConn:
    """One live WebSocket (forward or reverse) and its outbound queue."""

    path: str
    queue: asyncio.Queue = field(default_factory=asyncio.Queue)
    events: bool = True  # receives pushed events
    reverse: bool = False


class FakeOneBot(OneBotState):
    """Fake OneBot v11 bridge: HTTP API, forward WS, HTTP POST events, optional reverse WS."""

    def __init__(self, *, access_token: str | None = "tok", secret: str | None = "sec", self_id: int = 10001,
                 dialect: str = "gocq", message_format: str = "array", post_url: str | None = None,
                 heartbeat_interval: float | None = None, bot_role: str = "admin",
                 supports_notice: bool = True, echo_own_messages: bool = False,
                 admin_requires_owner: bool = True, reverse_ws_url: str | None = None, port: int = 0):
        if dialect not in ("gocq", "napcat"):
            raise ValueError("dialect must be 'gocq' or 'napcat'")
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
                deadline = time.monotonic() + 5
                while not server.started:
                    if not thread.is_alive() or time.monotonic() > deadline:
                        server.should_exit = True
                        raise RuntimeError("fake OneBot server failed to start")
                    time.sleep(0.01)
                self._server, self._thread = server, thread
            if self._post_thread is None or not self._post_thread.is_alive():
                self._post_stop = threading.Event()
                self._post_thread = threading.Thread(target=self._post_worker, args=(self._post_stop,),
                                                     daemon=True, name="fake-onebot-post")
                self._post_thread.start()
        return self

    def _bind(self) -> socket.socket:
        deadline = time.monotonic() + 3
        while True:
            # proto must be explicit: asyncio only sets TCP_NODELAY when sock.proto == IPPROTO_TCP
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", self.port))
            except OSError as exc:
                sock.close()
                if exc.errno != errno.EADDRINUSE or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
                continue
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
                tasks.append(asyncio.create_task(self._reverse_ws_loop()))
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
                server.should_exit = True
                thread.join(2.0)
                if thread.is_alive():
                    server.force_exit = True
                    thread.join(1.0)
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

    # ================================================================ envelopes
    def _envelope(self, status: str, retcode: int, data: Any = None, message: str = "", msg: str = "") -> dict:
        env: dict[str, Any] = {"status": status, "retcode": retcode, "data": data, "message": message}
        if self._napcat:
            env.update(wording=message, echo=None, stream="normal-action")
        elif status == "failed":
            env.update(msg=msg, wording=message)
        return env

    def _failed(self, err: ActionError, ws: bool) -> dict:
        if self._napcat:
            code = (400 if err.bad_param else 200) + (1000 if ws else 0)
            return self._envelope("failed", code, message=err.napcat)
        return self._envelope("failed", 100, message=err.wording, msg=err.msg)

    def _unknown(self, name: str, ws: bool) -> dict:
        if self._napcat:
            return self._envelope("failed", 1404 if ws else 200, message=f"不支持的Api {name}")
        return self._envelope("failed", 1404 if ws else 404, message="API不存在", msg="API_NOT_FOUND")

    def _call(self, raw_action: str, params: Any, *, ws: bool) -> dict:
        """Run one API call from any transport and build its envelope (1.2, 1.3, 1.1 suffixes)."""
        params = coerce_params(params if isinstance(params, dict) else {})
        action, mode = _split_suffix(raw_action)
        with self._lock:
            self.calls.append((action, params))
            known = action in self.action_table()
        if not known:
            return self._unknown(raw_action, ws)
        if mode is not None:
            self._schedule(action, params, mode)
            return self._envelope("async", 1)
        try:
            return self._envelope("ok", 0, self.run_action(action, params))
        except ActionError as err:
            return self._failed(err, ws)
        except Exception as exc:  # a handler bug surfaces like a bridge-side exception
            return self._failed(ActionError("API_ERROR", f"内部错误: {exc!r}"), ws)

    def _schedule(self, action: str, params: dict, mode: str) -> None:
        """Queue an ``_async``/``_rate_limited`` call: the effect happens later, errors are lost."""
        with self._lock:
            now = time.monotonic()
            delay = self.async_delay
            if mode == "_rate_limited":  # first call goes out at once, later ones spaced by the interval
                slot = max(now, self._rl_next)
                self._rl_next = slot + self.rate_limit_interval
                delay += slot - now

        def run() -> None:
            try:
                self.run_action(action, params)
            except (ActionError, UnknownAction):
                pass

        timer = threading.Timer(delay, run)
        timer.daemon = True
        timer.start()

    def _auth_error(self, headers: dict[str, str], query: dict[str, str]) -> tuple[int, bytes] | None:
        """Token check (1.1 Auth): go-cqhttp 401 missing / 403 wrong; NapCat 403 body for both."""
        if not self.access_token:
            return None
        if self._napcat:
            token = query.get("access_token") or ""
            if not token and headers.get("authorization"):
                token = headers["authorization"].split("Bearer ")[-1]
            if hmac.compare_digest(token.encode(), self.access_token.encode()):
                return None
            return 403, b'{"message":"token verify failed!"}'
        auth = headers.get("authorization", "")
        if auth:
            auth = auth.split(" ", 1)[1] if " " in auth else auth
        else:
            auth = query.get("access_token", "")
        if not auth:
            return 401, b""
        if not hmac.compare_digest(auth.encode(), self.access_token.encode()):
            return 403, b""
        return None

    # ===================================================================== ASGI
    async def _asgi(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self._websocket(scope, receive, send)

    @staticmethod
    def _scope_meta(scope: dict) -> tuple[dict[str, str], dict[str, str]]:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        qs = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        return headers, {k: v[-1] for k, v in qs.items()}

    @staticmethod
    async def _respond(send: Callable, status: int, body: bytes, ctype: str = "application/json; charset=utf-8") -> None:
        try:
            await send({"type": "http.response.start", "status": status,
                        "headers": [(b"content-type", ctype.encode()), (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
        except Exception:
            pass  # client went away (e.g. it timed out first)

    async def _respond_json(self, send: Callable, obj: Any, status: int = 200) -> None:
        await self._respond(send, status, json.dumps(obj, ensure_ascii=False).encode())

    async def _http(self, scope: dict, receive: Callable, send: Callable) -> None:
        body = b""
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers, query = self._scope_meta(scope)
        denied = self._auth_error(headers, query)
        if denied:
            await self._respond(send, denied[0], denied[1], "application/json" if denied[1] else "text/plain")
            return
        query.pop("access_token", None)
        method, path = scope["method"], scope["path"].strip("/")
        ctype = headers.get("content-type", "").split(";")[0].strip().lower()
        body_params: Any = {}
        if self._napcat:  # any body parsed as JSON whatever the Content-Type; query wins
            if body.strip():
                try:
                    body_params = json.loads(body)
                except ValueError:
                    body_params = None
                if not isinstance(body_params, dict):
                    await self._respond(send, 400, b"Invalid JSON", "text/plain; charset=utf-8")
                    return
            params = {**body_params, **query}
            if not path:
                await self._respond_json(send, self._envelope("ok", 0, message="NapCat4 Is Running"))
                return
        else:
            if method == "POST":
                if ctype == "application/json":
                    try:
                        body_params = json.loads(body)
                    except ValueError:
                        body_params = None
                    if not isinstance(body_params, dict):
                        await self._respond(send, 400, b"", "text/plain")
                        return
                elif ctype == "application/x-www-form-urlencoded":
                    body_params = {k: v[-1] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
                else:
                    await self._respond(send, 406, b"", "text/plain")
                    return
            elif method != "GET":
                await self._respond(send, 405, b"", "text/plain")
                return
            params = {**query, **body_params}
            if not path:  # go-cqhttp: POST / {"action": ..., "params": {...}}
                path, params = str(params.get("action") or ""), params.get("params") or {}
        await self._http_action(path, params, send, receive)

    async def _http_action(self, action: str, params: Any, send: Callable, receive: Callable) -> None:
        with self._lock:
            fault = self._faults.pop(0) if self._faults else self._sticky_fault
        if fault in ("reset", "http500", "failed"):
            with self._lock:
                self.calls.append((_split_suffix(action)[0], coerce_params(params if isinstance(params, dict) else {})))
            if fault == "reset":
                await self._abort(send)
            elif fault == "http500":
                await self._respond(send, 500, b"Internal Server Error", "text/plain")
            else:
                err = ActionError("API_ERROR", "模拟故障: 请求失败", "模拟故障: 请求失败")
                await self._respond_json(send, self._failed(err, ws=False))
            return
        envelope = self._call(action, params, ws=False)
        if fault in ("slow", "timeout"):
            if not await self._linger(self.slow_seconds if fault == "slow" else self.timeout_seconds, receive):
                await self._abort(send)  # server stopping: the in-flight call dies like on a real crash
                return
        await self._respond_json(send, envelope)

    async def _linger(self, seconds: float, receive: Callable) -> bool:
        """Sleep before answering; stop early if the client hangs up. False if the server is stopping."""
        waits = [asyncio.ensure_future(asyncio.sleep(seconds)), asyncio.ensure_future(receive())]
        if self._stopping is not None:
            waits.append(asyncio.ensure_future(self._stopping.wait()))
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waits:
                task.cancel()
        return not (self._stopping is not None and self._stopping.is_set())

    @staticmethod
    async def _abort(send: Callable) -> None:
        """Drop the TCP connection without any response bytes (uvicorn keeps its transport on ``send``)."""
        transport = getattr(getattr(send, "__self__", None), "transport", None)
        if transport is None:
            raise ConnectionAbortedError("simulated reset")
        transport.abort()
        await asyncio.sleep(0.05)  # let connection_lost mark the cycle disconnected

    # ================================================================ WebSocket
    async def _websocket(self, scope: dict, receive: Callable, send: Callable) -> None:
        if (await receive())["type"] != "websocket.connect":
            return
        headers, query = self._scope_meta(scope)
        path = "/" + scope["path"].strip("/")
        if path not in ("/", "/api", "/event"):
            await send({"type": "websocket.close", "code": 1008})
            return
        denied = self._auth_error(headers, query)
        if denied and self._napcat:  # NapCat accepts, reports 1403, then closes
            await send({"type": "websocket.accept"})
            env = self._envelope("failed", 1403, message="token验证失败")
            await send({"type": "websocket.send", "text": json.dumps(env, ensure_ascii=False)})
            await send({"type": "websocket.close", "code": 1000})
            return
        if denied:
            if "websocket.http.response" in scope.get("extensions", {}):
                await send({"type": "websocket.http.response.start", "status": denied[0],
                            "headers": [(b"content-type", b"text/plain")]})
                await send({"type": "websocket.http.response.body", "body": denied[1]})
            else:
                await send({"type": "websocket.close", "code": 1008})
            return
        await send({"type": "websocket.accept"})
        conn = _WsConn(path, events=path != "/api")
        if conn.events:
            conn.queue.put_nowait(self._lifecycle_connect())
        with self._lock:
            self._ws_conns.append(conn)
        sender = asyncio.create_task(self._ws_sender(conn, send))
        try:
            while True:
                message = await receive()
                if message["type"] == "websocket.disconnect":
                    break
                if path == "/event":
                    continue  # event-only socket: inbound frames are ignored
                text = message.get("text") or (message.get("bytes") or b"").decode("utf-8", "replace")
                conn.queue.put_nowait(self._ws_reply(text))
        finally:
            with self._lock:
                if conn in self._ws_conns:
                    self._ws_conns.remove(conn)
            sender.cancel()

    async def _ws_sender(self, conn: _WsConn, send: Callable) -> None:
        """Serialise all outbound frames of one socket (events and API replies)."""
        try:
            while True:
                item = await conn.queue.get()
                if item is _CLOSE:
                    await send({"type": "websocket.close", "code": 1001})
                    return
                await send({"type": "websocket.send", "text": json.dumps(item, ensure_ascii=False)})
        except Exception:
            return

    def _ws_reply(self, text: str) -> dict:
        """Answer one API frame: envelope + the same ``echo`` (1.1(c))."""
        try:
            frame = json.loads(text)
            if not isinstance(frame, dict):
                raise ValueError
        except ValueError:
            env = self._envelope("failed", 1400, message="请求格式错误", msg="BAD_REQUEST")
            env["echo"] = None
            return env
        env = self._call(str(frame.get("action") or ""), frame.get("params") or {}, ws=True)
        if "echo" in frame or self._napcat:
            env["echo"] = frame.get("echo")
        return env

    def _lifecycle_connect(self) -> dict:
        event = self._event("meta_event", meta_event_type="lifecycle", sub_type="connect")
        with self._lock:
            self.events.append(event)
        return event

    async def _heartbeat_loop(self) -> None:
        assert self.heartbeat_interval
        while True:
            await asyncio.sleep(self.heartbeat_interval)
            with self._lock:
                status = self._a_get_status({})
            self._emit(self._event("meta_event", meta_event_type="heartbeat", status=status,
                                   interval=int(self.heartbeat_interval * 1000)))

    async def _reverse_ws_loop(self) -> None:
        """Reverse WS (1.1(d)): dial the console as a Universal client, reconnect on loss."""
        from websockets.asyncio.client import connect

        headers = {"X-Self-ID": str(self.self_id), "X-Client-Role": "Universal"}
        if self.access_token:
            headers["Authorization"] = f"Bearer {self.access_token}"
        while True:
            try:
                async with connect(self.reverse_ws_url, additional_headers=headers, open_timeout=3,
                                   close_timeout=1, ping_interval=None) as ws:
                    conn = _WsConn("reverse", reverse=True)
                    conn.queue.put_nowait(self._lifecycle_connect())
                    with self._lock:
                        self._ws_conns.append(conn)
                        self.reverse_ws_connects += 1

                    async def pump() -> None:
                        while (item := await conn.queue.get()) is not _CLOSE:
                            await ws.send(json.dumps(item, ensure_ascii=False))
                        await ws.close(1001)

                    sender = asyncio.create_task(pump())
                    try:
                        async for text in ws:
                            conn.queue.put_nowait(self._ws_reply(text if isinstance(text, str) else text.decode()))
                    finally:
                        sender.cancel()
                        with self._lock:
                            if conn in self._ws_conns:
                                self._ws_conns.remove(conn)
            except asyncio.CancelledError:
                raise
            except Exception:
                pass
            await asyncio.sleep(self.reverse_ws_reconnect_interval)

    # ========================================================== event delivery
    def _emit(self, event: dict) -> dict:
        """Record an event and push it to every event-receiving WS and the POST queue."""
        with self._lock:
            self.events.append(event)
            conns = [c for c in self._ws_conns if c.events]
            loop = self._loop
            if self.post_url:
                self._post_queue.put(event)
        if loop is not None:
            for conn in conns:
                try:
                    loop.call_soon_threadsafe(conn.queue.put_nowait, event)
                except RuntimeError:
                    pass  # loop shutting down
        return event

    def sign(self, body: bytes) -> str | None:
        """``X-Signature`` value for a POST body: go-cqhttp keys with ``secret``, NapCat with the token."""
        key = self.access_token if self._napcat else self.secret
        if not key:
            return None
        return "sha1=" + hmac.new(key.encode(), body, hashlib.sha1).hexdigest()

    def _post_worker(self, stop: threading.Event) -> None:
        with httpx.Client(timeout=self.post_timeout, trust_env=False) as client:
            while not stop.is_set():
                try:
                    event = self._post_queue.get(timeout=0.05)
                except queue.Empty:
                    continue
                try:
                    self._deliver(client, event)
                except Exception:
                    with self._delivered_cond:
                        self.delivered.append((event, 0))
                        self._delivered_cond.notify_all()

    def _deliver(self, client: httpx.Client, event: dict) -> None:
        """POST one event (1.1(b)); apply a quick-operation reply (1.5) before recording it."""
        url = self.post_url
        if not url:
            return
        body = json.dumps(event, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", "X-Self-ID": str(self.self_id)}
        if not self._napcat:
            headers["User-Agent"] = "CQHttp/4.15.0"
        signature = self.sign(body)
        if signature:
            headers["X-Signature"] = signature
        if self._napcat:
            headers = {k.lower(): v for k, v in headers.items()}
        for attempt in range(self.post_max_retries + 1):
            try:
                resp = client.post(url, content=body, headers=headers)
            except httpx.HTTPError:
                status = 0
            else:
                status = resp.status_code
                self._quick_reply(event, resp)
            with self._delivered_cond:
                self.delivered.append((event, status))
                self._delivered_cond.notify_all()
            if status or attempt == self.post_max_retries:
                return
            time.sleep(self.post_retries_interval)

    def _quick_reply(self, event: dict, resp: httpx.Response) -> None:
        if resp.status_code != 200 or not resp.content.strip():
            return  # 204 / empty body: no quick operation
        try:
            operation = resp.json()
        except ValueError:
            return
        if isinstance(operation, dict) and operation:
            results = self.apply_quick_operation(event, operation)
            with self._lock:
                self.post_replies.append({"event": event, "operation": operation, "results": results})
