"""How events get in from a OneBot bridge: HTTP POST reporting or a forward WebSocket.

The operator chooses the intake per connection:

- ``http_post``: the bridge POSTs each event to shequn's webhook server at
  ``/hooks/qq/<connection>``; the body is verified with ``X-Signature:
  sha1=HMAC-SHA1(secret, raw body)`` in constant time and answered 204 at once;
- ``websocket``: shequn connects to the bridge's forward WebSocket, reconnects with
  backoff, and treats missing heartbeats as the bridge being offline.

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

from console.connector import Route, WebhookRequest, WebhookResult
from console.model import DeadLetter, Event, Kind

from .cq import CQError
from .normalize import EventError, normalize


class OneBotIntake:
    """Events from the bridge into the connection's sink. Needs the connector's ``name``,
    ``config``, ``sink``, ``self_id``, ``last_seen``, ``reconnects``, ``_stopping`` and
    its ``_online`` / ``_offline`` state changes."""

    def parse_payload(self, body: bytes | str, source: str, headers: dict[str, str] | None = None) -> list[Event]:
        """Raw bytes from the bridge as events; a broken payload becomes a dead letter (and [])."""
        try:
            raw = json.loads(body)
        except (ValueError, UnicodeDecodeError) as e:
            self._dead(source, f"body is not JSON: {e}", body, headers)
            return []
        try:
            event = normalize(self.name, raw)
        except (EventError, CQError) as e:
            self._dead(source, f"not a usable OneBot event: {e}", body, headers)
            return []
        if self.self_id and isinstance(raw, dict) and raw.get("self_id") not in (None, "") \
                and str(raw.get("self_id")) != self.self_id:
            self._dead(source, f"event is for account {raw.get('self_id')}, this connection is {self.self_id}",
                       body, headers)
            return []
        self._seen(event)
        return [event]

    def _seen(self, event: Event) -> None:
        self.last_seen = time.monotonic()
        if event.kind == Kind.HEARTBEAT and event.data.get("online") is False:
            self._offline("the bridge reports QQ as logged out (heartbeat online = false)")
        elif event.kind == Kind.LIFECYCLE and event.data.get("sub_type") == "disable":
            self._offline("the bridge disabled OneBot (lifecycle disable)")
        else:
            self._online()

    def _dead(self, source: str, error: str, body: bytes | str, headers: dict[str, str] | None) -> None:
        self.sink.dead_letter(DeadLetter(self.name, source, f"{self.name}: {error}", body,
                                         {k: v for k, v in (headers or {}).items() if k != "authorization"}))

    def routes(self) -> list[Route]:
        # only mounted for HTTP POST intake: a websocket connection has no URL to attack
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
        sid = req.headers.get("x-self-id")
        if self.self_id and sid and sid != self.self_id:
            return WebhookResult(403, b"wrong account", error=f"{self.name}: event from account {sid}, "
                                 f"this connection is {self.self_id}")
        try:
            raw = json.loads(req.body)
        except (ValueError, UnicodeDecodeError) as e:
            return WebhookResult(400, b"body is not JSON", error=f"{self.name}: body is not JSON: {e}")
        try:
            event = normalize(self.name, raw)
        except (EventError, CQError) as e:
            return WebhookResult(400, b"not a OneBot event", error=f"{self.name}: not a usable OneBot event: {e}")
        self._seen(event)
        return WebhookResult(204, events=[event])

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
