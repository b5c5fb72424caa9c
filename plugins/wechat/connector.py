"""The WeChat connector: WeCom (企业微信) customer groups (客户群) through the WeCom server API.

Customer groups are owned by staff members (WeCom users) and hold external WeChat users.
The API reads them (``groupchat/list`` with cursor paging, ``groupchat/get``), keeps
welcome templates and join ways (with ``auto_create_room``), gives statistics, and
pushes changes as encrypted callbacks (``callbacks.py``). It cannot kick, mute, approve
a join, set a group nickname or recall: those are not declared, so the outbox turns
them into tasks for the group's owner (``actions.by_hand``). Facts and codes:
shared/PROTOCOLS.md section 2; setup: docs/connectors/wechat.md.

This module is the connection: its options, reading groups and members, the check, and
acting (``actions.py``); the HTTP client and the token in ``api.py``; statistics in
``statistics.py``.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from shequn import (ActionRequest, ActionResult, Capability, ConfigError, ConnectionCheck, Connector, ConnectorError,
                    GroupInfo, MemberInfo, Option, Pacing, Status)

from .actions import act as act_on, robot_send
from .api import ApiError, WeComApi
from .callbacks import WeComCallbacks
from .crypto import CryptoError, WeComCrypto, aes_key

LIST_LIMIT = 1000  # groupchat/list's largest page
OWNER_CHUNK = 100  # owner_filter's largest list
READ_CONCURRENCY = 4


class WeChatConnector(WeComCallbacks, Connector):
    platform = "wechat"
    title = "WeChat (WeCom customer groups)"
    options = (
        Option("corp_id", "the WeCom corp id (企业ID), from My Company > Company Information", str, required=True),
        Option("secret", "the secret of the 客户联系 (customer contact) app or of a self-built app listed under "
               "可调用应用; use \"env:NAME\"", secret=True, required=True),
        Option("token", "the callback Token set in the admin console (API 接收消息); use \"env:NAME\"",
               secret=True, required=True),
        Option("encoding_aes_key", "the callback EncodingAESKey (43 characters) set beside the token; use "
               "\"env:NAME\"", secret=True, required=True),
        Option("agent_id", "the self-built app's AgentId (welcome templates are kept for it)", int, minimum=1),
        Option("owners", "userids of the staff whose customer groups this connection manages (groups of others "
               "are left out; needed when the app sees more than 1,000 users)", list, default=[]),
        Option("robot_key", "key of a WeCom group robot (群机器人) that receives notices for the operator; use "
               "\"env:NAME\"", secret=True),
        Option("base_url", "WeCom's API address (a test server or a proxy may stand in)", str,
               default="https://qyapi.weixin.qq.com"),
        Option("timeout", "seconds to wait for WeCom's answer", float, default=15.0, minimum=0.1, maximum=600.0),
        Option("backoff_seconds", "seconds to wait after WeCom's rate limit (45009) before trying again", float,
               default=60.0, minimum=1.0, maximum=3600.0),
        Option("mass_send_remind_hours", "hours after a mass send to a group is made that WeCom reminds its owner "
               "once to confirm it, if they have not (0 = never)", float, default=4.0, minimum=0.0, maximum=720.0),
        Option("mass_send_expire_hours", "hours after a mass send is made that shequn stops it in WeCom if its owner "
               "never confirmed it, and tells them (0 = never; more than the remind hours)", float, default=24.0,
               minimum=0.0, maximum=720.0),
    )
    # send and announce: through the customer-group mass send, which the owner confirms in WeCom (groupmsg.py)
    capabilities = frozenset({Capability.LIST_GROUPS, Capability.LIST_MEMBERS, Capability.WELCOME_TEMPLATE,
                              Capability.JOIN_WAY, Capability.STATISTICS, Capability.SEND, Capability.ANNOUNCE})
    intake = frozenset({"webhook"})
    # WeCom welcomes each newcomer itself with the template the owner picked (hooks.sync_welcomes keeps it equal
    # to the welcome policy): the entry plugin sends no per-join welcome, which would be a mass send a day
    welcomes_newcomers = True
    # No published table of WeCom's current limits (PROTOCOLS.md 2.10): a modest pace, and
    # 45009/45033 answered with a back-off.
    pacing = Pacing(rate=2.0, burst=5)

    @classmethod
    def check_options(cls, raw: dict[str, Any], where: str, file: Any = None) -> dict[str, Any]:
        cfg = super().check_options(raw, where, file)
        try:
            aes_key(str(cfg["encoding_aes_key"] or ""))
        except CryptoError as e:
            raise ConfigError(file, f"{where}.encoding_aes_key", str(e), "the 43-character EncodingAESKey shown "
                              "in the WeCom admin console") from None
        if not str(cfg["corp_id"]).strip():
            raise ConfigError(file, f"{where}.corp_id", "is empty", "the corp id (企业ID), e.g. ww1436e0e65a779aee")
        owners = cfg["owners"] or []
        bad = [o for o in owners if not isinstance(o, str) or not o.strip() or len(o) > 64]
        if bad:
            raise ConfigError(file, f"{where}.owners", f"has {bad[0]!r}", "WeCom userids (texts of 1 to 64 "
                              "characters), e.g. [\"zhangsan\", \"lisi\"]")
        if not str(cfg["base_url"]).startswith(("http://", "https://")):
            raise ConfigError(file, f"{where}.base_url", f"is {cfg['base_url']!r}", "an http:// or https:// URL")
        remind, expire = cfg["mass_send_remind_hours"], cfg["mass_send_expire_hours"]
        if expire and remind and expire <= remind:  # stopped before (or as) it is reminded: the reminder is moot
            raise ConfigError(file, f"{where}.mass_send_expire_hours", f"is {expire:g}, not above "
                              f"mass_send_remind_hours ({remind:g})", f"more than {remind:g} and at most 720 hours, "
                              "or 0 (never)")
        return cfg

    def __init__(self, name: str, options: dict[str, Any] | None = None, *, sink=None,
                 transport: httpx.AsyncBaseTransport | None = None):
        super().__init__(name, options, sink=sink)
        cfg = self.config
        self.corp_id = str(cfg["corp_id"]).strip()
        self.owners: list[str] = list(dict.fromkeys(str(o).strip() for o in cfg["owners"] or []))
        self.crypto = WeComCrypto(str(cfg["token"]), str(cfg["encoding_aes_key"]), self.corp_id)
        self.api = WeComApi(name, str(cfg["base_url"]), self.corp_id, str(cfg["secret"]), timeout=cfg["timeout"],
                            backoff=cfg["backoff_seconds"], transport=transport, on_state=self._state)
        self.seen: dict = {}
        self._details: dict[str, dict[str, Any]] = {}  # group details read by list_groups, for list_members
        self._state_now: str | None = None
        self.robot_window: list[float] = []
        self.mass_days: set[tuple[str, str]] = set()  # (chat_id, China day) mass sends made by this process
        # self.ws, once attach() ran (the base's): WeCom's daily limit and the template journal live there

    def now(self) -> float:
        return float(self.ws.now()) if self.ws is not None else time.time()

    async def mass_sent_on(self, chat: str, day: str) -> int:
        """Mass sends to ``chat`` on a China day: recorded ones, or this process's own."""
        from .groupmsg import sent_on

        stored = await sent_on(self.ws, self.name, chat, day) if self.ws is not None else 0
        return max(stored, int((chat, day) in self.mass_days))

    def _state(self, state: str, error: str | None = None) -> None:
        self._state_now = state
        self.sink.state(state, error)

    def mark_seen_callback(self) -> None:
        if self._state_now != "online":
            self._state("online")

    async def aclose(self) -> None:
        await self.api.aclose()

    async def stop(self) -> None:
        await self.aclose()

    async def refresh_auth(self) -> None:
        self.api.forget_token()

    async def check(self) -> ConnectionCheck:
        try:
            await self.api.token()
        except ApiError as e:
            return ConnectionCheck(False, detail=e.result.message)
        self._state("online")
        who = f"{self.corp_id}" + (f"/{self.config['agent_id']}" if self.config["agent_id"] else "")
        owners = f"{len(self.owners)} owners" if self.owners else "every owner the app sees"
        return ConnectionCheck(True, who, f"WeCom token fetched; customer groups of {owners}")

    # --- reading ---------------------------------------------------------------------------------------

    async def chat_ids(self) -> list[tuple[str, int]]:
        """(chat_id, status) of every customer group, through cursor paging (per 100 owners)."""
        out: list[tuple[str, int]] = []
        chunks = [self.owners[i:i + OWNER_CHUNK] for i in range(0, len(self.owners), OWNER_CHUNK)] or [[]]
        for owners in chunks:
            restarted = False
            cursor, page = "", []
            while True:
                body: dict[str, Any] = {"status_filter": 0, "limit": LIST_LIMIT}
                if owners:
                    body["owner_filter"] = {"userid_list": owners}
                if cursor:
                    body["cursor"] = cursor
                try:
                    data = await self._read("externalcontact/groupchat/list", body)
                except ApiError as e:
                    if e.errcode == 50100 and not restarted:  # the cursor went stale: list again from the start
                        restarted, cursor, page = True, "", []
                        continue
                    raise ConnectorError(f"{self.name}: could not list customer groups: {e.result.message}") from None
                page.extend((str(g.get("chat_id")), int(g.get("status") or 0)) for g in data.get("group_chat_list")
                            or [] if g.get("chat_id"))
                self.sink.progress(len(out) + len(page), 0, "listing customer groups")
                cursor = str(data.get("next_cursor") or "")
                if not cursor:
                    break
            out.extend(page)
        return list(dict.fromkeys(out))

    async def _read(self, route: str, body: dict[str, Any]) -> dict[str, Any]:
        """A read, retried in place after WeCom's rate limits (a sync should finish, slowly)."""
        for attempt in range(4):
            try:
                return await self.api.call(route, body)
            except ApiError as e:
                if e.result.status != Status.RATE_LIMITED or attempt == 3:
                    raise
                await asyncio.sleep(min(e.result.retry_after or 1.0, 2.0 ** attempt))
        raise AssertionError("unreachable")

    async def list_groups(self) -> list[GroupInfo]:
        ids = await self.chat_ids()
        total, done = len(ids), 0
        sem = asyncio.Semaphore(READ_CONCURRENCY)
        details: dict[str, dict[str, Any] | None] = {}

        async def one(chat: str) -> None:
            nonlocal done
            async with sem:
                try:
                    data = await self._read("externalcontact/groupchat/get", {"chat_id": chat, "need_name": 1})
                    details[chat] = data.get("group_chat") or {}
                except ApiError:
                    details[chat] = None  # listed without details; its members are read again by list_members
            done += 1
            self.sink.progress(done, total, "reading customer groups")

        await asyncio.gather(*(one(c) for c, _ in ids))
        out = []
        for chat, status in ids:
            d = details.get(chat)
            if d:
                self._details[chat] = d
                self.remember(d)
            out.append(GroupInfo(id=chat, name=str((d or {}).get("name") or ""),
                                 member_count=len((d or {}).get("member_list") or []) if d else None,
                                 data={"owner": (d or {}).get("owner"), "status": status}))
        return out

    async def list_members(self, group: str) -> list[MemberInfo]:
        d = self._details.pop(group, None)
        if d is None:
            try:
                d = (await self._read("externalcontact/groupchat/get", {"chat_id": group, "need_name": 1})
                     ).get("group_chat") or {}
            except ApiError as e:
                raise ConnectorError(f"{self.name}: could not read group {group}: {e.result.message}") from None
            self.remember(d)
        admins = {str(a.get("userid")) for a in d.get("admin_list") or [] if isinstance(a, dict)}
        out = []
        for m in d.get("member_list") or []:
            uid = str(m.get("userid"))
            role = "owner" if uid == str(d.get("owner")) else "admin" if uid in admins else "member"
            inviter = (m.get("invitor") or {}).get("userid") if isinstance(m.get("invitor"), dict) else None
            out.append(MemberInfo(user=uid, nickname=str(m.get("name") or m.get("group_nickname") or ""),
                                  card=str(m.get("group_nickname") or ""), role=role,
                                  joined_at=int(m.get("join_time") or 0) or None,
                                  data={"type": m.get("type"), "join_scene": m.get("join_scene"), "inviter": inviter,
                                        "state": m.get("state") or ""}))
        return out

    # --- acting ----------------------------------------------------------------------------------------

    async def act(self, request: ActionRequest) -> ActionResult:
        return await act_on(self, request)

    async def reconcile(self, request: ActionRequest) -> ActionResult | None:
        """A mass send in doubt after a crash: WeCom's list of mass sends tells whether it
        was made (groupmsg.reconcile); other kinds are idempotent or re-checked in ``act``."""
        if request.kind not in ("send", "announce"):
            return None
        from .groupmsg import reconcile

        since = self.now() - 86400
        if self.ws is not None:
            since = float(await asyncio.to_thread(self.ws.store.scalar, "SELECT created_at FROM actions WHERE id = ?",
                                                  (request.action_id,), since))
        try:
            return await reconcile(self, request, since)
        except ApiError as e:
            return e.result
        except ValueError as e:
            return ActionResult.failed(f"{self.name}: {e}")

    async def notify(self, text: str, mentions: list[str] | None = None) -> ActionResult:
        """A notice for the operator through the group robot (``robot_key``), 20 a minute."""
        if not self.config["robot_key"]:
            return ActionResult.failed(f"{self.name}: no robot_key is set for notices")
        now = time.monotonic()
        self.robot_window = [t for t in self.robot_window if t > now - 60]
        if len(self.robot_window) >= 20:
            wait = 60 - (now - self.robot_window[0])
            return ActionResult(Status.RATE_LIMITED, "the robot takes 20 messages a minute", retry_after=wait)
        res = await robot_send(self, text, mentions or [])
        if res.status == Status.DONE:
            self.robot_window.append(now)
        return res

    @classmethod
    def by_hand(cls, ws, kind: str, group_id: int | None, person_id: int | None) -> str | None:
        """The task's title for an action WeCom cannot do, in the console's language, naming
        the person and the group (the outbox calls this when it stores the action unsupported)."""
        from .actions import BY_HAND

        template = BY_HAND.get(kind)
        if template is None:
            return None
        person = (ws.store.scalar("SELECT display_name FROM people WHERE id = ?", (person_id,), "") if person_id
                  else "") or ws.t("a member")
        group = (ws.store.scalar("SELECT name FROM groups WHERE id = ?", (group_id,), "") if group_id
                 else "") or ws.t("the group")
        return ws.tr(template, person=person, group=group)
