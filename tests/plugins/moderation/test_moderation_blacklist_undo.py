"""Blacklist across a family, refusal in a sibling group, undo across groups."""

from __future__ import annotations

from moderation_helpers import T0, actions, cases, feed, gid, join, msg, pid, request

from console.model import Decision
from console.outbox import Executor
from plugins.moderation import blacklist_rows, case_detail, decide_join_request, list_cases, save_rule, undo_case
from plugins.sandbox.connector import SandboxConnector

AD = "兼职日结300+，有意者联系 13912345678"


def _family_blacklist(ws):
    save_rule(ws, "ads", "ads", {"ladder": ["blacklist"], "penalty_scope": "family"}, enabled=True)


def test_blacklisted_person_removed_and_refused_in_sibling_group(mws):
    ws = mws
    _family_blacklist(ws)
    feed(ws, [msg("g1", "alice", AD, T0)], T0)
    alice, g1, g2, g3 = pid(ws, "alice"), gid(ws, "g1"), gid(ws, "g2"), gid(ws, "g3")
    (case,) = cases(ws, alice)
    assert case["step"] == "blacklist"
    # removed from both family groups she is in; the unrelated group g3 is untouched
    assert sorted(a["group_id"] for a in actions(ws, alice, "kick")) == [g1, g2]
    assert all(a["params"]["reject_add_request"] for a in actions(ws, alice, "kick"))
    assert [(b["scope_type"], b["scope_value"]) for b in blacklist_rows(ws)] == [("family", "fam")]

    # she leaves g2 (kicked), then asks to join g2 again: refused, without details
    feed(ws, [request("g2", "alice", T0 + 60)], T0 + 60)
    req = ws.store.one("SELECT * FROM join_requests WHERE person_id = ?", (alice,))
    assert req["status"] in ("rejecting", "rejected") and req["rule"] == "blacklist"
    assert "ad" not in req["reason"].lower() and "兼职" not in req["reason"]
    rejects = actions(ws, alice, "reject_join")
    assert [r["group_id"] for r in rejects] == [g2]
    # a request to the unrelated group is not the blacklist's business
    assert decide_join_request({"group_id": g3, "person_id": alice}, ws) is None


def test_blacklisted_person_who_gets_in_by_invite_is_removed(mws):
    ws = mws
    _family_blacklist(ws)
    feed(ws, [msg("g1", "bob", AD, T0)], T0)
    bob, g2 = pid(ws, "bob"), gid(ws, "g2")
    before = len(actions(ws, bob, "kick"))
    feed(ws, [join("g2", "bob", T0 + 100)], T0 + 100)  # re-joined through an invite: no request to refuse
    kicks = actions(ws, bob, "kick")
    assert len(kicks) == before + 1 and kicks[-1]["group_id"] == g2
    assert kicks[-1]["case_id"] == cases(ws, bob)[0]["id"]  # recorded on the blacklist's case


async def test_case_undone_across_two_groups(mws):
    ws = mws
    _family_blacklist(ws)
    feed(ws, [msg("g1", "carol", AD, T0)], T0)
    carol, g1, g2 = pid(ws, "carol"), gid(ws, "g1"), gid(ws, "g2")
    conn = SandboxConnector("sandbox")
    with ws.clock_at(T0):
        await Executor(ws, {"sandbox": conn}, pacing=False).drain()
    assert {a["status"] for a in actions(ws, carol, "kick")} == {"done"}
    (case,) = cases(ws, carol)

    with ws.clock_at(T0 + 3600):
        out = undo_case(ws, case["id"], note="false positive")
    assert out["status"] == "overturned" and out["groups_touched"] == [g1, g2]  # a rule's case a person undid
    invites = actions(ws, carol, "invite")
    assert sorted(i["group_id"] for i in invites) == [g1, g2]  # the sandbox can invite: one step, both groups
    assert all(i["case_id"] == case["id"] for i in invites)
    assert blacklist_rows(ws) == []
    assert decide_join_request({"group_id": g2, "person_id": carol}, ws) is None  # no longer refused
    assert any(n["kind"] == "undo" for n in case_detail(ws, case["id"])["notes"])
    assert ws.store.scalar("SELECT count(*) FROM audit_log WHERE action = 'case_undone' AND target_id = ?",
                           (str(case["id"]),)) == 1
    # undoing twice is refused with the reason
    try:
        undo_case(ws, case["id"])
    except ValueError as e:
        assert "already overturned" in str(e)
    else:
        raise AssertionError("a second undo must be refused")


def test_undo_cancels_pending_and_unmutes(mws):
    ws = mws
    save_rule(ws, "flood", "flood", {"ladder": ["mute:10"], "max_messages": 3, "seconds": 10, "repeat": 0},
              enabled=True)
    feed(ws, [msg("g3", "bob", f"x{i}", T0 + i) for i in range(3)], T0 + 3)
    bob = pid(ws, "bob")
    (case,) = cases(ws, bob)
    # the mute is still pending (nothing drained): undo cancels it instead of unmuting
    undo_case(ws, case["id"])
    assert {a["status"] for a in actions(ws, bob, "mute")} == {"cancelled"}
    assert actions(ws, bob, "unmute") == []


async def test_undo_of_a_done_mute_lifts_it(mws):
    ws = mws
    save_rule(ws, "flood", "flood", {"ladder": ["mute:10"], "max_messages": 3, "seconds": 10, "repeat": 0},
              enabled=True)
    feed(ws, [msg("g3", "bob", f"x{i}", T0 + i) for i in range(3)], T0 + 3)
    with ws.clock_at(T0 + 4):
        await Executor(ws, {"sandbox": SandboxConnector("sandbox")}, pacing=False).drain()
    bob = pid(ws, "bob")
    undo_case(ws, cases(ws, bob)[0]["id"])
    assert [(a["kind"], a["group_id"]) for a in actions(ws, bob, "unmute")] == [("unmute", gid(ws, "g3"))]
    assert [c["status"] for c in list_cases(ws)["rows"]] == ["overturned"]


def test_dry_run_case_cannot_be_undone(mws):
    ws = mws
    save_rule(ws, "ads", "ads", {"ladder": ["kick"]}, enabled=True, dry_run=True)
    feed(ws, [msg("g1", "alice", AD, T0)], T0)
    (case,) = cases(ws, pid(ws, "alice"))
    try:
        undo_case(ws, case["id"])
    except ValueError as e:
        assert "dry-run" in str(e)
    else:
        raise AssertionError("undoing a dry-run record must be refused")


def test_decision_type(mws):
    ws = mws
    _family_blacklist(ws)
    feed(ws, [msg("g1", "alice", AD, T0)], T0)
    d = decide_join_request({"group_id": gid(ws, "g2"), "person_id": pid(ws, "alice")}, ws)
    assert isinstance(d, Decision) and d.verdict == "reject"
