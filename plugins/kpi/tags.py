"""Tags with provenance (DOMAIN.md, Members and tags), kept in the core ``tags`` table.

- fact tags (source ``kpi``): taken from data as it is: city and first seen (static),
  order count, money spent and number of groups (dynamic);
- rule tags (source ``kpi.rule``, dynamic), recomputed by the tags job: churned, new, and
  top talker and lurker by the domain's 20/80 split of messages: in each group, the most active members who together
  sent ``talker_message_share`` (80%) of its members' messages over ``talk_period_days``
  are top talkers; the rest who were members for the whole period are lurkers;
- predicted tags (source ``kpi.predict``): likely buyer, its confidence the observed rate
  of people like them ordering within 30 days (``predict``), the method named in the row.

Chat tags are anchored to the newest chat fact in the workspace and order tags to the
newest order, never to the wall clock: the same data gives the same tags when recomputed.
Each run replaces this plugin's rows only; other plugins' tags are left alone.
Insiders get fact tags but no rule or predicted tags (they are not the audience).
"""

from __future__ import annotations

from collections import defaultdict

from . import predict
from .settings import kpi_settings

DAY = 86400
SOURCES = ("kpi", "kpi.rule", "kpi.predict")


def talk_split(counts: dict[int, int], share: float) -> set[int]:
    """The top talkers of one group: the fewest members, most active first, whose messages
    together reach ``share`` of the group's. Ties are taken whole (two members with the same
    count are both in or both out), so the answer does not depend on row order."""
    total = sum(counts.values())
    if not total:
        return set()
    by_count: dict[int, list[int]] = defaultdict(list)  # one pass, not one per distinct count
    for p, c in counts.items():
        by_count[c].append(p)
    out: set[int] = set()
    got = 0
    for n in sorted(by_count, reverse=True):
        if got >= share * total or n == 0:
            break
        out.update(by_count[n])
        got += n * len(by_count[n])
    return out


def _tuples(st, sql: str, params=()):
    """Rows as plain tuples: the job reads ~100,000 rows a run, and sqlite3.Row objects cost
    a tenth of a second more over them."""
    cur = st.conn.cursor()
    cur.row_factory = None
    return cur.execute(sql, params)


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
    first_seen: dict[int, int | None] = {}
    for pid, city, created in _tuples(st, "SELECT id, city, created_at FROM people"):
        first_seen[pid] = created
        if city:
            add(pid, "city", city, "static", "fact", "kpi")
        if created:
            add(pid, "first_seen", ws.day(created), "static", "fact", "kpi")
    for pid, n, spent in st.execute("SELECT person_id, count(*), sum(amount) FROM orders"
                                    " WHERE person_id IS NOT NULL GROUP BY person_id"):
        add(pid, "orders", n, "dynamic", "fact", "kpi")
        add(pid, "spent", round(spent, 2), "dynamic", "fact", "kpi")
    # a person's segment is not copied here: it reaches Members and profiles as a host
    # label (register_labels, segments.labels_for), from kpi_segments, the one copy
    members: list[tuple] = list(_tuples(st, "SELECT person_id, group_id, status, joined_at, left_at, last_spoke_at"
                                           " FROM memberships"))
    anchor = max((t for m in members for t in m[3:] if t), default=None)
    if anchor is not None:
        _chat_tags(ws, cfg, members, anchor, insiders, add)
    _likely_buyer(ws, cfg, first_seen, insiders, add)
    _replace(st, rows, now)
    return dict(count)


def _replace(st, rows: list[tuple], now: int) -> None:
    """Make this plugin's tag rows exactly ``rows``. Most rows come back unchanged from one
    run to the next, so they are updated in place (computed_at) rather than deleted and
    inserted again: the table's two indexes and the people check made the rewrite of every
    row the tags job's biggest cost (about 20 times an in-place update). Row ids of kept
    tags stay; nothing reads them."""
    marks = ",".join("?" * len(SOURCES))
    with st.write() as c:
        # keyed by the row's first three columns, a slice: no list per row (~70,000 rows a run)
        old = {r[:3]: r for r in _tuples(
            st, "SELECT person_id, tag, source, id, value, kind, provenance, confidence, method FROM tags"
            f" WHERE source IN ({marks})", SOURCES)}
        c.execute(f"UPDATE tags SET computed_at = ? WHERE source IN ({marks})", (now, *SOURCES))
        new, changed = [], []
        for r in rows:  # (person_id, tag, value, kind, provenance, source, confidence, method, computed_at)
            was = old.pop((r[0], r[1], r[5]), None)
            if was is None:
                new.append(r)
            elif was[4:] != (r[2], r[3], r[4], r[6], r[7]):
                changed.append((r[2], r[3], r[4], r[6], r[7], was[3]))
        c.executemany("DELETE FROM tags WHERE id = ?", [(v[3],) for v in old.values()])
        c.executemany("UPDATE tags SET value = ?, kind = ?, provenance = ?, confidence = ?, method = ? WHERE id = ?",
                      changed)
        c.executemany("INSERT INTO tags(person_id, tag, value, kind, provenance, source, confidence, method,"
                      " computed_at) VALUES (?,?,?,?,?,?,?,?,?)", new)


def _chat_tags(ws, cfg, members, anchor: int, insiders: set[int], add) -> None:
    """groups, churned, new, top talker and lurker, as of ``anchor`` (the newest chat fact)."""
    current: dict[int, int] = defaultdict(int)
    left_recently: set[int] = set()
    first_join: dict[int, int] = {}
    for pid, _g, status, joined, left, _spoke in members:
        if status == "member":
            current[pid] += 1
        elif left and left >= anchor - 30 * DAY:
            left_recently.add(pid)
        if joined and (pid not in first_join or joined < first_join[pid]):
            first_join[pid] = joined
    for pid, n in current.items():
        add(pid, "groups", n, "dynamic", "fact", "kpi")
    for pid in sorted(left_recently - set(current) - insiders):
        add(pid, "churned", ws.tr("left every group within 30 days"), "dynamic", "rule", "kpi.rule")
    for pid, ts in first_join.items():
        if ts >= anchor - cfg.new_days * DAY and pid not in insiders:
            add(pid, "new", ws.day(ts), "dynamic", "rule", "kpi.rule")
    # the 20/80 split: the period ends on the anchor's day, and starts no earlier than the first day with messages
    last_day = ws.day(anchor)
    first_day = ws.store.scalar("SELECT min(day) FROM speaker_days")
    if first_day is None:
        return
    since = max(first_day, ws.day(ws.day_start(last_day) - (cfg.talk_period_days - 1) * DAY))
    since_ts = ws.day_start(since)
    days = round((ws.day_start(last_day) - since_ts) / DAY) + 1
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    for g, pid, msgs in ws.store.execute("SELECT group_id, person_id, sum(messages) FROM speaker_days"
                                         " WHERE day >= ? AND day <= ? GROUP BY group_id, person_id", (since, last_day)):
        if pid not in insiders:
            counts[g][pid] = msgs
    talkers: dict[int, list[int]] = defaultdict(list)
    for g in sorted(counts):
        for pid in talk_split(counts[g], cfg.talker_message_share):
            talkers[pid].append(g)
    share = f"{cfg.talker_message_share:.0%}"
    for pid in sorted(talkers):
        add(pid, "top_talker", ws.tr("among those who sent {share} of the messages of {since}..{until}: groups {groups}",
                                     share=share, since=since, until=last_day,
                                     groups=",".join(map(str, sorted(talkers[pid])))), "dynamic", "rule", "kpi.rule")
    judged: dict[int, list[int]] = defaultdict(list)
    for pid, g, status, joined, _left, _spoke in members:
        if status == "member" and pid not in insiders and pid not in talkers and joined and joined <= since_ts:
            judged[pid].append(g)
    for pid in sorted(judged):
        add(pid, "lurker", ws.tr("a member all {days} days of {since}..{until}, outside those who sent {share}"
                                 " of the messages: groups {groups}", days=days, since=since, until=last_day, share=share,
                                 groups=",".join(map(str, sorted(judged[pid])))), "dynamic", "rule", "kpi.rule")


def _likely_buyer(ws, cfg, first_seen: dict[int, int | None], insiders: set[int], add) -> None:
    as_of = ws.store.scalar("SELECT max(ordered_at) FROM orders WHERE person_id IS NOT NULL")
    if as_of is None:
        return
    people = {p: s for p, s in first_seen.items() if p not in insiders}
    f, preds = predict.predictions_as_of(ws, as_of, people)
    if f is None:
        return
    fitted = ws.day(f.fitted_at)
    days = f.span // DAY
    within = ws.tr("within {days} days", days=days)
    methods: dict[str, str] = {}  # the words of a bucket's rate, made once: its people share them
    for pid in sorted(preds):
        rate, b = preds[pid]
        if rate < cfg.likely_buyer_min_confidence:
            continue
        method = methods.get(b)
        if method is None:
            method = methods[b] = ws.tr("observed rate: {rate} of the {people} people with {bucket} in the {days} days"
                                        " to {day} ordered within the next {days} days", rate=f"{rate:.0%}",
                                        people=f.rates[b][1], bucket=ws.t(b), days=days, day=fitted)
        add(pid, "likely_buyer", within, "dynamic", "predicted", "kpi.predict", round(rate, 4), method)


def tags(ws, person_id: int) -> dict[str, list[dict]]:
    """A person's tags, static and dynamic kept apart, each with its provenance
    (fact / rule / predicted), source, and for predicted tags confidence and method."""
    out: dict[str, list[dict]] = {"static": [], "dynamic": []}
    for r in ws.store.query("SELECT tag, value, kind, provenance, source, confidence, method, computed_at FROM tags"
                            " WHERE person_id = ? ORDER BY provenance, tag", (person_id,)):
        out[r.pop("kind")].append(r)
    return out
