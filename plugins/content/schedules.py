"""Scheduled posts (定时发送): a library item (or a rotation through the items carrying a
tag) posted to a selection of groups on a cron or once, in the workspace's time zone,
with exceptions: skip holidays, pause a group (pauses are here too).

A schedule is refused when it is saved if it could never post: a cron that cannot fire
(or not before its end day), a one-off time in the past, targets that match no active
group, an item archived or made for another group type, or a text that, filled in for a
target group, is longer than that group's platform allows. After every change the
planner brings the outbox in line (queue.sync): what is no longer wanted and not yet
sent is taken back.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from . import cron as cronmod
from .errors import ContentError
from .library import GROUP_TYPES, by_tag, get as get_item
from .texts import check_length, member_date, render

SKIPS = ("", "public", "all")


def find_group(ws, ref: str) -> int:
    """A group by id (``group:12`` or 12), platform id or exact name."""
    ref = str(ref).strip()
    key = ref[6:] if ref.startswith("group:") else ref
    if key.isdigit() and ws.store.scalar("SELECT 1 FROM groups WHERE id = ?", (int(key),)):
        return int(key)
    rows = ws.store.query("SELECT id FROM groups WHERE platform_group_id = ? OR name = ? ORDER BY id", (key, key))
    if len(rows) != 1:
        raise ContentError("to: {ref!r} names {n} groups; give a group id (group:ID)" if rows else
                           "to: no group {ref!r}; expected all, type:TYPE, family:NAME or a group", ref=ref, n=len(rows))
    return rows[0]["id"]


def active_groups(ws) -> list[dict[str, Any]]:
    return ws.store.query("SELECT id, name, type, family, connection_id, platform FROM groups WHERE status = 'active'"
                          " ORDER BY id")


def parse_targets(ws, targets: list[str]) -> list[str]:
    """Targets as stored: all, type:TYPE, family:NAME, group:ID (a name or platform id is resolved)."""
    out: list[str] = []
    for t in targets:
        t = str(t).strip()
        if t == "all":
            out.append(t)
        elif t.startswith("type:"):
            if t[5:] not in GROUP_TYPES:
                raise ContentError("to: unknown group type {value!r}; expected one of {choices}", value=t[5:],
                                   choices=", ".join(GROUP_TYPES))
            out.append(t)
        elif t.startswith("family:"):
            if not ws.store.scalar("SELECT 1 FROM groups WHERE family = ?", (t[7:],)):
                raise ContentError("to: no group is in family {value!r}", value=t[7:])
            out.append(t)
        else:
            out.append(f"group:{find_group(ws, t)}")
    if not out:
        raise ContentError("to: no targets; expected all, type:TYPE, family:NAME or groups")
    return list(dict.fromkeys(out))


def select(targets: list[str], groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The active groups ``targets`` name (in memory: the planner calls it per schedule)."""
    if "all" in targets:
        return groups
    types = {t[5:] for t in targets if t.startswith("type:")}
    families = {t[7:] for t in targets if t.startswith("family:")}
    ids = {int(t[6:]) for t in targets if t.startswith("group:")}
    return [g for g in groups if g["type"] in types or g["family"] in families or g["id"] in ids]


def _parse_day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ContentError("{field}: {value!r} is not a date; expected YYYY-MM-DD", field=field, value=value) from None


def when_text(ws, ts: int) -> str:
    return datetime.fromtimestamp(ts, ws.tz).strftime("%Y-%m-%d %H:%M")


def check(ws, sched: dict[str, Any]) -> dict[str, Any]:
    """A checked schedule row from ``sched`` (the fields by name), or ContentError."""
    name = str(sched.get("name") or "").strip()
    if not 1 <= len(name) <= 60:
        raise ContentError("name: {n} characters; expected 1 to 60", n=len(name))
    cron_text, once_at = str(sched.get("cron") or "").strip(), sched.get("once_at")
    if bool(cron_text) == (once_at is not None):
        raise ContentError("when: give a cron (or --daily/--weekly) or a one-off time, not both" if cron_text else
                           "when: give a cron (or --daily/--weekly) or a one-off time")
    until = str(sched.get("until_day") or "").strip()
    until_d = _parse_day(until, "until") if until else None
    now = ws.now()
    if until_d is not None and until_d < datetime.fromtimestamp(now, ws.tz).date():
        raise ContentError("until: {day} is in the past; the schedule would never fire", day=until)
    if cron_text:
        c = cronmod.parse(cron_text)
        cron_text = c.text
        if c.next_fire(ws.tz, now, until=until_d) is None:
            raise ContentError("cron: {cron!r} never fires by {until}" if until else
                               "cron: {cron!r} never fires in the next five years", cron=cron_text, until=until)
    elif int(once_at) < now:
        raise ContentError("once: {when} is in the past; the schedule would never fire", when=when_text(ws, int(once_at)))
    item_id, tag = sched.get("item_id"), str(sched.get("pick_tag") or "").strip()
    if (item_id is None) == (not tag):
        raise ContentError("item: give a library item or a tag to rotate through, not both" if tag else
                           "item: give a library item or a tag to rotate through")
    targets = parse_targets(ws, list(sched.get("targets") or []))
    groups = select(targets, active_groups(ws))
    if not groups:
        raise ContentError("to: {targets} matches no active group", targets=", ".join(targets))
    skip = str(sched.get("skip_holidays") or "")
    if skip not in SKIPS:
        raise ContentError("skip_holidays: {value!r} is not one of public, all, or empty", value=skip)
    items = [get_item(ws, int(item_id))] if item_id is not None else by_tag(ws, tag)
    if not items:
        raise ContentError("pick: no library item carries the tag {tag!r}", tag=tag)
    if item_id is not None:
        it = items[0]
        if it["archived"]:
            raise ContentError("item: library item {id} is archived", id=it["id"])
        wrong = [g["name"] for g in groups if it["group_type"] and g["type"] != it["group_type"]]
        if wrong:
            raise ContentError("item: library item {id} is for {type} groups; {n} target groups are not ({names})",
                               id=it["id"], type=it["group_type"], n=len(wrong), names="、".join(wrong[:5]))
    owners = owners_of(ws)
    for g in groups:
        for it in items:
            if it["group_type"] in ("", g["type"]):
                text = render(it["text"], values(g, owners, it, "2025-12-12"))
                check_length(ws, text, g["platform"], group=g["name"])
    return {"name": name, "cron": cron_text, "once_at": None if once_at is None else int(once_at),
            "until_day": until, "item_id": None if item_id is None else int(item_id), "pick_tag": tag,
            "targets": json.dumps(targets, ensure_ascii=False), "skip_holidays": skip,
            "enabled": int(bool(sched.get("enabled", True)))}


def owners_of(ws) -> dict[int, str]:
    """Every group's owner (role) by group, in one query."""
    out: dict[int, str] = {}
    for gid, name in ws.store.execute("SELECT r.group_id, p.display_name FROM roles r JOIN people p ON p.id ="
                                      " r.person_id WHERE r.role = 'owner' ORDER BY r.id DESC"):
        out[gid] = name
    return out


def values(group: dict[str, Any], owners: dict[int, str], item: dict[str, Any], day: str) -> dict[str, str]:
    """What a text's placeholders become for one group and post day (members read Chinese)."""
    return {"group": group["name"], "owner": owners.get(group["id"]) or "群主", "date": member_date(day),
            "product": item["product"], "link": item["link"]}


def save(ws, sched: dict[str, Any], schedule_id: int | None = None) -> int:
    """Check and store a schedule (an edit keeps the fields not given), then bring the
    outbox in line with it."""
    if schedule_id is not None:
        old = get(ws, schedule_id)
        base = {k: old[k] for k in ("name", "cron", "once_at", "until_day", "item_id", "pick_tag", "skip_holidays",
                                    "enabled")}
        base["targets"] = json.loads(old["targets"])
        if sched.get("cron") or sched.get("once_at") is not None:  # a new time replaces the other kind
            base.update(cron="", once_at=None)
        if sched.get("item_id") is not None or sched.get("pick_tag"):
            base.update(item_id=None, pick_tag="")
        sched = {**base, **{k: v for k, v in sched.items() if v is not None}}
    row = check(ws, sched)
    now = ws.now()
    with ws.store.write() as c:
        if schedule_id is None:
            if c.execute("SELECT 1 FROM content_schedules WHERE name = ?", (row["name"],)).fetchone():
                raise ContentError("name: a schedule named {name!r} exists; edit it or choose another name",
                                   name=row["name"])
            cols = list(row)
            schedule_id = c.execute(f"INSERT INTO content_schedules({', '.join(cols)}, created_by, created_at,"
                                    f" updated_at) VALUES ({', '.join('?' * len(cols))}, ?, ?, ?)",
                                    [row[k] for k in cols] + [ws.operator, now, now]).lastrowid
        else:
            c.execute(f"UPDATE content_schedules SET {', '.join(f'{k} = ?' for k in row)}, updated_at = ? WHERE id = ?",
                      [*row.values(), now, schedule_id])
        ws.audit("content_schedule_saved", "content_schedule", schedule_id, {k: row[k] for k in ("name", "cron",
                                                                                                   "targets")})
    from .queue import sync

    sync(ws)
    return schedule_id


def get(ws, ref: int | str) -> dict[str, Any]:
    row = ws.store.one("SELECT * FROM content_schedules WHERE id = ? OR name = ?", (ref if str(ref).isdigit() else -1,
                                                                                   str(ref)))
    if row is None:
        raise ContentError("schedule: no schedule {ref!r}", ref=str(ref))
    return row


def set_enabled(ws, ref: int | str, enabled: bool) -> None:
    s = get(ws, ref)
    with ws.store.write():
        ws.store.execute("UPDATE content_schedules SET enabled = ?, updated_at = ? WHERE id = ?",
                         (int(enabled), ws.now(), s["id"]))
        ws.audit("content_schedule_enabled" if enabled else "content_schedule_disabled", "content_schedule", s["id"])
    from .queue import sync

    sync(ws)


def listing(ws) -> list[dict[str, Any]]:
    rows = ws.store.query("SELECT s.*, i.title AS item_title FROM content_schedules s LEFT JOIN content_items i"
                          " ON i.id = s.item_id ORDER BY s.id")
    for r in rows:
        r["targets"] = json.loads(r["targets"])
        if r["cron"]:
            nxt = cronmod.parse(r["cron"]).next_fire(ws.tz, ws.now(), until=date.fromisoformat(r["until_day"])
                                                     if r["until_day"] else None)
        else:
            nxt = r["once_at"] if r["once_at"] >= ws.now() else None
        r["next"] = when_text(ws, nxt) if nxt and r["enabled"] else ""
    return rows


# --- pauses (a group, for every schedule or one) ----------------------------------------------

def pause(ws, group_id: int, *, schedule_id: int | None = None, starts_at: int | None = None,
          ends_at: int | None = None, reason: str = "") -> int:
    now = ws.now()
    starts = now if starts_at is None else int(starts_at)
    if ends_at is not None and (ends_at <= starts or ends_at <= now):
        raise ContentError("until: {when} is not after the pause starts and after now; the pause would hold nothing",
                           when=when_text(ws, int(ends_at)))
    if len(reason) > 200:
        raise ContentError("reason: {n} characters; the limit is {limit}", n=len(reason), limit=200)
    with ws.store.write() as c:
        pid = c.execute("INSERT INTO content_pauses(group_id, schedule_id, starts_at, ends_at, reason, created_by,"
                        " created_at) VALUES (?,?,?,?,?,?,?)", (group_id, schedule_id, starts, ends_at, reason,
                                                                ws.operator, now)).lastrowid
        ws.audit("content_group_paused", "group", group_id, {"pause": pid, "schedule": schedule_id, "until": ends_at})
    from .queue import sync

    sync(ws)
    return pid


def lift(ws, pause_id: int) -> None:
    now = ws.now()
    with ws.store.write() as c:
        if not c.execute("UPDATE content_pauses SET ends_at = ? WHERE id = ? AND (ends_at IS NULL OR ends_at > ?)",
                         (now, pause_id, now)).rowcount:
            raise ContentError("pause: no pause {id} in force", id=pause_id)
        ws.audit("content_pause_lifted", "content_pause", pause_id)
    from .queue import sync

    sync(ws)


def pauses(ws, *, current: bool = True) -> list[dict[str, Any]]:
    where = " WHERE p.ends_at IS NULL OR p.ends_at > ?" if current else ""
    return ws.store.query("SELECT p.*, g.name AS group_name, s.name AS schedule FROM content_pauses p JOIN groups g"
                          " ON g.id = p.group_id LEFT JOIN content_schedules s ON s.id = p.schedule_id" + where
                          + " ORDER BY p.id", (ws.now(),) if current else ())
