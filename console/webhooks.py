"""The webhook server: one ASGI app on which every connection mounts its routes.

URL scheme: ``/hooks/<platform>/<connection><route.path>``; each connection's
connector declares its routes (console.connector.Route) and gets the raw body, so
signatures are checked over the exact bytes the platform signed.

What the server guarantees, whatever the connector:

- a body larger than ``max_body_bytes`` is refused with 413 before it is read in full;
- an unknown platform/connection/route is 404;
- a handler's refusal (``WebhookResult.error`` with 401/403: unsigned, bad signature);
- these three are requests nobody authenticated, so they are counted, not stored
  (console.refusals: per day, cause and connection, with a short sample, capped and
  kept 30 days): the URL cannot fill the disk, and a mistyped URL in a bridge's config
  still shows up;
- any other ``WebhookResult.error`` (a signed but malformed body, 400) stores a dead
  letter; a handler that raises answers 500 and stores a dead letter (the body's head),
  and the server keeps serving;
- accepted events go to the connection's sink (the runtime's batched ingest) and the
  connector's answer (QQ: 204) is sent only once they are stored: a platform that got a
  2xx does not deliver again (console.intake). While the store is not taking events
  (start-up, a full disk, a write error) a webhook is answered 503 with ``Retry-After``,
  so the platform keeps the event; ``GET /healthz`` answers 200 ``ok`` only when events
  can be stored, 503 and the reason otherwise (for uptime checks and reverse proxies).
"""

from __future__ import annotations

import logging
from typing import Awaitable, Callable
from urllib.parse import parse_qsl

from .connector import Connector, Route, WebhookRequest, WebSocketRequest
from .model import DeadLetter
from .refusals import Refusals

log = logging.getLogger("shequn.webhooks")

Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]
DEAD_HEAD_BYTES = 64 * 1024  # what is kept of an oversized body
RETRY_AFTER = b"5"  # seconds, on a 503: the store is starting or cannot write


class WebhookApp:
    """ASGI app serving every connector's routes.

    ``connectors`` maps connection names to running connectors; their ``sink`` gets
    events and dead letters. ``dead_letter`` receives letters that belong to no known
    connection (404s)."""

    def __init__(self, connectors: dict[str, Connector], *, max_body_bytes: int = 1_048_576,
                 dead_letter: Callable[[DeadLetter], None] | None = None,
                 unavailable: Callable[[], str | None] = lambda: None, refusals: Refusals | None = None,
                 health: Callable[[], str | None] | None = None):
        self.connectors = connectors
        self.health = health or unavailable  # /healthz: also fails while a loop of the engine restarts
        self.refusals = refusals if refusals is not None else Refusals()
        self.unavailable = unavailable  # why events cannot be stored now (None: they can)
        self.max_body_bytes = max_body_bytes
        self.fallback_dead_letter = dead_letter
        self.requests = 0
        self.accepted = 0
        self.refused = 0

    def routes(self) -> list[tuple[str, str, Route]]:
        """(url path, connection, route) for every mounted route (for logs and docs)."""
        out = []
        for name, c in self.connectors.items():
            for r in c.routes():
                out.append((f"/hooks/{c.platform}/{name}{r.path}", name, r))
        return out

    def find(self, path: str) -> tuple[Connector | None, str | None, Route | None]:
        parts = path.split("/", 4)  # '', 'hooks', platform, connection, rest
        if len(parts) < 4 or parts[1] != "hooks":
            return None, None, None
        platform, name = parts[2], parts[3]
        rest = "/" + parts[4] if len(parts) > 4 else ""
        c = self.connectors.get(name)
        if c is None or c.platform != platform:
            return None, name, None
        for r in c.routes():
            if r.path.rstrip("/") == rest.rstrip("/"):
                return c, name, r
        return c, name, None

    async def __call__(self, scope: dict, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                msg = await receive()
                if msg["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif msg["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
            return
        if scope["type"] != "http":
            return
        self.requests += 1
        path, method = scope["path"], scope["method"].upper()
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if path == "/healthz" and method in ("GET", "HEAD"):
            why = self.health()
            await (_respond(send, 200, b"ok") if why is None else _respond(send, 503, why.encode(), retry=True))
            return
        connector, name, route = self.find(path)
        if route is None:
            body, _ = await _read(receive, self.max_body_bytes)
            what = (f"no connection {name!r} for this platform" if connector is None and name
                    else f"connection {name!r} has no route {path!r}" if connector else "not a webhook URL")
            cause = "404 unknown connection" if connector is None and name else \
                "404 unknown route" if connector else "404 not a webhook URL"
            self._refused(cause, name, method, path, f"not found: {what}", body)
            await _respond(send, 404, f"not found: {what}".encode())
            return
        assert connector is not None and name is not None
        if method not in route.methods:
            await _respond(send, 405, b"method not allowed")
            return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            self._refused("413 body too large", name, method, path, f"body of {declared} bytes is over "
                          f"serve.max_body_bytes ({self.max_body_bytes})", b"")
            await _respond(send, 413, b"request body too large")
            return
        body, too_big = await _read(receive, self.max_body_bytes)
        if too_big:
            self._refused("413 body too large", name, method, path,
                          f"body over serve.max_body_bytes ({self.max_body_bytes})", body)
            await _respond(send, 413, b"request body too large")
            return
        why = self.unavailable()
        if why is not None:  # not stored, so not acknowledged: the platform keeps the event
            await _respond(send, 503, why.encode(), retry=True)
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
        rest = path[len(f"/hooks/{connector.platform}/{name}"):]
        req = WebhookRequest(method=method, path=rest, query=query, headers=headers, body=body)
        try:
            result = await route.handler(req)
        except Exception as e:  # a connector bug must not take the server down
            log.exception("webhook handler of %s failed", name)
            self._dead(connector, name, f"500: the {connector.platform} handler raised {type(e).__name__}: {e}",
                       body[:DEAD_HEAD_BYTES], headers)
            await _respond(send, 500, b"internal error")
            return
        if result.error and result.status in (401, 403):  # not authenticated: counted, not stored
            self.refused += 1
            self._refused(f"{result.status} refused by the connector", name, method, path, result.error, body)
        elif result.error:
            self._dead(connector, name, result.error, body, headers)
        if result.events:
            receipt = connector.sink.events(result.events)
            if receipt is not None:
                try:
                    await receipt.wait()
                except Exception as e:  # noqa: BLE001 - StoreUnavailable, or the loop closing
                    why = self.unavailable() or f"not stored: {e}"  # the words in the operator's language
                    await _respond(send, 503, why.encode(), retry=True)
                    return
            self.accepted += len(result.events)
        await _respond(send, result.status, result.body, result.content_type)

    async def _websocket(self, scope: dict, receive: Receive, send: Send) -> None:
        """A platform that dials shequn (QQ's reverse WebSocket) on a route declared with the
        method ``WEBSOCKET``. Refused at the handshake with an HTTP status (so the bridge
        logs why): 404 for an unknown URL, 503 while the store cannot take events (nothing
        would be stored, so nothing is accepted), the handler's 401/403/400; a 401/403
        or 404 is counted like a refused webhook."""
        if (await receive())["type"] != "websocket.connect":
            return
        self.requests += 1
        path = scope["path"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        connector, name, route = self.find(path)
        if route is None or "WEBSOCKET" not in route.methods:
            self._refused("404 unknown route", name, "WEBSOCKET", path, f"not found: no WebSocket at {path!r}", b"")
            await _deny(scope, send, 404, b"not found")
            return
        assert connector is not None
        why = self.unavailable()
        if why is not None:
            await _deny(scope, send, 503, why.encode())
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
        req = WebSocketRequest(path[len(f"/hooks/{connector.platform}/{name}"):], query, headers, receive, send,
                               self.unavailable)
        try:
            result = await route.handler(req)  # type: ignore[arg-type]
        except Exception:  # a connector bug must not take the server down
            log.exception("WebSocket handler of %s failed", name)
            return
        if result is not None:
            if result.status in (401, 403):
                self.refused += 1
                self._refused(f"{result.status} refused by the connector", name, "WEBSOCKET", path,
                              result.error or "refused", b"")
            await _deny(scope, send, result.status, result.body)

    def _refused(self, cause: str, name: str | None, method: str, path: str, error: str, body: bytes) -> None:
        if self.refusals.note(cause, name, method, path, error, body):
            log.warning("webhook request refused (%s): %s; further ones are counted in refused_requests", cause, error)

    def _dead(self, connector: Connector | None, name: str | None, error: str, body: bytes,
              headers: dict[str, str]) -> None:
        safe = {k: v for k, v in headers.items() if k not in ("authorization", "cookie")}
        letter = DeadLetter(name if connector else None, "webhook", error, body, safe)
        log.warning("webhook dead letter: %s", error)
        if connector is not None:
            connector.sink.dead_letter(letter)
        elif self.fallback_dead_letter is not None:
            self.fallback_dead_letter(letter)


async def _deny(scope: dict, send: Send, status: int, body: bytes) -> None:
    """Refuse a WebSocket handshake with an HTTP status (a bare close when the server
    cannot answer one)."""
    if "websocket.http.response" in scope.get("extensions", {}):
        await send({"type": "websocket.http.response.start", "status": status,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
        await send({"type": "websocket.http.response.body", "body": body})
    else:
        await send({"type": "websocket.close", "code": 1013 if status == 503 else 1008})


async def _read(receive: Receive, limit: int) -> tuple[bytes, bool]:
    """The body, up to ``limit`` bytes; (head, True) when it is larger (the rest is drained)."""
    chunks: list[bytes] = []
    size = 0
    too_big = False
    while True:
        msg = await receive()
        if msg["type"] == "http.disconnect":
            break
        chunk = msg.get("body", b"")
        size += len(chunk)
        if size > limit:
            too_big = True
        elif chunk:
            chunks.append(chunk)
        if not msg.get("more_body"):
            break
    return b"".join(chunks), too_big


async def _respond(send: Send, status: int, body: bytes = b"", content_type: str = "text/plain; charset=utf-8",
                   retry: bool = False) -> None:
    headers: list[tuple[bytes, bytes]] = [] if status == 204 else [(b"content-length", str(len(body)).encode())]
    if retry:
        headers.append((b"retry-after", RETRY_AFTER))
    if body and status != 204:
        headers.append((b"content-type", content_type.encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body if status != 204 else b""})


def build_app(connectors: dict[str, Connector], *, max_body_bytes: int = 1_048_576,
              dead_letter: Callable[[DeadLetter], None] | None = None,
              unavailable: Callable[[], str | None] = lambda: None,
              refusals: Refusals | None = None, health: Callable[[], str | None] | None = None) -> WebhookApp:
    """The app for these connectors (only those that declare webhook routes get URLs);
    ``unavailable`` says why events cannot be stored now (None: they can)."""
    return WebhookApp(connectors, max_body_bytes=max_body_bytes, dead_letter=dead_letter, unavailable=unavailable,
                      refusals=refusals, health=health)


__all__ = ["WebhookApp", "build_app"]
