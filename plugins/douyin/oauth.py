"""OAuth of one Douyin connection: the app's client_token, the account's access token
and its refresh token (PROTOCOLS.md 3.2).

- The access token lives 15 days; it is refreshed (``/oauth/refresh_token/``, a form)
  ten minutes before it ends, or when the platform says it expired. Concurrent calls
  share one refresh: they wait on one lock, and a refresh asked for a token already
  replaced returns the new one without a second call.
- The refresh token lives 30 days; within ``renew_days`` of its end it is renewed
  (``/oauth/renew_refresh_token/``, a form), which the platform allows 5 times. After the
  fifth, or when the platform answers 10020, the connection asks a person to authorise
  again before the token ends; a dead refresh token (10010) stops the connection until
  they have.
- Tokens are secrets: never in SQLite. They live in memory and in the connection's token
  file (mode 0600, beside config.toml), since a renewed refresh token replaces the one in
  the config: ``origin`` remembers which configured token the file descends from, so a new
  one put in the config (after authorising again) wins over the file.
- The client_token (2 h) is fetched once and kept, never per request: fetching again
  retires the previous one, and more than 500 fetches in 5 minutes are refused.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable

from shequn import ActionResult

from .answers import REAUTHORIZE, DouyinError, as_int

RENEW_LIMIT = 5
ACCESS_MARGIN = 600  # seconds before the end at which an access token is refreshed
CLIENT_MARGIN = 600
RENEW_LIMIT_CODE = 10020  # on renew_refresh_token: "renewed too often"

Post = Callable[..., Awaitable[tuple[int, str, dict[str, Any]]]]


def fingerprint(token: str | None) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()[:16] if token else ""


@dataclass
class TokenSet:
    access_token: str = ""
    access_expires: float = 0.0
    refresh_token: str = ""
    refresh_expires: float = 0.0  # 0: not known yet (a configured token, until its first refresh)
    renewals: int = 0
    origin: str = ""  # fingerprint of the configured refresh token this set descends from
    open_id: str = ""


class TokenFile:
    """Where a connection's tokens survive a restart (never the database)."""

    def __init__(self, path: Path):
        self.path = path

    def load(self) -> TokenSet | None:
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(doc, dict):
            return None
        known = TokenSet.__dataclass_fields__
        return TokenSet(**{k: v for k, v in doc.items() if k in known})

    def save(self, tokens: TokenSet) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(asdict(tokens), f)
        os.replace(tmp, self.path)


class NeedsAuthorisation(DouyinError):
    """The refresh token is dead or missing: only a person can authorise the account again."""

    def __init__(self, connection: str, why: str):
        message = f"{connection}: {why}; authorise the account again (shequn douyin authorize {connection})"
        super().__init__(message, ActionResult.retry(message, retry_after=1800))
        self.why = why


class Tokens:
    """The token keeper of one connection. ``post(path, data=|json=)`` makes one OAuth call."""

    def __init__(self, connection: str, *, client_key: str, client_secret: str, open_id: str,
                 configured_refresh: str | None, post: Post, clock: Callable[[], float] = time.time,
                 file: TokenFile | None = None, renew_days: float = 5.0,
                 on_reauthorise: Callable[[str], Awaitable[None]] | None = None,
                 on_renew_limit: Callable[[float], Awaitable[None]] | None = None):
        self.connection, self.client_key, self.client_secret, self.open_id = connection, client_key, client_secret, open_id
        self.post, self.clock, self.renew_before = post, clock, renew_days * 86400
        self.on_reauthorise, self.on_renew_limit = on_reauthorise, on_renew_limit
        self._lock = asyncio.Lock()
        self.refreshes = 0  # refresh_token calls made (tests count the shared refresh)
        self.reauthorise: str | None = None  # why a person must authorise again (None: tokens work)
        self.client: tuple[str, float] = ("", 0.0)
        self.configured = configured_refresh or ""
        self.state = TokenSet(refresh_token=self.configured, origin=fingerprint(self.configured), open_id=open_id)
        self.file: TokenFile | None = None
        self._mtime: int | None = None
        if file is not None:
            self.use_file(file)

    def use_file(self, file: TokenFile) -> None:
        """Keep tokens in ``file`` from now on, starting from what it saved when that descends
        from the configured refresh token (or none is configured)."""
        self.file = file
        self._mtime = None
        self._reload()

    def _reload(self) -> None:
        """Take up what the token file holds when another process changed it (``shequn douyin
        code`` after authorising again, a sync that refreshed): both must use the newest tokens."""
        if self.file is None:
            return
        try:
            mtime = self.file.path.stat().st_mtime_ns
        except OSError:
            return
        if mtime == self._mtime:
            return
        self._mtime = mtime
        origin = fingerprint(self.configured)
        saved = self.file.load()
        if saved and saved.refresh_token and saved.open_id in ("", self.open_id) and (
                not origin or saved.origin == origin):
            if saved.refresh_token != self.state.refresh_token:
                self.reauthorise = None  # a new authorisation (or renewal) elsewhere: try it
            self.state = saved

    async def withdrawn(self, why: str) -> None:
        """The account took the app's rights back: the tokens are dead until it authorises again."""
        async with self._lock:
            self.state.access_token, self.state.access_expires = "", 0.0
            if not self.reauthorise:
                try:
                    await self._dead(why)
                except NeedsAuthorisation:
                    pass

    # --- what callers use ----------------------------------------------------------------------

    async def access(self) -> str:
        """A live access token (refreshed, and the refresh token renewed, when due)."""
        async with self._lock:
            await self._ensure()
            return self.state.access_token

    async def refresh(self, failed: str | None = None) -> str:
        """The platform said ``failed`` expired: refresh, unless another call already did."""
        async with self._lock:
            if failed is not None and self.state.access_token != failed and self._live():
                return self.state.access_token
            self.state.access_expires = 0.0
            await self._ensure()
            return self.state.access_token

    async def client_token(self) -> str:
        """The app's client_token, fetched once per 2 hours at most."""
        async with self._lock:
            token, until = self.client
            if token and self.clock() < until - CLIENT_MARGIN:
                return token
            code, words, data = await self.post("/oauth/client_token/", json={
                "client_key": self.client_key, "client_secret": self.client_secret,
                "grant_type": "client_credential"})
            if code:
                raise DouyinError(f"{self.connection}: the app's client_key or client_secret was refused "
                                  f"({code} {words})", ActionResult.failed(f"{code} {words}"), code, words)
            self.client = (str(data.get("access_token") or ""), self.clock() + as_int(data.get("expires_in"), 7200))
            return self.client[0]

    async def exchange(self, code: str) -> TokenSet:
        """An authorisation code (from the QR scan's redirect) for a new token set."""
        async with self._lock:
            err, words, data = await self.post("/oauth/access_token/", data={
                "client_key": self.client_key, "client_secret": self.client_secret, "code": code,
                "grant_type": "authorization_code"})
            if err:
                raise DouyinError(f"{self.connection}: the code was refused ({err} {words})",
                                  ActionResult.failed(f"{err} {words}"), err, words)
            got = str(data.get("open_id") or "")
            if got and got != self.open_id:
                raise DouyinError(f"{self.connection}: the code authorises account {got}, but the connection's "
                                  f"open_id is {self.open_id}; sign in as that account, or change open_id",
                                  ActionResult.failed("another account"))
            now = self.clock()
            self.state = TokenSet(str(data.get("access_token") or ""), now + as_int(data.get("expires_in"), 0),
                                  str(data.get("refresh_token") or ""), now + as_int(data.get("refresh_expires_in"), 0),
                                  0, self.state.origin, self.open_id)
            self.reauthorise = None
            self._save()
            return self.state

    # --- inside the lock --------------------------------------------------------------------------

    def _live(self) -> bool:
        return bool(self.state.access_token) and self.clock() < self.state.access_expires - ACCESS_MARGIN

    async def _ensure(self) -> None:
        self._reload()
        if self.reauthorise:
            raise NeedsAuthorisation(self.connection, self.reauthorise)
        if not self.state.refresh_token:
            await self._dead("no refresh token is configured and none was saved")
        await self._renew_if_due()
        if not self._live():
            await self._refresh()

    async def _dead(self, why: str) -> None:
        self.reauthorise = why
        if self.on_reauthorise:
            await self.on_reauthorise(why)
        raise NeedsAuthorisation(self.connection, why)

    async def _refresh(self) -> None:
        self.refreshes += 1
        code, words, data = await self.post("/oauth/refresh_token/", data={
            "client_key": self.client_key, "grant_type": "refresh_token", "refresh_token": self.state.refresh_token})
        if code in REAUTHORIZE and self._newer_in_file():
            if not self._live():
                await self._refresh()
            return
        if code in REAUTHORIZE:
            await self._dead(f"the refresh token expired or was revoked ({code} {words})")
        if code:
            raise DouyinError(f"{self.connection}: the access token could not be refreshed ({code} {words})",
                              ActionResult.retry(f"{self.connection}: refreshing the access token failed: "
                                                 f"{code} {words}"), code, words)
        now = self.clock()
        s = self.state
        s.access_token = str(data.get("access_token") or "")
        s.access_expires = now + as_int(data.get("expires_in"), 0)
        left = as_int(data.get("refresh_expires_in"), 0)
        if left:
            s.refresh_expires = now + left
        if data.get("open_id"):
            s.open_id = str(data["open_id"])
        self._save()

    async def _renew_if_due(self) -> None:
        s = self.state
        if not s.refresh_expires or s.refresh_expires - self.clock() > self.renew_before:
            return
        if s.renewals >= RENEW_LIMIT:
            if self.on_renew_limit:
                await self.on_renew_limit(s.refresh_expires)
            return
        code, words, data = await self.post("/oauth/renew_refresh_token/", data={
            "client_key": self.client_key, "refresh_token": s.refresh_token})
        if code == RENEW_LIMIT_CODE:  # the platform counted the renewals: no more
            s.renewals = RENEW_LIMIT
            self._save()
            if self.on_renew_limit:
                await self.on_renew_limit(s.refresh_expires)
            return
        if code in REAUTHORIZE and self._newer_in_file():
            return
        if code in REAUTHORIZE:
            await self._dead(f"the refresh token expired or was revoked ({code} {words})")
        if code:  # the old token still works until it ends: try again on the next call
            return
        s.refresh_token = str(data.get("refresh_token") or s.refresh_token)
        s.refresh_expires = self.clock() + as_int(data.get("expires_in"), 30 * 86400)
        s.renewals += 1
        self._save()

    def _newer_in_file(self) -> bool:
        """Whether the token file holds a successor of the refresh token just refused: another
        process (``shequn sync`` or a ``shequn douyin`` verb beside ``serve``) renewed it a
        moment ago, which retires the old one. Then it is not dead, only replaced."""
        before = self.state.refresh_token
        self._mtime = None
        self._reload()
        return self.state.refresh_token != before

    def _save(self) -> None:
        if self.file is not None:
            self.file.save(self.state)
            try:
                self._mtime = self.file.path.stat().st_mtime_ns
            except OSError:
                pass
