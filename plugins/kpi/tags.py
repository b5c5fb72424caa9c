"""Tags with provenance (DOMAIN.md, Members and tags), kept in the core ``tags`` table.

- fact tags (source ``kpi``): taken from data as it is: city and first seen (static),
  order count, money spent and number of groups (dynamic);
- rule tags (source ``kpi.rule``, dynamic), recomputed by the tags job: churned, lurker,
  top talker, new;
- predicted tags (source ``kpi.predict``): likely buyer, with a confidence and the
  method named in the row.

Each run replaces this plugin's rows only; other plugins' tags are left alone.
Insiders get fact tags but no rule or predicted tags (they are not the audience).
"""

from __future__ import annotations

import math
from collections import defaultdict

from .settings import kpi_settings

DAY = 86400
SOURCES = ("kpi", "kpi.rule", "kpi.predict")
ACTIVITY_BINS = ((0, 0, "silent"), (1, 2, "1-2 days"), (3, 9, "3-9 days"), (10, 10**9, "10+ days"))


def rebuild(ws) -> dict[str, int]:
    cfg = kpi_settings(ws)
    now = ws.now()
    st = ws.store
    rows: list[tuple] = []
    count: dict[str, int] = defaultdict(int)

    def add(pid, tag, value, kind, prov, source, conf=None, method=None):
        rows.append((pid, tag, str(value), kind, prov, source, conf, method, now))
        count[tag] += 1

    insiders = {r[0] for r in st.execute("SELECT id FROM people WHERE is_insider = 1")}
    for pid, city, created in st.execute("SELECT id, city, created_at FROM people"):
        if city:
            add(pid, "city", city, "static", "fact", "kpi")
        if created:
            add(pid, "first_seen", ws.day(created), "static", "fact", "kpi")
    buyers_90: set[int] = set()
    for pid, n, spent, last in st.execute("SELECT person_id, count(*), sum(amount), max(ordered_at) FROM orders"
                                          " WHERE person_id IS NOT NULL GROUP BY person_id"):
        add(pid, "orders", n, "dynamic", "fact", "kpi")
        add(pid, "spent", round(spent, 2), "dynamic", "fact", "kpi")
        if last >= now - 90 * DAY:
            buyers_90.add(pid)
    current: dict[int, int] = defaultdict(int)
    left_recently: set[int] = set()
    first_join: dict[int, int] = {}
    lurkers: set[int] = set()
    for pid, status, joined, left, spoke in st.execute(
            "SELECT person_id, status, joined_at, left_at, last_spoke_at FROM memberships"):
        if status == "member":
            current[pid] += 1
            if joined and joined <= now - cfg.lurker_days * DAY and (spoke or 0) < now - cfg.lurker_days * DAY:
                lurkers.add(pid)
        elif left and left >= now - 30 * DAY:
            left_recently.add(pid)
        if joined and (pid not in first_join or joined < first_join[pid]):
            first_join[pid] = joined
    for pid, n in current.items():
        add(pid, "groups", n, "dynamic", "fact", "kpi")
    for pid in left_recently - set(current) - insiders:
        add(pid, "churned", "left every group within 30 days", "dynamic", "rule", "kpi.rule")
    for pid in lurkers - insiders:
        add(pid, "lurker", f"no message in {cfg.lurker_days} days", "dynamic", "rule", "kpi.rule")
    for pid, ts in first_join.items():
        if ts >= now - cfg.new_days * DAY and pid not in insiders:
            add(pid, "new", ws.day(ts), "dynamic", "rule", "kpi.rule")
    # top talkers: the top share of each group's speakers over 30 days (the 20/80 rule)
    since = ws.day(now - 29 * DAY)
    per_group: dict[int, list[tuple[int, int]]] = defaultdict(list)
    active_days: dict[int, int] = defaultdict(int)
    for g, pid, msgs, days in st.execute("SELECT group_id, person_id, sum(messages), count(*) FROM speaker_days"
                                         " WHERE day >= ? GROUP BY group_id, person_id", (since,)):
        if pid in insiders:
            continue
        per_group[g].append((msgs, pid))
        active_days[pid] = max(active_days[pid], days)
    talkers: dict[int, list[str]] = defaultdict(list)
    for g, lst in per_group.items():
        lst.sort(reverse=True)
        for msgs, pid in lst[:max(1, math.ceil(len(lst) * cfg.top_talker_share))]:
            talkers[pid].append(str(g))
    for pid, groups in talkers.items():
        add(pid, "top_talker", "groups " + ",".join(groups), "dynamic", "rule", "kpi.rule")
    # likely buyer: the base rate of recent buyers among members as active as they are
    if buyers_90:
        members = [p for p in current if p not in insiders]
        bins: dict[str, list[int]] = defaultdict(list)
        for pid in members:
            d = active_days.get(pid, 0)
            bins[next(label for lo, hi, label in ACTIVITY_BINS if lo <= d <= hi)].append(pid)
        for label, people in bins.items():
            rate = sum(1 for p in people if p in buyers_90) / len(people)
            if rate < cfg.likely_buyer_min_confidence:
                continue
            method = (f"base rate: {rate:.0%} of members who spoke on {label} of the last 30 days"
                      " ordered in the last 90 days")
            for pid in people:
                if pid not in buyers_90:
                    add(pid, "likely_buyer", "yes", "dynamic", "predicted", "kpi.predict", round(rate, 4), method)
    with st.write() as c:
        c.execute(f"DELETE FROM tags WHERE source IN ({','.join('?' * len(SOURCES))})", SOURCES)
        c.executemany("INSERT INTO tags(person_id, tag, value, kind, provenance, source, confidence, method,"
                      " computed_at) VALUES (?,?,?,?,?,?,?,?,?)", rows)
    return dict(count)


def tags(ws, person_id: int) -> dict[str, list[dict]]:
    """A person's tags, static and dynamic kept apart, each with its provenance
    (fact / rule / predicted), source, and for predicted tags confidence and method."""
    out: dict[str, list[dict]] = {"static": [], "dynamic": []}
    for r in ws.store.query("SELECT tag, value, kind, provenance, source, confidence, method, computed_at FROM tags"
                            " WHERE person_id = ? ORDER BY provenance, tag", (person_id,)):
        out[r.pop("kind")].append(r)
    return out
