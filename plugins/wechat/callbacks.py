"""WeCom's callbacks into shequn: the URL check (GET) and events (POST).

Mounted at ``/hooks/wechat/<connection>`` on ``shequn serve``'s webhook server; that URL,
with the connection's token and EncodingAESKey, is what the WeCom admin console is given
(docs/connectors/wechat.md).

- GET: verify ``msg_signature`` over ``echostr``, decrypt it, answer the plaintext alone.
- POST: verify the signature over ``<Encrypt>`` in constant time (missing: 401, wrong,
  or a body whose ``<Encrypt>`` cannot be read: 403; counted as refused requests by the
  server, not stored: anyone can call the URL), then decrypt (a
  ciphertext that does not decrypt, a bad padding, another corp's receive id: 400 and a
  dead letter naming the connection), parse the XML (400 and a dead letter), and answer
  200 with an empty body once the events are stored.
- Groups are read back with ``groupchat/get`` where the callback does not say enough (a
  join's inviter and name, a new name, notice or owner, a member list left out) and when
  ``LastMemVer`` differs from the version last seen: then the missed joins and leaves are
  made up from the difference (``reconciled``). A change for a group WeCom does not know,
  or one whose owner is not among the connection's ``owners``, is a dead letter.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from shequn import Event, Kind, Route, WebhookRequest, WebhookResult

from .api import ApiError
from .crypto import CryptoError
from .normalize import XmlError, change, envelope, events_of

NEEDS_DETAILS = {"add_member", "change_name", "change_notice", "change_owner"}


@dataclass
class Seen:
    """What the connector last read of a group (memory only)."""

    name: str = ""
    owner: str = ""
    version: str = ""
    members: set[str] = field(default_factory=set)


class WeComCallbacks:
    """A mixin of the connector: needs ``name``, ``crypto``, ``api``, ``owners``, ``seen``."""

    def routes(self) -> list[Route]:
        return [Route("", ("GET", "POST"), self.handle)]

    async def handle(self, req: WebhookRequest) -> WebhookResult:
        return await (self.handle_get(req) if req.method == "GET" else self.handle_post(req))

    def _signed(self, req: WebhookRequest, encrypted: str) -> WebhookResult | None:
        q = req.query
        given = q.get("msg_signature", "")
        if not given:
            return WebhookResult(401, b"missing msg_signature", error=f"{self.name}: unsigned WeCom callback refused "
                                 "(no msg_signature): is the callback URL someone else's?")
        try:
            self.crypto.verify(given, q.get("timestamp", ""), q.get("nonce", ""), encrypted)
        except CryptoError as e:
            return WebhookResult(403, b"bad signature", error=f"{self.name}: forged or mis-signed WeCom callback "
                                 f"refused ({e}): does the connection's token match the admin console's?")
        return None

    async def handle_get(self, req: WebhookRequest) -> WebhookResult:
        echo = req.query.get("echostr", "").replace(" ", "+")  # a '+' that arrived unescaped reads as a space
        refused = self._signed(req, echo)  # first: what nobody signed is counted, never stored
        if refused:
            return refused
        try:
            plain = self.crypto.decrypt(echo)
        except CryptoError as e:
            return WebhookResult(400, b"cannot decrypt", error=f"{self.name}: the WeCom URL check's echostr: {e}")
        return WebhookResult(200, plain, content_type="text/plain; charset=utf-8")

    async def handle_post(self, req: WebhookRequest) -> WebhookResult:
        try:
            encrypted, _to = envelope(req.body)
        except XmlError as e:
            if not req.query.get("msg_signature"):
                return self._signed(req, "")  # unsigned garbage: refused, not stored
            # the signature covers <Encrypt>, which cannot be read: nobody can be shown to have sent it,
            # so it is refused and counted (with a sample), never stored
            return WebhookResult(403, b"bad body", error=f"{self.name}: WeCom callback body: {e}; it cannot be "
                                 "verified, so it was refused")
        refused = self._signed(req, encrypted)
        if refused:
            return refused
        try:
            plain = self.crypto.decrypt(encrypted)
        except CryptoError as e:  # signed with our token, yet not readable: the key or corp id is wrong
            words = f"{self.name}: WeCom callback: {e}"
            self._state("error", f"{words}: does encoding_aes_key (and corp_id) match the admin console's?")
            return WebhookResult(400, b"cannot decrypt", error=words)
        try:
            c = change(plain)
        except XmlError as e:
            return WebhookResult(400, b"bad event", error=f"{self.name}: WeCom callback event: {e}")
        self.mark_seen_callback()
        try:
            events = await self.events_for(c)
        except UnknownGroup as e:
            # acknowledged (WeCom would retry for days) and kept as a dead letter for a person
            return WebhookResult(200, b"", error=f"{self.name}: {e}")
        return WebhookResult(200, b"", events=events)

    def mark_seen_callback(self) -> None:
        """A callback arrived signed and readable: the connection is online."""

    def _state(self, state: str, error: str | None = None) -> None:
        self.sink.state(state, error)

    # --- completing a change with groupchat/get -------------------------------------------------------

    async def details(self, chat_id: str) -> dict[str, Any] | None:
        """groupchat/get's ``group_chat`` (remembered as seen), None when WeCom could not answer.
        Raises UnknownGroup when WeCom does not know the group."""
        try:
            data = await self.api.call("externalcontact/groupchat/get", {"chat_id": chat_id, "need_name": 1})
        except ApiError as e:
            if e.errcode in (40050, 40058, 49008, 90500):
                raise UnknownGroup(f"a WeCom change for group {chat_id}, which WeCom does not know "
                                   f"({e.errcode}); it was never seen by this connection") from None
            return None
        g = data.get("group_chat") or {}
        self.remember(g)
        return g

    def remember(self, g: dict[str, Any]) -> Seen:
        chat = str(g.get("chat_id") or "")
        seen = self.seen.setdefault(chat, Seen())
        seen.name, seen.owner = str(g.get("name") or seen.name), str(g.get("owner") or seen.owner)
        seen.version = str(g.get("member_version") or "")
        seen.members = {str(m.get("userid")) for m in g.get("member_list") or [] if isinstance(m, dict)}
        return seen

    async def events_for(self, c) -> list[Event]:
        if c.event != "change_external_chat" or not c.chat_id:
            return events_of(self.name, c, None)
        known = self.seen.get(c.chat_id)  # copied: reading the group again updates the one kept
        before = Seen(known.name, known.owner, known.version, set(known.members)) if known else None
        d: dict[str, Any] | None = None
        gap = bool(before and c.last_ver and before.version and before.version != c.last_ver)
        missing = c.detail in ("add_member", "del_member") and not c.members
        if c.change == "dismiss":
            self.seen.pop(c.chat_id, None)
        elif before is None or gap or missing or c.change == "create" or c.detail in NEEDS_DETAILS:
            d = await self.details(c.chat_id)
        if d is not None and self.owners and str(d.get("owner") or "") not in self.owners and c.change != "create":
            raise UnknownGroup(f"a WeCom change for group {c.chat_id} owned by {d.get('owner')}, who is not among "
                               f"this connection's owners ({', '.join(self.owners)})")
        if missing and d is not None and before is not None:  # an older capture: only MemChangeCnt
            now = {str(m.get("userid")) for m in d.get("member_list") or []}
            c.members = sorted(now - before.members if c.detail == "add_member" else before.members - now)
        events = events_of(self.name, c, d)
        if c.detail == "change_owner" and before and before.owner and d and before.owner != d.get("owner"):
            events.append(Event(self.name, events[0].id + "-was", Kind.ADMIN, c.create_time, group=c.chat_id,
                                user=before.owner, data={"enable": False, "was": "owner"}, raw=events[0].raw))
        if gap and d is not None and before is not None:
            events.extend(self._missed(c, before, d))
        if d is None and known is not None and c.cur_ver:
            known.version = c.cur_ver  # unread: trust the callback's version until the next read
            known.members |= set(c.members) if c.detail == "add_member" else set()
            known.members -= set(c.members) if c.detail == "del_member" else set()
        return events

    def _missed(self, c, before: Seen, d: dict[str, Any]) -> list[Event]:
        """Joins and leaves WeCom did not push (or that were lost), from the difference."""
        now = {str(m.get("userid")): m for m in d.get("member_list") or [] if isinstance(m, dict)}
        told = set(c.members)
        out = []
        for user in sorted(set(now) - before.members - told):
            out.append(Event(self.name, _mid(c, user, "join"), Kind.JOIN, c.create_time, group=c.chat_id, user=user,
                             data={"scene": {1: "invite", 2: "link", 3: "qr"}.get(now[user].get("join_scene"),
                                                                                  "unknown"),
                                   "reconciled": True}))
        for user in sorted(before.members - set(now) - told):
            out.append(Event(self.name, _mid(c, user, "leave"), Kind.LEAVE, c.create_time, group=c.chat_id, user=user,
                             data={"reason": "unknown", "reconciled": True}))
        return out


class UnknownGroup(Exception):
    """A change for a group this connection cannot place."""


def _mid(c, user: str, what: str) -> str:
    return hashlib.sha1(f"{c.key}:missed:{what}:{user}".encode()).hexdigest()[:24]
