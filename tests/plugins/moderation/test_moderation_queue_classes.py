"""The review queue read one priority class at a time gives the order one sort of the
whole queue gave: appeals, removals, the rest, audit samples, newest first in each and
the higher id first on a tie, with pages that straddle two classes, every filter, and
the index each class is read from (moderation.m002_review_queue)."""

from __future__ import annotations

import json

from moderation_helpers import T0, gid, pid

from plugins.moderation.cases import PRIORITY, CaseSource, case_stack, list_cases

# (id, kind, rule, step, status, audit, age in seconds, group): the class each lands in
CASES = [
    (1, "penalty", "flood", "warn", "open", 0, 100, "g1"),            # the rest
    (2, "penalty", "ads", "kick", "open", 0, 500, "g1"),              # removal
    (3, "penalty", "flood", "mute:10", "appealed", 0, 900, "g1"),     # appeal
    (4, "penalty", "flood", "warn", "open", 1, 0, "g1"),              # audit sample, the newest case of all
    (5, "blacklist", None, "blacklist", "open", 0, 50, "g1"),         # removal, another kind
    (6, "penalty", "ads", "kick", "appealed", 0, 1000, "g1"),         # appeal (before being a removal)
    (7, "penalty", "flood", None, "open", 0, 100, "g1"),              # the rest (no step), tied with 1 and 13
    (8, "dry_run", "ads", "kick", "open", 0, 10, "g1"),               # removal that would have been
    (9, "penalty", "ads", "blacklist", "open", 1, 700, "g3"),         # removal (before being a sample)
    (10, "penalty", "flood", "warn", "reviewed", 0, 0, "g1"),         # not waiting
    (11, "penalty", "flood", "warn", "settled", 0, 0, "g1"),          # not waiting
    (12, "penalty", "flood", "mute:10", "open", 1, 300, "g3"),        # audit sample
    (13, "penalty", "flood", "warn", "open", 0, 100, "g1"),           # the rest
    (14, "penalty", "flood", "warn", "appealed", 1, 950, "g1"),       # appeal (before being a sample)
    (15, "admission", None, None, "open", 0, 5, "g1"),                # not a moderation case: never listed
]
QUEUE = [3, 14, 6, 2, 9, 13, 7, 1, 4, 12]  # kind penalty
QUEUE_ANY = [3, 14, 6, 8, 5, 2, 9, 13, 7, 1, 4, 12]  # every kind


def _fill(ws) -> None:
    alice = pid(ws, "alice")
    with ws.store.write() as c:
        c.executemany("INSERT INTO cases(id, kind, rule, step, status, audit, opened_at, group_id, person_id, actor,"
                      " evidence) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                      [(i, k, r, s, st, a, T0 - age, gid(ws, g), alice, f"rule:{r or 'x'}",
                        json.dumps({"category": "flooding", "text": "刷屏 刷屏"}) if i == 3 else None)
                       for i, k, r, s, st, a, age, g in CASES])


def _ids(page) -> list[int]:
    return [r["id"] for r in page["rows"]]


def test_every_page_across_the_class_boundaries(mws):
    ws = mws
    _fill(ws)
    with ws.clock_at(T0):
        assert _ids(list_cases(ws, "queue", 100)) == QUEUE
        assert _ids(list_cases(ws, "queue", 100, kind=None)) == QUEUE_ANY
        for kind, want in ((None, QUEUE_ANY), ("penalty", QUEUE)):
            for limit in (1, 2, 3, 4, 5):
                for offset in range(len(want) + 2):
                    page = list_cases(ws, "queue", limit, offset, kind=kind)
                    assert (page["total"], page["offset"]) == (len(want), offset)
                    assert _ids(page) == want[offset:offset + limit], (kind, limit, offset)
        assert _ids(list_cases(ws, "queue", 0)) == [] and list_cases(ws, "queue", 0)["total"] == 10
        assert _ids(list_cases(ws, "queue", 3, -5)) == [3, 14, 6]  # a negative offset reads from the top


def test_open_other_statuses_and_filters_keep_the_order(mws):
    ws = mws
    _fill(ws)
    g3 = gid(ws, "g3")
    with ws.clock_at(T0):
        assert _ids(list_cases(ws, "open", 100, kind=None)) == [8, 5, 2, 9, 13, 7, 1, 4, 12]
        assert _ids(list_cases(ws, "appealed", 100)) == [14, 6, 3]  # any other listing: newest id first
        assert _ids(list_cases(ws, None, 100)) == [14, 13, 12, 11, 10, 9, 7, 6, 4, 3, 2, 1]
        assert _ids(list_cases(ws, "queue", 100, rule="ads")) == [6, 2, 9]
        assert _ids(list_cases(ws, "queue", 100, group_id=g3)) == [9, 12]
        assert _ids(list_cases(ws, "queue", 100, max_age_days=0.01)) == [2, 9, 13, 7, 1, 4, 12]  # 864 s
        page = list_cases(ws, "queue", 2, 1, rule="ads", kind=None)  # ads: 6, then the removals 8, 2, 9
        assert (page["total"], _ids(page)) == (4, [8, 2])


def test_rows_keep_their_fields_and_the_table_source_pages(mws):
    ws = mws
    _fill(ws)
    with ws.clock_at(T0):
        first = list_cases(ws, "queue", 1)["rows"][0]
        src = CaseSource(ws, "queue", kind=None)
        assert src.count() == 12
        assert [r["id"] for r in src.rows(2, 4)] == [6, 8, 5, 2]
        assert src.rows(12, 50) == [] and [r["id"] for r in src.rows(10, 50)] == [4, 12]
    assert list(first) == ["id", "kind", "rule", "step", "status", "audit", "actor", "opened_at", "closed_at",
                           "group_id", "person_id", "group_name", "person", "groups_touched", "category", "text"]
    assert (first["id"], first["status"], first["step"], first["person"]) == (3, "appealed", "mute:10", "nick-alice")
    assert (first["category"], first["text"], first["groups_touched"]) == ("flooding", "刷屏 刷屏", 0)


def test_each_class_is_a_range_of_the_review_index(mws):
    """Speed without a clock: every class's count and page are read from the index made
    on the queue's own expression, with no sort (EXPLAIN QUERY PLAN says so)."""
    ws = mws
    sql = ws.store.scalar("SELECT sql FROM sqlite_master WHERE name = 'moderation_cases_queue'")
    assert sql is not None and f"({PRIORITY})" in sql
    assert ws.store.scalar("SELECT 1 FROM migrations WHERE name = 'moderation.m002_review_queue'") == 1
    for kind in ("penalty", None):
        segs = case_stack(ws, "queue", kind=kind).segments
        assert [s.params[:2] for s in segs] == [["appealed", 0], ["open", 1], ["open", 2], ["open", 3]]
        for s in segs:
            for q in (f"SELECT count(*) FROM cases x WHERE {s.where}",
                      f"SELECT x.id FROM cases x WHERE {s.where} ORDER BY {s.order} LIMIT 50 OFFSET 50"):
                plan = " | ".join(r["detail"] for r in ws.store.query(f"EXPLAIN QUERY PLAN {q}", s.params))
                assert "USING INDEX moderation_cases_queue (status=? AND <expr>=?)" in plan, plan
                assert "TEMP B-TREE" not in plan, plan
