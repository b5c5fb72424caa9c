"""Reverse WebSocket: the bridge dials shequn (OneBot v11 ``ws-reverse``, intake = reverse_ws).

The bridge (NapCat "WebSocket client", Lagrange ``ReverseWebSocket``, go-cqhttp
``ws-reverse``) connects to ``ws://HOST:PORT/hooks/qq/<connection>/ws`` and says who it
is in the handshake: ``X-Self-ID`` (the bot's QQ number), ``X-Client-Role`` (``Universal``:
events and API calls on one socket; ``Event`` / ``API``: go-cqhttp's two sockets when
separate URLs are configured, ``/ws/event`` and ``/ws/api`` name the role when a bridge
sends no header) and its access token (``Authorization: Bearer <token>``; go-cqhttp
writes ``Token <token>``; a query ``access_token`` is read too). A missing or wrong
token is refused at the handshake (401 / 403, counted like a refused webhook), so is
another account's ``X-Self-ID`` (403) and a role OneBot has not (400).

Nothing is acknowledged on a OneBot socket: once the bridge has written an event it
forgets it. So shequn accepts a socket only while the store takes events (503 at the
handshake otherwise, as a webhook is answered), hands each event to the durable intake
in the order it came and waits for it to be committed before the next (a Receipt, as
HTTP POST does before its 204), and should the store fail it closes the socket with
1013 ("try again later"): the bridge reconnects and the connection shows why, instead
of events piling up in memory.

Actions go back over an ``API`` or ``Universal`` socket as ``{"action", "params",
"echo"}``; the answer with the same ``echo`` settles the call (``answers.read_answer``
reads it like an HTTP answer). With no such socket connected, actions use ``base_url``
when it is set (go-cqhttp with only an Event socket), else they wait for the bridge
(retry: "not connected").
"""

from __future__ import annotations

import asyncio
import hmac
import itertools
import json
import logging
import time
from typing import Any

import httpx

from shequn import ActionResult, Route, WebSocketRequest, WebhookResult

from .answers import BridgeError
from .health import timed_out
from .lookups import complete

log = logging.getLogger("shequn.qq")

ROLES = {"universal": "Universal", "event": "Event", "api": "API"}
PATHS = {"/ws": None, "/ws/event": "Event", "/ws/api": "API"}  # the path names the role when no header does
STORE_FAILED = 1013  # WebSocket close code "try again later"
QUEUE_LIMIT = 1000  # events read but not yet stored, per socket; beyond it reading waits


class SocketClosed(Exception):
    """The bridge's socket closed while a call waited for its answer."""


class ReverseSocket:
    """One socket the bridge opened: its role, sender, and the calls awaiting answers."""

    def __init__(self, role: str, account: str | None, send: Any):
        self.role, self.account, self._send = role, account, send
        self.pending: dict[str, asyncio.Future] = {}
        self.lock = asyncio.Lock()  # one frame at a time (events' answers and calls interleave)
        self.closed = False

    @property
    def carries_api(self) -> bool:
        return self.role in ("Universal", "API")

    async def send_json(self, obj: dict[str, Any]) -> None:
        async with self.lock:
            if self.closed:
                raise SocketClosed()
            await self._send({"type": "websocket.send", "text": json.dumps(obj, ensure_ascii=False)})

    async def close(self, code: int = 1000, reason: str = "") -> None:
        async with self.lock:
            if not self.closed:
                self.closed = True
                try:
                    await self._send({"type": "websocket.close", "code": code, "reason": reason[:120]})
                except Exception:  # noqa: BLE001 - already gone
                    pass
        self.fail_pending()

    def settle(self, env: dict[str, Any]) -> bool:
        fut = self.pending.get(str(env.get("echo")))
        if fut is None or fut.done():
            return False
        fut.set_result(env)
        return True

    def fail_pending(self) -> None:
        self.closed = True
        for fut in self.pending.values():
            if not fut.done():
                fut.set_exception(SocketClosed())


class ReverseWsIntake:
    """The reverse-WebSocket side of ``QQConnector`` (a mixin): the route, the handshake,
    reading, and calls over the socket. Needs the connector's ``name``, ``config``,
    ``self_id``, ``sink``, ``read``/``_seen``/``_dead`` (intake.py) and its state changes."""

    _echoes = itertools.count(1)

    def reverse_routes(self) -> list[Route]:
        return [Route(p, ("WEBSOCKET",), self.handle_reverse) for p in PATHS]  # type: ignore[arg-type]

    _reverse: list[ReverseSocket]

    @property
    def reverse_sockets(self) -> list[ReverseSocket]:
        return self._reverse

    def api_socket(self) -> ReverseSocket | None:
        """The newest open socket that carries API calls (None: none is connected)."""
        for sock in reversed(self.reverse_sockets):
            if sock.carries_api and not sock.closed:
                return sock
        return None

    def _handshake(self, req: WebSocketRequest) -> tuple[str, str | None] | WebhookResult:
        """(role, account) from the handshake, or the refusal."""
        token = self.config["access_token"]
        if token:
            given = req.query.get("access_token", "")
            auth = req.headers.get("authorization", "")
            if auth:
                scheme, _, value = auth.partition(" ")
                given = value.strip() if scheme.lower() in ("bearer", "token") else ""
            if not given:
                return WebhookResult(401, b"missing access token", error=f"{self.name}: reverse WebSocket without "
                                     "an access token refused (no Authorization: Bearer header)")
            if not hmac.compare_digest(given.encode(), str(token).encode()):
                return WebhookResult(403, b"wrong access token", error=f"{self.name}: reverse WebSocket with a wrong "
                                     "access token refused")
        account = req.headers.get("x-self-id", "").strip() or None
        if self.self_id and account and account != self.self_id:
            return WebhookResult(403, b"wrong account", error=f"{self.name}: reverse WebSocket of account {account} "
                                 f"refused, this connection is {self.self_id}")
        said = req.headers.get("x-client-role", "").strip()
        role = ROLES.get(said.lower()) if said else (PATHS.get(req.path.rstrip("/")) or "Universal")
        if role is None:
            return WebhookResult(400, b"unknown X-Client-Role", error=f"{self.name}: reverse WebSocket with "
                                 f"X-Client-Role {said!r} refused (Universal, Event or API)")
        return role, account

    async def handle_reverse(self, req: WebSocketRequest) -> WebhookResult | None:
        """The bridge's socket from handshake to close (see the module docstring)."""
        shaken = self._handshake(req)
        if isinstance(shaken, WebhookResult):
            return shaken
        role, account = shaken
        await req.send({"type": "websocket.accept"})
        sock = ReverseSocket(role, account, req.send)
        if account and not self.self_id:
            self.self_id = account  # the bridge says which account it is: its own messages are told apart
        self.reverse_sockets.append(sock)
        self._online()
        queue: asyncio.Queue = asyncio.Queue(QUEUE_LIMIT)
        storer = asyncio.create_task(self._store_frames(sock, queue, req))
        watchdog = asyncio.create_task(self._reverse_watchdog(sock))
        try:
            while True:
                message = await req.receive()
                if message["type"] == "websocket.disconnect":
                    break
                text = message.get("text")
                frame = text if text is not None else (message.get("bytes") or b"")
                if self._reverse_answer(sock, frame):
                    continue
                if role == "API":
                    continue  # an API socket carries no events
                await queue.put(frame)
        finally:
            sock.fail_pending()
            watchdog.cancel()
            await queue.put(None)  # what was read is still stored, in order
            await asyncio.gather(storer, watchdog, return_exceptions=True)
            if sock in self.reverse_sockets:
                self.reverse_sockets.remove(sock)
            if not any(not s.closed for s in self.reverse_sockets) and not self._stopping.is_set():
                self._offline(f"the bridge closed its reverse WebSocket ({role})")
        return None

    def _reverse_answer(self, sock: ReverseSocket, frame: str | bytes) -> bool:
        """True when ``frame`` is an answer to a call (settled here), not an event."""
        try:
            raw = json.loads(frame)
        except (ValueError, RecursionError):
            return False
        if not isinstance(raw, dict) or "post_type" in raw or not ("retcode" in raw or "status" in raw):
            return False
        if not sock.settle(raw):
            log.info("%s: an answer with echo %r that no call waits for (late or not ours)", self.name,
                     raw.get("echo"))
        return True

    async def _store_frames(self, sock: ReverseSocket, queue: asyncio.Queue, req: WebSocketRequest) -> None:
        """Events of one socket, in order: read, completed, stored (the receipt awaited)."""
        while (frame := await queue.get()) is not None:
            events = self.parse_payload(frame, "reverse websocket")
            if not events:
                continue
            await complete(self, events)
            receipt = self.sink.events(events)
            if receipt is None:
                continue
            try:
                await receipt.wait()
            except Exception as e:  # noqa: BLE001 - StoreUnavailable, or the loop closing
                why = req.unavailable() or f"not stored: {e}"
                self.sink.state("error", f"{self.name}: events from the bridge could not be stored ({why}); "
                                "the reverse WebSocket was closed so the bridge reconnects")
                await sock.close(STORE_FAILED, "store unavailable")
                return

    async def _reverse_watchdog(self, sock: ReverseSocket) -> None:
        """No frame for heartbeat_timeout: the bridge hangs; close so it reconnects."""
        limit = float(self.config["heartbeat_timeout"])
        self.last_seen = time.monotonic()
        while not sock.closed:
            await asyncio.sleep(min(limit / 4, 5.0))
            quiet = time.monotonic() - self.last_seen
            if quiet > limit:
                self._offline(f"no heartbeat from the bridge for {int(quiet)} s")
                await sock.close(1001, "no heartbeat")
                return

    async def reverse_call(self, sock: ReverseSocket, action: str, params: dict[str, Any],
                           idempotent: bool) -> httpx.Response:
        """One call over the bridge's socket; its answer as an HTTP response for ``read_answer``."""
        where = f"{self.name}: {action}"
        echo = f"shequn-{next(self._echoes)}"
        fut = asyncio.get_running_loop().create_future()
        sock.pending[echo] = fut
        try:
            try:
                await sock.send_json({"action": action, "params": params, "echo": echo})
            except Exception:  # noqa: BLE001 - the socket closed before the call left
                raise BridgeError(f"{where}: socket closed", ActionResult.retry(
                    "the bridge's reverse WebSocket closed before the request was sent")) from None
            try:
                env = await asyncio.wait_for(fut, float(self.config["timeout"]))
            except (asyncio.TimeoutError, SocketClosed) as e:
                raise timed_out(where, isinstance(e, asyncio.TimeoutError), idempotent) from None
        finally:
            sock.pending.pop(echo, None)
        return httpx.Response(200, json=env)

    async def close_reverse(self) -> None:
        for sock in list(self.reverse_sockets):
            await sock.close(1001, "shequn is stopping")
