"""The WeCom server API as the connector calls it: the access token and the error envelope.

- The token (``gettoken``) is cached in memory until shortly before it expires and never
  written anywhere else (not SQLite, not a log). WeCom may invalidate it early: a call
  answered 40014, 42001 or 40001 refreshes it once and is replayed once. Concurrent
  calls that meet an expired token share one refresh (a lock plus the stale token: who
  comes second finds it replaced and does not fetch again).
- Every answer is decided on ``errcode`` only (``errmsg`` changes): -1 is retried (three
  times, with a growing pause), 45009 and 45033 are rate limits with a back-off, the
  configuration errors (40013 corp id, 40001 secret at gettoken, 48002 permission,
  60020 IP allow-list) put the connection in error with words that say what to fix.
- A failure is raised as :class:`ApiError` carrying the typed result
  (:class:`console.model.ActionResult`), so ``act`` returns it and reads raise it with
  the connection's name; nothing here raises anything else for a platform error.
"""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

import httpx

from shequn import ActionResult, Status

AUTH_CODES = (40014, 42001, 40001)
CONFIG_WORDS = {
    40013: "WeCom says the corp id is invalid (40013): check corp_id (My Company > Company Information > Corp ID)",
    40001: "WeCom refused the secret (40001): check secret (the 客户联系 secret, or the self-built app's secret)",
    48002: "WeCom says this app may not call {route} (48002): give it customer-contact permission (可调用应用)",
    60020: "WeCom refused the call from this server's IP address (60020): add it to the app's trusted IPs",
    81017: "WeCom needs owner_filter (81017): the app sees more than 1,000 users; list the staff in owners",
}


class ApiError(Exception):
    """A WeCom call that did not succeed: ``result`` is what an action returns, ``errcode``
    WeCom's code (None for transport failures)."""

    def __init__(self, message: str, result: ActionResult, errcode: int | None = None):
        super().__init__(message)
        self.result, self.errcode = result, errcode


class WeComApi:
    """One connection's client: base URL, corp id, secret, timeouts, the token cache."""

    def __init__(self, name: str, base_url: str, corp_id: str, secret: str, *, timeout: float = 15.0,
                 backoff: float = 60.0, transport: httpx.AsyncBaseTransport | None = None, on_state=None):
        self.name, self.base_url, self.corp_id, self._secret = name, base_url.rstrip("/"), corp_id, secret
        self.timeout, self.backoff, self._transport = timeout, backoff, transport
        self.on_state = self._noting(on_state or (lambda state, error=None: None))
        self._down = False  # an offline or error state was reported: the next answer brings it back
        self._client: httpx.AsyncClient | None = None
        self._token: str | None = None
        self._expires = 0.0
        self._lock: asyncio.Lock | None = None
        self._lock_loop: asyncio.AbstractEventLoop | None = None
        self.token_fetches = 0
        self.retry_pause = 0.2  # -1 retries: 0.2 s, 0.4 s, 0.8 s

    # --- HTTP -----------------------------------------------------------------------------------------

    def client(self) -> httpx.AsyncClient:
        if self._client is None or self._client.is_closed:
            self._client = httpx.AsyncClient(base_url=self.base_url, transport=self._transport, trust_env=False,
                                             timeout=httpx.Timeout(self.timeout, connect=5.0))
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _noting(self, report):
        def state(state: str, error: str | None = None) -> None:
            self._down = state != "online"
            report(state, error)
        return state

    def _refresh_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._lock is None or self._lock_loop is not loop:  # a lock belongs to one loop
            self._lock, self._lock_loop = asyncio.Lock(), loop
        return self._lock

    async def _send(self, method: str, path: str, *, params: dict[str, Any], body: Any,
                    idempotent: bool) -> dict[str, Any]:
        where = f"{self.name}: {path}"
        try:
            resp = await self.client().request(method, path, params=params, json=body)
        except (httpx.ConnectError, httpx.ConnectTimeout) as e:
            self.on_state("offline", f"{self.name}: WeCom at {self.base_url} is unreachable ({type(e).__name__})")
            raise ApiError(f"{where}: unreachable", ActionResult.retry(f"WeCom at {self.base_url} is unreachable"))
        except (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as e:
            what = "timed out" if isinstance(e, httpx.TimeoutException) else "dropped the connection"
            if idempotent:
                raise ApiError(f"{where}: {what}", ActionResult.retry(f"WeCom {what}"))
            raise ApiError(f"{where}: {what}", ActionResult.failed(
                f"WeCom {what} after receiving the request; it may have been carried out, so it was not repeated"))
        except httpx.HTTPError as e:
            raise ApiError(f"{where}: {e}", ActionResult.retry(f"{type(e).__name__}: {e}"))
        if resp.status_code != 200:
            raise ApiError(f"{where}: HTTP {resp.status_code}", ActionResult.retry(
                f"WeCom answered HTTP {resp.status_code}"))
        try:
            data = resp.json()
        except ValueError:
            raise ApiError(f"{where}: not JSON", ActionResult.retry("WeCom's answer is not JSON"))
        if not isinstance(data, dict):
            raise ApiError(f"{where}: not an object", ActionResult.retry("WeCom's answer is not a JSON object"))
        return data

    # --- the token ---------------------------------------------------------------------------------------

    async def token(self) -> str:
        if self._token and time.monotonic() < self._expires:
            return self._token
        return await self.refresh(self._token)

    async def refresh(self, stale: str | None) -> str:
        """Fetch a new token unless another call already replaced ``stale``."""
        async with self._refresh_lock():
            if self._token and self._token != stale and time.monotonic() < self._expires:
                return self._token
            self._token = None
            self.token_fetches += 1
            data = await self._send("GET", "/cgi-bin/gettoken", params={"corpid": self.corp_id,
                                                                          "corpsecret": self._secret},
                                    body=None, idempotent=True)
            code = _code(data)
            if code in (40013, 40001):
                words = f"{self.name}: {CONFIG_WORDS[code]}"
                self.on_state("error", words)
                raise ApiError(words, ActionResult.failed(words), code)
            if code != 0 or not data.get("access_token"):
                raise self._error("gettoken", data, code)
            ttl = float(data.get("expires_in") or 7200)
            self._token = str(data["access_token"])
            self._expires = time.monotonic() + max(ttl * 0.5, ttl - 300)  # early: WeCom's clock is not ours
            return self._token

    def forget_token(self) -> None:
        self._token, self._expires = None, 0.0

    # --- calls ---------------------------------------------------------------------------------------------

    async def call(self, route: str, body: dict[str, Any] | None = None, *, idempotent: bool = True) -> dict[str, Any]:
        """POST ``/cgi-bin/<route>`` with the token; the answer, or ApiError with a typed result."""
        refreshed = False
        busy = 0
        while True:
            token = await self.token()
            data = await self._send("POST", f"/cgi-bin/{route}", params={"access_token": token}, body=body or {},
                                    idempotent=idempotent)
            code = _code(data)
            if code == 0:
                if self._down:  # WeCom answers again (reachable, the secret fixed): say so
                    self.on_state("online")
                return data
            if code in AUTH_CODES and not refreshed:
                refreshed = True
                await self.refresh(token)
                continue
            if code == -1 and busy < 3:
                await asyncio.sleep(self.retry_pause * 2 ** busy)
                busy += 1
                continue
            raise self._error(route, data, code)

    def _error(self, route: str, data: dict[str, Any], code: int) -> ApiError:
        msg = str(data.get("errmsg") or "")
        words = f"WeCom {route}: {code} {msg}".strip()
        if code in AUTH_CODES:
            return ApiError(words, ActionResult(Status.AUTH_EXPIRED, f"{words} (the token was refreshed once)"), code)
        if code == -1:
            return ApiError(words, ActionResult.retry(f"{words} (WeCom busy; retried 3 times)"), code)
        if code in (45009, 45033):
            pause = self.backoff if code == 45009 else max(1.0, self.backoff / 12)
            pause *= random.uniform(1.0, 1.25)  # jitter: several connections do not come back at once
            return ApiError(words, ActionResult(Status.RATE_LIMITED, f"{words} (WeCom's rate limit)",
                                                retry_after=pause), code)
        if code in CONFIG_WORDS:
            text = f"{self.name}: " + CONFIG_WORDS[code].format(route=route)
            if code != 81017:
                self.on_state("error", text)
            return ApiError(text, ActionResult.failed(text), code)
        if code == 49008:
            return ApiError(words, ActionResult.failed(f"{words} (the group was dismissed)", gone="group"), code)
        return ApiError(words, ActionResult.failed(words), code)


def _code(data: dict[str, Any]) -> int:
    """``errcode`` (absent counts as 0: gettoken has been seen answering without it)."""
    try:
        return int(data.get("errcode") or 0)
    except (TypeError, ValueError):
        return -1
