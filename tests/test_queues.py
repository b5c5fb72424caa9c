"""The host's queues tell their true total and reach every row, past the 500 that used
to be reported as the total, in the order a person should take them; filters by kind,
group and age; bad filter text is refused with the forms expected."""

from __future__ import annotations

import pytest

from console import queues
from console.queues import FilterError, QueueFilter, parse_filter
from console.tui import queries

NOW = 2_000_000_000


def seed(ws, n_tasks=620, n_alerts=530):
    ws.clock = lambda: NOW
    with ws.store.write() as c:
        c.execute("INSERT INTO groups(id, connection_id, platform, platform_group_id, name, created_at)"
                  " VALUES (1, 'sandbox', 'sandbox', 'g1', '福利一群', 1), (2, 'sandbox', 'sandbox', 'g2', 'Traffic', 1)")
        # task i was created i minutes ago; odd ids in group 1, even in group 2
        c.executemany("INSERT INTO tasks(id, kind, title, group_id, created_at) VALUES (?, 'do_by_hand', ?, ?, ?)",
                      [(i, f"t{i}", 1 if i % 2 else 2, NOW - 60 * i) for i in range(1, n_tasks + 1)])
        c.executemany("INSERT INTO alerts(id, kind, group_id, severity, message, opened_at) VALUES (?, 'k', ?, ?, ?, ?)",
                      [(i, 1, "critical" if i % 100 == 0 else "warning", f"a{i}", NOW - 60 * i)
                       for i in range(1, n_alerts + 1)])
        c.execute("UPDATE tasks SET status = 'done' WHERE id = 3")  # done: not in the queue


def test_tasks_true_total_and_second_page_past_500(ws):
    seed(ws)
    src = queues.tasks(ws)
    assert src.count() == 619  # 620 made, one done
    first = src.rows(0, 500)
    rest = src.rows(500, 500)
    assert len(first) == 500 and len(rest) == 119
    ids = [r["id"] for r in first + rest]
    # newest first: 1, 2, 4, 5, ... 620 (3 is done); every row once
    assert ids[:3] == [1, 2, 4] and ids[-1] == 620 and len(set(ids)) == 619
    assert rest[0]["id"] == 502 and first[-1]["id"] == 501


def test_alerts_urgent_first_then_newest(ws):
    seed(ws)
    src = queues.alerts(ws)
    assert src.count() == 530
    ids = [r["id"] for r in src.rows(0, 1000)]
    assert ids[:5] == [100, 200, 300, 400, 500]  # the critical ones, newest first
    assert ids[5:8] == [1, 2, 3] and ids[-1] == 530
    # row 501 is the 497th warning: 1..501 hold 496 warnings (five are critical), so 502
    assert [r["id"] for r in src.rows(501, 3)] == [502, 503, 504]
    total, shown = queries.open_alerts(ws, 50)
    assert total == 530 and len(shown) == 50


def test_owner_queue_total_kinds_and_pages_across_segments(ws):
    seed(ws)
    src = queries.owner_queue(ws, "")
    assert src.count() == 619 + 530
    assert src.counts() == {"alert": 530, "join request": 0, "case": 0, "task": 619}
    rows = src.rows(0, 2000)
    kinds = [r["kind"] for r in rows]
    # 5 urgent alerts, then the 525 other alerts, then the tasks
    assert kinds[:5] == ["alert"] * 5 and kinds[529] == "alert" and kinds[530] == "task"
    assert [r["key"] for r in src.rows(528, 4)] == ["alert:529", "alert:530", "task:1", "task:2"]
    assert len({r["key"] for r in rows}) == 1149


def test_filters_by_kind_group_and_age(ws):
    seed(ws)
    only_tasks = queries.owner_queue(ws, "", "task")
    assert only_tasks.count() == 619
    g1 = queries.owner_queue(ws, "", "task 福利")
    assert g1.count() == 309  # the 310 odd ids of 1..620 but 3, which is done
    assert g1.count() == queries.owner_queue(ws, "", "task #1").count()
    # older than 10 hours: created 600 minutes ago or earlier, i.e. ids 600..620, minus none done
    assert queries.owner_queue(ws, "", "task >10h").count() == 21
    # newer than 1 hour: ids 1..59 except 3
    assert queries.owner_queue(ws, "", "task <1h").count() == 58
    assert queries.owner_queue(ws, "", "alert >2d").count() == 0


@pytest.mark.parametrize("text, word", [(">2x", ">2x"), ("<", "<"), ("#abc", "#abc")])
def test_bad_filter_text_is_refused(text, word):
    with pytest.raises(FilterError) as e:
        parse_filter(text)
    assert word in str(e.value) and ("e.g. >2d" in str(e.value) or "e.g. #12" in str(e.value))


def test_filter_reads_kinds_in_both_languages():
    assert parse_filter("任务 alert").kinds == {"task", "alert"}
    assert parse_filter("").kinds == frozenset() and QueueFilter().wants("case")


def test_owner_scope_keeps_their_groups_and_assigned_tasks(ws):
    seed(ws, n_tasks=4, n_alerts=2)
    with ws.store.write() as c:
        c.execute("INSERT INTO people(id, display_name, created_at) VALUES (9, '岁月静好', 1)")
        c.execute("INSERT INTO roles(group_id, person_id, role) VALUES (2, 9, 'owner')")
        c.execute("UPDATE tasks SET assignee = '岁月静好' WHERE id = 1")  # group 1, but assigned to them
        c.execute("INSERT INTO alerts(kind, severity, message, opened_at) VALUES ('rule_broken', 'error', 'x', ?)",
                  (NOW,))
    src = queries.owner_queue(ws, "岁月静好")
    keys = [r["key"] for r in src.rows(0, 100)]
    # the operation-wide error alert first; group 2's tasks 2 and 4 plus the assigned task 1; no group-1 alerts
    assert keys == ["alert:3", "task:1", "task:2", "task:4"]
    assert src.count() == 4


def test_live_join_requests_only_in_the_owner_queue_and_the_dashboard_line(ws):
    """A request its platform already forgot (older than the connection's lifetime) waits on
    nobody: not in the owner's queue, not in the dashboard's count."""
    from console.join_requests import request_lifetime

    seed(ws, n_tasks=0, n_alerts=0)
    life = request_lifetime(ws, "sandbox")
    assert 3600 < life < 10 * 86400  # the sandbox forgets a request after days
    with ws.store.write() as c:
        c.executemany("INSERT INTO join_requests(connection_id, platform_request_id, group_id, requested_at, status)"
                      " VALUES ('sandbox', ?, 1, ?, ?)",
                      [("a", NOW - 3600, "pending"), ("b", NOW - 1800, "pending"), ("c", NOW - 600, "held"),
                       ("d", NOW - 10 * 86400, "pending"), ("e", NOW - 11 * 86400, "held"),
                       ("f", NOW - 60, "approved")])
    src = queries.owner_queue(ws, "", "join")
    assert src.count() == 3
    # nearest its forgetting first: the oldest live one
    assert [r["what"] for r in src.rows(0, 10)] and [r["ts"] for r in src.rows(0, 10)] == [
        NOW - 3600, NOW - 1800, NOW - 600]
    line = next(x for x in queries.overnight(ws, moves=(0, 0, 0)) if x["mode"] == "workflows")
    assert line["n"] == 3 and line["text"] == "{n} join requests waiting"


def test_a_case_in_the_owner_queue_says_its_rule_and_step_in_words(ws):
    """The queue's line for a case reads as the Moderation screen does (console/words.py):
    'mute 10 min', not the ladder's stored 'mute:10'."""
    seed(ws, n_tasks=0, n_alerts=0)
    with ws.store.write() as c:
        c.execute("INSERT INTO people(id, display_name) VALUES (7, '阿明')")
        c.executemany("INSERT INTO cases(id, kind, rule, actor, step, status, group_id, person_id, opened_at)"
                      " VALUES (?, 'penalty', 'flood', 'rule:flood', ?, 'open', 1, 7, ?)",
                      [(1, "mute:10", NOW - 60), (2, "kick", NOW - 120)])
    got = {r["id"]: r["what"] for r in queues.owner_queue(ws, "", parse_filter("case")).rows(0, 10)}
    assert got == {1: "阿明: flood mute 10 min", 2: "阿明: flood kick"}
