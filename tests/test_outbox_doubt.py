"""In-doubt actions end right (issue 16, item 7), and the executor never holds the event
loop on SQLite (item 6).

An action left ``running`` by a crash is in doubt until it ends (``in_doubt_since``). An
idempotent one is re-run; when the platform answers that its target is gone (the member
left, the message or the join request no longer exists), the earlier attempt did it, so
it is done. Outside doubt the same answer stays a failure (an approve of a request the
platform forgot is an expiry). A send in doubt is not repeated: it is a task for a person.
"""

from __future__ import annotations

import asyncio
import threading

from console.executor import in_doubt_result
from console.model import ActionResult, Proposal, Status
from console.outbox import Executor
from tests.test_outbox import Scripted, ows, run, status  # noqa: F401  (ows: the fixture)


def crashed(ws, aid: int) -> None:
    ws.store.execute("UPDATE actions SET status = 'running', attempts = 1 WHERE id = ?", (aid,))


def test_an_in_doubt_kick_answered_not_in_group_is_done(ows):
    (aid,) = ows.enqueue([Proposal("kick", "ad", group_id=1)], "rule:ads")
    crashed(ows, aid)
    conn = Scripted("fake", {}, script=[ActionResult.failed("群成员不存在", gone="member")])
    ex = Executor(ows, {"fake": conn}, pacing=False)
    assert ex.recover() == [aid]
    run(ex.drain())
    row = ows.store.one("SELECT status, result, in_doubt_since FROM actions WHERE id = ?", (aid,))
    assert conn.calls == ["kick"] and row["status"] == "done" and row["in_doubt_since"] is not None
    assert '"in_doubt": true' in row["result"] and '"gone": "member"' in row["result"]
    assert ows.store.scalar("SELECT count(*) FROM tasks") == 0


def test_gone_outside_doubt_stays_a_failure(ows):
    (aid,) = ows.enqueue([Proposal("kick", "ad", group_id=1)], "rule:ads")
    conn = Scripted("fake", {}, script=[ActionResult.failed("群成员不存在", gone="member")])
    run(Executor(ows, {"fake": conn}, pacing=False).drain())
    assert status(ows, aid)["status"] == "failed"


def test_doubt_outlives_a_retry_and_a_second_start(ows):
    """The re-run after the crash meets a busy platform (retry); a new executor (a second
    start) still knows the action is in doubt, so the later 'not found' is done."""
    (aid,) = ows.enqueue([Proposal("kick", "ad", group_id=1)], "rule:ads")
    crashed(ows, aid)
    first = Scripted("fake", {}, script=[ActionResult.retry("busy")])
    ex = Executor(ows, {"fake": first}, pacing=False)
    ex.recover()
    run(ex.run_once())
    st = status(ows, aid)
    assert st["status"] == "pending" and st["last_error"].startswith("retry")
    ows.store.execute("UPDATE actions SET not_before = 0")
    second = Scripted("fake", {}, script=[ActionResult.failed("member not found", gone="member")])
    ex2 = Executor(ows, {"fake": second}, pacing=False)
    assert ex2.recover() == []  # nothing running now; the doubt is in the row
    run(ex2.drain())
    assert status(ows, aid)["status"] == "done"


def test_gone_of_another_target_is_still_a_failure():
    """A kick answered 'no such message' is not the kick's effect: it stays failed."""
    res = in_doubt_result("kick", ActionResult.failed("消息不存在", gone="message"))
    assert res.status == Status.FAILED
    res = in_doubt_result("approve_join", ActionResult.failed("申请不存在或已处理", gone="request"))
    assert res.status == Status.DONE and res.data == {"gone": "request", "in_doubt": True}
    res = in_doubt_result("set_card", ActionResult.failed("对方不在群内", gone="member"))
    assert res.status == Status.FAILED  # a card on someone who left: not the card's doing


def test_a_send_in_doubt_is_a_task_not_a_resend_even_if_the_platform_says_gone(ows):
    (aid,) = ows.enqueue([Proposal("send", "hello", group_id=1, params={"text": "早安"})], "operator:t")
    crashed(ows, aid)
    conn = Scripted("fake", {})
    ex = Executor(ows, {"fake": conn}, pacing=False)
    ex.recover()
    run(ex.drain())
    assert conn.calls == [] and status(ows, aid)["status"] == "failed"
    assert ows.store.scalar("SELECT kind FROM tasks") == "check_action"


def test_the_executor_does_not_hold_the_loop_while_the_store_is_busy(ows):
    """A thread holds the store (as an ingest batch does while it commits) until a probe on
    the event loop has run. With the executor reading the store on the loop, the probe
    could not run until the hang guard let the store go; off the loop it runs at once."""
    (aid,) = ows.enqueue([Proposal("kick", "ad", group_id=1)], "rule:ads")
    conn = Scripted("fake", {})
    ex = Executor(ows, {"fake": conn}, pacing=False)
    held, probe_ran = threading.Event(), threading.Event()
    outcome: list[bool] = []

    def hold_store() -> None:
        with ows.store.write():
            held.set()
            outcome.append(probe_ran.wait(30))  # the bound is only a hang guard

    async def main() -> None:
        t = threading.Thread(target=hold_store)
        t.start()
        await asyncio.to_thread(held.wait, 30)
        round_ = asyncio.create_task(ex.run_once())
        for _ in range(5):
            await asyncio.sleep(0)  # the round has started and is waiting on the store
        probe_ran.set()  # the loop is free: this line runs while the store is still held
        await round_
        await asyncio.to_thread(t.join)

    run(main())
    assert outcome == [True]
    assert conn.calls == ["kick"] and status(ows, aid)["status"] == "done"


async def test_the_sandbox_says_a_forgotten_join_request_is_gone():
    """The sandbox's answer to an approve or reject of a request it no longer knows carries
    gone="request", so an in-doubt approve whose earlier attempt went through ends done."""
    from console.model import ActionRequest
    from plugins.sandbox.connector import SandboxConnector

    c = SandboxConnector("sandbox", {"seed": 3, "groups": 6, "members": 300})
    for n, kind in enumerate(("approve_join", "reject_join")):
        res = await c.act(ActionRequest(action_id=n, kind=kind, key=f"k{n}", group="sb-g1", user=None,
                                        params={"flag": "sb-gone"}))
        assert res.status == Status.FAILED and res.data == {"gone": "request"} and "申请不存在" in res.message
        assert in_doubt_result(kind, res).status == Status.DONE


async def test_qq_says_a_forgotten_join_request_is_gone():
    """NapCat's "No such request" to an approve is a failure saying gone="request" (an
    expiry for the entry plugin; done when the approve was in doubt); other refusals are not."""
    from console.model import ActionRequest
    from plugins.qq.answers import already_gone

    async def call(*a, **k):  # a join request needs no member look-up
        raise AssertionError("no bridge call expected")

    req = ActionRequest(action_id=1, kind="approve_join", key="k", group="1", user="2", params={"flag": "f"})
    res = await already_gone(call, req, ActionResult.failed("No such request"))
    assert res.status == Status.FAILED and res.data == {"gone": "request"}
    assert await already_gone(call, req, ActionResult.failed("群已满")) is None
