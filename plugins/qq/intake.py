"""How events get in from a OneBot bridge: HTTP POST reporting or a forward WebSocket.

The operator chooses the intake per connection:

- ``http_post``: the bridge POSTs each event to shequn's webhook server at
  ``/hooks/qq/<connection>``; the body is verified with ``X-Signature:
  sha1=HMAC-SHA1(secret, raw body)`` in constant time and answered 204 at once;
- ``websocket``: shequn connects to the bridge's forward WebSocket, reconnects with
  backoff, and treats missing heartbeats as the bridge being offline.

Both paths read a payload the same way (:meth:`OneBotIntake.read`): a body that is no
JSON, JSON nested too deep, an event that cannot be one (``Infinity`` as a time, a
duration that is no number) or an event for another account (``self_id`` in the body
when no ``X-Self-ID`` header says it) is refused (HTTP 400 / 403, a dead letter on the
socket), never a 500. Events are then completed with what the bridge knows
(``lookups.py``: a newcomer's name, the group the bot is invited to) before they are
handed over, in order.

QQ pushing the account offline (``bot_offline``) takes the connection offline with the
platform's words until the account is back (a lifecycle event, or an event that is not a
heartbeat): heartbeats alone do not bring it back, nor the bridge answering calls, since
the bridge runs on while QQ has logged the account out.

A mixin of ``QQConnector`` rather than part of it because receiving (verifying,
parsing, dead-lettering, watching the socket) shares nothing with acting except the
connection's online state, which the connector keeps (``_online`` / ``_offline``).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import random
import time
from typing import Any

from shequn import DeadLetter, Event, Kind, Route, WebhookRequest, WebhookResult

from .cq import CQError
from .lookups import complete
from .normalize import EventError, normalize


class Refused(ValueError):
    """A payload refused before it became an event: the HTTP status and the reason."""

    def __init__(self, status: int, short: bytes, reason: str):
        super().__init__(reason)
        self.status, self.short, self.reason = status, short, reason


class OneBotIntake:
    """Events from the bridge into the connection's sink. Needs the connector's ``name``,
    ``config``, ``sink``, ``self_id``, ``last_seen``, ``reconnects``, ``_stopping`` and
    its ``_online`` / ``_offline`` state changes."""

    forced_offline: str | None = None  # QQ's words when it pushed the account offline (bot_offline)

    def read(self, body: bytes | str, header_self_id: str | None = None) -> Event:
        """One payload as an event, or :class:`Refused` (400: not an event; 403: another account)."""
        try:
            raw = json.loads(body)
        except (ValueError, UnicodeDecodeError) as e:
            raise Refused(400, b"body is not JSON", f"body is not JSON: {e}") from None
        except RecursionError:
            raise Refused(400, b"body is not JSON", "body is JSON nested too deep to read") from None
        sid = header_self_id or (str(raw.get("self_id")) if isinstance(raw, dict)
                                 and raw.get("self_id") not in (None, "") else None)
        if self.self_id and sid and sid != self.self_id:
            raise Refused(403, b"wrong account", f"event is for account {sid}, this connection is {self.self_id}")
        try:
            return normalize(self.name, raw)
        except (EventError, CQError) as e:
            raise Refused(400, b"not a OneBot event", f"not a usable OneBot event: {e}") from None

    def parse_payload(self, body: bytes | str, source: str, headers: dict[str, str] | None = None) -> list[Event]:
        """Raw bytes from the bridge as events; a broken payload becomes a dead letter (and [])."""
        try:
            event = self.read(body)
        except Refused as e:
            self._dead(source, e.reason, body, headers)
            return []
        return self._seen(event)

    def _seen(self, event: Event) -> list[Event]:
        """Update the online state from an event; the events to hand over ([] for a
        heartbeat while QQ has the account logged out: it would read as online)."""
        self.last_seen = time.monotonic()
        d = event.data
        if event.kind == Kind.LIFECYCLE and d.get("reason") == "bot_offline":
            words = d.get("words") or "no reason given"
            self.forced_offline = words
            self.online = None  # so the state change below is sent with the words even when offline already
            self._offline(f"QQ logged the account out: {words}")
        elif event.kind == Kind.HEARTBEAT and (self.forced_offline or d.get("online") is False):
            if not self.forced_offline:
                self._offline("the bridge reports QQ as logged out (heartbeat online = false)")
            return [] if self.forced_offline else [event]
        elif event.kind == Kind.LIFECYCLE and d.get("sub_type") == "disable":
            self._offline("the bridge disabled OneBot (lifecycle disable)")
        else:
            self.forced_offline = None  # a lifecycle connect or a real event: the account is back
            self._online()
        return [event]

    def _dead(self, source: str, error: str, body: bytes | str, headers: dict[str, str] | None) -> None:
        self.sink.dead_letter(DeadLetter(self.name, source, f"{self.name}: {error}", body,
                                         {k: v for k, v in (headers or {}).items() if k != "authorization"}))

    def routes(self) -> list[Route]:
        # only what the intake needs is mounted: a forward websocket connection has no URL to attack
        if self.config["intake"] == "reverse_ws":
            return self.reverse_routes()  # reverse_ws.py
        return [Route("", ("POST",), self.handle_post)] if self.config["intake"] == "http_post" else []

    async def handle_post(self, req: WebhookRequest) -> WebhookResult:
        """HTTP POST reporting: verify, answer 204 (no quick operation), hand events over."""
        # go-cqhttp signs with its secret, NapCat with its token: either configured key may sign
        keys = [k for k in (self.config["secret"], self.config["access_token"]) if k]
        sig = req.headers.get("x-signature", "")
        if not sig:
            return WebhookResult(401, b"missing X-Signature", error=f"{self.name}: unsigned event refused "
                                 "(no X-Signature header); is the bridge's secret set?")
        given = sig.strip().lower().encode()
        good = [hmac.compare_digest(given, ("sha1=" + hmac.new(str(k).encode(), req.body, hashlib.sha1).hexdigest())
                                    .encode()) for k in keys]  # all compared: timing does not tell which
        if not any(good):
            return WebhookResult(403, b"bad signature", error=f"{self.name}: forged or mis-signed event refused "
                                 "(X-Signature does not match the secret)")
        try:
            event = self.read(req.body, req.headers.get("x-self-id"))
        except Refused as e:
            return WebhookResult(e.status, e.short, error=f"{self.name}: {e.reason}")
        events = self._seen(event)
        await complete(self, events)
        return WebhookResult(204, events=events)

    async def _ws_loop(self) -> None:
        """Forward WebSocket: connect, read events, reconnect with backoff; watch heartbeats."""
        from websockets.asyncio.client import connect
        from websockets.exceptions import InvalidStatus

        url = str(self.config["ws_url"])
        headers = {"Authorization": f"Bearer {self.config['access_token']}"} if self.config["access_token"] else {}
        delay = 1.0
        while not self._stopping.is_set():
            try:
                async with connect(url, additional_headers=headers, open_timeout=5, close_timeout=1,
                                   ping_interval=20, ping_timeout=20, max_size=8 * 2**20) as ws:
                    delay = 1.0
                    self._online()
                    watchdog = asyncio.create_task(self._watchdog(ws))
                    try:
                        async for frame in ws:
                            events = self._ws_frame(frame)
                            if events:
                                await complete(self, events)  # in order: a join is named before the next frame
                                self.sink.events(events)
                    finally:
                        watchdog.cancel()
                self._offline(f"the bridge closed the WebSocket {url}")
            except asyncio.CancelledError:
                raise
            except InvalidStatus as e:
                code = e.response.status_code
                what = "refused the access token" if code in (401, 403) else f"answered HTTP {code}"
                self.online = None
                self.sink.state("error", f"{self.name}: the bridge {what} at {url}")
            except Exception as e:
                self._offline(f"WebSocket {url}: {type(e).__name__}: {e}")
            if self._stopping.is_set():
                break
            self.reconnects += 1
            await asyncio.sleep(delay * random.uniform(0.8, 1.2))
            delay = min(delay * 2, 60.0)

    def _ws_frame(self, frame: str | bytes) -> list[Event]:
        try:
            raw = json.loads(frame)
        except ValueError:
            return self.parse_payload(frame, "websocket")
        if isinstance(raw, dict) and "post_type" not in raw and ("retcode" in raw or "status" in raw):
            if raw.get("retcode") in (1401, 1403):  # NapCat: token refused, then it closes the socket
                self.sink.state("error", f"{self.name}: the bridge refused the access token on the WebSocket")
            return []  # an API answer on a universal socket: not an event
        return self.parse_payload(frame if isinstance(frame, (bytes, str)) else str(frame), "websocket")

    async def _watchdog(self, ws: Any) -> None:
        """No event or heartbeat for heartbeat_timeout: the bridge is offline; reconnect."""
        limit = float(self.config["heartbeat_timeout"])
        self.last_seen = time.monotonic()
        while True:
            await asyncio.sleep(min(limit / 4, 5.0))
            quiet = time.monotonic() - self.last_seen
            if quiet > limit:
                self._offline(f"no heartbeat from the bridge for {int(quiet)} s")
                await ws.close()
                return
