"""The executor commits an action's result together with the next action's claim (one commit
an action): each is still committed before the next connector call, as another
connection to the database sees it, and the last result of a run is committed too."""

from __future__ import annotations

import asyncio
import sqlite3

from console.model import ActionResult, Proposal
from console.outbox import Executor
from tests.test_outbox import Scripted, ows  # noqa: F401  (the fixture)


class Watching(Scripted):
    """Records, at each call, what a second connection sees committed in ``actions``."""

    def __init__(self, *a, db=None, **k):
        super().__init__(*a, **k)
        self.db = db
        self.seen: list[dict[int, str]] = []

    async def act(self, request):
        other = sqlite3.connect(self.db)
        try:
            self.seen.append(dict(other.execute("SELECT id, status FROM actions ORDER BY id")))
        finally:
            other.close()
        return await super().act(request)


def kicks(ws, n):
    return ws.enqueue([Proposal("kick", f"ad {i}", group_id=1, evidence=f"m{i}") for i in range(n)], "rule:ads")


def test_each_result_is_committed_before_the_next_call(ows):  # noqa: F811
    a, b, c = kicks(ows, 3)
    conn = Watching("fake", {}, db=str(ows.store.path),
                    script=[ActionResult.done(), ActionResult.retry("timeout"), ActionResult.done()])
    asyncio.run(Executor(ows, {"fake": conn}, pacing=False).run_once())
    assert conn.seen == [{a: "running", b: "pending", c: "pending"},
                         {a: "done", b: "running", c: "pending"},
                         {a: "done", b: "pending", c: "running"}]  # b's retry is back to pending
    after = dict(sqlite3.connect(str(ows.store.path)).execute("SELECT id, status FROM actions"))
    assert after == {a: "done", b: "pending", c: "done"}  # the last one, with no claim after it
    done = [r["target_id"] for r in ows.store.query("SELECT target_id FROM audit_log WHERE action = 'action_done'"
                                                    " ORDER BY id")]
    assert done == [str(a), str(c)]


def test_a_result_is_kept_when_the_next_action_was_taken_elsewhere(ows):  # noqa: F811
    a, b = kicks(ows, 2)
    conn = Scripted("fake", {})
    ex = Executor(ows, {"fake": conn}, pacing=False)
    rows = ex.due()
    ows.store.execute("UPDATE actions SET status = 'running' WHERE id = ?", (b,))  # another executor claimed b
    assert asyncio.run(ex._run_connection("fake", rows)) == 1
    st = dict(ows.store.execute("SELECT id, status FROM actions"))
    assert st == {a: "done", b: "running"} and conn.calls == ["kick"]
