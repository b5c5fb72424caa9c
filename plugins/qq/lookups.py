"""Completing events with what the bridge knows before they are handed over.

OneBot's notices carry numbers, not names: a ``group_increase`` says who joined by QQ
number only, a request names nobody, an invitation of the bot names a group the bot
is not in. A welcome built from that greets "50、60、61、62" and a bot invitation
reads "group 123456 from 10086". So the intake asks the bridge, once per event:

- a join: ``get_group_member_info`` (nickname and group nickname, 群名片);
- a member's join request: ``get_stranger_info`` (the applicant's nickname);
- an invitation of the bot: ``get_group_info`` (the group's name; go-cqhttp and NapCat
  answer it for a group the bot is not in) and ``get_stranger_info`` (who invites);
- the bot's own join: ``get_group_info`` (a group seen for the first time gets its name).

A look-up that fails or takes longer than ``LOOKUP_SECONDS`` leaves the event as it
was: a name is a nicety, the event is not.
"""

from __future__ import annotations

import asyncio
from typing import Any

from shequn import Event, Kind

LOOKUP_SECONDS = 3.0


async def complete(conn: Any, events: list[Event]) -> None:
    """Fill names into ``events`` in place (``conn``: the QQ connector, for ``call``)."""
    for e in events:
        try:
            if e.kind == Kind.JOIN and e.group and e.user and not e.nickname:
                info = await _ask(conn, "get_group_member_info", {"group_id": int(e.group), "user_id": int(e.user)})
                if info:
                    e.nickname = _text(info.get("nickname")) or None
                    if _text(info.get("card")) and not e.data.get("card"):
                        e.data["card"] = _text(info.get("card"))
            elif e.kind == Kind.JOIN_REQUEST and e.user and not e.nickname:
                info = await _ask(conn, "get_stranger_info", {"user_id": int(e.user)})
                e.nickname = _text((info or {}).get("nickname")) or None
            elif e.kind == Kind.BOT_INVITATION:
                if e.data.get("group") and not e.data.get("group_name"):
                    info = await _ask(conn, "get_group_info", {"group_id": int(e.data["group"])})
                    if _text((info or {}).get("group_name")):
                        e.data["group_name"] = _text(info["group_name"])
                if e.user and not e.nickname:
                    info = await _ask(conn, "get_stranger_info", {"user_id": int(e.user)})
                    e.nickname = _text((info or {}).get("nickname")) or None
            elif e.kind == Kind.GROUP and e.data.get("change") == "bot_joined" and e.group:
                info = await _ask(conn, "get_group_info", {"group_id": int(e.group), "no_cache": True})
                if _text((info or {}).get("group_name")):
                    e.group_name = _text(info["group_name"])
        except (ValueError, TypeError):
            continue  # an id that is no number: nothing to ask


async def _ask(conn: Any, action: str, params: dict[str, Any]) -> dict[str, Any] | None:
    from .answers import BridgeError

    try:
        data = await asyncio.wait_for(conn.call(action, params), LOOKUP_SECONDS)
    except (BridgeError, asyncio.TimeoutError):
        return None
    return data if isinstance(data, dict) else None


def _text(v: Any) -> str:
    return v.strip() if isinstance(v, str) else ""
