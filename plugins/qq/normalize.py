"""OneBot v11 events (PROTOCOLS.md 1.4) as shequn events (console.model.Kind).

Ids must be stable across redeliveries (the engine dedupes on them): messages use
the bridge's ``message_id``; join requests and bot invitations their ``flag``; other
notices carry no id in OneBot, so theirs is a digest of the payload itself (the same
delivery twice gives the same digest; two different kicks at the same second differ
in user or operator).

What the bridges say differently (the notices in ``dialects.py``, the cards in
``cards.py``, the table in docs/connectors/qq.md) ends up as one shequn meaning. The
bot account is not a member of its own community: its own messages (``message_sent``,
or a message whose sender is ``self_id``) are kept with no person (``from_self``), so
they count in no membership or rollup; an invitation of the bot into a group is a
``BOT_INVITATION``, never a member's join request.

Anything this module does not recognise becomes ``Kind.UNKNOWN`` with the raw
payload kept, never dropped: a bridge upgrade that adds notices loses nothing. A
payload that cannot be an event at all (no time, an id that is no number, a time of
``Infinity``) raises :class:`EventError`, which the intake answers with 400.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

from shequn import Event, Kind

from .answers import gone_target  # noqa: F401  (moved to answers.py; imported from here before)
from .cards import CARD_TYPES, card_of, words_of
from .cq import CQError, segments_of

LATEST_TS = 253_402_300_799  # 9999-12-31: later times are garbled, not events


class EventError(ValueError):
    """A payload that is JSON but not a usable OneBot event."""


def _digest(raw: dict[str, Any]) -> str:
    blob = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha1(blob.encode("utf-8", "surrogatepass")).hexdigest()[:24]  # JSON may carry "\ud800"


def qq_id(value: Any, field: str = "id") -> str | None:
    """A QQ or group number as a string; None for absent or 0 (OneBot's "nobody").
    Anything that is not a whole number is a broken event (EventError)."""
    if value in (None, "", 0, "0"):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise EventError(f"{field} {value!r:.40} is not a QQ number")
    text = str(value).strip()
    if not text.isdigit() or len(text) > 20:
        raise EventError(f"{field} {value!r:.40} is not a QQ number")
    return text


def whole(value: Any, field: str, default: int = 0) -> int:
    """A number field (duration, interval) as int; EventError for anything else
    (``"forever"``, ``Infinity``, ``NaN``, a number past 64 bits)."""
    if value is None or value == "":
        return default
    try:
        f = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        raise EventError(f"{field} {value!r:.40} is not a number") from None
    if not math.isfinite(f) or abs(f) > 2**63:
        raise EventError(f"{field} {value!r:.40} is not a usable number")
    return int(f)


def _ts(raw: dict[str, Any]) -> int:
    t = raw.get("time")
    if isinstance(t, bool) or not isinstance(t, (int, float, str)):
        raise EventError(f"event has no usable time ({t!r:.40})")
    ts = whole(t, "event time")
    if ts > 10_000_000_000:  # some bridges report milliseconds
        ts //= 1000
    if not 0 < ts <= LATEST_TS:
        raise EventError(f"event time {t!r:.40} is not a time")
    return ts


def message_parts(segments: list[dict[str, Any]], depth: int = 0) -> tuple[str, dict[str, Any]]:
    """Plain text and the structured parts (mentions, images, reply, cards) of a message.
    A card's words are appended to the text (the rules read them); the card itself,
    with its raw segment, goes to ``data["cards"]``."""
    text: list[str] = []
    mentions: list[str] = []
    images: list[str] = []
    cards: list[dict[str, Any]] = []
    data: dict[str, Any] = {}
    types: list[str] = []
    for seg in segments:
        kind, d = seg["type"], seg["data"]
        types.append(kind)
        if kind == "text":
            text.append(str(d.get("text", "")))
            if d.get("malformed"):
                data.setdefault("malformed", []).append(str(d["malformed"]))
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
        elif kind in CARD_TYPES:
            card = card_of(seg, _forwarded_text, depth)
            if card is not None:
                cards.append(card)
    words = "".join(text).strip()
    if cards:
        data["cards"] = cards
        words = "\n".join([w for w in (words, *(words_of(c) for c in cards)) if w])
    if mentions:
        data["mentions"] = mentions
    if images:
        data["images"] = images
    if any(t not in ("text", "at", "reply") for t in types):
        data["segments"] = types
    return words, data


def _forwarded_text(content: list[Any], depth: int) -> str:
    """The words of a forward's messages (NapCat sends them inline as message events)."""
    out = []
    for item in content[:100]:
        if not isinstance(item, dict):
            continue
        msg = item.get("message", item.get("content", item.get("raw_message")))
        try:
            words, _ = message_parts(segments_of(msg), depth)
        except CQError:
            continue
        if words:
            out.append(words)
    return " / ".join(out)


def normalize(connection: str, raw: Any) -> Event:
    """One OneBot event payload as an Event. Raises EventError on broken input."""
    if not isinstance(raw, dict):
        raise EventError(f"event is a {type(raw).__name__}, expected a JSON object")
    post_type = raw.get("post_type")
    if not isinstance(post_type, str):
        raise EventError("event has no post_type")
    ts = _ts(raw)
    group = qq_id(raw.get("group_id"), "group_id")
    user = qq_id(raw.get("user_id"), "user_id")
    self_id = qq_id(raw.get("self_id"), "self_id")

    def ev(kind: str, eid: str, **kw: Any) -> Event:
        return Event(connection=connection, id=eid, kind=kind, ts=ts, raw=raw, **kw)

    if post_type in ("message", "message_sent"):
        return _message(ev, raw, post_type, group, user, self_id)
    if post_type == "request":
        return _request(ev, raw, group, user)
    if post_type == "meta_event":
        meta = raw.get("meta_event_type")
        if meta == "heartbeat":
            status = raw.get("status") if isinstance(raw.get("status"), dict) else {}
            return ev(Kind.HEARTBEAT, f"hb:{ts}:{self_id}",
                      data={"online": status.get("online"), "good": status.get("good"),
                            "interval_ms": whole(raw.get("interval"), "heartbeat interval")})
        if meta == "lifecycle":
            return ev(Kind.LIFECYCLE, f"life:{_digest(raw)}", data={"sub_type": raw.get("sub_type")})
        return ev(Kind.UNKNOWN, f"u:{_digest(raw)}", data={"type": f"meta.{meta}"})
    if post_type == "notice":
        from .dialects import notice

        return notice(connection, raw, ts, group, user, self_id)
    return ev(Kind.UNKNOWN, f"u:{_digest(raw)}", group=group, user=user, data={"type": post_type})


def _message(ev, raw: dict[str, Any], post_type: str, group: str | None, user: str | None,
             self_id: str | None) -> Event:
    if raw.get("message_type") != "group":
        return ev(Kind.UNKNOWN, f"u:{_digest(raw)}", group=group, user=user,
                  data={"type": f"{post_type}.{raw.get('message_type')}"})
    if raw.get("message_id") is None:
        raise EventError("group message has no message_id")
    mid = raw["message_id"]
    if isinstance(mid, bool) or not isinstance(mid, (int, str)) or not str(mid).lstrip("-").isdigit():
        raise EventError(f"message_id {mid!r:.40} is not a number")
    try:
        segments = segments_of(raw.get("message", raw.get("raw_message")))
    except CQError:  # message of another type: the bridge's own text of it, else nothing
        segments = segments_of(raw.get("raw_message")) if isinstance(raw.get("raw_message"), str) else []
    text, data = message_parts(segments)
    sender = raw.get("sender") if isinstance(raw.get("sender"), dict) else {}
    if sender.get("card"):
        data["card"] = str(sender["card"])
    if sender.get("role") in ("owner", "admin"):
        data["role"] = sender["role"]
    if raw.get("sub_type") not in (None, "normal"):
        data["sub_type"] = raw["sub_type"]
    anon = raw.get("anonymous")
    if isinstance(anon, dict):
        data["anonymous"] = anon.get("name")
    name = raw.get("group_name")
    # NapCat names the group: a group seen first here gets it
    group_name = name.strip() if isinstance(name, str) and name.strip() else None
    nickname = str(sender.get("nickname") or "") or None
    if post_type == "message_sent" or (self_id is not None and user == self_id):
        # the bot's own message: kept as what the group saw, but nobody's (no membership, no rollup)
        data["from_self"] = True
        data["sender"] = user or self_id
        return ev(Kind.MESSAGE, str(mid), group=group, user=None, nickname=None, text=text, data=data,
                  group_name=group_name)
    return ev(Kind.MESSAGE, str(mid), group=group, user=user, nickname=nickname, text=text, data=data,
              group_name=group_name)


def _request(ev, raw: dict[str, Any], group: str | None, user: str | None) -> Event:
    flag = raw.get("flag")
    if raw.get("request_type") == "group" and isinstance(flag, (str, int)) and not isinstance(flag, bool) \
            and str(flag):
        sub = raw.get("sub_type") or "add"
        comment = str(raw.get("comment") or "")
        if sub == "invite":
            # the bot account is invited into ``group``; ``user_id`` is whoever invites it. Not a
            # member's request: no group row for a group the bot is not in, and no admission rule.
            data = {"flag": str(flag), "sub_type": "invite", "comment": comment, "group": group,
                    "inviter": user}
            if isinstance(raw.get("group_name"), str) and raw["group_name"].strip():
                data["group_name"] = raw["group_name"].strip()
            return ev(Kind.BOT_INVITATION, f"inv:{flag}", group=None, user=user, data=data)
        data = {"flag": str(flag), "sub_type": sub, "comment": comment}
        invitor = qq_id(raw.get("invitor_id"), "invitor_id")
        if invitor and invitor != user:  # a member invited them; an admin approves: the member refers them
            data["inviter"] = invitor
        return ev(Kind.JOIN_REQUEST, f"req:{flag}", group=group, user=user, data=data)
    return ev(Kind.UNKNOWN, f"u:{_digest(raw)}", group=group, user=user,
              data={"type": f"request.{raw.get('request_type')}.{raw.get('sub_type') or ''}".rstrip(".")})


__all__ = ["normalize", "message_parts", "EventError", "CQError", "gone_target", "qq_id", "whole"]
