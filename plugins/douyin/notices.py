"""Tasks and connection states a Douyin connection raises for a person.

The connection's state (the Connections screen's state column, its last error the words)
says which condition holds, not a bare "error": ``re-auth`` (the tokens are dead, or the
5 renewals are used and a date is near; it stays until a person authorises again),
``throttled`` (28003018), ``no quota`` (28003017, until midnight Beijing time),
``expired`` (the access token expired and could not be refreshed), ``offline``, and
``online`` once a call succeeds again. A state is sent only when it changes.

A task is written through the workspace the runtime attached (``Connector.attach``), in a
worker thread, never on the event loop; a connection without a workspace (a test, a
one-off call) only reports its state. Each task has a dedupe key, so a condition that
lasts (a spent quota all day, a dead refresh token) asks once: per day for limits, per
refresh token for authorisation.
"""

from __future__ import annotations

import asyncio
import logging
import re
import string
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from .oauth import RENEW_LIMIT, fingerprint

if TYPE_CHECKING:
    from .connector import DouyinConnector

log = logging.getLogger("shequn.douyin")
BEIJING = timezone(timedelta(hours=8))

STEPS = ("Steps: 1. Sign in to the Douyin app as the enterprise account {open_id}. 2. Open the authorisation link "
         "(shequn douyin authorize {connection} prints it) and allow the fan-group scopes. 3. Douyin redirects with "
         "a code: run shequn douyin code {connection} CODE within 10 minutes (or put the new refresh token in "
         "connections.{connection}.refresh_token and restart).")


@dataclass
class Notice:
    kind: str
    title: str
    detail: str
    key: str
    values: dict[str, Any] = field(default_factory=dict)


#: why a connection needs a person (oauth.py, connector.withdrawn), read back into their template so a
#: task in zh-CN gives the reason in zh-CN too (translations.py has each)
WHY = ("the refresh token expired or was revoked ({said})", "no refresh token is configured and none was saved",
       "the account withdrew the app's authorisation ({event} webhook)")


def said(ws, why: str) -> str:
    """``why`` in the workspace's language, when it is one of ``WHY``."""
    for template in WHY:
        pattern = "".join(re.escape(lit) + (f"(?P<{name}>.+)" if name else "")
                          for lit, name, _, _ in string.Formatter().parse(template))
        m = re.fullmatch(pattern, why, re.S)
        if m:
            return ws.tr(template, **m.groupdict())
    return why


def day(ts: float) -> str:
    return datetime.fromtimestamp(ts, BEIJING).date().isoformat()


#: the states this connection reports besides online and offline (words in translations.py)
REAUTH, THROTTLED, NO_QUOTA, EXPIRED = "re-auth", "throttled", "no quota", "expired"


class Notices:
    def __init__(self, conn: "DouyinConnector"):
        self.conn = conn
        self.pending: list[Notice] = []
        self.written: list[Notice] = []  # what reached the workspace (tests read it)
        self.shown: tuple[str, str | None] | None = None  # the state last reported
        self.renew_by: float | None = None  # the refresh token's end once the 5 renewals are used

    def show(self, state: str, message: str | None = None) -> None:
        """Report the connection's state (once per change)."""
        if self.shown != (state, message):
            self.shown = (state, message)
            self.conn.sink.state(state, message)

    def renew_words(self, expires: float) -> str:
        name = self.conn.name
        return (f"{name}: the refresh token was renewed 5 times, the most Douyin allows; authorise the account again "
                f"before {day(expires)}: shequn douyin authorize {name}")

    def healthy(self) -> None:
        """A call succeeded: online, unless a person must authorise again before a date."""
        s = self.conn.tokens.state
        if self.renew_by is not None and s.renewals >= RENEW_LIMIT and not self.conn.tokens.reauthorise:
            self.show(REAUTH, self.renew_words(self.renew_by))
        else:
            self.show("online")

    def later(self, notice: Notice) -> None:
        """Queue a task; ``drain`` writes it (the caller may be outside any loop)."""
        if all(n.key != notice.key for n in self.pending):
            self.pending.append(notice)

    async def drain(self) -> None:
        items, self.pending = self.pending, []
        ws = self.conn.ws
        if not items or ws is None:
            return
        await asyncio.to_thread(self._write, ws, items)

    def _write(self, ws, items: list[Notice]) -> None:
        for n in items:
            try:
                values = {k: said(ws, v) if k == "why" else v for k, v in n.values.items()}
                ws.add_task(n.kind, ws.tr(n.title, **values), detail=ws.tr(n.detail, **values),
                            source=f"connection:{self.conn.name}", dedupe_key=n.key)
                self.written.append(n)
            except Exception:  # a store fault must not break the platform call that noticed it
                log.exception("%s: could not write the task %s", self.conn.name, n.key)

    def _values(self, **more: Any) -> dict[str, Any]:
        return {"connection": self.conn.name, "open_id": self.conn.open_id, **more}

    # --- the conditions ---------------------------------------------------------------------------

    def quota_spent(self, words: str, now: float) -> Notice:
        return Notice("douyin_quota", "Douyin call quota spent for connection {connection}",
                      "Douyin answered {words}. shequn waits until the quota renews at midnight (Beijing time) and then "
                      "carries out the waiting actions. If this happens every day, send less or ask Douyin for a "
                      "larger quota.", f"douyin_quota:{self.conn.name}:{day(now)}", self._values(words=words))

    def rate_limited(self, words: str, wait: float, now: float) -> Notice:
        return Notice("douyin_rate", "Douyin keeps limiting the rate of connection {connection}",
                      "Douyin answered {words} three times in a row. shequn backs off ({seconds} s between tries now) "
                      "and carries on; if it lasts, lower the connection's rate in config.toml.",
                      f"douyin_rate:{self.conn.name}:{day(now)}", self._values(words=words, seconds=int(wait)))

    def no_right(self, message: str) -> Notice:
        return Notice("douyin_right", "Douyin refused connection {connection} a right it needs",
                      "{message}. Check the app's capabilities (能力管理) in the Douyin open platform console and that "
                      "the account is an enterprise account (企业号).", f"douyin_right:{self.conn.name}:{message}",
                      self._values(message=message))

    async def reauthorise(self, why: str) -> None:
        """The refresh token is dead: the connection stops until a person authorises again."""
        name = self.conn.name
        self.show(REAUTH, f"{name}: {why}; authorise the account again: shequn douyin authorize {name}")  # 2 pieces
        key = f"douyin_reauth:{name}:{fingerprint(self.conn.tokens.state.refresh_token) or 'none'}"
        self.later(Notice("douyin_authorise", "Authorise Douyin connection {connection} again",
                          "Douyin will not renew this connection's tokens: {why}. Until the account is authorised "
                          "again nothing is sent or received on it; actions wait and retry. " + STEPS, key,
                          self._values(why=why)))
        await self.drain()

    async def renew_limit(self, expires: float) -> None:
        """Five renewals used: authorise again before the refresh token ends."""
        name = self.conn.name
        self.renew_by = expires
        self.show(REAUTH, self.renew_words(expires))
        key = f"douyin_reauth_soon:{name}:{fingerprint(self.conn.tokens.state.refresh_token)}"
        self.later(Notice("douyin_authorise", "Authorise Douyin connection {connection} again before {date}",
                          "The refresh token was renewed 5 times, the most Douyin allows; it ends on {date} and then "
                          "the connection stops. " + STEPS, key, self._values(date=day(expires))))
        await self.drain()
