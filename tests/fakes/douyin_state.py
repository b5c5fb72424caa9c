"""What the fake Douyin open platform knows: the app, its tokens and the fan groups.

No network here: :class:`DouyinState` is the platform's behaviour as plain methods that
raise :class:`PlatformError` with the platform's code and words (PROTOCOLS.md 3.2-3.4,
3.6), so the HTTP layer (``douyin.py``) only turns them into envelopes.

Time is the fake's own clock (``now()``, moved on by ``advance(seconds)``), so a test
runs a 15-day access token or a 30-day refresh token out without waiting and without
reading the wall clock twice.

Facts the documents leave open are chosen here and said so (PROTOCOLS.md 5): an
application's ``apply_status`` is 1 while pending (the list's documented value), the
decision's ``status`` is ``approve_status`` (2) or ``reject_status`` (3); the greeting is
setting type 1 and the announcement 2; a message or an application the platform no
longer knows is 28001007 with words saying so.
"""

from __future__ import annotations

import base64
import itertools
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

ACCESS_TTL = 15 * 86400  # expires_in 1296000
REFRESH_TTL = 30 * 86400
CLIENT_TTL = 7200
CLIENT_GRACE = 300  # a replaced client_token stays valid this long (only the newest two)
RENEW_LIMIT = 5  # renew_refresh_token at most this many times, then authorise again
SCOPES = ("im.group_fans.create_list", "im.group_message", "im.recall_message")
GROUP_SCOPE = {"create": "im.group_fans.create_list", "list": "im.group_fans.create_list",
               "count": "im.group_fans.create_list", "audit": "im.group_fans.create_list",
               "setting": "im.group_fans.create_list", "send": "im.group_message", "recall": "im.recall_message"}
GREETING, ANNOUNCEMENT = 1, 2
PENDING, APPROVED, REJECTED = 1, 2, 3


class PlatformError(Exception):
    """An answer with a non-zero ``error_code``, in the platform's words."""

    def __init__(self, code: int, description: str):
        super().__init__(f"{code} {description}")
        self.code, self.description = code, description


def douyin_id(prefix: str = "") -> str:
    """An id shaped like the platform's: '@' and base64 (with '/', '+' and '=')."""
    return "@" + base64.b64encode(prefix.encode() + secrets.token_bytes(30)).decode()


@dataclass
class Refresh:
    open_id: str
    expires: float
    renewals: int = 0
    scopes: tuple[str, ...] = SCOPES


@dataclass
class Group:
    group_id: str
    group_name: str
    description: str = ""
    max_num: int = 500
    members: set[str] = field(default_factory=set)
    status: str = "Normal"
    open_audit_switch: int = 1
    settings: dict[int, list[dict]] = field(default_factory=dict)  # group_setting_type -> msg_list
    created: dict[str, Any] = field(default_factory=dict)  # the create body as sent

    def listed(self) -> dict[str, Any]:
        return {"group_id": self.group_id, "group_name": self.group_name, "description": self.description,
                "avatar_uri": "", "group_type": 1, "status": self.status, "entry_limit": [],
                "exist_num": len(self.members), "max_num": self.max_num, "tags": []}


@dataclass
class Apply:
    apply_id: str
    group_id: str
    user_id: str
    nickname: str
    create_time: int  # milliseconds
    status: int = PENDING
    reason: str = ""  # the applicant's words: no document shows a field for them; sent as apply_reason when given


class DouyinState:
    """The platform's state behind one re-entrant lock (tests read it directly)."""

    def __init__(self, *, client_key: str = "awkey", client_secret: str = "s3cret", open_id: str | None = None,
                 account_type: str = "enterprise", group_quota: int = 3, clock=time.time,
                 refresh_ttl: float = REFRESH_TTL, expired_code: int = 28001008):
        self.client_key, self.client_secret = client_key, client_secret
        self.open_id = open_id or "ou-" + secrets.token_hex(8)  # the authorised enterprise account
        self.account_type = account_type  # only an enterprise account (企业号) may use the group API
        self._clock, self.offset = clock, 0.0
        # a refresh token's life (30 days; shorter makes a connection renew on each call, for a run
        # through the renewal limit against a serve that keeps the wall clock)
        self.refresh_ttl = refresh_ttl
        # what an IM call with an expired access token answers: 28001008, or the older families' 10008 / 2190008
        self.expired_code = expired_code
        self._lock = threading.RLock()
        self.client_tokens: list[tuple[str, float]] = []  # (token, issued at), newest last
        self.access: dict[str, tuple[str, float, tuple[str, ...]]] = {}  # token -> (open_id, expires, scopes)
        self.refresh: dict[str, Refresh] = {}
        self.codes: dict[str, str] = {}  # authorisation code -> open_id
        self.groups: dict[str, Group] = {}
        self.quota_left = group_quota
        self.applies: list[Apply] = []
        self.sent: dict[str, dict[str, Any]] = {}  # msg_id -> {group_id, content, recalled}
        self.calls: list[tuple[str, str]] = []  # (method, path) of every request that reached the fake
        self.token_calls: list[str] = []  # the OAuth paths called, in order
        self._seq = itertools.count(1)

    # --- time --------------------------------------------------------------------------------

    def now(self) -> float:
        return self._clock() + self.offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.offset += seconds

    # --- OAuth (3.2) ---------------------------------------------------------------------------

    def _app(self, client_key: str, client_secret: str | None = None) -> None:
        if not client_key:
            raise PlatformError(20010002, "参数不合法: client_key 为空")
        if client_key != self.client_key:
            raise PlatformError(20010003, "client_key 不存在")
        if client_secret is not None and client_secret != self.client_secret:
            raise PlatformError(20010013, "client_secret 错误")

    def client_token(self, body: dict[str, Any]) -> dict[str, Any]:
        self._app(str(body.get("client_key") or ""), str(body.get("client_secret") or ""))
        if body.get("grant_type") != "client_credential":
            raise PlatformError(20010002, "grant_type 必须为 client_credential")
        with self._lock:
            token = "clt." + secrets.token_hex(16)
            self.client_tokens.append((token, self.now()))
            return {"access_token": token, "expires_in": CLIENT_TTL}

    def client_token_valid(self, token: str) -> bool:
        """Only the newest two are valid, the older of them for CLIENT_GRACE after the newest came."""
        with self._lock:
            live = self.client_tokens[-2:]
            now = self.now()
            for i, (t, issued) in enumerate(live):
                if t != token or now > issued + CLIENT_TTL:
                    continue
                if i == len(live) - 1 or now <= live[-1][1] + CLIENT_GRACE:
                    return True
            return False

    def authorise(self, open_id: str | None = None, scopes: tuple[str, ...] = SCOPES) -> dict[str, Any]:
        """The account's person scans the QR code: tokens as /oauth/access_token/ would give them."""
        with self._lock:
            return self._issue(open_id or self.open_id, self.now() + self.refresh_ttl, 0, scopes)

    def issue_code(self, open_id: str | None = None) -> str:
        """An authorisation code, as the redirect after the QR scan carries it."""
        with self._lock:
            code = "code." + secrets.token_hex(8)
            self.codes[code] = open_id or self.open_id
            return code

    def _issue(self, open_id: str, refresh_expires: float, renewals: int, scopes: tuple[str, ...],
               refresh_token: str | None = None) -> dict[str, Any]:
        access = "act." + secrets.token_hex(16)
        for t, (oid, _, _) in list(self.access.items()):  # a new access token replaces the account's old one
            if oid == open_id:
                del self.access[t]
        self.access[access] = (open_id, self.now() + ACCESS_TTL, scopes)
        if refresh_token is None:
            refresh_token = "rft." + secrets.token_hex(16)
            self.refresh[refresh_token] = Refresh(open_id, refresh_expires, renewals, scopes)
        left = int(self.refresh[refresh_token].expires - self.now())
        return {"access_token": access, "expires_in": ACCESS_TTL, "open_id": open_id, "refresh_token": refresh_token,
                "refresh_expires_in": left, "scope": ",".join(scopes)}

    def access_token(self, form: dict[str, str]) -> dict[str, Any]:
        self._app(form.get("client_key", ""), form.get("client_secret", ""))
        with self._lock:
            open_id = self.codes.pop(form.get("code", ""), None)
            if open_id is None:
                raise PlatformError(10007, "授权码 code 无效或已使用")
            return self._issue(open_id, self.now() + self.refresh_ttl, 0, SCOPES)

    def _live_refresh(self, token: str) -> Refresh:
        r = self.refresh.get(token)
        if r is None or self.now() > r.expires:
            raise PlatformError(10010, "refresh_token 已过期，请用户重新授权")
        return r

    def refresh_access(self, form: dict[str, str]) -> dict[str, Any]:
        self._app(form.get("client_key", ""))
        if form.get("grant_type") != "refresh_token":
            raise PlatformError(2100005, "参数不合法: grant_type 必须为 refresh_token")
        with self._lock:
            r = self._live_refresh(form.get("refresh_token", ""))
            return self._issue(r.open_id, r.expires, r.renewals, r.scopes, refresh_token=form["refresh_token"])

    def renew_refresh(self, form: dict[str, str]) -> dict[str, Any]:
        self._app(form.get("client_key", ""))
        with self._lock:
            old = form.get("refresh_token", "")
            r = self._live_refresh(old)
            if r.renewals >= RENEW_LIMIT:
                raise PlatformError(10020, f"refresh_token 续期次数已达上限（{RENEW_LIMIT} 次），请用户重新授权")
            del self.refresh[old]
            new = "rft." + secrets.token_hex(16)
            self.refresh[new] = Refresh(r.open_id, self.now() + self.refresh_ttl, r.renewals + 1, r.scopes)
            return {"refresh_token": new, "expires_in": int(self.refresh_ttl)}

    def latest_refresh(self, open_id: str | None = None) -> str:
        """The account's newest live refresh token (tests compare what a connection holds)."""
        with self._lock:
            who = open_id or self.open_id
            return [t for t, r in self.refresh.items() if r.open_id == who][-1]

    def revoke(self, open_id: str | None = None) -> None:
        """The account's person cancels the authorisation in the app: every token is dead."""
        with self._lock:
            who = open_id or self.open_id
            self.access = {t: v for t, v in self.access.items() if v[0] != who}
            self.refresh = {t: v for t, v in self.refresh.items() if v.open_id != who}

    # --- the IM group API (3.3, 3.4) -----------------------------------------------------------

    def check_user(self, token: str, open_id: str, what: str) -> None:
        """The ``access-token`` header and ``open_id`` query of every user-scoped IM call."""
        with self._lock:
            held = self.access.get(token)
            if held is None or self.now() > held[1]:
                raise PlatformError(self.expired_code, "access_token 已过期")
            if held[0] != open_id:
                raise PlatformError(28001015, "access_token 与 open_id 不匹配")
            if GROUP_SCOPE[what] not in held[2]:
                raise PlatformError(28001012, f"用户未授权 {GROUP_SCOPE[what]}")
            if self.account_type != "enterprise":
                raise PlatformError(28001018, "该账号不具备粉丝群能力：仅企业号可使用")

    def left_count(self) -> int:
        return self.quota_left

    def create_group(self, body: dict[str, Any]) -> str:
        name = str(body.get("group_name") or "").strip()
        if not name:
            raise PlatformError(28001007, "参数不合法: group_name 为空")
        with self._lock:
            if self.quota_left <= 0:
                raise PlatformError(28003017, "建群额度已用完")
            self.quota_left -= 1
            g = self.add_group(name, description=str(body.get("description") or ""))
            g.open_audit_switch = int(body.get("open_audit_switch") or 0)
            g.created = dict(body)
            return g.group_id

    def add_group(self, name: str, *, members: int = 0, max_num: int = 500, description: str = "") -> Group:
        """A fan group of the account (created in the app, or by ``create_group``)."""
        with self._lock:
            gid = douyin_id("g")
            g = self.groups[gid] = Group(gid, name, description, max_num)
            g.members.update(f"fan-{next(self._seq)}" for _ in range(members))
            return g

    def group(self, group_id: str) -> Group:
        g = self.groups.get(group_id)
        if g is None:
            raise PlatformError(28001007, f"群 {group_id} 不存在")
        return g

    def apply(self, group_id: str, user_id: str | None = None, nickname: str = "", reason: str = "") -> Apply:
        """Someone asks to enter a fan group (the app's 申请入群)."""
        with self._lock:
            self.group(group_id)
            user_id = user_id or "ou-" + secrets.token_hex(6)
            a = Apply(douyin_id("a"), group_id, user_id, nickname or user_id[-6:], int(self.now() * 1000),
                      reason=reason)
            self.applies.append(a)
            return a

    def audit_page(self, cursor: int, count: int) -> dict[str, Any]:
        if not 1 <= count <= 50:
            raise PlatformError(28001007, "参数不合法: count 须在 1 到 50 之间")
        with self._lock:
            pending = [a for a in self.applies if a.status == PENDING]
            page = pending[cursor:cursor + count]
            return {"list": [{"group_id": a.group_id, "apply_id": a.apply_id, "apply_status": a.status,
                              "user_id": a.user_id, "create_time": a.create_time,
                              **({"apply_reason": a.reason} if a.reason else {})} for a in page],
                    "cursor": cursor + len(page), "has_more": cursor + len(page) < len(pending)}

    def decide(self, apply_id: str, status: int) -> Apply:
        with self._lock:
            a = next((x for x in self.applies if x.apply_id == apply_id), None)
            if a is None or a.status != PENDING:
                raise PlatformError(28001007, "申请不存在或已处理")
            if status not in (APPROVED, REJECTED):
                raise PlatformError(28001007, f"参数不合法: status {status}")
            a.status = status
            if status == APPROVED:
                self.group(a.group_id).members.add(a.user_id)
            return a

    def set_setting(self, body: dict[str, Any], *, disable: bool) -> None:
        with self._lock:
            g = self.group(str(body.get("group_id") or ""))
            kind = body.get("group_setting_type")
            if kind not in (GREETING, ANNOUNCEMENT):
                raise PlatformError(28001007, f"参数不合法: group_setting_type {kind!r}")
            if disable:
                g.settings.pop(kind, None)
                return
            msgs = body.get("msg_list")
            if not isinstance(msgs, list) or not msgs:
                raise PlatformError(28001007, "参数不合法: msg_list 为空")
            g.settings[kind] = msgs

    def send(self, body: dict[str, Any]) -> str:
        content = body.get("content")
        if not isinstance(content, dict) or "msg_type" not in content:
            raise PlatformError(28001007, "参数不合法: content 缺少 msg_type")
        with self._lock:
            g = self.group(str(body.get("group_id") or ""))
            mid = douyin_id("m")
            self.sent[mid] = {"group_id": g.group_id, "content": content, "recalled": False}
            return mid

    def recall(self, body: dict[str, Any]) -> None:
        with self._lock:
            m = self.sent.get(str(body.get("msg_id") or ""))
            if m is None or m["recalled"]:
                raise PlatformError(28001007, "消息不存在或已撤回")
            if body.get("conversation_id") not in (None, m["group_id"]):
                raise PlatformError(28001007, "参数不合法: conversation_id 与消息不符")
            m["recalled"] = True

    def texts(self, group_id: str) -> list[str]:
        """The text of every message sent into a group (tests)."""
        with self._lock:
            return [m["content"].get("text", {}).get("text", "") for m in self.sent.values()
                    if m["group_id"] == group_id and not m["recalled"]]
