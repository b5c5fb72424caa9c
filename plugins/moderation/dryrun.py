"""Dry-run on history: replay one rule over stored messages before it acts.

``dry_run(ws, "ads", since)`` walks the messages since ``since`` in time order through
a fresh compiled copy of the rule (its own flood counters, its own ladder counts that
start at zero at ``since``), with today's roles for exemptions, and lists every message
the rule would have caught and what it would have done. Nothing is written. A changed
config can be tried before it is saved (``config=``): that is how an allow-list entry
is checked against last week's real ads.
"""

from __future__ import annotations

import json
from typing import Any

from shequn import Event, Kind

from .live import find_hits
from .matcher import CompiledRule, RuleSet
from .rulestore import get_rule
from .scope import BatchLookups, scope_key
from .settings import settings_of
from .abuse import ladder_for
from .kinds import validate


_CHUNK = 500  # messages per pass through the matcher, as the runtime's ingest batches


def dry_run(ws, rule_name: str, since_ts: int, until_ts: int | None = None, *,
            config: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Rows, in time order: message, group, member, what matched, the step it would take."""
    row = get_rule(ws, rule_name)
    if row is None:
        raise ValueError(f"no moderation rule named {rule_name!r} (see `shequn rules list`)")
    cfg = validate(row["kind"], config if config is not None else row["config"])
    rule = CompiledRule.build(dict(row, dry_run=1), cfg)
    rs = RuleSet.build([rule])
    s = settings_of(ws)
    look = BatchLookups(ws, s.exempt_roles, s.allow_people)
    until_ts = until_ts if until_ts is not None else ws.now() + 1
    offences: dict[tuple[int, tuple[str, str]], list[int]] = {}
    window = cfg["window_days"] * 86400
    out: list[dict[str, Any]] = []
    cur = ws.store.conn.execute(
        "SELECT m.id, m.connection_id, m.platform_msg_id, m.group_id, m.person_id, m.ts, m.text, m.meta"
        " FROM messages m WHERE m.ts >= ? AND m.ts < ? AND m.group_id IS NOT NULL AND m.person_id IS NOT NULL"
        " ORDER BY m.ts, m.id", (since_ts, until_ts))
    while True:
        rows = cur.fetchmany(_CHUNK)
        if not rows:
            break
        # the live path's own batch matcher, so a dry run catches exactly what ingest would
        stored: dict[int, int] = {}
        batch = []
        for mid, conn, pmid, gid, pid, ts, text, meta in rows:
            e = Event(conn, pmid, Kind.MESSAGE, ts, text=text or "", data=json.loads(meta) if meta else {})
            e.group_id, e.person_id = gid, pid
            stored[id(e)] = mid
            batch.append(e)
        for hit, e in find_hits(rs, batch, look):
            gid, pid, ts, text, data = e.group_id, e.person_id, e.ts, e.text, e.data
            group = look.group(gid)
            if group is None or not rule.applies_to(group):
                continue
            why = look.exempt(cfg, gid, pid, (data or {}).get("role"))
            if why:
                continue
            key = (pid, scope_key(group, cfg["penalty_scope"]))
            past = [t for t in offences.get(key, []) if t >= ts - window]
            past.append(ts)
            offences[key] = past
            ladder = ladder_for(cfg, hit.severity)  # abuse: the hit's severity picks the ladder
            step = ladder[min(len(past), len(ladder)) - 1]
            out.append({"message_id": stored[id(e)], "platform_msg_id": e.id, "connection": e.connection, "ts": ts,
                        "time": _fmt(ws, ts), "group_id": gid, "group": group["name"], "person_id": pid,
                        "person": ws.store.scalar("SELECT display_name FROM people WHERE id = ?", (pid,), ""),
                        "offence": len(past),
                        "step": step["step"] + (f" {step['minutes']}m" if step["step"] == "mute" else ""),
                        "matched": hit.category, "text": text})
    if rule.timeouts:
        out.append({"message_id": None, "step": "", "matched": f"{rule.timeouts} message(s) hit the time limit",
                    "text": ""})
    return out


def _fmt(ws, ts: int) -> str:
    from datetime import datetime

    return datetime.fromtimestamp(ts, ws.tz).strftime("%Y-%m-%d %H:%M")


def parse_since(value: str, now: int) -> int:
    """'7d', '24h', '30m', '2w', a unix time, or a date (YYYY-MM-DD, the operator's zone is not
    applied here: the CLI passes dates through ws.day_start)."""
    v = value.strip().lower()
    units = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
    if v and v[-1] in units and v[:-1].isdigit():
        n = int(v[:-1])
        if n <= 0:
            raise ValueError(f"--since {value!r}: the period must be above zero")
        return now - n * units[v[-1]]
    if v.isdigit():
        return int(v)
    raise ValueError(f"--since {value!r}: expected a period such as 7d, 24h, 30m, 2w, or a date YYYY-MM-DD")
