"""When and why people leave: leaves in a window by reason and by how long the
person had been in the group. Reads the ``events`` log of joins and leaves (never the
message log) and ``memberships`` for tenure."""

from __future__ import annotations

import json
from collections import Counter

from .window import Scope, make_window, shift

TENURE = ((0, 1, "under 1 day"), (1, 7, "1-7 days"), (7, 30, "7-30 days"), (30, 10**6, "30 days or more"))
REASONS = {"leave": "left by themselves", "kick": "removed", "kick_me": "the bot was removed", "dismiss": "group dismissed"}


def leaves(ws, scope: Scope | str = "all", since: str | None = None, until: str | None = None) -> list[dict]:
    if isinstance(scope, str):
        scope = Scope() if scope in ("", "all") else Scope(*scope.split(":", 1))
    window = make_window(ws, since, until)
    sub, params = scope.subquery()
    start, end = ws.day_start(window.since), ws.day_start(shift(window.until, 1))
    reasons: Counter = Counter()
    tenure: Counter = Counter()
    for data, ts, joined in ws.store.execute(
            "SELECT e.data, e.ts, m.joined_at FROM events e LEFT JOIN memberships m"
            " ON m.group_id = e.group_id AND m.person_id = e.person_id"
            f" WHERE e.kind = 'leave' AND e.ts >= ? AND e.ts < ? AND e.group_id IN ({sub})", [start, end, *params]):
        reason = json.loads(data or "{}").get("reason") or "leave"
        reasons[reason] += 1
        if joined is not None and joined <= ts:
            days = (ts - joined) / 86400
            tenure[next(label for lo, hi, label in TENURE if lo <= days < hi)] += 1
        else:
            tenure["unknown"] += 1
    rows = [{"by": "reason", "what": REASONS.get(k, k), "leaves": v} for k, v in reasons.most_common()]
    rows += [{"by": "time in group", "what": label, "leaves": tenure[label]}
             for *_, label in TENURE if tenure[label]]
    if tenure["unknown"]:
        rows.append({"by": "time in group", "what": "unknown", "leaves": tenure["unknown"]})
    return rows
