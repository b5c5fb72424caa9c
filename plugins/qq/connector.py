"""The QQ connector: a OneBot v11 bridge (NapCat, Lagrange.OneBot, LLOneBot, go-cqhttp).

Actions go over the bridge's HTTP API (``POST {base_url}/{action}`` with
``Authorization: Bearer``). Events arrive by the operator's choice of intake:

- ``http_post``: the bridge POSTs each event to shequn's webhook server at
  ``/hooks/qq/<connection>``; the body is verified with ``X-Signature:
  sha1=HMAC-SHA1(secret, raw body)`` in constant time and answered 204 at once;
- ``websocket``: shequn connects to the bridge's forward WebSocket, reconnects with
  backoff, and treats missing heartbeats as the bridge being offline.

Bridges differ (PROTOCOLS.md 1.1, 1.2, 1.7): go-cqhttp answers an unknown action
with HTTP 200 and retcode 404, NapCat with retcode 200 and "不支持的Api"; a wrong
token is 401/403 (go-cqhttp) or 403 with a JSON body that is not an envelope
(NapCat). Success is only ever ``status == "ok"``; the bridge's own words
(``wording``/``message``/``msg``) become the failure message, never a guessed code.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import random
import time
from typing import Any

import httpx

from console.config import ConfigError
from console.connector import (ConnectionCheck, Connector, ConnectorError, Option, Pacing, Route, WebhookRequest,
                               WebhookResult)
from console.model import (ActionRequest, ActionResult, Capability, DeadLetter, Event, GroupInfo, Kind, MemberInfo,
                           Status)

from .cq import CQError
from .normalize import EventError, gone_target, normalize

log = logging.getLogger("shequn.qq")

#: Action kinds whose repetition has one effect (a read timeout may be retried).
_IDEMPOTENT = {"kick", "mute", "unmute", "whole_mute", "set_admin", "unset_admin", "set_card", "approve_join",
               "reject_join", "recall", "set_group_name"}
#: Words bridges use when QQ's risk control throttles the account (no code is shared).
_RATE_WORDS = ("风控", "频率", "太频繁", "rate limit", "too fast", "too many")


class BridgeError(ConnectorError):
    """A bridge answer that is not a success, with the connection's name and the bridge's words."""

    def __init__(self, message: str, result: ActionResult):
        super().__init__(message)
        self.result = result


class QQConnector(Connector):
    platform = "qq"
    title = "QQ (OneBot v11 bridge: NapCat, Lagrange, go-cqhttp)"
    options = (
        Option("base_url", "HTTP API address of the bridge, e.g. http://127.0.0.1:3000", str, required=True),
        Option("access_token", "the bridge's access token (sent as Authorization: Bearer); use \"env:NAME\"",
               secret=True),
        Option("secret", "HMAC secret the bridge signs HTTP POST events with (X-Signature); NapCat uses its token",
               secret=True),
        Option("intake", "how events arrive: http_post (the bridge posts to shequn) or websocket (shequn connects)",
               str, default="http_post"),
        Option("ws_url", "forward WebSocket address of the bridge for intake = websocket, e.g. ws://127.0.0.1:3001",
               str),
        Option("self_id", "the bot's QQ number; events from another account are refused", str),
        Option("timeout", "seconds to wait for the bridge's answer (member lists of big groups are slow)", float,
               default=15.0),
        Option("rate_limited_suffix", "send messages with the bridge's _rate_limited queue (no message id back)",
               bool, default=False),
        Option("heartbeat_timeout", "seconds without events or heartbeats before the bridge counts as offline",
               float, default=60.0),
    )
    capabilities = frozenset({
        Capability.SEND, Capability.KICK, Capability.MUTE, Capability.WHOLE_MUTE, Capability.SET_ADMIN,
        Capability.SET_CARD, Capability.APPROVE_JOIN, Capability.ANNOUNCE, Capability.RECALL,
        Capability.LIST_GROUPS, Capability.LIST_MEMBERS, Capability.SET_GROUP_NAME,
    })
    intake = frozenset({"webhook", "websocket"})
    # QQ's risk control punishes bursts from a personal account: half an action per second.
    pacing = Pacing(rate=0.5, burst=2)
    join_request_lifetime = 7 * 86400  # no bridge documents one (NapCat searches the last 100 notices): a cautious week; join_request_hours overrides

    @classmethod
    def check_options(cls, raw: dict[str, Any], where: str, file: Any = None) -> dict[str, Any]:
        """The declared options, then how they go together (so ``shequn config check`` and
        the runtime catch these too, naming the file)."""
        cfg = super().check_options(raw, where, file)
        if cfg["intake"] not in ("http_post", "websocket"):
            raise ConfigError(file, f"{where}.intake", f"is {cfg['intake']!r}", "http_post or websocket")
        if cfg["intake"] == "websocket" and not cfg["ws_url"]:
            raise ConfigError(file, f"{where}.ws_url", "is missing", "the bridge's forward WebSocket URL when "
                              "intake = websocket")
        if cfg["intake"] == "http_post" and not (cfg["secret"] or cfg["access_token"]):
            raise ConfigError(file, f"{where}.secret", "is missing",
                              "the HMAC secret the bridge signs events with: unsigned events are refused")
        if not str(cfg["base_url"]).startswith(("http://", "https://")):
            raise ConfigError(file, f"{where}.base_url", f"is {cfg['base_url']!r}", "an http:// or https:// URL")
        return cfg

    def __init__(self, name: str, options: dict[str, Any] | None = None, *, sink=None,
                 transport: httpx.AsyncBaseTransport | None = None):
        super().__init__(name, options, sink=sink)
        cfg = self.config
        self.base_url = str(cfg["base_url"]).rstrip("/")
        self.self_id: str | None = str(cfg["self_id"]) if cfg["self_id"] else None
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self.bridge: dict[str, Any] = {}  # get_version_info answer
        self.supported: set[str] | None = None  # go-cqhttp get_supported_actions, when known
        self.online: bool | None = None
        self.last_seen = 0.0
        self.reconnects = 0
        self._ws_task: asyncio.Task | None = None
        self._stopping = asyncio.Event()
        self._bulk_next = 0.0

    # --- HTTP ------------------------------------------------------------------------------

    def client(self) -> httpx.AsyncClient:
        if self._client is None or self._client.is_closed:
            headers = {"Authorization": f"Bearer {self.config['access_token']}"} if self.config["access_token"] else {}
            self._client = httpx.AsyncClient(base_url=self.base_url, headers=headers, transport=self._transport,
                                             timeout=httpx.Timeout(self.config["timeout"], connect=5.0),
                                             trust_env=False)
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def call(self, action: str, params: dict[str, Any] | None = None, *, idempotent: bool = True) -> Any:
        """Call one bridge action; return its ``data`` or raise BridgeError with a typed result."""
        where = f"{self.name}: {action}"
        try:
            resp = await self.client().post(f"/{action}", json=params or {})
        except httpx.ConnectError as e:
            self._offline(f"the bridge at {self.base_url} is unreachable ({e or type(e).__name__})")
            raise BridgeError(f"{where}: bridge unreachable", ActionResult.retry(
                f"the bridge at {self.base_url} is unreachable")) from None
        except httpx.ConnectTimeout:
            self._offline(f"the bridge at {self.base_url} did not accept the connection in time")
            raise BridgeError(f"{where}: connect timeout", ActionResult.retry("the bridge did not answer the "
                                                                              "connection in time")) from None
        except (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as e:
            what = "timed out" if isinstance(e, httpx.TimeoutException) else "dropped the connection"
            if idempotent:
                raise BridgeError(f"{where}: {what}", ActionResult.retry(f"the bridge {what}")) from None
            # the request reached the bridge: it may have been carried out; repeating a post is worse
            raise BridgeError(f"{where}: {what}", ActionResult.failed(
                f"the bridge {what} after receiving the request; it may have been carried out, so it was "
                "not repeated")) from None
        except httpx.HTTPError as e:
            raise BridgeError(f"{where}: {e}", ActionResult.retry(f"{type(e).__name__}: {e}")) from None
        return self._answer(action, resp)

    def _answer(self, action: str, resp: httpx.Response) -> Any:
        where = f"{self.name}: {action}"
        code = resp.status_code
        body = resp.text[:300]
        if code in (401, 403):
            detail = _bridge_words(resp) or ("no access token sent" if code == 401 else "wrong access token")
            msg = f"the bridge refused the access token (HTTP {code}: {detail}); check connections.{self.name}.access_token"
            self.sink.state("error", msg)
            raise BridgeError(f"{where}: {msg}", ActionResult(Status.AUTH_EXPIRED, msg))
        if code == 404:
            raise BridgeError(f"{where}: unknown action", ActionResult.failed(self._unsupported(action)))
        if code == 429:
            ra = _float(resp.headers.get("retry-after"))
            raise BridgeError(f"{where}: rate limited", ActionResult(Status.RATE_LIMITED, "the bridge said slow down "
                                                                     "(HTTP 429)", ra))
        if code >= 500:
            raise BridgeError(f"{where}: HTTP {code}", ActionResult.retry(f"the bridge failed (HTTP {code}: {body})"))
        if code in (400, 406) or code >= 300:
            raise BridgeError(f"{where}: HTTP {code}", ActionResult.failed(
                f"the bridge rejected the request (HTTP {code}: {_bridge_words(resp) or body})"))
        try:
            env = resp.json()
        except ValueError:
            raise BridgeError(f"{where}: not JSON", ActionResult.retry(
                f"the bridge answered something that is not JSON: {body[:80]!r}")) from None
        if not isinstance(env, dict) or "status" not in env and "retcode" not in env:
            raise BridgeError(f"{where}: not an envelope", ActionResult.retry(
                f"the bridge's answer is not a OneBot envelope: {body[:80]!r}"))
        status, retcode = env.get("status"), env.get("retcode")
        if status == "ok" or (status is None and retcode == 0):
            self._online()
            return env.get("data")
        if status == "async" or retcode == 1:
            self._online()
            return {"async": True}
        parts = [str(env[k]).strip() for k in ("wording", "message", "msg") if env.get(k)]
        words = " / ".join(dict.fromkeys(p for p in parts if p)) or f"retcode {retcode}"
        low = words.lower()
        if retcode in (404, 1404) or "api_not_found" in low or "不支持的api" in low:
            raise BridgeError(f"{where}: unsupported", ActionResult.failed(self._unsupported(action)))
        if any(w in low for w in _RATE_WORDS):
            raise BridgeError(f"{where}: {words}", ActionResult(Status.RATE_LIMITED, f"QQ throttled the account: {words}"))
        raise BridgeError(f"{where}: {words}", ActionResult.failed(f"the bridge said: {words}"))

    def _unsupported(self, action: str) -> str:
        app = " ".join(str(self.bridge.get(k)) for k in ("app_name", "app_version") if self.bridge.get(k))
        return f"the bridge{f' ({app})' if app else ''} does not support {action}"

    def _offline(self, why: str) -> None:
        if self.online is not False:
            self.online = False
            self.sink.state("offline", f"{self.name}: {why}")

    def _online(self) -> None:
        self.last_seen = time.monotonic()
        if self.online is not True:
            self.online = True
            self.sink.state("online")

    # --- lifecycle -----------------------------------------------------------------------------

    async def detect(self) -> dict[str, Any]:
        """Which bridge this is (get_version_info) and, for go-cqhttp, what it supports."""
        try:
            info = await self.call("get_version_info")
        except BridgeError:
            return self.bridge
        self.bridge = info if isinstance(info, dict) else {}
        try:
            acts = await self.call("get_supported_actions")
            if isinstance(acts, list):
                self.supported = {str(a) for a in acts}
        except BridgeError:
            self.supported = None  # NapCat and others: learn from unknown-action answers instead
        return self.bridge

    async def check(self) -> ConnectionCheck:
        try:
            me = await self.call("get_login_info")
        except BridgeError as e:
            return ConnectionCheck(False, detail=e.result.message)
        await self.detect()
        account = str((me or {}).get("user_id", ""))
        if self.self_id and account and account != self.self_id:
            return ConnectionCheck(False, account, f"the bridge is logged in as {account}, but "
                                   f"connections.{self.name}.self_id is {self.self_id}")
        app = " ".join(str(self.bridge.get(k)) for k in ("app_name", "app_version") if self.bridge.get(k))
        return ConnectionCheck(True, account, f"{(me or {}).get('nickname', '')} via {app or 'a OneBot v11 bridge'}")

    async def start(self) -> None:
        self._stopping.clear()
        await self.detect()
        if self.config["intake"] == "websocket":
            self._ws_task = asyncio.create_task(self._ws_loop(), name=f"qq-ws:{self.name}")

    async def stop(self) -> None:
        self._stopping.set()
        if self._ws_task is not None:
            self._ws_task.cancel()
            await asyncio.gather(self._ws_task, return_exceptions=True)
            self._ws_task = None
        await self.aclose()

    # --- intake: events --------------------------------------------------------------------------

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

    # --- reading ----------------------------------------------------------------------------------

    async def list_groups(self) -> list[GroupInfo]:
        try:
            data = await self.call("get_group_list", {"no_cache": True})
        except BridgeError as e:
            raise ConnectorError(f"{self.name}: could not list groups: {e.result.message}") from None
        out = []
        for g in data or []:
            out.append(GroupInfo(id=str(g.get("group_id")), name=str(g.get("group_name") or ""),
                                 member_count=_int(g.get("member_count")), capacity=_int(g.get("max_member_count"))))
        return out

    async def list_members(self, group: str) -> list[MemberInfo]:
        try:
            data = await self.call("get_group_member_list", {"group_id": int(group), "no_cache": True})
        except BridgeError as e:
            raise ConnectorError(f"{self.name}: could not list members of group {group}: {e.result.message}") from None
        out = []
        for m in data or []:
            uid = str(m.get("user_id"))
            if self.self_id and uid == self.self_id:
                continue  # the bot account is not a member of the community
            out.append(MemberInfo(user=uid, nickname=str(m.get("nickname") or ""), card=str(m.get("card") or ""),
                                  role=str(m.get("role") or "member"), joined_at=_int(m.get("join_time")) or None,
                                  last_spoke_at=_int(m.get("last_sent_time")) or None,
                                  muted_until=_int(m.get("shut_up_timestamp")) or None))
        return out

    # --- acting -------------------------------------------------------------------------------

    def request_call(self, req: ActionRequest) -> tuple[str, dict[str, Any]]:
        """The bridge action and params for a request. Raises ValueError on missing params."""
        p = req.params
        k = req.kind
        gid = None if k in ("approve_join", "reject_join", "recall") else _need_int(req.group, "group")

        def uid() -> int:
            return _need_int(req.user, "user")

        if k == "send":
            msg = p.get("message")
            if msg is None:
                segs: list[dict[str, Any]] = []
                if p.get("reply_to"):
                    segs.append({"type": "reply", "data": {"id": str(p["reply_to"])}})
                for at in p.get("mentions") or p.get("at") or []:
                    segs.append({"type": "at", "data": {"qq": str(at)}})
                if p.get("text"):
                    segs.append({"type": "text", "data": {"text": str(p["text"])}})
                for img in p.get("images") or ([p["image"]] if p.get("image") else []):
                    segs.append({"type": "image", "data": {"file": str(img)}})
                if not segs:
                    raise ValueError("send needs params.text (or message / image)")
                msg = segs
            action = "send_group_msg_rate_limited" if self.config["rate_limited_suffix"] else "send_group_msg"
            return action, {"group_id": gid, "message": msg, "auto_escape": bool(p.get("auto_escape", False))}
        if k == "kick":
            reject = bool(p.get("reject_add_request", p.get("blacklist", p.get("reject", False))))
            return "set_group_kick", {"group_id": gid, "user_id": uid(), "reject_add_request": reject}
        if k in ("mute", "unmute"):
            duration = 0 if k == "unmute" else int(p.get("duration", p.get("seconds", 1800)))
            return "set_group_ban", {"group_id": gid, "user_id": uid(), "duration": duration}
        if k == "whole_mute":
            return "set_group_whole_ban", {"group_id": gid, "enable": bool(p.get("enable", True))}
        if k in ("set_admin", "unset_admin"):
            return "set_group_admin", {"group_id": gid, "user_id": uid(), "enable": k == "set_admin"}
        if k == "set_card":
            return "set_group_card", {"group_id": gid, "user_id": uid(), "card": str(p.get("card", ""))}
        if k == "set_group_name":
            name = p.get("name", p.get("group_name"))
            if not name:
                raise ValueError("set_group_name needs params.name")
            return "set_group_name", {"group_id": gid, "group_name": str(name)}
        if k in ("approve_join", "reject_join"):
            if not p.get("flag"):
                raise ValueError(f"{k} needs params.flag (the request's flag)")
            sub = str(p.get("sub_type") or "add")
            params = {"flag": str(p["flag"]), "sub_type": sub, "type": sub, "approve": k == "approve_join"}
            if k == "reject_join":
                params["reason"] = str(p.get("reason") or "")
            return "set_group_add_request", params
        if k == "announce":
            content = p.get("content", p.get("text"))
            if not content:
                raise ValueError("announce needs params.content")
            params = {"group_id": gid, "content": str(content)}
            if p.get("image"):
                params["image"] = str(p["image"])
            return "_send_group_notice", params
        if k == "recall":
            mid = str(p.get("message_id", "")).rsplit(":", 1)[-1]
            if not mid.lstrip("-").isdigit():
                raise ValueError("recall needs params.message_id (the bridge's message id)")
            return "delete_msg", {"message_id": int(mid)}
        raise ValueError(f"no bridge action for {k}")

    async def act(self, request: ActionRequest) -> ActionResult:
        try:
            action, params = self.request_call(request)
        except ValueError as e:
            return ActionResult.failed(f"{self.name}: {e}")
        if self.supported is not None and action.removesuffix("_rate_limited") not in self.supported:
            return ActionResult.failed(self._unsupported(action))
        if request.params.get("bulk"):
            await self._bulk_gate()
        try:
            data = await self.call(action, params, idempotent=request.kind in _IDEMPOTENT)
        except BridgeError as e:
            return await self._already_gone(request, e.result) or e.result
        if isinstance(data, dict) and data.get("async"):
            return ActionResult.done("queued by the bridge", queued=True)
        if isinstance(data, dict) and data.get("message_id") is not None:
            return ActionResult.done("", message_id=str(data["message_id"]))
        return ActionResult.done()

    async def _already_gone(self, request: ActionRequest, failed: ActionResult) -> ActionResult | None:
        """A refused kick, mute or recall whose target is already gone is done (the wanted
        state holds): the bridge's words say so, or, when they are ambiguous (go-cqhttp's
        "群聊不存在" for a missing member), the member look-up says the person is not there."""
        k = request.kind
        if failed.status != Status.FAILED or k not in ("kick", "mute", "unmute", "recall"):
            return None
        said = gone_target(failed.message)
        if k == "recall":
            return ActionResult.done(f"already gone: {failed.message}", gone="message") if said == "message" else None
        if said != "member":
            try:
                await self.call("get_group_member_info", {"group_id": int(request.group or 0),
                                                          "user_id": int(request.user or 0), "no_cache": True})
                return None  # still a member: the refusal stands
            except (BridgeError, ValueError) as e:
                if not isinstance(e, BridgeError) or gone_target(e.result.message) != "member":
                    return None
        return ActionResult.done(f"already not a member: {failed.message}", gone="member")

    async def _bulk_gate(self) -> None:
        """Bulk work (mass sends, back-fills) goes at the steady rate, never in a burst."""
        now = time.monotonic()
        wait = self._bulk_next - now
        self._bulk_next = max(now, self._bulk_next) + 1.0 / self.pacing.rate
        if wait > 0:
            await asyncio.sleep(wait)

    async def reconcile(self, request: ActionRequest) -> ActionResult | None:
        """After a crash mid-action: ask the bridge whether the member already shows the effect."""
        k = request.kind
        if k not in ("kick", "mute", "unmute", "set_card", "set_admin", "unset_admin", "approve_join"):
            return None
        try:
            gid, uid = int(request.group or ""), int(request.user or "")
        except ValueError:
            return None
        try:
            info = await self.call("get_group_member_info", {"group_id": gid, "user_id": uid, "no_cache": True})
        except BridgeError as e:
            if e.result.status == Status.FAILED and k == "kick":
                return ActionResult.done("reconciled: no longer a member of the group")
            return None
        if not isinstance(info, dict):
            return None
        if k == "approve_join":
            return ActionResult.done("reconciled: already a member")
        if k == "mute":
            until = _int(info.get("shut_up_timestamp"))
            return ActionResult.done("reconciled: already muted") if until and until > time.time() else None
        if k == "unmute":
            return ActionResult.done("reconciled: not muted") if info.get("shut_up_timestamp") == 0 else None
        if k == "set_card":
            return ActionResult.done("reconciled: card already set") \
                if str(info.get("card", "")) == str(request.params.get("card", "")) else None
        if k in ("set_admin", "unset_admin"):
            want = "admin" if k == "set_admin" else "member"
            return ActionResult.done("reconciled: role already set") if info.get("role") == want else None
        return None  # kick: still a member, so it did not happen; the outbox runs it again


def _bridge_words(resp: httpx.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        return resp.text.strip()[:120]
    if isinstance(body, dict):
        return str(body.get("wording") or body.get("message") or body.get("msg") or "")
    return ""


def _int(v: Any) -> int | None:
    try:
        return int(v) if v is not None and v != "" else None
    except (TypeError, ValueError):
        return None


def _float(v: Any) -> float | None:
    try:
        return float(v) if v else None
    except ValueError:
        return None


def _need_int(v: Any, what: str) -> int:
    try:
        return int(str(v))
    except (TypeError, ValueError):
        raise ValueError(f"the action needs a numeric QQ {what} id, got {v!r}") from None
