"""The plan: which post goes to which group when, for a window of time. Pure reading:
``queue.sync`` writes what the plan says, ``preview`` shows it.

For each source (a schedule, or a calendar topic: calendar.sources) and each time it fires
in the window, every target group gets a post, unless an exception holds it back:

- skipped: a holiday the source skips, a pause of the group, the platform's daily cap
  (WeCom: one mass send per customer group a day), a text that filled in is too long, no
  item of a rotation fits the group's type;
- task: the platform cannot post (WeCom customer groups: the owner confirms a mass send
  in the WeCom app), so a person is asked (queue.py makes one task per owner and post);
- queued: through the outbox, paced: posts of one account due at the same time are
  spread one over its rate apart (``[content] account_spacing_seconds`` to choose), and
  two posts in one group are at least ``group_gap_seconds`` apart.

Everything is read once per plan (groups, owners, pauses, holidays, items, earlier runs),
then the posts are a loop over (time, group): 1,000 groups' day is planned in a fraction
of a second (benchmarks/content_plan.py).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from shequn import Capability

from . import cron as cronmod
from .holidays import between
from .scripts import swap, swaps as script_swaps
from .schedules import active_groups, owners_of, select, values
from .settings import settings_of
from .texts import daily_cap, limit_of, render


@dataclass(slots=True)
class Source:
    key: str  # schedule:ID / calendar:ID
    name: str
    times: list[int]
    targets: list[str]
    item_id: int | None
    pick_tag: str
    skip: str  # '', public, all
    schedule_id: int | None = None


@dataclass(slots=True)
class Post:
    source: str
    name: str
    fire_at: int
    seq: int
    group_id: int
    group: str
    connection: str
    platform: str
    item_id: int | None
    text: str
    image: str
    status: str  # queued / task / skipped
    note: str  # why skipped (code:value), '' otherwise
    not_before: int
    key: str = ""


def schedule_sources(ws, start: int, end: int) -> list[Source]:
    out = []
    for s in ws.store.query("SELECT * FROM content_schedules WHERE enabled = 1 ORDER BY id"):
        if s["cron"]:
            times = cronmod.parse(s["cron"]).times_between(ws.tz, start, end)
        else:
            times = [s["once_at"]] if start <= s["once_at"] < end else []
        if s["until_day"]:
            last = date.fromisoformat(s["until_day"])
            times = [t for t in times if date.fromisoformat(ws.day(t)) <= last]
        if times:
            out.append(Source(f"schedule:{s['id']}", s["name"], times, json.loads(s["targets"]), s["item_id"],
                              s["pick_tag"], s["skip_holidays"], s["id"]))
    return out


def sources(ws, start: int, end: int) -> list[Source]:
    from .calendar import calendar_sources

    return schedule_sources(ws, start, end) + calendar_sources(ws, start, end)


def spacing(ws, connection: str) -> float:
    """Seconds between two posts of one account due together: configured, else 1 / its rate."""
    chosen = settings_of(ws).account_spacing_seconds
    if chosen:
        return chosen
    cfg = ws.settings.connections.get(connection)
    rate = cfg.rate if cfg is not None and cfg.rate else None
    if not rate:
        pacing = getattr(ws.connector_class(connection), "pacing", None)
        rate = getattr(pacing, "rate", None) or 1.0
    return 1.0 / rate


def post_key(p: Post) -> str:
    digest = hashlib.sha1(f"{p.text}\x00{p.image}".encode()).hexdigest()[:12]
    return f"content:{p.source}:{p.fire_at}:{p.group_id}:{digest}"


def plan(ws, start: int, end: int) -> list[Post]:
    """Every post of [start, end), in time order, with its state and pacing."""
    srcs = sources(ws, start, end)
    if not srcs:
        return []
    cfg = settings_of(ws)
    groups = active_groups(ws)
    owners = owners_of(ws)
    first_day, last_day = ws.day(start), ws.day(end)
    holidays = between(ws, first_day, last_day)
    paused: dict[int, list[tuple[int | None, int, int]]] = {}
    for gid, sid, a, b in ws.store.execute("SELECT group_id, schedule_id, starts_at, ends_at FROM content_pauses"
                                           " WHERE starts_at < ? AND (ends_at IS NULL OR ends_at > ?)", (end, start)):
        paused.setdefault(gid, []).append((sid, a, b if b is not None else math.inf))
    items = {r["id"]: r for r in ws.store.query("SELECT * FROM content_items")}
    swapped = script_swaps(ws)  # a post script's items: each group gets its own version
    rotations: dict[str, list[dict[str, Any]]] = {}
    for s in srcs:
        if s.pick_tag and s.pick_tag not in rotations:
            rotations[s.pick_tag] = [i for i in sorted(items.values(), key=lambda r: r["id"])
                                     if not i["archived"] and f",{s.pick_tag}," in f",{i['tags']},"]
    runs = {(src, t): seq for src, t, seq in ws.store.execute(
        "SELECT source, fire_at, seq FROM content_runs WHERE fire_at >= ? AND fire_at < ?", (start, end))}
    last_seq = dict(ws.store.execute("SELECT source, max(seq) FROM content_runs WHERE fire_at < ? GROUP BY source",
                                     (start,)))
    day0 = ws.day_start(first_day)
    counts: dict[tuple[int, str], int] = {}
    for gid, t in ws.store.execute(
            "SELECT p.group_id, r.fire_at FROM content_posts p JOIN content_runs r ON r.id = p.run_id"
            " WHERE r.fire_at >= ? AND r.fire_at < ? AND p.status IN ('queued', 'task')", (day0, start)):
        counts[(gid, ws.day(t))] = counts.get((gid, ws.day(t)), 0) + 1
    can_send: dict[str, bool] = {}
    limits: dict[str, Any] = {}
    caps: dict[str, int | None] = {}

    posts: list[Post] = []
    occurrences = sorted(((t, s) for s in srcs for t in s.times), key=lambda x: (x[0], x[1].key))
    targets = {s.key: select(s.targets, groups) for s in srcs}
    for t, s in occurrences:
        seq = runs.get((s.key, t))
        if seq is None:
            seq = last_seq.get(s.key, 0) + 1
        last_seq[s.key] = max(last_seq.get(s.key, 0), seq)
        day = ws.day(t)
        hol = [name for name, kind in holidays.get(day, ()) if s.skip == "all" or (s.skip == "public" and
                                                                                  kind == "public")]
        for g in targets[s.key]:
            gid, platform, conn = g["id"], g["platform"], g["connection_id"]
            if s.item_id is not None:
                item = items.get(s.item_id)
            else:
                fit = [i for i in rotations[s.pick_tag] if i["group_type"] in ("", g["type"])]
                item = fit[seq % len(fit)] if fit else None
            if item is not None and item["id"] in swapped:
                item = items.get(swap(swapped, item["id"], gid))
            status, note, text, image = "queued", "", "", ""
            if item is None or item["archived"]:
                status, note = "skipped", f"no_item:{s.pick_tag or s.item_id}"
            else:
                text = render(item["text"], values(g, owners, item, day))
                image = item["image"]
            if status == "queued" and hol:
                status, note = "skipped", f"holiday:{'、'.join(hol)}"
            if status == "queued" and any(a <= t < b and (sid is None or sid == s.schedule_id)
                                          for sid, a, b in paused.get(gid, ())):
                status, note = "skipped", "paused"
            if status == "queued":
                if platform not in caps:
                    caps[platform] = daily_cap(ws, platform)
                cap = caps[platform]
                n = counts.get((gid, day), 0)
                if cap is not None and n >= cap:
                    status, note = "skipped", f"cap:{cap}"
            if status == "queued":
                lim = limits.get(platform) or limits.setdefault(platform, limit_of(ws, platform))
                size = lim.measure(text)
                if size > lim.size:
                    status, note = "skipped", f"too_long:{size}/{lim.size}"
            if status == "queued":
                counts[(gid, day)] = counts.get((gid, day), 0) + 1
                if conn not in can_send:
                    can_send[conn] = Capability.SEND in ws.capabilities(conn)
                if not can_send[conn]:
                    status, note = "task", f"cannot_send:{platform}"
            p = Post(s.key, s.name, t, seq, gid, g["name"], conn, platform, item["id"] if item else None, text,
                     image, status, note, t)
            p.key = post_key(p)
            posts.append(p)
    _pace(ws, posts, cfg.group_gap_seconds)
    return posts


def _pace(ws, posts: list[Post], gap: int) -> None:
    """Spread each account's posts due together, and keep a group's posts ``gap`` apart."""
    cursor: dict[str, float] = {}
    last_in_group: dict[int, float] = {}
    steps: dict[str, float] = {}
    for p in posts:  # in (time, source) order, groups by id within a source
        if p.status != "queued":
            continue
        step = steps.get(p.connection)
        if step is None:
            step = steps[p.connection] = spacing(ws, p.connection)
        at = max(cursor.get(p.connection, 0.0), float(p.fire_at))
        cursor[p.connection] = at + step
        prev = last_in_group.get(p.group_id)
        if prev is not None and at < prev + gap:
            at = prev + gap
        last_in_group[p.group_id] = at
        p.not_before = int(math.ceil(at))
