"""Notices, as each bridge sends them, as one shequn meaning.

The OneBot v11 notices (PROTOCOLS.md 1.4) plus what go-cqhttp, NapCat and
Lagrange.OneBot add or say differently (docs/connectors/qq.md has the table):

- a rename: NapCat ``notify``/``group_name`` with ``name_new``, Lagrange
  ``group_name_change`` with ``name`` -> ``GROUP`` ``change: name``;
- a disband: ``group_decrease``/``disband`` (NapCat, Lagrange; LLOneBot's
  ``group_dismiss``) -> ``GROUP`` ``change: dismiss``, never a member leaving;
- the account pushed offline: ``bot_offline`` with ``tag`` and ``message`` (NapCat,
  Lagrange; earlier Lagrange ``notify``/``bot_offline``) -> ``LIFECYCLE``
  ``sub_type: disable`` with the platform's words (the intake takes the connection
  offline with them, the plugin raises the alert);
- the bot's own join or removal (``group_increase``/``group_decrease`` whose
  ``user_id`` is ``self_id``) -> ``GROUP`` ``change: bot_joined`` / ``bot_removed``:
  the bot is not a member, so it is neither counted nor welcomed;
- Lagrange spells ``kick_me`` ``kickme`` (its enum name lowered).

Anything else stays ``UNKNOWN`` with its raw payload.
"""

from __future__ import annotations

from typing import Any

from shequn import Event, Kind

from .normalize import _digest, qq_id, whole

#: group_decrease sub_types meaning the group itself is gone
DISBAND = ("disband", "dismiss")
#: how the bridges spell "the bot was removed"
KICK_ME = ("kick_me", "kickme")


def notice(connection: str, raw: dict[str, Any], ts: int, group: str | None, user: str | None,
           self_id: str | None) -> Event:
    nt, sub = raw.get("notice_type"), raw.get("sub_type")
    op = qq_id(raw.get("operator_id"), "operator_id")
    eid = f"n:{_digest(raw)}"

    def ev(kind: str, data: dict[str, Any], **kw: Any) -> Event:
        kw.setdefault("user", user)
        return Event(connection=connection, id=eid, kind=kind, ts=ts, group=group, data=data, raw=raw, **kw)

    is_bot = self_id is not None and user == self_id
    if nt == "group_increase" and group and user:
        if is_bot:
            return ev(Kind.GROUP, {"change": "bot_joined", "value": sub, "operator": op}, user=None)
        data: dict[str, Any] = {"scene": sub if sub in ("approve", "invite") else "unknown", "operator": op}
        if sub == "invite" and op and op != user:
            data["inviter"] = op  # the member who brought them in is their referrer
        return ev(Kind.JOIN, data)
    if nt == "group_decrease" and group and (sub in DISBAND):
        return ev(Kind.GROUP, {"change": "dismiss", "value": sub, "operator": op}, user=None)
    if nt == "group_dismiss" and group:
        return ev(Kind.GROUP, {"change": "dismiss", "value": "dismiss", "operator": op or user}, user=None)
    if nt == "group_decrease" and group and user:
        if is_bot or sub in KICK_ME:
            return ev(Kind.GROUP, {"change": "bot_removed", "value": "kick_me" if sub in KICK_ME else sub,
                                   "operator": op}, user=None)
        return ev(Kind.LEAVE, {"reason": sub if sub in ("leave", "kick") else "leave",
                               "operator": op if sub != "leave" else None})
    if nt == "group_admin" and group and user:
        return ev(Kind.ADMIN, {"enable": sub == "set", "role": "admin"})
    if nt == "group_ban" and group:
        duration = whole(raw.get("duration"), "duration") if sub == "ban" else 0
        if user is None:  # user_id 0: the whole group (go-cqhttp, Lagrange: duration -1)
            return ev(Kind.GROUP, {"change": "whole_mute", "value": sub == "ban", "operator": op}, user=None)
        return ev(Kind.MUTE, {"duration": max(duration, 0), "operator": op})
    if nt == "group_recall" and group:
        return ev(Kind.RECALL, {"message_id": str(raw.get("message_id")), "operator": op})
    if nt == "group_card" and group and user:
        new = str(raw.get("card_new") or "")
        return ev(Kind.NICKNAME, {"old": str(raw.get("card_old") or ""), "new": new}, nickname=new or None)
    renamed = _rename(raw, nt, sub)
    if renamed is not None and group:
        return ev(Kind.GROUP, {"change": "name", "value": renamed, "operator": user or op}, user=None)
    if nt == "bot_offline" or (nt == "notify" and sub == "bot_offline"):
        words = " ".join(str(raw.get(k) or "").strip() for k in ("tag", "message")).strip()
        return ev(Kind.LIFECYCLE, {"sub_type": "disable", "reason": "bot_offline", "tag": str(raw.get("tag") or ""),
                                   "message": str(raw.get("message") or ""), "words": words}, user=None)
    kind = ".".join(str(x) for x in (nt, sub) if x)
    return ev(Kind.UNKNOWN, {"type": f"notice.{kind}"})


def _rename(raw: dict[str, Any], nt: Any, sub: Any) -> str | None:
    """The new name of a rename notice (NapCat or Lagrange shape), else None."""
    if nt == "notify" and sub == "group_name":
        value = raw.get("name_new")
    elif nt == "group_name_change":
        value = raw.get("name", raw.get("name_new"))
    else:
        return None
    return value.strip() if isinstance(value, str) and value.strip() else None
