"""The QQ connector: a OneBot v11 bridge (NapCat, Lagrange.OneBot, LLOneBot, go-cqhttp).

Actions go over the bridge's HTTP API (``POST {base_url}/{action}`` with
``Authorization: Bearer``); events arrive by the operator's choice of intake
(``intake.py``: HTTP POST reporting or a forward WebSocket).

This module is the connection itself: its options, the HTTP client and the bridge's
online state, the lifecycle, reading groups and members, and carrying out a request.
What goes to the bridge for each kind of request is in ``actions.py``; what the
bridge's answer means (success, a typed failure, a target already gone) in
``answers.py`` (``BridgeError`` stays importable from here).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import httpx

from shequn import (ActionRequest, ActionResult, Capability, ConfigError, ConnectionCheck, Connector, ConnectorError,
                    GroupInfo, HealthPolicy, MemberInfo, Option, Pacing, Status)

from .actions import IDEMPOTENT, RECONCILABLE, bridge_call, int_or_none, reconciled
from .answers import BridgeError, already_gone, rate_limited_or_plain, read_answer, refused_suffix, unsupported
from .intake import OneBotIntake
from .health import HEALTH_OPTIONS, health_policy, timed_out
from .reverse_ws import ReverseWsIntake

INTAKES = ("http_post", "websocket", "reverse_ws")

__all__ = ["QQConnector", "BridgeError"]

log = logging.getLogger("shequn.qq")


class QQConnector(OneBotIntake, ReverseWsIntake, Connector):
    platform = "qq"
    title = "QQ (OneBot v11 bridge: NapCat, Lagrange, go-cqhttp)"
    options = (
        Option("base_url", "HTTP API address of the bridge, e.g. http://127.0.0.1:3000 (with intake = reverse_ws: "
               "only used while no API socket is connected)", str),
        Option("access_token", "the bridge's access token (sent as Authorization: Bearer); use \"env:NAME\"",
               secret=True),
        Option("secret", "HMAC secret the bridge signs HTTP POST events with (X-Signature); NapCat uses its token",
               secret=True),
        Option("intake", "how events arrive: http_post (the bridge posts to shequn), websocket (shequn connects) "
               "or reverse_ws (the bridge connects to shequn; actions go back over its socket)",
               str, default="http_post"),
        Option("ws_url", "forward WebSocket address of the bridge for intake = websocket, e.g. ws://127.0.0.1:3001",
               str),
        Option("self_id", "the bot's QQ number; events from another account are refused", str),
        Option("timeout", "seconds to wait for the bridge's answer (member lists of big groups are slow)", float,
               default=15.0, minimum=0.1, maximum=600.0),
        Option("rate_limited_suffix", "send messages with the bridge's _rate_limited queue (no message id back)",
               bool, default=False),
        Option("heartbeat_timeout", "seconds without events or heartbeats before the bridge counts as offline",
               float, default=60.0, minimum=0.1, maximum=3600.0),
        *HEALTH_OPTIONS,  # pacing per group and back-off (health.py)
    )
    capabilities = frozenset({
        Capability.SEND, Capability.KICK, Capability.MUTE, Capability.WHOLE_MUTE, Capability.SET_ADMIN,
        Capability.SET_CARD, Capability.APPROVE_JOIN, Capability.ANNOUNCE, Capability.RECALL,
        Capability.LIST_GROUPS, Capability.LIST_MEMBERS, Capability.SET_GROUP_NAME,
        Capability.REJECT_REASON,  # set_group_add_request's reason reaches the applicant
    })
    intake = frozenset({"webhook", "websocket"})  # reverse_ws arrives on the webhook server too
    # QQ's risk control punishes bursts from a personal account: half an action per second.
    pacing = Pacing(rate=0.5, burst=2)
    join_request_lifetime = 7 * 86400  # no bridge documents one (NapCat searches the last 100 notices): a cautious week; join_request_hours overrides

    @classmethod
    def check_options(cls, raw: dict[str, Any], where: str, file: Any = None) -> dict[str, Any]:
        """The declared options, then how they go together (so ``shequn config check`` and
        the runtime catch these too, naming the file)."""
        cfg = super().check_options(raw, where, file)
        if cfg["intake"] not in INTAKES:
            raise ConfigError(file, f"{where}.intake", f"is {cfg['intake']!r}", "http_post, websocket or reverse_ws")
        if cfg["intake"] == "websocket" and not cfg["ws_url"]:
            raise ConfigError(file, f"{where}.ws_url", "is missing", "the bridge's forward WebSocket URL when "
                              "intake = websocket")
        if cfg["intake"] == "http_post" and not (cfg["secret"] or cfg["access_token"]):
            raise ConfigError(file, f"{where}.secret", "is missing",
                              "the HMAC secret the bridge signs events with: unsigned events are refused")
        if cfg["intake"] == "reverse_ws" and not cfg["access_token"]:
            raise ConfigError(file, f"{where}.access_token", "is missing", "the token the bridge sends when it "
                              "connects (Authorization: Bearer): a socket nobody authenticated is refused")
        if cfg["base_url"] is None and cfg["intake"] != "reverse_ws":
            raise ConfigError(file, f"{where}.base_url", "is missing", "the bridge's HTTP API address, e.g. "
                              "http://127.0.0.1:3000 (only intake = reverse_ws does without it)")
        if cfg["base_url"] is not None and not str(cfg["base_url"]).startswith(("http://", "https://")):
            raise ConfigError(file, f"{where}.base_url", f"is {cfg['base_url']!r}", "an http:// or https:// URL")
        return cfg

    def __init__(self, name: str, options: dict[str, Any] | None = None, *, sink=None,
                 transport: httpx.AsyncBaseTransport | None = None):
        super().__init__(name, options, sink=sink)
        cfg = self.config
        self.base_url = str(cfg["base_url"] or "").rstrip("/")
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
        self._reverse: list = []  # the bridge's open reverse WebSockets (reverse_ws.ReverseSocket)

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
        sock = self.api_socket() if self.config["intake"] == "reverse_ws" else None
        if sock is not None:
            return self._answer(action, await self.reverse_call(sock, action, params or {}, idempotent))
        if not self.base_url:
            raise BridgeError(f"{where}: not connected", ActionResult.retry(
                "the bridge has not connected its reverse WebSocket (and no base_url is set)"))
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
            raise timed_out(where, isinstance(e, httpx.TimeoutException), idempotent) from None
        except httpx.HTTPError as e:
            raise BridgeError(f"{where}: {e}", ActionResult.retry(f"{type(e).__name__}: {e}")) from None
        return self._answer(action, resp)

    def _answer(self, action: str, resp: httpx.Response) -> Any:
        try:
            data = read_answer(self.name, action, resp, self.bridge)
        except BridgeError as e:
            if e.result.status == Status.AUTH_EXPIRED:  # a refused token: the connection is in error
                self.sink.state("error", e.result.message)
            raise
        self._online()  # any envelope, ok or queued, shows the bridge is there
        return data

    def _unsupported(self, action: str) -> str:
        return unsupported(self.bridge, action)

    def _offline(self, why: str) -> None:
        if self.online is not False:
            self.online = False
            self.sink.state("offline", f"{self.name}: {why}")

    def _online(self) -> None:
        self.last_seen = time.monotonic()
        if self.online is not True and not self.forced_offline:  # QQ logged the account out: not online
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
        if self.config["intake"] == "reverse_ws" and not self.base_url:
            for _ in range(100):  # the bridge dials in its own time (go-cqhttp: every 3 s); 10 s at most here
                if self.api_socket() is not None:
                    break
                await asyncio.sleep(0.1)
            else:
                return ConnectionCheck(True, detail="waiting for the bridge to connect its reverse WebSocket")
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
        await self.close_reverse()
        if self._ws_task is not None:
            self._ws_task.cancel()
            await asyncio.gather(self._ws_task, return_exceptions=True)
            self._ws_task = None
        await self.aclose()


    # --- reading ----------------------------------------------------------------------------------

    async def list_groups(self) -> list[GroupInfo]:
        try:
            data = await self.call("get_group_list", {"no_cache": True})
        except BridgeError as e:
            raise ConnectorError(f"{self.name}: could not list groups: {e.result.message}") from None
        out = []
        for g in data or []:
            out.append(GroupInfo(id=str(g.get("group_id")), name=str(g.get("group_name") or ""),
                                 member_count=int_or_none(g.get("member_count")),
                                 capacity=int_or_none(g.get("max_member_count"))))
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
                                  role=str(m.get("role") or "member"),
                                  joined_at=int_or_none(m.get("join_time")) or None,
                                  last_spoke_at=int_or_none(m.get("last_sent_time")) or None,
                                  muted_until=int_or_none(m.get("shut_up_timestamp")) or None))
        return out

    # --- acting -------------------------------------------------------------------------------

    def health_policy(self) -> HealthPolicy:
        """How this account's messages are paced per group and when it backs off (health.py)."""
        return health_policy(self.config)

    def request_call(self, req: ActionRequest) -> tuple[str, dict[str, Any]]:
        """The bridge action and params for a request (``actions.bridge_call``). Raises ValueError
        on missing params."""
        return bridge_call(req, bool(self.config["rate_limited_suffix"]))

    async def act(self, request: ActionRequest) -> ActionResult:
        try:
            action, params = self.request_call(request)
        except ValueError as e:
            return ActionResult.failed(f"{self.name}: {e}")
        action = rate_limited_or_plain(self, action)  # the suffix only where the bridge has it by name
        if self.supported is not None and action not in self.supported:
            return ActionResult.failed(self._unsupported(action))
        if request.params.get("bulk"):
            await self._bulk_gate()
        try:
            data = await self.call(action, params, idempotent=request.kind in IDEMPOTENT)
        except BridgeError as e:
            if refused_suffix(self, action, e.result):
                return await self.act(request)  # once: by its plain name from now on
            return await self._already_gone(request, e.result) or e.result
        if isinstance(data, dict) and data.get("async"):
            return ActionResult.done("queued by the bridge", queued=True)
        if isinstance(data, dict) and data.get("message_id") is not None:
            return ActionResult.done("", message_id=str(data["message_id"]))
        return ActionResult.done()

    async def _already_gone(self, request: ActionRequest, failed: ActionResult) -> ActionResult | None:
        """A refused kick, mute or recall whose target is already gone is done (``answers.already_gone``)."""
        return await already_gone(self.call, request, failed)

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
        if k not in RECONCILABLE:
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
        return reconciled(request, info)
