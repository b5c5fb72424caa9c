"""A morning's work from the keyboard, keys counted (docs/console.md quotes the counts):
clear a queue of 300 join requests in bulk, review today's cases and undo one; and what
makes them safe: a confirmation naming groups and people after the input is checked,
a summary listing what failed, the platform's answers told when they come, and z."""

from __future__ import annotations

import json

from console.model import ActionResult
from console.tui.bulk import BulkScreen
from console.tui.dialogs import ConfirmScreen
from console.tui.pickers import ReasonScreen
from console.tui.vtable import VirtualTable

from .world import NOW, make_app, settle

DEFAULT_REASON = "Your request does not meet this group's entry rules"


class Keys:
    """Presses keys and counts them: the figure the docs quote."""

    def __init__(self, pilot):
        self.pilot, self.n = pilot, 0

    async def __call__(self, *keys: str) -> None:
        for k in keys:
            self.n += 1
            await self.pilot.press(k)
            await settle(self.pilot)


def add_requests(ws, n: int) -> list[int]:
    """``n`` live requests to the first group, 1 to n minutes old (q0 the newest), in queue order."""
    gid = ws.store.scalar("SELECT id FROM groups ORDER BY id LIMIT 1")
    people = [r[0] for r in ws.store.execute("SELECT id FROM people ORDER BY id LIMIT ?", (n,))]
    with ws.store.write() as c:
        c.execute("UPDATE join_requests SET status = 'rejected' WHERE status IN ('pending', 'held')")  # the seeded one
        c.executemany("INSERT INTO join_requests(connection_id, platform_request_id, group_id, person_id, requested_at,"
                      " status, comment) VALUES ('sandbox', ?, ?, ?, ?, 'pending', ?)",
                      [(f"q{i}", gid, people[i], NOW - 60 * (i + 1), f"问题：从哪里知道本群？\n答案：朋友{i}")
                       for i in range(n)])
    # the queue takes the nearest their platform's forgetting first: the oldest first
    return [r[0] for r in ws.store.execute("SELECT id FROM join_requests WHERE platform_request_id LIKE 'q%'"
                                           " ORDER BY requested_at, id")]


async def test_clear_a_queue_of_300_requests_in_bulk(tui_ws):
    ws = tui_ws
    ids = add_requests(ws, 300)
    good, rest = ids[:20], ids[20:]
    app = make_app(ws)
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        await keys("w")  # the join queue, focused
        table = app.screen.query_one("#queue", VirtualTable)
        assert app.focused is table and table.total == 300
        await keys(*["space"] * 20)  # mark the 20 to let in (space marks and moves down)
        assert set(table.marked) == set(good)
        # someone else decided one of them a moment ago: the summary will name it, the rest go on
        with ws.store.write() as c:
            c.execute("UPDATE join_requests SET status = 'approved', decided_by = 'operator:other' WHERE id = ?",
                      (good[5],))
        await keys("y")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Approve 20 join requests to" in app.screen.question and "(20 people)" in app.screen.question
        await keys("y")
        assert isinstance(app.screen, BulkScreen)
        body = str(app.screen.query_one("#bulk-body").render())
        assert "Sent to the platform: 19; waiting for its answers" in body and "Saved" not in body
        assert "Not done: 1" in body and "was already approved by operator:other" in body
        await keys("enter")
        assert table.total == 280 and not table.marked  # the approved left the queue; the marks went with them
        await keys("asterisk")  # mark all shown: the 280 others
        assert len(table.marked) == 280
        await keys("x")
        assert isinstance(app.screen, ReasonScreen)
        assert app.screen.choices[0] == (DEFAULT_REASON, "default")  # presets for a traffic group follow it
        assert ("Please join through the channel in our official account", "preset") in app.screen.choices
        await keys("enter")  # the default reason
        assert isinstance(app.screen, ConfirmScreen) and "Reject 280 join requests" in app.screen.question
        assert DEFAULT_REASON in str(app.screen.query_one("#detail").render())
        await keys("y")
        assert "Sent to the platform: 280" in str(app.screen.query_one("#bulk-body").render())
        await keys("enter")
        assert table.total == 0
        assert keys.n == 29  # w, 20 marks, y y enter, * x enter y enter

        st = dict(ws.store.execute("SELECT status, count(*) FROM join_requests WHERE platform_request_id LIKE 'q%'"
                                   " GROUP BY status").fetchall())
        assert st == {"approving": 19, "approved": 1, "rejecting": 280}
        assert ws.store.scalar("SELECT count(DISTINCT reason) FROM join_requests WHERE status = 'rejecting'") == 1
        assert ws.store.scalar("SELECT reason FROM join_requests WHERE status = 'rejecting' LIMIT 1") == DEFAULT_REASON
        acts = ws.store.query("SELECT * FROM actions WHERE requested_by = 'operator:tester' ORDER BY id")
        assert [a["kind"] for a in acts].count("approve_join") == 19 and len(acts) == 299

        # the platform answers: all done but two refusals; one line tells it, the refusals named
        from plugins.entry_rules.outcomes import action_done

        for i, a in enumerate(acts):
            ok = i not in (3, 150)
            action_done(ws, dict(a, status="done" if ok else "failed"),
                        ActionResult.done() if ok else ActionResult.failed("操作失败：群已满"))
        app._changed()
        await settle(pilot)
        told = [n for n in app._notifications if n.title == "The platform answered 299 join requests"]
        assert len(told) == 1
        assert "approved 18" in told[0].message and "held 2" in told[0].message and "rejected 279" in told[0].message
        assert told[0].message.count("The platform refused to") == 2
        assert table.total == 2  # the two refused wait again


async def test_review_todays_cases_and_undo_one(tui_ws):
    ws = tui_ws
    gid, pids = 2, [r[0] for r in ws.store.execute(
        "SELECT person_id FROM memberships WHERE group_id = 2 AND status = 'member' ORDER BY id LIMIT 4")]
    with ws.store.write() as c:  # four flood mutes this morning; the third muted a member quoting the rules
        today = []
        for i, pid in enumerate(pids):
            cur = c.execute("INSERT INTO cases(kind, rule, group_id, person_id, actor, step, evidence, status, opened_at)"
                            " VALUES ('penalty', 'flood', ?, ?, 'rule:flood', 'mute:10', ?, 'open', ?)",
                            (gid, pid, json.dumps({"text": f"刷屏 {i}", "category": "flooding"}), NOW - 600 * (i + 1)))
            today.append(cur.lastrowid)
        act = c.execute("INSERT INTO actions(connection_id, kind, group_id, person_id, requested_by, idempotency_key,"
                        " status, created_at, updated_at, case_id) VALUES ('sandbox', 'mute', ?, ?, 'rule:flood',"
                        " 'k-mute', 'done', ?, ?, ?)", (gid, pids[2], NOW - 1800, NOW - 1800, today[2])).lastrowid
        c.execute("INSERT INTO case_actions(case_id, purpose, kind, group_id, action_id, created_at)"
                  " VALUES (?, 'penalty', 'mute', ?, ?, ?)", (today[2], gid, act, NOW - 1800))
    older = ws.store.scalar("SELECT count(*) FROM cases WHERE status IN ('open', 'appealed') AND opened_at < ?",
                            (NOW - 12 * 3600,))
    assert older > 0  # yesterday's cases stay in the queue, untouched
    app = make_app(ws)
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        await keys("o", "t")  # the cases, today's only
        table = app.screen.query_one("#cases", VirtualTable)
        shown = [table.row_at(i)["id"] for i in range(table.total)]
        assert set(today) <= set(shown) and all(
            ws.store.scalar("SELECT opened_at FROM cases WHERE id = ?", (cid,)) >= NOW - 12 * 3600 for cid in shown)
        while table.current_row["id"] != today[2]:
            await keys("j")
        await keys("enter")  # look at it in full first
        assert "刷屏 2" in str(app.screen.query_one("#detail-body").render())
        await keys("escape", "U")
        assert isinstance(app.screen, ConfirmScreen) and "Undo case" in app.screen.question
        await keys("y")
        assert "Undone: 1" in str(app.screen.query_one("#bulk-body").render())
        await keys("enter", "asterisk", "v")  # every other case of today, reviewed
        assert isinstance(app.screen, ConfirmScreen)
        assert f"Mark {len(shown) - 1} cases" in app.screen.question
        await keys("y", "enter")
        counted = keys.n
    assert ws.store.scalar("SELECT status FROM cases WHERE id = ?", (today[2],)) == "overturned"
    assert ws.store.scalar("SELECT kind FROM actions WHERE case_id = ? AND id != ?", (today[2], act)) == "unmute"
    assert {r[0] for r in ws.store.execute(f"SELECT status FROM cases WHERE id IN ({','.join('?' * len(shown))})"
                                           " AND id != ?", [*shown, today[2]])} == {"reviewed"}
    assert ws.store.scalar("SELECT count(*) FROM cases WHERE status IN ('open', 'appealed')") == older
    # o t, j to the third mute (once per case above it: this morning's other cases), enter escape U y enter * v y enter
    assert counted == 11 + shown.index(today[2])


def test_a_bulk_act_goes_on_past_a_failure_and_stops_when_asked():
    import threading

    from console.tui.bulk import run_items

    def fn(arg):
        if arg == 2:
            raise ValueError("join request 2 was already approved by operator:li")
        return "a task says what to do by hand" if arg == 3 else ""

    stop, seen = threading.Event(), []
    out = run_items([(f"r{i}", i) for i in range(1, 6)], fn, progress=lambda i: (seen.append(i), i == 3 and stop.set()),
                    stop=stop)
    assert out.done == [1, 3] and out.failed == [("r2", "join request 2 was already approved by operator:li")]
    assert out.notes == [("r3", "a task says what to do by hand")] and out.stopped and seen == [1, 2, 3]
