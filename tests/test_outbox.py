"""The outbox: capability checks before the wire, pacing, retries with backoff, one
token refresh on expiry, permanent failures recorded, in-doubt actions after a crash."""

from __future__ import annotations

import asyncio
import json

import pytest

from console.connector import Connector, Pacing
from console.model import ActionResult, Capability, Proposal, Status
from console.outbox import Executor, TokenBucket
from console.pluginmanager import get_plugin_manager
from console.workspace import Workspace
from tests.conftest import make_config

CONFIG = """
[operator]
name = "tester"
[database]
path = "o.db"
[connections.fake]
platform = "fakeplat"
enabled = true
"""


class Scripted(Connector):
    """A connector that answers from a script of results, recording every call."""

    platform = "fakeplat"
    capabilities = frozenset({Capability.SEND, Capability.KICK})
    pacing = Pacing(rate=1.0, burst=2)

    def __init__(self, *a, script=None, known_done=None, **k):
        super().__init__(*a, **k)
        self.script = list(script or [])
        self.calls = []
        self.refreshed = 0
        self.known_done = known_done

    async def act(self, request):
        self.calls.append(request.kind)
        return self.script.pop(0) if self.script else ActionResult.done()

    async def refresh_auth(self):
        self.refreshed += 1

    async def reconcile(self, request):
        return self.known_done


class Plug:
    from console.hookspecs import hookimpl

    @hookimpl
    def register_connectors(self, register):
        register(Scripted)


@pytest.fixture
def ows(tmp_path):
    p = make_config(tmp_path, base=CONFIG)
    w = Workspace.open(p, pm=get_plugin_manager(load_entrypoints=False, extra=[("fakeplugin", Plug())]))
    w.store.execute("INSERT INTO groups(connection_id, platform, platform_group_id, name) VALUES ('fake','fakeplat','G','g')")
    yield w
    w.close()


def run(coro):
    return asyncio.run(coro)


def status(ws, aid):
    return ws.store.one("SELECT status, attempts, last_error FROM actions WHERE id = ?", (aid,))


def test_same_proposal_twice_is_one_action(ows):
    p = Proposal("send", "hello", group_id=1, params={"text": "hi"}, evidence="e1")
    assert ows.enqueue([p], "operator:t") == ows.enqueue([Proposal("send", "hello", group_id=1, params={"text": "hi"},
                                                                   evidence="e1")], "operator:t")
    assert ows.store.scalar("SELECT count(*) FROM actions") == 1


def test_one_enqueue_mixing_new_stored_and_repeated_keys_gives_ids_in_order(ows):
    """The batch insert finds its new rows by id: a key already stored, a key repeated in
    the call and new keys each get the right id, in the proposals' order, each audited once."""
    from console.outbox import enqueue_each

    def send(text):
        return Proposal("send", text, group_id=1, params={"text": text}, evidence=text)

    (old,) = ows.enqueue([send("old")], "operator:t")
    ids = enqueue_each(ows, [(send("a"), "rule:one"), (send("old"), "rule:two"), (send("a"), "rule:two"),
                             (send("b"), "rule:two")])
    assert ids[1] == old and ids[0] == ids[2] and len({ids[0], ids[3], old}) == 3
    rows = {r["id"]: r for r in ows.store.query("SELECT id, reason, requested_by FROM actions")}
    assert (rows[ids[0]]["reason"], rows[ids[0]]["requested_by"]) == ("a", "rule:one")
    assert (rows[ids[3]]["reason"], rows[ids[3]]["requested_by"]) == ("b", "rule:two")
    proposed = [r["target_id"] for r in ows.store.query("SELECT target_id FROM audit_log WHERE action = 'action_proposed'")]
    assert sorted(proposed) == sorted(str(i) for i in (old, ids[0], ids[3]))


def test_unsupported_action_becomes_a_task_not_a_call(ows):
    (aid,) = ows.enqueue([Proposal("mute", "flooding", group_id=1, params={"duration": 60})], "rule:flood")
    conn = Scripted("fake", {})
    run(Executor(ows, {"fake": conn}, pacing=False).drain())
    assert conn.calls == []
    st = status(ows, aid)
    assert st["status"] == "unsupported" and "cannot mute" in st["last_error"]
    task = ows.store.one("SELECT kind, title, detail FROM tasks")
    assert task["kind"] == "do_by_hand" and "flooding" in task["detail"]


def test_unknown_kind_is_refused():
    p = Proposal("teleport", "why not", group_id=1)
    with pytest.raises(ValueError, match="unknown action kind"):
        from console.outbox import enqueue
        enqueue(type("W", (), {"now": lambda self: 0, "store": None})(), [p], "plugin:x")


def test_transient_then_success_retries_with_backoff(ows):
    (aid,) = ows.enqueue([Proposal("kick", "ad", group_id=1, person_id=None)], "rule:ads")
    conn = Scripted("fake", {}, script=[ActionResult.retry("timeout")])
    ex = Executor(ows, {"fake": conn}, pacing=False)
    run(ex.run_once())
    st = ows.store.one("SELECT status, not_before, last_error FROM actions")
    assert st["status"] == "pending" and st["not_before"] > ows.now() and "timeout" in st["last_error"]
    with ows.clock_at(ows.now() + 3600):
        run(ex.run_once())
    assert status(ows, aid)["status"] == "done" and conn.calls == ["kick", "kick"]


def test_permanent_failure_is_recorded_with_the_platform_wording(ows):
    (aid,) = ows.enqueue([Proposal("kick", "ad", group_id=1)], "rule:ads")
    conn = Scripted("fake", {}, script=[ActionResult.failed("权限不足 (not an admin)")])
    run(Executor(ows, {"fake": conn}, pacing=False).drain())
    assert status(ows, aid) == {"status": "failed", "attempts": 1, "last_error": "权限不足 (not an admin)"}
    assert ows.store.scalar("SELECT count(*) FROM audit_log WHERE action = 'action_failed'") == 1


def test_auth_expired_refreshes_once_then_retries(ows):
    (aid,) = ows.enqueue([Proposal("send", "x", group_id=1)], "operator:t")
    conn = Scripted("fake", {}, script=[ActionResult(Status.AUTH_EXPIRED, "42001")])
    run(Executor(ows, {"fake": conn}, pacing=False).drain())
    assert conn.refreshed == 1 and status(ows, aid)["status"] == "done"
    (aid2,) = ows.enqueue([Proposal("send", "y", group_id=1, params={"text": "y"})], "operator:t")
    conn2 = Scripted("fake", {}, script=[ActionResult(Status.AUTH_EXPIRED, "42001")] * 2)
    run(Executor(ows, {"fake": conn2}, pacing=False).drain())
    assert conn2.refreshed == 1 and status(ows, aid2)["status"] == "failed"


def test_gives_up_after_max_attempts(ows):
    (aid,) = ows.enqueue([Proposal("send", "x", group_id=1)], "operator:t")
    conn = Scripted("fake", {}, script=[ActionResult(Status.RATE_LIMITED, "45009", retry_after=1)] * 10)
    ex = Executor(ows, {"fake": conn}, pacing=False, max_attempts=3)
    t = ows.now()
    for i in range(5):
        with ows.clock_at(t + i * 100):
            run(ex.run_once())
    st = status(ows, aid)
    assert st["status"] == "failed" and st["attempts"] == 3 and "gave up after 3 attempts" in st["last_error"]


def test_pacing_never_bursts_past_the_bucket(ows):
    ows.enqueue([Proposal("send", f"m{i}", group_id=1, params={"i": i}) for i in range(6)], "operator:t")
    clock = [0.0]
    conn = Scripted("fake", {})
    ex = Executor(ows, {"fake": conn}, pacing=True, monotonic=lambda: clock[0])
    run(ex.run_once())
    assert len(conn.calls) == 2  # burst of 2
    clock[0] += 1.0
    run(ex.run_once())
    assert len(conn.calls) == 3  # 1 per second after that
    clock[0] += 10
    run(ex.run_once())
    assert len(conn.calls) == 5  # refilled to the burst, not beyond


def test_token_bucket_pause():
    t = [0.0]
    b = TokenBucket(1, 1, lambda: t[0])
    assert b.take() and not b.take()
    b.pause(5)
    t[0] = 3
    assert not b.take() and b.wait_time() == pytest.approx(2)


def test_in_doubt_idempotent_action_is_rerun_once(ows):
    (aid,) = ows.enqueue([Proposal("kick", "ad", group_id=1)], "rule:ads")
    ows.store.execute("UPDATE actions SET status = 'running', attempts = 1")  # as a crash leaves it
    conn = Scripted("fake", {})
    ex = Executor(ows, {"fake": conn}, pacing=False)
    assert ex.recover() == [aid]
    run(ex.drain())
    assert conn.calls == ["kick"] and status(ows, aid)["status"] == "done"


def test_in_doubt_send_that_platform_shows_done_is_not_resent(ows):
    (aid,) = ows.enqueue([Proposal("send", "hello", group_id=1)], "operator:t")
    ows.store.execute("UPDATE actions SET status = 'running', attempts = 1")
    conn = Scripted("fake", {}, known_done=ActionResult.done("seen on the platform"))
    ex = Executor(ows, {"fake": conn}, pacing=False)
    ex.recover()
    run(ex.drain())
    assert conn.calls == [] and status(ows, aid)["status"] == "done"


def test_in_doubt_send_the_platform_cannot_confirm_goes_to_a_person(ows):
    (aid,) = ows.enqueue([Proposal("send", "hello", group_id=1)], "operator:t")
    ows.store.execute("UPDATE actions SET status = 'running', attempts = 1")
    conn = Scripted("fake", {})
    ex = Executor(ows, {"fake": conn}, pacing=False)
    ex.recover()
    run(ex.drain())
    assert conn.calls == [] and status(ows, aid)["status"] == "failed"
    assert ows.store.scalar("SELECT kind FROM tasks") == "check_action"


def test_connector_exception_is_a_retry_not_a_crash(ows):
    (aid,) = ows.enqueue([Proposal("send", "x", group_id=1)], "operator:t")

    class Exploding(Scripted):
        async def act(self, request):
            raise ConnectionError("bridge down")

    run(Executor(ows, {"fake": Exploding("fake", {})}, pacing=False).run_once())
    st = status(ows, aid)
    assert st["status"] == "pending" and "bridge down" in st["last_error"]


def test_a_kick_whose_target_is_already_gone_is_done_once_with_its_words(ows):
    """The connector answers a kick of someone who already left as done (the wanted state
    holds): the action is done after one call, the result says why, and no person is asked."""
    (aid,) = ows.enqueue([Proposal("kick", "ad", group_id=1)], "rule:ads")
    conn = Scripted("fake", {}, script=[ActionResult.done("already not a member: 人员不存在", gone="member")])
    run(Executor(ows, {"fake": conn}, pacing=False).drain())
    assert conn.calls == ["kick"]
    row = ows.store.one("SELECT status, attempts, last_error, result FROM actions WHERE id = ?", (aid,))
    assert (row["status"], row["attempts"], row["last_error"]) == ("done", 1, None)
    assert json.loads(row["result"]) == {"gone": "member"}
    assert ows.store.scalar("SELECT count(*) FROM tasks") == 0
    assert "人员不存在" in ows.store.scalar("SELECT detail FROM audit_log WHERE action = 'action_done'")
