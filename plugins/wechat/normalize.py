"""WeCom callback XML into shequn's events (shared/PROTOCOLS.md 2.8).

Two layers: the envelope POSTed to the callback URL (``<Encrypt>`` and the addressee),
and the decrypted event. Only ``change_external_chat`` concerns customer groups:

| ChangeType / UpdateDetail | event |
| --- | --- |
| create | group, change ``create`` (name from groupchat/get) |
| dismiss | group, change ``dismiss`` |
| update / add_member | a join per member: scene ``qr`` (JoinScene 3) or ``invite`` (0), refined by groupchat/get's join_scene (1 invite, 2 link, 3 qr); the inviter, nickname and join-way state from there |
| update / del_member | a leave per member: reason ``kick`` (QuitScene 1, removed by the owner or an admin) or ``leave`` |
| update / change_owner | admin, role ``owner``, for the new owner |
| update / change_name, change_notice | group, change ``name`` / ``notice`` with the new value |

Anything else on the same URL (``change_external_contact``, tags, app messages) is kept
as an ``unknown`` event with its fields. The member list comes in four shapes (Item
children, one comma-joined string, repeated elements, missing with MemChangeCnt 1);
all are read. Ids are stable per delivery (chat, change, detail, time, CurMemVer,
member), so WeCom's retries are stored once.
"""

from __future__ import annotations

import hashlib
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from shequn import Event, Kind

MAX_XML = 256 * 1024


class XmlError(ValueError):
    """A body or decrypted text that is not the XML WeCom sends."""


def _parse(text: bytes | str, what: str) -> ET.Element:
    raw = text.encode() if isinstance(text, str) else text
    if len(raw) > MAX_XML:
        raise XmlError(f"the {what} is {len(raw)} bytes, more than WeCom sends")
    if b"<!DOCTYPE" in raw.upper() or b"<!ENTITY" in raw.upper():
        raise XmlError(f"the {what} declares a DOCTYPE or entities, which WeCom never sends")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as e:
        raise XmlError(f"the {what} is not XML ({e})") from None
    if root.tag != "xml":
        raise XmlError(f"the {what}'s root is <{root.tag}>, not <xml>")
    return root


def envelope(body: bytes) -> tuple[str, str]:
    """(``Encrypt`` text, ``ToUserName``) of a POST body."""
    root = _parse(body, "request body")
    enc = (root.findtext("Encrypt") or "").strip()
    if not enc:
        raise XmlError("the request body has no <Encrypt> element")
    return enc, (root.findtext("ToUserName") or "").strip()


@dataclass
class Change:
    """A decrypted event's fields (both app variants: MsgType/Event or InfoType)."""

    event: str
    chat_id: str
    change: str
    detail: str
    create_time: int
    ts_suspect: bool
    join_scene: int | None
    quit_scene: int | None
    count: int | None
    members: list[str]
    last_ver: str
    cur_ver: str
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return ":".join([self.chat_id, self.change, self.detail, str(self.create_time), self.cur_ver])


def _int(text: str | None) -> int | None:
    try:
        return int((text or "").strip())
    except ValueError:
        return None


def plausible_time(raw: int | None, now: float | None = None) -> tuple[int, bool]:
    """Unix seconds from CreateTime (13 digits are milliseconds); an implausible time is
    replaced by now and marked suspect, never a crash."""
    now = int(now if now is not None else time.time())
    if raw is not None and raw > 10**12:
        raw //= 1000
    if raw is None or not 946_684_800 <= raw <= now + 86_400:
        return now, True
    return raw, False


def change(plain: bytes | str, now: float | None = None) -> Change:
    root = _parse(plain, "decrypted event")
    fields = {child.tag: (child.text or "").strip() for child in root if len(child) == 0}
    event = fields.get("Event") or fields.get("InfoType") or fields.get("MsgType") or ""
    members: list[str] = []
    for node in root.findall("MemChangeList"):
        items = [(i.text or "").strip() for i in node.findall("Item")]
        if items:
            members.extend(items)
        else:
            members.extend(p.strip() for p in (node.text or "").split(","))
    members = [m for m in dict.fromkeys(members) if m]
    ts, suspect = plausible_time(_int(fields.get("CreateTime") or fields.get("TimeStamp")), now)
    return Change(event=event, chat_id=fields.get("ChatId", ""), change=fields.get("ChangeType", ""),
                  detail=fields.get("UpdateDetail", ""), create_time=ts, ts_suspect=suspect,
                  join_scene=_int(fields.get("JoinScene")), quit_scene=_int(fields.get("QuitScene")),
                  count=_int(fields.get("MemChangeCnt")), members=members, last_ver=fields.get("LastMemVer", ""),
                  cur_ver=fields.get("CurMemVer", ""), fields=fields)


#: groupchat/get's join_scene -> shequn's scene words (entry rules read these)
DETAIL_SCENE = {1: "invite", 2: "link", 3: "qr"}


def callback_scene(code: int | None) -> str:
    """The callback's JoinScene: 0 invited (a member's invitation or invite link), 3 group QR
    code; 1 appears in WeCom's own example without a definition: unknown."""
    return {0: "invite", 3: "qr"}.get(code if code is not None else -1, "unknown")


def event_id(c: Change, user: str = "") -> str:
    return hashlib.sha1(f"{c.key}:{user}".encode()).hexdigest()[:24]


def events_of(connection: str, c: Change, details: dict[str, Any] | None) -> list[Event]:
    """The shequn events of one change. ``details`` is groupchat/get's ``group_chat`` after
    the change (None when it could not be read): names, inviters, the new owner."""
    d = details or {}
    members = {str(m.get("userid")): m for m in d.get("member_list") or [] if isinstance(m, dict)}
    base = {"wecom": {"change": c.change, "detail": c.detail, "cur_ver": c.cur_ver}}
    if c.ts_suspect:
        base["ts_suspect"] = True

    def ev(kind: str, user: str | None = None, **data: Any) -> Event:
        return Event(connection, event_id(c, user or ""), kind, c.create_time, group=c.chat_id, user=user,
                     data={**base, **data}, raw=dict(c.fields))

    if c.event != "change_external_chat" or not c.chat_id:
        return [Event(connection, event_id(c), Kind.UNKNOWN, c.create_time, group=c.chat_id or None,
                      data={"event": c.event, "change": c.change}, raw=dict(c.fields))]
    if c.change == "create":
        created = ev(Kind.GROUP, change="create", value=d.get("name") or "")
        created.group_name = d.get("name") or c.chat_id
        return [created]
    if c.change == "dismiss":
        return [ev(Kind.GROUP, change="dismiss")]
    if c.change != "update":
        return [ev(Kind.UNKNOWN, change=c.change)]
    if c.detail == "add_member":
        out = []
        for user in c.members:
            m = members.get(user, {})
            scene = DETAIL_SCENE.get(m.get("join_scene")) or callback_scene(c.join_scene)
            data: dict[str, Any] = {"scene": scene, "wecom_join_scene": c.join_scene}
            inviter = (m.get("invitor") or {}).get("userid") if isinstance(m.get("invitor"), dict) else None
            if inviter:
                data["inviter"] = str(inviter)
            if m.get("state"):
                data["state"] = str(m["state"])
            if m.get("group_nickname"):
                data["card"] = str(m["group_nickname"])
            out.append(Event(connection, event_id(c, user), Kind.JOIN, c.create_time, group=c.chat_id, user=user,
                             nickname=str(m.get("name") or m.get("group_nickname") or "") or None,
                             data={**base, **data}, raw=dict(c.fields), group_name=d.get("name") or None))
        return out
    if c.detail == "del_member":
        reason = "kick" if c.quit_scene == 1 else "leave"
        return [ev(Kind.LEAVE, user, reason=reason, wecom_quit_scene=c.quit_scene) for user in c.members]
    if c.detail == "change_owner":
        owner = str(d.get("owner") or "")
        return [ev(Kind.ADMIN, owner, role="owner", enable=True)] if owner else [ev(Kind.GROUP, change="owner")]
    if c.detail == "change_name":
        return [ev(Kind.GROUP, change="name", value=d.get("name") or "")]
    if c.detail == "change_notice":
        return [ev(Kind.GROUP, change="notice", value=d.get("notice") or "")]
    return [ev(Kind.UNKNOWN, change=c.change, detail=c.detail)]
