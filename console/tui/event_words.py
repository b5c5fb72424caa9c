"""An event's detail in the operator's words, for the Activity screen's Events table.

The events table keeps each event's normalised fields as JSON (``scene=approve
inviter=sb-u793 enable=True``): a record for plugins, not a sentence for a person. Here
each kind says what happened ("通过审核入群 · 邀请人 张三 · 群名片 …", "禁言 10 分钟 · 操作者
群助手", "设为管理员"), with platform ids named as the people they are (one query a page).
A field the words do not know is kept as ``key: value`` so nothing is hidden. No Textual
here (runs in thread workers). The zh-CN words are in console/i18n_events.py.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from ..workspace import Workspace

T = Callable[..., str]

SCENES = {"invite": "joined by invitation", "approve": "joined when approved", "qr": "joined by QR code",
          "link": "joined by link", "sync": "found in the member list", "unknown": "joined, how not known"}
LEAVES = {"leave": "left by themselves", "kick": "removed", "kick_me": "the bot was removed",
          "dismiss": "the group was dismissed"}
_SHOWN = {"scene", "inviter", "operator", "card", "channel", "comment", "reason", "duration", "enable", "role",
          "old", "new", "change", "value", "flag", "sub_type", "message_id", "group", "group_name"}
_IDS = ("inviter", "operator")
_KINDS = ("join", "join_request", "leave", "mute", "admin", "nickname", "recall", "group")



def names_of(ws: Workspace, rows: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
    """(connection, platform user id) -> display name, for the inviters and operators of a page."""
    wanted: dict[str, set[str]] = {}
    for r in rows:
        d = r.get("_data") or {}
        for k in _IDS:
            if d.get(k) not in (None, "", 0, "0"):
                wanted.setdefault(r["connection_id"], set()).add(str(d[k]))
    out: dict[tuple[str, str], str] = {}
    for conn, ids in wanted.items():
        platform = ws.store.scalar("SELECT platform FROM connections WHERE id = ?", (conn,), conn)
        marks = ",".join("?" * len(ids))
        for uid, name in ws.store.execute(
                "SELECT i.platform_user_id, p.display_name FROM identities i JOIN people p ON p.id = i.person_id"
                f" WHERE i.platform = ? AND i.platform_user_id IN ({marks})", (platform, *sorted(ids))):
            out[(conn, uid)] = name or uid
    return out


def describe(kind: str, d: dict[str, Any], t: T, name: Callable[[str], str]) -> str:
    """One event's detail in words (``t``: the console's translate-and-format)."""
    parts: list[str] = []
    if kind == "join":
        parts.append(t(SCENES.get(str(d.get("scene") or "unknown"), SCENES["unknown"])))
        if d.get("inviter") not in (None, "", 0, "0"):
            parts.append(t("invited by {name}", name=name(str(d["inviter"]))))
        if d.get("channel"):
            parts.append(t("channel {channel}", channel=d["channel"]))
    elif kind == "join_request":
        if d.get("comment"):
            parts.append(t("says: {comment}", comment=d["comment"]))
        if d.get("inviter") not in (None, "", 0, "0"):
            parts.append(t("invited by {name}", name=name(str(d["inviter"]))))
    elif kind == "leave":
        parts.append(t(LEAVES.get(str(d.get("reason") or "leave"), "left by themselves")))
    elif kind == "mute":
        secs = int(d.get("duration") or 0)
        parts.append(t("muted {minutes} min", minutes=max(1, round(secs / 60))) if secs else t("mute lifted"))
    elif kind == "admin":
        role = "made owner" if d.get("role") == "owner" else "made admin"
        parts.append(t(role) if d.get("enable") else t("admin removed"))
    elif kind == "nickname":
        parts.append(t("{old} -> {new}", old=d.get("old") or "", new=d.get("new") or ""))
    elif kind == "recall":
        parts.append(t("a message recalled"))
    elif kind == "group":
        change, value = str(d.get("change") or ""), d.get("value") or ""
        words = {"create": "group created: {value}", "name": "group renamed: {value}"}
        parts.append(t("group dismissed") if change == "dismiss" else
                     t(words.get(change, "group {change}: {value}"), change=change, value=value))
    if d.get("operator") not in (None, "", 0, "0") and kind in ("leave", "mute", "recall", "admin", "join"):
        parts.append(t("by {name}", name=name(str(d["operator"]))))
    if d.get("card") and kind == "join":
        parts.append(t("card {card}", card=d["card"]))
    shown = _SHOWN if kind in _KINDS else set()  # an unknown kind: every field, as it came
    parts += [f"{k}: {v}" for k, v in d.items() if k not in shown and v not in (None, "", [], {})]
    return t(" · ").join(p for p in parts if p)


def event_rows(ws: Workspace, rows: list[dict[str, Any]], t: T) -> list[dict[str, Any]]:
    """A page of the events table with ``detail`` in words."""
    for r in rows:
        try:
            d = json.loads(r.get("data") or "{}")
        except ValueError:
            d = None  # not the engine's JSON: shown as it is, never read into words it may not mean
        r["_data"] = d if isinstance(d, dict) else None
    names = names_of(ws, rows)
    for r in rows:
        d = r.pop("_data")
        r["detail"] = str(r.get("data") or "") if d is None else describe(
            r["kind"], d, t, lambda uid, conn=r["connection_id"]: names.get((conn, uid), uid))
    return rows
