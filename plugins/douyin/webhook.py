"""The Douyin webhook route of a connection (PROTOCOLS.md 3.5).

In this order, so nothing unauthenticated costs more than a hash:

1. ``X-Douyin-Signature`` must be ``sha1_hex(client_secret + raw body)``, compared in
   constant time: missing -> 401, wrong -> 403. The server counts refused requests per
   day (console/refusals.py); the first of each cause a day is also kept as a dead
   letter naming the connection (the body cut at ``LETTER_BYTES``), so the operator sees
   it in ``shequn deadletters`` while a flood of forgeries still costs one row a day;
2. the body is JSON and names this app (``client_key``; the documents' own challenge
   sample leaves it empty, so empty passes): another app's -> 403;
3. ``verify_webhook`` is answered at once with ``{"challenge": N}`` as JSON text;
4. a ``Msg-Id`` stored in the last ``DEDUPE`` pushes is answered 200 and dropped (the
   platform retries 3 times and promises no single delivery). A Msg-Id counts as seen
   only once its event is stored, so the route hands the event to the sink itself and
   waits for the receipt: a push answered 503 (the store could not write) and pushed
   again is not dropped as a duplicate. The events' own ids (message, application,
   join) also dedupe in the engine, across restarts;
5. ``content`` (an object or a JSON string) becomes events; a signed body that cannot
   (content that does not parse, a group the account does not own) is a dead letter
   naming the connection, answered 200 so the platform does not push it again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import OrderedDict
from typing import TYPE_CHECKING

from shequn import DeadLetter, Kind, WebhookRequest, WebhookResult

from .normalize import BadPayload, content_of, normalise
from .notices import day

if TYPE_CHECKING:
    from .connector import DouyinConnector

DEDUPE = 10_000
LETTER_BYTES = 2048  # of a refused body kept in its dead letter


def sign(secret: str, body: bytes) -> str:
    return hashlib.sha1(secret.encode() + body).hexdigest()


class RecentIds:
    """The last ``size`` Msg-Ids, oldest forgotten first."""

    def __init__(self, size: int = DEDUPE):
        self.size = size
        self._ids: OrderedDict[str, None] = OrderedDict()

    def seen(self, key: str) -> bool:
        return key in self._ids

    def add(self, key: str) -> None:
        self._ids[key] = None
        if len(self._ids) > self.size:
            self._ids.popitem(last=False)


def refused(conn: "DouyinConnector", req: WebhookRequest, status: int, body: bytes, error: str) -> WebhookResult:
    """A refused push: its status, and a dead letter when it is the first of its cause today."""
    key = (day(conn.clock()), body.decode())
    if key not in conn.refused_kept:
        conn.refused_kept = {k for k in conn.refused_kept if k[0] == key[0]} | {key}
        more = len(req.body) - LETTER_BYTES
        conn.sink.dead_letter(DeadLetter(conn.name, "webhook", f"HTTP {status}: {error}; later ones today are "
                                         "counted, not kept" + (f"; {more} bytes of the body cut" if more > 0 else ""),
                                         req.body[:LETTER_BYTES], dict(req.headers)))
    return WebhookResult(status, body, error=error)


async def handle(conn: "DouyinConnector", req: WebhookRequest) -> WebhookResult:
    name = conn.name
    given = req.headers.get("x-douyin-signature", "").strip().lower()
    if not given:
        return refused(conn, req, 401, b"unsigned", f"{name}: unsigned Douyin webhook refused (no X-Douyin-Signature)")
    if not hmac.compare_digest(given.encode(), sign(conn.config["client_secret"], req.body).encode()):
        return refused(conn, req, 403, b"bad signature", f"{name}: forged or mis-signed Douyin webhook refused "
                                                         "(X-Douyin-Signature is not sha1(client_secret + body))")
    try:
        body = json.loads(req.body)
    except (ValueError, UnicodeDecodeError) as e:
        return WebhookResult(400, b"not JSON", error=f"{name}: a signed Douyin webhook that is not JSON ({e})")
    if not isinstance(body, dict):
        return WebhookResult(400, b"not an object", error=f"{name}: a signed Douyin webhook that is not a JSON object")
    key = str(body.get("client_key") or "")
    if key and key != conn.config["client_key"]:
        return refused(conn, req, 403, b"another app", f"{name}: a Douyin webhook for app {key!r}, not this "
                                                       f"connection's client_key {conn.config['client_key']!r}")
    event = str(body.get("event") or "")
    try:
        content = content_of(body)
    except BadPayload as e:
        return WebhookResult(200, error=f"{name}: Douyin {event or 'webhook'} dropped: {e}")
    if event == "verify_webhook":
        challenge = content.get("challenge")
        if challenge is None:
            return WebhookResult(400, b"no challenge", error=f"{name}: verify_webhook without a challenge")
        return WebhookResult(200, json.dumps({"challenge": challenge}).encode(), "application/json")
    msg_id = req.headers.get("msg-id", "").strip()
    if msg_id and conn.recent.seen(msg_id):
        conn.duplicates += 1
        return WebhookResult(200)
    fallback = msg_id or str(body.get("log_id") or "") or hashlib.sha1(req.body).hexdigest()
    try:
        ev = normalise(name, body, content, owner=conn.open_id, now=int(conn.clock()), msg_id=fallback)
    except BadPayload as e:
        return WebhookResult(200, error=f"{name}: Douyin {event} dropped: {e}")
    if ev.kind == Kind.LIFECYCLE:
        if ev.data.get("account") in (None, "", conn.open_id):
            await conn.withdrawn(event)
        return WebhookResult(200)
    if ev.group is not None and ev.kind != Kind.UNKNOWN and not await conn.knows_group(ev.group):
        return WebhookResult(200, error=f"{name}: Douyin {event} for group {ev.group}, which is not among the fan "
                                        f"groups of account {conn.open_id}; kept here, not stored")
    receipt = conn.sink.events([ev])
    if receipt is not None:
        try:
            await receipt.wait()
        except Exception as e:  # noqa: BLE001 - StoreUnavailable: the platform keeps it and pushes again
            return WebhookResult(503, f"not stored: {e}".encode())
    if msg_id:
        conn.recent.add(msg_id)
    conn.accepted += 1
    return WebhookResult(200)
