"""A join request expires when its platform forgets it, and a decision's recorded outcome
is the platform's answer: done -> approved / rejected; refused -> back in the queue with
the platform's words; "unknown request" -> expired. Nothing acts on an expired request."""

from __future__ import annotations

import pytest

from console.connector import Connector
from console.engine import Engine
from console.join_requests import RequestExpired, request_lifetime
from console.model import ActionResult, Kind
from console.outbox import Executor
from entry_kit import T0, actions, ev, feed, join, request, welfare
from plugins.entry_rules import JOBS
from plugins.entry_rules.api import PolicyError, decide, queue
from plugins.entry_rules.outcomes import expire_due
from plugins.sandbox.connector import SandboxConnector

LIFE = 3 * 86400  # the sandbox forgets a request after 3 days


@pytest.fixture
def held(ws):
    """A request the seeded defaults hold (no referrer, no campaign code): waiting for a person."""
    welfare(ws, "g1")
    join(ws, "g1", "bob", T0 - 1000)
    r = request(ws, "g1", "gus", T0, comment="想进群看看")
    assert r["status"] == "held"
    return r


def status(ws, rid):
    return ws.store.one("SELECT status, decided_at, decided_by, reason FROM join_requests WHERE id = ?", (rid,))


def test_lifetimes_come_from_the_connector_and_the_connection():
    from plugins.qq.connector import QQConnector
    from plugins.sandbox import model

    assert SandboxConnector.join_request_lifetime == model.REQUEST_TTL == LIFE
    assert SandboxConnector.request_lifetime({}) == LIFE
    assert SandboxConnector.request_lifetime({"join_request_hours": 1.5}) == 5400
    assert QQConnector.request_lifetime({}) == 7 * 86400
    assert Connector.join_request_lifetime is None  # a platform that never forgets one
    from console.config import ConfigError

    with pytest.raises(ConfigError, match="join_request_hours.*from 1 to 8760"):
        SandboxConnector.check_options({"join_request_hours": 0.5}, "connections.sandbox")


def test_the_job_expires_a_request_exactly_at_its_lifetime_not_before(ws, held):
    rid = held["id"]
    with ws.clock_at(T0 + LIFE - 1):
        assert expire_due(ws) == 0
        assert queue(ws)["total"] == 1 and queue(ws)["rows"][0]["expires_in"] == 1
    assert status(ws, rid)["status"] == "held"
    job = next(j for j in JOBS if j.name == "entry_rules.expiry")
    with ws.clock_at(T0 + LIFE):
        assert job.run(ws) == 1
        assert queue(ws)["total"] == 0 and queue(ws, "expired")["total"] == 1
    assert status(ws, rid) == {"status": "expired", "decided_at": T0 + LIFE, "decided_by": "job:entry_rules.expiry",
                               "reason": held["reason"]}
    audit = ws.store.one("SELECT actor, detail FROM audit_log WHERE action = 'join_request_expired' AND target_id = ?",
                         (str(rid),))
    assert audit["actor"] == "job:entry_rules.expiry" and '"was": "held"' in audit["detail"]
    with ws.clock_at(T0 + LIFE + 60):  # nothing acts on it: the person is told when it expired
        with pytest.raises(PolicyError, match="expired at 2025-06-18 23:06"):
            decide(ws, rid, "approve")
    assert not actions(ws, "approve_join")


def test_a_decision_checks_expiry_itself_before_the_job_ran(ws, held):
    rid = held["id"]
    with ws.clock_at(T0 + LIFE):
        assert queue(ws)["total"] == 0  # already out of the live queue, before the job marked it
        with pytest.raises(PolicyError, match="expired at 2025-06-18 23:06: the platform no longer keeps it"):
            decide(ws, rid, "reject", "不符合")
    assert status(ws, rid)["status"] == "expired"  # the check's mark is kept, not rolled back with the decision
    assert not actions(ws, "reject_join")
    from console.tui.ops import decide_request  # the owner queue's path refuses it too

    with ws.clock_at(T0 + LIFE + 1), pytest.raises(ValueError, match="expired"):
        decide_request(ws, rid, "approve", "ok")


def test_a_request_arriving_after_its_lifetime_is_expired_not_decided(ws):
    welfare(ws, "g1")
    join(ws, "g1", "bob", T0 - 1000)
    e = ev(Kind.JOIN_REQUEST, "g1", "late", T0, nickname="late",
           data={"flag": "f-late", "comment": "", "sub_type": "add", "inviter": "bob"})
    feed(ws, [e], at=T0 + LIFE + 5)  # a replay delivered days late: a rule would approve it (referral)
    r = ws.store.one("SELECT status, decided_by FROM join_requests WHERE platform_request_id = 'f-late'")
    assert r == {"status": "expired", "decided_by": "engine"} and not actions(ws, "approve_join")


def test_apply_decision_refuses_an_expired_request(ws, held):
    from console.engine import apply_decision
    from console.model import Decision

    req = ws.store.one("SELECT * FROM join_requests WHERE id = ?", (held["id"],))
    with ws.clock_at(T0 + LIFE + 3600), pytest.raises(RequestExpired) as info:
        apply_decision(ws, req, Decision("approve", "ok"), "operator:x")
    assert info.value.expired_at == T0 + LIFE
    assert request_lifetime(ws, "sandbox") == LIFE


class Scripted(Connector):
    """Answers each join decision with the next scripted result (the platform's words)."""

    platform = "sandbox"
    capabilities = SandboxConnector.capabilities

    def __init__(self, *answers):
        super().__init__("sandbox", {})
        self.answers = list(answers)

    async def act(self, request):
        if request.kind not in ("approve_join", "reject_join"):
            return ActionResult.done()  # the welcome messages
        return self.answers.pop(0)


async def run(ws, conn, at):
    with ws.clock_at(at):
        await Executor(ws, {"sandbox": conn}, pacing=False).drain()


async def test_done_reads_approved_only_after_the_platform_answers(ws, held):
    rid = held["id"]
    with ws.clock_at(T0 + 60):
        row = decide(ws, rid, "approve")
    assert row["status"] == "approving"
    with ws.clock_at(T0 + 61):  # in progress: neither waiting nor decided, and it holds a seat
        assert queue(ws)["total"] == 0 and queue(ws, "in_progress")["rows"][0]["id"] == rid
        from plugins.entry_rules.overflow import occupancy

        before = occupancy(ws, held["group_id"])
    await run(ws, Scripted(ActionResult.done("已同意入群")), T0 + 70)
    assert status(ws, rid)["status"] == "approved"
    with ws.clock_at(T0 + 71):
        from plugins.entry_rules.overflow import occupancy

        assert occupancy(ws, held["group_id"]) == before  # approving and approved both count once
    assert ws.store.scalar("SELECT count(*) FROM audit_log WHERE action = 'join_request_approved' AND target_id = ?",
                           (str(rid),)) == 1


async def test_a_refused_action_puts_the_request_back_with_the_platform_words(ws, held):
    rid = held["id"]
    with ws.clock_at(T0 + 60):
        decide(ws, rid, "approve")
    await run(ws, Scripted(ActionResult.failed("操作失败：群已满 (300/300)")), T0 + 70)
    row = status(ws, rid)
    assert row["status"] == "held" and row["decided_at"] == T0 + 70
    assert row["reason"] == "The platform refused to approve: 操作失败：群已满 (300/300)"
    assert ws.store.scalar("SELECT actor FROM audit_log WHERE action = 'join_request_refused' AND target_id = ?",
                           (str(rid),)) == "outbox"
    with ws.clock_at(T0 + 80):
        assert [r["id"] for r in queue(ws)["rows"]] == [rid]  # back in the queue for a person
        decide(ws, rid, "approve")  # a second try is a new action, not the refused one again
    first, second = actions(ws, "approve_join")
    assert first["status"] == "failed" and second["status"] == "pending"
    await run(ws, Scripted(ActionResult.done("已同意入群")), T0 + 90)
    assert status(ws, rid)["status"] == "approved"


async def test_unknown_request_answer_marks_it_expired(ws, held):
    rid = held["id"]
    with ws.clock_at(T0 + 60):
        decide(ws, rid, "reject", "广告号")
    await run(ws, Scripted(ActionResult.failed("操作失败：申请不存在或已处理 (request x is unknown)")), T0 + 70)
    row = status(ws, rid)
    assert row["status"] == "expired" and row["decided_by"] == "platform" and row["decided_at"] == T0 + 70
    with ws.clock_at(T0 + 80), pytest.raises(PolicyError, match="expired at 2025-06-15 23:07"):
        decide(ws, rid, "approve")


async def test_the_real_sandbox_says_unknown_request_and_it_expires(ws):
    welfare(ws, "g1")
    join(ws, "g1", "bob", T0 - 100)
    feed(ws, [ev(Kind.JOIN_REQUEST, "g1", "dan", T0, nickname="dan", data={"flag": "sb-r999", "comment": "hi"})])
    rid = ws.store.scalar("SELECT id FROM join_requests WHERE platform_request_id = 'sb-r999'")
    with ws.clock_at(T0 + 10):
        decide(ws, rid, "approve")
    conn = SandboxConnector("sandbox", ws.settings.connections["sandbox"].options)
    conn.attach(ws)
    await run(ws, conn, T0 + 20)
    assert status(ws, rid)["status"] == "expired"
    assert "申请不存在或已处理" in ws.store.scalar("SELECT last_error FROM actions WHERE kind = 'approve_join'")


def test_rule_decisions_and_dry_run_still_work(ws):
    from plugins.entry_rules.api import save_policy

    welfare(ws, "g1")
    join(ws, "g1", "bob", T0 - 1000)
    ok = request(ws, "g1", "dan", T0, inviter="bob")  # the seeded referral entry settles it
    assert ok["status"] == "approving" and ok["decided_by"] == "rule:admission:all"
    save_policy(ws, "admission", {"modes": ["invite"]}, scope="all", dry_run=True)
    dry = request(ws, "g1", "eve", T0 + 1, inviter="bob")
    assert dry["status"] == "pending" and dry["would_have"] == "reject"
    assert Engine(ws).decide(dry["id"]) == 0  # a dry run again: still nothing queued for it
    assert len(actions(ws, "approve_join")) == 1 and not actions(ws, "reject_join")

