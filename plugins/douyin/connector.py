"""The Douyin connector: an enterprise account's fan groups (粉丝群) through the Douyin
open platform (PROTOCOLS.md 3).

Calls go to ``base_url`` with httpx: the IM routes carry the ``access-token`` header and
the ``open_id`` query (``im``); tokens are kept by ``oauth.Tokens``; what each action
sends is in ``actions.py``; what an answer means in ``answers.py``. Events come two ways:
signed webhooks (``webhook.py``, normalised in ``normalize.py``) and a poll of the entry
applications (cursor paging), so an application whose webhook was lost is still filed.

What the platform cannot do is not declared, so the outbox and the console refuse it
before any call: there is no member list, no kick, mute, admin, card or rename.
Limits: 28003018 backs off (60 s doubling to an hour) and a persisting one becomes a
task; 28003017 waits until the quota renews at midnight, Beijing time, with a task.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import httpx

from shequn import (ActionRequest, ActionResult, Capability, ConfigError, ConnectionCheck, Connector, ConnectorError,
                    Event, GroupInfo, Option, Pacing, Route, Status)

from . import webhook
from .actions import ACTIONS
from .answers import QUOTA_SPENT, RATE_LIMITED, DouyinError, as_int, read_envelope, result_for
from .normalize import application
from .notices import EXPIRED, NO_QUOTA, THROTTLED, Notices
from .oauth import NeedsAuthorisation, Tokens, TokenFile

log = logging.getLogger("shequn.douyin")

LIST = "/im/group/fans/list/"
COUNT_PATHS = ("/im/group/fans/count/", "/im/group/count/")  # which one exists is unconfirmed: try both
AUDIT_GET = "/im/group/enter/audit/get/"
PAGE = 50  # the most the application list gives per page
MAX_PAGES = 200
RELIST_SECONDS = 60  # a webhook for an unknown group re-reads the group list at most this often
BEIJING = 8 * 3600


class DouyinConnector(Connector):
    platform = "douyin"
    title = "Douyin fan groups (抖音粉丝群, open platform)"
    options = (
        Option("client_key", "the app's client_key from the Douyin open platform console", str, required=True),
        Option("client_secret", "the app's client_secret (signs webhooks too); use \"env:NAME\"", secret=True,
               required=True),
        Option("open_id", "open_id of the enterprise account (企业号) that authorised the app", str, required=True),
        Option("refresh_token", "the refresh token the account's authorisation gave; use \"env:NAME\" (renewed "
               "tokens are kept in the token file, never in the database)", secret=True),
        Option("base_url", "the open platform's address", str, default="https://open.douyin.com"),
        Option("token_file", "where renewed tokens are kept (mode 0600); default douyin-CONNECTION.tokens.json "
               "beside config.toml", str, default=""),
        Option("redirect_uri", "the redirect URI registered for the app, for the authorisation link", str,
               default=""),
        Option("timeout", "seconds to wait for an answer", float, default=15.0, minimum=0.1, maximum=600.0),
        Option("poll_seconds", "seconds between reads of the entry-application list", float, default=60.0,
               minimum=10.0, maximum=86400.0),
        Option("renew_days", "renew the refresh token when fewer days than this are left", float, default=5.0,
               minimum=1.0, maximum=29.0),
        Option("approve_status", "the status code that approves an application (unconfirmed by the documents)",
               int, default=2, minimum=1, maximum=9),
        Option("reject_status", "the status code that rejects an application (unconfirmed by the documents)", int,
               default=3, minimum=1, maximum=9),
        Option("greeting_type", "group_setting_type of the greeting, 入群欢迎语 (unconfirmed)", int, default=1,
               minimum=1, maximum=9),
        Option("announcement_type", "group_setting_type of the announcement, 群公告 (unconfirmed)", int, default=2,
               minimum=1, maximum=9),
    )
    capabilities = frozenset({Capability.SEND, Capability.APPROVE_JOIN, Capability.ANNOUNCE, Capability.CREATE_GROUP,
                              Capability.RECALL, Capability.LIST_GROUPS, Capability.WELCOME_TEMPLATE})
    intake = frozenset({"webhook", "poll"})
    pacing = Pacing(rate=1.0, burst=3)  # the IM limits are not published: one a second, a burst of three
    join_request_lifetime = 7 * 86400  # no document gives one: a cautious week; join_request_hours overrides

    @classmethod
    def check_options(cls, raw: dict[str, Any], where: str, file: Any = None) -> dict[str, Any]:
        cfg = super().check_options(raw, where, file)
        if not str(cfg["base_url"]).startswith(("http://", "https://")):
            raise ConfigError(file, f"{where}.base_url", f"is {cfg['base_url']!r}", "an http:// or https:// URL")
        for key in ("client_key", "open_id"):
            if not str(cfg[key]).strip():
                raise ConfigError(file, f"{where}.{key}", "is empty", dict((o.name, o.help) for o in cls.options)[key])
        if cfg["approve_status"] == cfg["reject_status"]:
            raise ConfigError(file, f"{where}.reject_status", f"is {cfg['reject_status']}, the same as approve_status",
                              "two different codes: one approves, the other rejects")
        if cfg["greeting_type"] == cfg["announcement_type"]:
            raise ConfigError(file, f"{where}.announcement_type", f"is {cfg['announcement_type']}, the same as "
                              "greeting_type", "two different setting types")
        return cfg

    def __init__(self, name: str, options: dict[str, Any] | None = None, *, sink=None,
                 transport: httpx.AsyncBaseTransport | None = None, clock=None):
        super().__init__(name, options, sink=sink)
        cfg = self.config
        self.base_url = str(cfg["base_url"]).rstrip("/")
        self.open_id = str(cfg["open_id"])
        self.clock = clock or time.time
        self.poll_interval = float(cfg["poll_seconds"])
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self.ws = None
        self.notices = Notices(self)
        self.tokens = Tokens(name, client_key=cfg["client_key"], client_secret=cfg["client_secret"],
                             open_id=self.open_id, configured_refresh=cfg["refresh_token"], post=self.oauth_post,
                             clock=self.clock, renew_days=cfg["renew_days"],
                             on_reauthorise=self.notices.reauthorise, on_renew_limit=self.notices.renew_limit)
        self.recent = webhook.RecentIds()
        self.refused_kept: set[tuple[str, str]] = set()  # (day, cause) of refused pushes kept as dead letters
        self._polled = webhook.RecentIds()
        self.known: set[str] = set()
        self._listed_at = float("-inf")
        self._count_path: str | None = None
        self._failed_token: str | None = None
        self.rate_hits = 0
        self.duplicates = 0
        self.accepted = 0
        self.online: bool | None = None
        file = str(cfg["token_file"] or "")
        if file and Path(file).expanduser().is_absolute():
            self.tokens.use_file(TokenFile(Path(file).expanduser()))

    def attach(self, ws) -> None:
        """The workspace: for tasks to a person, and the token file's place beside config.toml."""
        self.ws = ws
        if self.tokens.file is None:
            file = str(self.config["token_file"] or f"douyin-{self.name}.tokens.json")
            self.tokens.use_file(TokenFile(ws.settings.resolve_path(file)))

    # --- HTTP ------------------------------------------------------------------------------------

    def client(self) -> httpx.AsyncClient:
        if self._client is None or self._client.is_closed:
            self._client = httpx.AsyncClient(base_url=self.base_url, transport=self._transport, trust_env=False,
                                             timeout=httpx.Timeout(self.config["timeout"], connect=5.0))
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def oauth_post(self, path: str, *, data: dict | None = None, json: dict | None = None
                         ) -> tuple[int, str, dict[str, Any]]:
        """One OAuth call: JSON for client_token, a form for the user-token endpoints."""
        try:
            resp = await self.client().post(path, data=data, json=json)
            doc = resp.json() if resp.status_code < 500 else None
        except (httpx.HTTPError, ValueError) as e:
            raise DouyinError(f"{self.name}: the Douyin OAuth endpoint did not answer ({type(e).__name__})",
                              ActionResult.retry(f"{self.name}: Douyin did not answer the token call")) from None
        if doc is None:
            raise DouyinError(f"{self.name}: Douyin answered HTTP {resp.status_code} to {path}",
                              ActionResult.retry(f"{self.name}: Douyin answered HTTP {resp.status_code}"))
        return read_envelope(doc)

    async def im(self, method: str, path: str, *, body: dict | None = None, query: dict | None = None,
                 idempotent: bool = True) -> dict[str, Any]:
        """One IM call as the authorised account; the business fields, or DouyinError."""
        token = await self.tokens.access()
        params = {"open_id": self.open_id, **(query or {})}
        try:
            resp = await self.client().request(method, path, params=params, json=body if method == "POST" else None,
                                               headers={"access-token": token})
        except (httpx.ConnectError, httpx.ConnectTimeout) as e:
            self._offline(f"Douyin at {self.base_url} is unreachable ({type(e).__name__})")
            raise DouyinError("unreachable", ActionResult.retry(f"{self.name}: Douyin is unreachable")) from None
        except httpx.HTTPError as e:
            what = "timed out" if isinstance(e, httpx.TimeoutException) else "dropped the connection"
            result = ActionResult.retry(f"{self.name}: Douyin {what}") if idempotent else ActionResult.failed(
                f"{self.name}: Douyin {what} after receiving the request; it may have been carried out, so it was "
                "not repeated")
            raise DouyinError(what, result) from None
        if resp.status_code == 404:
            raise DouyinError("404", ActionResult.failed(f"{self.name}: Douyin has no {path}"), 404)
        if resp.status_code == 429:
            raise DouyinError("429", self._limited(28003018, "HTTP 429"), 28003018)
        if resp.status_code >= 500:
            raise DouyinError(f"HTTP {resp.status_code}", ActionResult.retry(
                f"{self.name}: Douyin answered HTTP {resp.status_code}"))
        try:
            code, words, payload = read_envelope(resp.json())
        except ValueError:
            raise DouyinError("not JSON", ActionResult.retry(f"{self.name}: Douyin's answer was not JSON")) from None
        if code:
            result = self._limited(code, words)
            if result.status == Status.AUTH_EXPIRED:
                self._failed_token = token
            err = DouyinError(result.message, result, code, words)
            err.token = token  # type: ignore[attr-defined]
            raise err
        self.rate_hits = 0
        self._online()
        return payload

    async def im_refreshing(self, method: str, path: str, **kw: Any) -> dict[str, Any]:
        """``im`` for calls outside the outbox: an expired token is refreshed once and the call repeated."""
        try:
            return await self.im(method, path, **kw)
        except DouyinError as e:
            if e.result.status != Status.AUTH_EXPIRED:
                raise
            await self._refresh(getattr(e, "token", None))
            return await self.im(method, path, **kw)

    def _limited(self, code: int, words: str) -> ActionResult:
        if code in RATE_LIMITED:
            self.rate_hits += 1
        wait = min(3600.0, 60.0 * 2 ** min(max(self.rate_hits - 1, 0), 6))
        now = self.clock()
        until_midnight = 86400 - (now + BEIJING) % 86400 + 60
        result = result_for(code, words, self.name, rate_wait=wait, quota_wait=until_midnight)
        if code in QUOTA_SPENT:
            self.notices.show(NO_QUOTA, result.message)
            self.notices.later(self.notices.quota_spent(f"{code} {words}".strip(), now))
        elif code in RATE_LIMITED:
            self.notices.show(THROTTLED, result.message)
            if self.rate_hits >= 3:
                self.notices.later(self.notices.rate_limited(f"{code} {words}".strip(), wait, now))
        elif result.data.get("no_right"):
            self.notices.later(self.notices.no_right(result.message))
        return result

    def _offline(self, why: str) -> None:
        self.online = False
        self.notices.show("offline", f"{self.name}: {why}")

    def _online(self) -> None:
        self.online = True
        self.notices.healthy()

    async def _refresh(self, failed: str | None) -> None:
        """One refresh after the platform said ``failed`` expired; a refresh that fails (not
        a dead refresh token, which asks a person) shows the connection as ``expired``."""
        try:
            await self.tokens.refresh(failed)
        except NeedsAuthorisation:
            raise
        except DouyinError as e:
            self.notices.show(EXPIRED, f"{self.name}: the access token expired and could not be refreshed; "
                                       f"{e.result.message or e}")
            raise

    # --- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        try:
            await self.list_groups()
        except ConnectorError as e:  # the webhook route still answers; the poll says what is wrong
            log.warning("%s", e)

    async def stop(self) -> None:
        await self.notices.drain()
        await self.aclose()

    async def check(self) -> ConnectionCheck:
        self.notices.shown = None  # the runtime records the check's outcome as the state: report ours again
        try:
            await self.tokens.client_token()
            left = await self.quota()
        except DouyinError as e:
            return ConnectionCheck(False, self.open_id, e.result.message or str(e))
        return ConnectionCheck(True, self.open_id, f"enterprise account {self.open_id}: {left} more fan groups can be "
                                                   "created")

    async def refresh_auth(self) -> None:
        """After AUTH_EXPIRED: one refresh, shared with any call already refreshing."""
        try:
            await self._refresh(self._failed_token)
        except DouyinError as e:
            log.warning("%s", e)

    async def withdrawn(self, event: str) -> None:
        """The account withdrew the app's rights (an ``unauthorize`` webhook)."""
        await self.tokens.withdrawn(f"the account withdrew the app's authorisation ({event} webhook)")

    # --- reading -----------------------------------------------------------------------------------

    async def quota(self) -> int:
        """How many more fan groups the account may create (``left_count``)."""
        paths = [self._count_path] if self._count_path else list(COUNT_PATHS)
        for path in paths:
            try:
                data = await self.im_refreshing("GET", path)
            except DouyinError as e:
                if e.code == 404 and path != paths[-1]:
                    continue
                raise
            self._count_path = path
            return as_int(data.get("left_count"), 0)
        return 0

    async def list_groups(self) -> list[GroupInfo]:
        try:
            data = await self.im_refreshing("GET", LIST)
        except DouyinError as e:
            raise ConnectorError(f"{self.name}: could not list fan groups: {e.result.message or e}") from None
        out = []
        for g in data.get("group_list") or []:
            if not isinstance(g, dict) or not g.get("group_id"):
                continue
            out.append(GroupInfo(id=str(g["group_id"]), name=str(g.get("group_name") or ""),
                                 member_count=as_int(g.get("exist_num"), 0) if "exist_num" in g else None,
                                 capacity=as_int(g.get("max_num"), 0) or None,
                                 data={"status": str(g.get("status") or "")}))
        self.known = {g.id for g in out}
        self._listed_at = self.clock()
        return out

    async def knows_group(self, group: str) -> bool:
        """Whether ``group`` is one of the account's fan groups (the list is read again when not)."""
        if group in self.known:
            return True
        if self.clock() - self._listed_at < RELIST_SECONDS:
            return False
        try:
            await self.list_groups()
        except ConnectorError:
            return True  # the list cannot be read now: keep the event rather than lose it
        return group in self.known

    async def poll(self) -> list[Event]:
        """Pending entry applications not delivered yet (every page, by cursor)."""
        events: list[Event] = []
        cursor = 0
        self.notices.shown = None  # said again once a poll: another process (a verb) may have written another
        try:
            for _ in range(MAX_PAGES):
                data = await self.im_refreshing("GET", AUDIT_GET, query={"cursor": cursor, "count": PAGE})
                page = data.get("apply_list") if isinstance(data.get("apply_list"), dict) else {}
                for item in page.get("list") or []:
                    ev = application(self.name, item, int(self.clock())) if isinstance(item, dict) else None
                    if ev is not None and not self._polled.seen(ev.id):
                        self._polled.add(ev.id)
                        events.append(ev)
                nxt = as_int(page.get("cursor"), 0)
                if not page.get("has_more") or nxt <= cursor:
                    break
                cursor = nxt
        except DouyinError as e:
            if e.result.status == Status.FAILED:
                self.notices.show("error", e.result.message)
            log.warning("%s: reading entry applications: %s", self.name, e.result.message or e)
        await self.notices.drain()
        return events

    def routes(self) -> list[Route]:
        return [Route("", ("POST",), self.handle)]

    async def handle(self, req) -> Any:
        return await webhook.handle(self, req)

    # --- acting ------------------------------------------------------------------------------------

    @classmethod
    def by_hand(cls, ws, kind: str, group_id: int | None, person_id: int | None) -> str | None:
        """The task's title for what Douyin cannot do, naming the person and the fan group."""
        from .by_hand import title

        return title(ws, kind, group_id, person_id)

    async def act(self, request: ActionRequest) -> ActionResult:
        run = ACTIONS.get(request.kind)
        if run is None:
            return ActionResult.failed(f"{self.name}: the Douyin connector has no {request.kind}")
        try:
            return await run(self, request)
        except ValueError as e:
            return ActionResult.failed(f"{self.name}: {e}")
        except DouyinError as e:
            return e.result
        finally:
            await self.notices.drain()
