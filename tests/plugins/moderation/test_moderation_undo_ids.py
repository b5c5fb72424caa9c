"""Undo and the ladder with ids that differ, and undo while an action is under way.

- A case id and a blacklist entry id are different numbers: the first hand-made
  blacklist of a fresh workspace has case 1 and entry 1, so code that mixes them up
  passes a test made that way. Here penalty cases come first, so blacklist entry 1
  belongs to case 3, entry 2 to case 4, entry 3 to case 5, and undoing case 3 must
  take entry 1 off, not entry 3.
- An overturned case is not an offence: the ladder and the door check leave it out.
- Undo while the penalty's kick is ``running`` (claimed, the platform call under way):
  the kick may well happen, so undo answers it with an invite, and cancels the
  kicks not yet started.
"""

from __future__ import annotations

import asyncio

from moderation_helpers import T0, actions, cases, feed, gid, msg, pid

from console.outbox import Executor
from plugins.moderation import (add_to_blacklist, blacklist_rows, decide_join_request, remove_from_blacklist,
                                save_rule, undo_case)
from plugins.sandbox.connector import SandboxConnector

AD = "兼职日结300+，有意者联系 13912345678"
HANG_GUARD = 60  # seconds; only reached if the executor never calls the connector


def _active(ws) -> dict[int, int]:
    """person id -> case id of each active blacklist entry."""
    return {r["person_id"]: r["case_id"] for r in blacklist_rows(ws)}


def _three_entries(ws):
    """Two ad warnings 31 days apart (cases 1, 2: the second is outside the first's window),
    then alice, bob, carol blacklisted by hand (cases 3-5, entries 1-3)."""
    later = T0 + 31 * 86400
    feed(ws, [msg("g1", "kol1", AD, T0)], T0)
    feed(ws, [msg("g2", "kol1", AD + " 再发", later)], later)
    assert [c["step"] for c in cases(ws)] == ["warn", "warn"]
    with ws.clock_at(later + 60):
        rows = [add_to_blacklist(ws, pid(ws, u), "骚扰群成员") for u in ("alice", "bob", "carol")]
    assert [(r["id"], r["case_id"]) for r in rows] == [(1, 3), (2, 4), (3, 5)]
    return rows


def test_undo_takes_off_the_blacklist_entry_of_that_case_not_the_entry_with_its_number(mws):
    ws = mws
    alice_row, bob_row, carol_row = _three_entries(ws)
    alice, bob, carol = pid(ws, "alice"), pid(ws, "bob"), pid(ws, "carol")
    out = undo_case(ws, alice_row["case_id"], note="误判")  # case 3, entry 1
    assert out["status"] == "undone" and "removed from the blacklist" in out["undo"]
    assert _active(ws) == {bob: bob_row["case_id"], carol: carol_row["case_id"]}  # entry 3 (carol) untouched
    g3 = gid(ws, "g3")
    assert decide_join_request({"group_id": g3, "person_id": alice}, ws) is None
    refused = decide_join_request({"group_id": g3, "person_id": carol}, ws)
    assert refused is not None and refused.rule == "blacklist"


def test_removing_an_entry_by_hand_takes_that_entry_not_the_one_numbered_like_its_case(mws):
    ws = mws
    _, bob_row, carol_row = _three_entries(ws)
    row = remove_from_blacklist(ws, bob_row["id"], note="申诉通过")  # entry 2 (case 4)
    assert row["person_id"] == pid(ws, "bob") and row["removed_at"] is not None
    assert set(_active(ws)) == {pid(ws, "alice"), pid(ws, "carol")}


def test_an_overturned_case_is_not_counted_by_the_ladder_or_the_door(mws):
    """The seeded ads rule: first ad warn, second within 30 days blacklist."""
    ws = mws
    alice = pid(ws, "alice")
    feed(ws, [msg("g1", "alice", AD, T0)], T0)
    (first,) = cases(ws, alice)
    assert first["step"] == "warn"
    with ws.clock_at(T0 + 60):
        assert undo_case(ws, first["id"], note="快递单号，不是广告")["status"] == "overturned"
        # the door check reads the same record: an overturned case does not keep her out
        assert decide_join_request({"group_id": gid(ws, "g3"), "person_id": alice}, ws) is None
    feed(ws, [msg("g1", "alice", AD + " 今天", T0 + 120)], T0 + 120)
    second = cases(ws, alice)[-1]
    assert second["step"] == "warn"  # offence 1 again, not the blacklist step 2
    assert actions(ws, alice, "kick") == []
    feed(ws, [msg("g1", "alice", AD + " 明天", T0 + 180)], T0 + 180)
    assert cases(ws, alice)[-1]["step"] == "blacklist"  # the standing warning counts


class GatedSandbox(SandboxConnector):
    """The sandbox, except that the first kick waits until the test lets it go."""

    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self.started = asyncio.Event()
        self.release = asyncio.Event()

    async def act(self, request):
        if request.kind == "kick" and not self.release.is_set():
            self.started.set()
            await self.release.wait()
        return await super().act(request)


async def test_undo_while_the_kick_is_under_way_invites_back_and_cancels_the_rest(mws):
    """A rule that removes from the family (g1, g2) on the first ad: the recall runs, the
    kick in g1 is under way when the operator undoes the case, the kick in g2 waits."""
    ws = mws
    save_rule(ws, "ads", "ads", {"ladder": ["kick"], "penalty_scope": "family"}, enabled=True)
    feed(ws, [msg("g1", "alice", AD, T0)], T0)
    alice, g1, g2 = pid(ws, "alice"), gid(ws, "g1"), gid(ws, "g2")
    (case,) = cases(ws, alice)
    assert sorted(k["group_id"] for k in actions(ws, alice, "kick")) == [g1, g2]
    conn = GatedSandbox("sandbox")
    with ws.clock_at(T0 + 1):
        run = asyncio.create_task(Executor(ws, {"sandbox": conn}, pacing=False).run_once())
        await asyncio.wait_for(conn.started.wait(), HANG_GUARD)
        assert {k["group_id"]: k["status"] for k in actions(ws, alice, "kick")} == {g1: "running", g2: "pending"}
        out = undo_case(ws, case["id"], note="快递链接，误判")
        conn.release.set()
        await asyncio.wait_for(run, HANG_GUARD)
    assert "invite back to g1" in out["undo"] and "cancelled pending kick in g2" in out["undo"]
    assert {k["group_id"]: k["status"] for k in actions(ws, alice, "kick")} == {g1: "done", g2: "cancelled"}
    invites = actions(ws, alice, "invite")
    assert [(i["group_id"], i["case_id"]) for i in invites] == [(g1, case["id"])]  # none for g2: never kicked
    with ws.clock_at(T0 + 2):
        await Executor(ws, {"sandbox": conn}, pacing=False).drain()
    assert [(i["status"], i["last_error"]) for i in actions(ws, alice, "invite")] == [("done", None)]
