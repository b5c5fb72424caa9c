"""OneBot v11 events (PROTOCOLS.md 1.4) as shequn events (console.model.Kind).

Ids must be stable across redeliveries (the engine dedupes on them): messages use
the bridge's ``message_id``; join requests their ``flag``; other notices carry no id
in OneBot, so theirs is a digest of the payload itself (the same delivery twice gives
the same digest; two different kicks at the same second differ in user or operator).

Anything this module does not recognise becomes ``Kind.UNKNOWN`` with the raw
payload kept, never dropped: a bridge upgrade that adds notices loses nothing.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from console.model import Event, Kind

from .answers import gone_target  # noqa: F401  (moved to answers.py; imported from here before)
from .cq import CQError, segments_of


class EventError(ValueError):
    """A payload that is JSON but not a usable OneBot event."""


def _digest(raw: dict[str, Any]) -> str:
    blob = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha1(blob.encode()).hexdigest()[:24]


def _id(value: Any) -> str | None:
    if value in (None, "", 0, "0"):
        return None
    return str(value)


def _ts(raw: dict[str, Any]) -> int:
    t = raw.get("time")
    if isinstance(t, bool) or not isinstance(t, (int, float, str)):
        raise EventError(f"event has no usable time ({t!r})")
    try:
        ts = int(float(t))
    except ValueError:
        raise EventError(f"event time {t!r} is not a number") from None
    if ts > 10_000_000_000:  # some bridges report milliseconds
        ts //= 1000
    return ts


def message_parts(segments: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """Plain text and the structured parts (mentions, images, reply) of a message."""
    text: list[str] = []
    mentions: list[str] = []
    images: list[str] = []
    data: dict[str, Any] = {}
    types: list[str] = []
    for seg in segments:
        kind, d = seg["type"], seg["data"]
        types.append(kind)
        if kind == "text":
            text.append(str(d.get("text", "")))
        elif kind == "at":
            qq = str(d.get("qq", ""))
            if qq == "all":
                data["mention_all"] = True
            elif qq:
                mentions.append(qq)
                name = d.get("name")
                text.append(f"@{name or qq}")
        elif kind == "image":
            images.append(str(d.get("url") or d.get("file") or ""))
        elif kind == "reply":
            data["reply_to"] = str(d.get("id", ""))
        elif kind == "face":
            text.append(f"[face:{d.get('id', '')}]")
    if mentions:
        data["mentions"] = mentions
    if images:
        data["images"] = images
    if any(t not in ("text", "at", "reply") for t in types):
        data["segments"] = types
    return "".join(text).strip(), data


def normalize(connection: str, raw: Any) -> Event:
    """One OneBot event payload as an Event. Raises EventError / CQError on broken input."""
    if not isinstance(raw, dict):
        raise EventError(f"event is a {type(raw).__name__}, expected a JSON object")
    post_type = raw.get("post_type")
    if not isinstance(post_type, str):
        raise EventError("event has no post_type")
    ts = _ts(raw)
    group = _id(raw.get("group_id"))
    user = _id(raw.get("user_id"))

    def ev(kind: str, eid: str, **kw: Any) -> Event:
        return Event(connection=connection, id=eid, kind=kind, ts=ts, raw=raw, **kw)

    if post_type in ("message", "message_sent"):
        if raw.get("message_type") != "group":
            return ev(Kind.UNKNOWN, f"u:{_digest(raw)}", group=group, user=user,
                      data={"type": f"{post_type}.{raw.get('message_type')}"})
        if raw.get("message_id") is None:
            raise EventError("group message has no message_id")
        segments = segments_of(raw.get("message", raw.get("raw_message")))
        text, data = message_parts(segments)
        sender = raw.get("sender") if isinstance(raw.get("sender"), dict) else {}
        if sender.get("card"):
            data["card"] = sender["card"]
        if sender.get("role") in ("owner", "admin"):
            data["role"] = sender["role"]
        if raw.get("sub_type") not in (None, "normal"):
            data["sub_type"] = raw["sub_type"]
        anon = raw.get("anonymous")
        if isinstance(anon, dict):
            data["anonymous"] = anon.get("name")
        if post_type == "message_sent":
            data["from_self"] = True
        return ev(Kind.MESSAGE, str(raw["message_id"]), group=group, user=user,
                  nickname=sender.get("nickname") or None, text=text, data=data)

    if post_type == "request":
        if raw.get("request_type") == "group" and raw.get("flag"):
            sub = raw.get("sub_type") or "add"
            data = {"flag": str(raw["flag"]), "sub_type": sub, "comment": str(raw.get("comment") or "")}
            if sub == "invite":
                data["inviter"] = user
            return ev(Kind.JOIN_REQUEST, f"req:{raw['flag']}", group=group, user=user, data=data)
        return ev(Kind.UNKNOWN, f"u:{_digest(raw)}", group=group, user=user,
                  data={"type": f"request.{raw.get('request_type')}"})

    if post_type == "meta_event":
        meta = raw.get("meta_event_type")
        if meta == "heartbeat":
            status = raw.get("status") if isinstance(raw.get("status"), dict) else {}
            return ev(Kind.HEARTBEAT, f"hb:{ts}:{raw.get('self_id')}",
                      data={"online": status.get("online"), "good": status.get("good"),
                            "interval_ms": raw.get("interval")})
        if meta == "lifecycle":
            return ev(Kind.LIFECYCLE, f"life:{_digest(raw)}", data={"sub_type": raw.get("sub_type")})
        return ev(Kind.UNKNOWN, f"u:{_digest(raw)}", data={"type": f"meta.{meta}"})

    if post_type == "notice":
        return _notice(connection, raw, ts, group, user)
    return ev(Kind.UNKNOWN, f"u:{_digest(raw)}", group=group, user=user, data={"type": post_type})


def _notice(connection: str, raw: dict[str, Any], ts: int, group: str | None, user: str | None) -> Event:
    nt, sub = raw.get("notice_type"), raw.get("sub_type")
    op = _id(raw.get("operator_id"))
    eid = f"n:{_digest(raw)}"

    def ev(kind: str, data: dict[str, Any], **kw: Any) -> Event:
        kw.setdefault("user", user)
        return Event(connection=connection, id=eid, kind=kind, ts=ts, group=group, data=data, raw=raw, **kw)

    if nt == "group_increase" and group and user:
        data: dict[str, Any] = {"scene": sub if sub in ("approve", "invite") else "unknown", "operator": op}
        if sub == "invite" and op and op != user:
            data["inviter"] = op  # the member who brought them in is their referrer
        return ev(Kind.JOIN, data)
    if nt == "group_decrease" and group and user:
        return ev(Kind.LEAVE, {"reason": sub if sub in ("leave", "kick", "kick_me") else "leave",
                               "operator": op if sub != "leave" else None})
    if nt == "group_admin" and group and user:
        return ev(Kind.ADMIN, {"enable": sub == "set", "role": "admin"})
    if nt == "group_ban" and group:
        duration = int(raw.get("duration") or 0) if sub == "ban" else 0
        if user is None:  # user_id 0: the whole group (go-cqhttp style)
            return ev(Kind.GROUP, {"change": "whole_mute", "value": sub == "ban", "operator": op}, user=None)
        return ev(Kind.MUTE, {"duration": max(duration, 0), "operator": op})
    if nt in ("group_recall",) and group:
        return ev(Kind.RECALL, {"message_id": str(raw.get("message_id")), "operator": op})
    if nt == "group_card" and group and user:
        new = str(raw.get("card_new") or "")
        return ev(Kind.NICKNAME, {"old": str(raw.get("card_old") or ""), "new": new}, nickname=new or None)
    kind = ".".join(str(x) for x in (nt, sub) if x)
    return ev(Kind.UNKNOWN, {"type": f"notice.{kind}"})


__all__ = ["normalize", "message_parts", "EventError", "CQError", "gone_target"]

