"""z: undo of the operator's own decisions, row by row, where the platform allows; a task
saying what to do by hand where it does not; refused with the reason when the decision
was changed since or the platform is answering right now."""

from __future__ import annotations

import pytest

from console.model import ActionResult, Capability
from console.tui.bulk import BulkScreen
from console.tui.dialogs import ConfirmScreen
from console.tui.undo import WINDOW, Entry, Journal, undo_join_decision, unretry_action
from console.tui.vtable import VirtualTable
from plugins.entry_rules.api import decide
from plugins.entry_rules.outcomes import action_done

from .test_tui_bulk import add_requests
from .world import make_app, settle

ME = "operator:tester"


def state(ws, rid):
    return ws.store.one("SELECT status, reason, decided_by FROM join_requests WHERE id = ?", (rid,))


def action_of(ws, rid):
    return ws.store.one("SELECT * FROM actions WHERE evidence = ? ORDER BY id DESC LIMIT 1", (f"join_request:{rid}",))


def test_an_approval_the_platform_has_not_acted_on_is_cancelled_and_waits_again(tui_ws):
    rid = add_requests(tui_ws, 1)[0]
    decide(tui_ws, rid, "approve")
    assert state(tui_ws, rid)["status"] == "approving"
    assert undo_join_decision(tui_ws, rid, "approve", {"status": "pending", "reason": "", "rule": ""}, ME) == ""
    assert state(tui_ws, rid)["status"] == "held"  # back in the queue; a new decision gets a new action
    assert action_of(tui_ws, rid)["status"] == "cancelled"
    decide(tui_ws, rid, "approve")
    assert action_of(tui_ws, rid)["status"] == "pending"  # a new action, not the cancelled one's key
    audit = tui_ws.store.one("SELECT * FROM audit_log WHERE action = 'join_request_undone'")
    assert audit["actor"] == ME and '"back in the queue"' in audit["detail"]


def test_an_approval_the_platform_carried_out_leaves_a_task(tui_ws):
    rid = add_requests(tui_ws, 1)[0]
    decide(tui_ws, rid, "approve")
    action_done(tui_ws, dict(action_of(tui_ws, rid), status="done"), ActionResult.done())
    note = undo_join_decision(tui_ws, rid, "approve", {"status": "pending"}, ME)
    assert note == "the platform let them in already: a task asks the owner to look"
    task = tui_ws.store.one("SELECT * FROM tasks WHERE source = ? ORDER BY id DESC LIMIT 1", (ME,))
    assert task["title"].startswith("Approved by mistake:") and task["status"] == "open"
    assert state(tui_ws, rid)["status"] == "approved"  # nothing pretends it was undone on the platform


@pytest.mark.parametrize("can_invite", [True, False])
def test_a_rejection_carried_out_is_answered_with_an_invite_or_a_task(tui_ws, monkeypatch, can_invite):
    if not can_invite:
        cls = tui_ws.connector_class("sandbox")
        monkeypatch.setattr(cls, "capabilities", frozenset(c for c in cls.capabilities if c != Capability.INVITE))
    rid = add_requests(tui_ws, 1)[0]
    decide(tui_ws, rid, "reject", "no")
    action_done(tui_ws, dict(action_of(tui_ws, rid), status="done"), ActionResult.done())
    note = undo_join_decision(tui_ws, rid, "reject", {"status": "pending"}, ME)
    invites = tui_ws.store.scalar("SELECT count(*) FROM actions WHERE kind = 'invite' AND requested_by = ?", (ME,))
    tasks = tui_ws.store.scalar("SELECT count(*) FROM tasks WHERE source = ?", (ME,))
    assert (invites, tasks) == ((1, 0) if can_invite else (0, 1))
    assert ("invitation" in note) if can_invite else ("task" in note)


def test_a_hold_goes_back_to_pending_and_changed_decisions_are_refused(tui_ws):
    rid, other = add_requests(tui_ws, 2)
    decide(tui_ws, rid, "hold")
    assert undo_join_decision(tui_ws, rid, "hold", {"status": "pending", "reason": "", "rule": ""}, ME) == ""
    assert state(tui_ws, rid)["status"] == "pending"
    decide(tui_ws, other, "approve")
    with tui_ws.store.write() as c:  # someone else decided it again meanwhile
        c.execute("UPDATE join_requests SET decided_by = 'operator:other' WHERE id = ?", (other,))
    with pytest.raises(ValueError, match="decided again since, by operator:other"):
        undo_join_decision(tui_ws, other, "approve", {"status": "pending"}, ME)
    with tui_ws.store.write() as c:  # the executor holds the action: the platform is answering
        c.execute("UPDATE join_requests SET decided_by = ? WHERE id = ?", (ME, other))
        c.execute("UPDATE actions SET status = 'running' WHERE evidence = ?", (f"join_request:{other}",))
    with pytest.raises(ValueError, match="the platform is answering it now"):
        undo_join_decision(tui_ws, other, "approve", {"status": "pending"}, ME)
    assert state(tui_ws, other)["status"] == "approving"


def test_unretry_only_while_the_action_waits(tui_ws):
    with tui_ws.store.write() as c:
        gid = c.execute("SELECT id FROM groups LIMIT 1").fetchone()[0]
        aid = c.execute("INSERT INTO actions(connection_id, kind, group_id, requested_by, idempotency_key, status,"
                        " created_at, updated_at) VALUES ('sandbox', 'send', ?, 'x', 'k1', 'pending', 0, 0)",
                        (gid,)).lastrowid
    assert unretry_action(tui_ws, aid, ME) == ""
    assert tui_ws.store.scalar("SELECT status FROM actions WHERE id = ?", (aid,)) == "failed"
    with pytest.raises(ValueError, match="is failed now"):
        unretry_action(tui_ws, aid, ME)


def test_the_journal_keeps_the_window():
    j = Journal()
    j.add(Entry("approve {n} join requests", 1000, [("a", 1)], lambda a: ""))
    assert j.latest(1000 + WINDOW).what == "approve {n} join requests"
    assert j.latest(1000 + WINDOW + 1) is None
    j.add(Entry("nothing", 2000, [], lambda a: ""))  # an act that touched no row is not journaled
    assert len(j.entries) == 1


async def test_z_undoes_a_bulk_approval_in_the_console(tui_ws):
    ids = add_requests(tui_ws, 5)
    app = make_app(tui_ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("w")
        await settle(pilot)
        assert app.check_action("undo", ()) is False  # nothing to undo: z is not offered
        await pilot.press("asterisk", "y")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert {state(tui_ws, r)["status"] for r in ids} == {"approving"}
        assert app.check_action("undo", ()) is True
        await pilot.press("z")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and "Undo approve 5 join requests" in app.screen.question
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, BulkScreen)
        assert "Undone: 5" in str(app.screen.query_one("#bulk-body").render())
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one("#queue", VirtualTable).total == 5  # all waiting again
        assert app.check_action("undo", ()) is False  # undone once; z is not offered again
    assert {state(tui_ws, r)["status"] for r in ids} == {"held"}
    assert tui_ws.store.scalar("SELECT count(*) FROM actions WHERE status = 'cancelled' AND kind = 'approve_join'") == 5
