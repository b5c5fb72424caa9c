"""Flash groups (快闪群): a closing date, a countdown, and a closing workflow.

The job posts a countdown message at each of ``flash_countdown_hours`` before
``groups.closes_at``; at the closing time it posts the final message and sets the group
``closing`` (admission refuses everyone from then on); ``flash_archive_after_hours``
later the group is ``archived``. Each step is recorded in ``entry_flash_steps`` so a
job that runs twice, or late, never posts twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shequn.people import for_members
from shequn import Proposal

from .i18n import tr
from .policies import PolicyError, find_group, group_row
from .settings import settings_of


def set_closing(ws, group_ref: str | int, closes_at: int | None) -> dict[str, Any]:
    """Give a flash group its closing time (unix seconds); refused for other types or past times."""
    gid = find_group(ws, group_ref)
    g = group_row(ws, gid)
    if g["type"] != "flash":
        raise PolicyError.of("group {name} is a {type} group; only flash groups have a closing date (set its type "
                             "first)", name=g["name"], type=g["type"])
    if closes_at is not None and closes_at <= ws.now():
        raise PolicyError.of("closing time {when} is in the past",
                             when=f"{datetime.fromtimestamp(closes_at, ws.tz):%Y-%m-%d %H:%M}")
    with ws.store.write() as c:
        c.execute("UPDATE groups SET closes_at = ? WHERE id = ?", (closes_at, gid))
        ws.audit("flash_closing_set", "group", gid, {"closes_at": closes_at, "was": g["closes_at"]})
    return group_row(ws, gid)


def countdown(ws, group: dict[str, Any]) -> dict[str, Any] | None:
    """Seconds left and the next step of a flash group, for the console."""
    if group.get("type") != "flash" or group.get("closes_at") is None:
        return None
    left = group["closes_at"] - ws.now()
    return {"group_id": group["id"], "closes_at": group["closes_at"], "seconds_left": max(0, left),
            "status": group["status"]}


def _step(ws, c, gid: int, step: str) -> bool:
    """Record a step once; False when it was already taken."""
    cur = c.execute("INSERT OR IGNORE INTO entry_flash_steps(group_id, step, done_at) VALUES (?,?,?)",
                    (gid, step, ws.now()))
    return bool(cur.rowcount)


def run(ws) -> list[Proposal]:
    s = settings_of(ws)
    now = ws.now()
    proposals: list[Proposal] = []
    groups = ws.store.query("SELECT * FROM groups WHERE type = 'flash' AND closes_at IS NOT NULL"
                            " AND status IN ('active', 'closing')")
    for g in groups:
        with ws.store.write() as c:
            if g["status"] == "active" and now < g["closes_at"]:
                left_h = (g["closes_at"] - now) / 3600
                due = [h for h in s.flash_countdown_hours if left_h <= h]
                if due and _step(ws, c, g["id"], f"countdown:{min(due)}"):
                    for h in due:  # a late run covers the earlier marks without posting each
                        _step(ws, c, g["id"], f"countdown:{h}")
                    text = tr(for_members(ws, g), "This group closes in {hours} hours. Make the most of it!",
                              hours=max(1, round(left_h)))
                    proposals.append(Proposal(kind="send", reason=tr(ws, "Flash group countdown"), group_id=g["id"],
                                              params={"text": text}, rule="entry:flash",
                                              evidence=f"flash:{g['id']}:countdown:{min(due)}"))
            elif g["status"] == "active" and _step(ws, c, g["id"], "close"):
                c.execute("UPDATE groups SET status = 'closing' WHERE id = ?", (g["id"],))
                proposals.append(Proposal(kind="send", reason=tr(ws, "Flash group closed"), group_id=g["id"],
                                          params={"text": s.flash_final_message}, rule="entry:flash",
                                          evidence=f"flash:{g['id']}:close"))
                ws.audit("flash_group_closing", "group", g["id"], {"closes_at": g["closes_at"]}, actor="rule:entry:flash")
            elif g["status"] == "closing" and now >= g["closes_at"] + s.flash_archive_after_hours * 3600:
                if _step(ws, c, g["id"], "archive"):
                    c.execute("UPDATE groups SET status = 'archived' WHERE id = ?", (g["id"],))
                    ws.audit("flash_group_archived", "group", g["id"], {}, actor="rule:entry:flash")
    return proposals
