"""Assigning and unassigning roles: bulk, refusals that change nothing, insiders, history, audit."""

from __future__ import annotations

import pytest

from plugins.roles import assign as ops
from plugins.roles.assign import RoleProblem

from roles_helpers import T0, audit, build


def _state(ws):
    """Everything an assignment may touch, to prove a refusal changed nothing."""
    return [ws.store.query(f"SELECT * FROM {t} ORDER BY 1") for t in
            ("roles", "role_history", "actions", "audit_log", "people", "tasks")]


def test_bulk_assign_across_groups_records_history_and_audit(ws):
    w = build(ws, groups=3)
    pid = w["people"]["u2"]
    gids = list(w["groups"].values())
    with ws.clock_at(T0 + 100):
        rows = ops.assign(ws, pid, gids, "cheer", reason="new cheer squad")
    assert [r["result"] for r in rows] == ["assigned"] * 3
    assert all(r["platform_state"] == "n/a" for r in rows)
    held = ops.list_roles(ws, person_id=pid)
    assert {r["group_id"] for r in held} == set(gids) and {r["role"] for r in held} == {"cheer"}
    hist = ops.history(ws, person_id=pid)
    assert len(hist) == 3 and {h["change"] for h in hist} == {"assigned"}
    assert {h["actor"] for h in hist} == {"operator:tester"} and hist[0]["reason"] == "new cheer squad"
    logged = audit(ws, "role_assigned")
    assert len(logged) == 3 and {a["actor"] for a in logged} == {"operator:tester"}
    assert {a["target_id"] for a in logged} == {str(pid)}


def test_assigning_again_is_unchanged_not_duplicated(ws):
    w = build(ws, groups=2)
    pid, g1 = w["people"]["u1"], w["groups"]["g1"]
    ops.assign(ws, pid, [g1], "kol")
    rows = ops.assign(ws, pid, [g1, w["groups"]["g2"]], "kol")
    assert [r["result"] for r in rows] == ["unchanged", "assigned"]
    assert ws.store.scalar("SELECT count(*) FROM roles WHERE person_id = ?", (pid,)) == 2


def test_person_not_in_a_group_refuses_whole_bulk_change(ws):
    w = build(ws, groups=2)
    # u9 joins only g1
    from console.engine import Engine

    from roles_helpers import join
    with ws.clock_at(T0):
        Engine(ws).ingest([join("g1", "u9", T0 + 500)])
    pid = ws.store.scalar("SELECT person_id FROM identities WHERE platform_user_id = 'u9'")
    before = _state(ws)
    with pytest.raises(RoleProblem) as e:
        ops.assign(ws, pid, [w["groups"]["g1"], w["groups"]["g2"]], "admin")
    msg = str(e.value)
    assert "not a member of" in msg and "Gg2" in msg and f"id {w['groups']['g2']}" in msg
    assert "nothing was assigned" in msg and "Gg1" not in msg.split("not a member of")[1]
    assert _state(ws) == before


def test_a_member_who_left_is_not_a_member(ws):
    from console.engine import Engine
    from console.model import Event, Kind

    w = build(ws, groups=1)
    with ws.clock_at(T0):
        Engine(ws).ingest([Event("sandbox", "leave-u3", Kind.LEAVE, T0 + 900, group="g1", user="u3",
                                 data={"reason": "leave"})])
    with pytest.raises(RoleProblem, match="not a member"):
        ops.assign(ws, w["people"]["u3"], [w["groups"]["g1"]], "cheer")


@pytest.mark.parametrize("args, match", [
    (("u1", [999], "admin"), "unknown group id 999"),
    (("u1", "g1", "janitor"), "unknown role 'janitor'"),
    ((12345, "g1", "admin"), "unknown person id 12345"),
    (("u1", [], "admin"), "held per group"),
    (("u1", "g1", "lead"), "give no groups"),
])
def test_unknown_or_bad_input_is_refused(ws, args, match):
    w = build(ws, groups=1)
    person, groups, role = args
    pid = w["people"].get(person, person)
    gids = [w["groups"]["g1"]] if groups == "g1" else groups
    before = _state(ws)
    with pytest.raises(RoleProblem, match=match):
        ops.assign(ws, pid, gids, role)
    assert _state(ws) == before


def test_chinese_role_words_are_understood(ws):
    w = build(ws, groups=1)
    ops.assign(ws, w["people"]["u1"], [w["groups"]["g1"]], "气氛组")
    ops.assign(ws, w["people"]["u2"], [w["groups"]["g1"]], "群主")
    assert {r["role"] for r in ops.list_roles(ws)} == {"cheer", "owner"}


def test_second_owner_is_refused_unless_replacing(ws):
    w = build(ws, groups=1)
    g1 = w["groups"]["g1"]
    ops.assign(ws, w["people"]["u1"], [g1], "owner")
    with pytest.raises(RoleProblem, match="already has owner user1"):
        ops.assign(ws, w["people"]["u2"], [g1], "owner")
    ops.assign(ws, w["people"]["u2"], [g1], "owner", replace=True)
    owners = ops.list_roles(ws, group_id=g1, role="owner")
    assert [o["person"] for o in owners] == ["user2"]
    changes = [(h["person"], h["change"]) for h in ops.history(ws, group_id=g1)]
    assert ("user1", "replaced") in changes and ("user2", "assigned") in changes
    # the replaced owner holds nothing else: no longer an insider
    assert ws.store.scalar("SELECT is_insider FROM people WHERE id = ?", (w["people"]["u1"],)) == 0


def test_lead_is_operation_wide_and_single(ws):
    w = build(ws, groups=1)
    rows = ops.assign(ws, w["people"]["u1"], None, "lead")
    assert rows[0]["group_id"] is None and rows[0]["result"] == "assigned"
    with pytest.raises(RoleProblem, match="the operation already has lead user1"):
        ops.assign(ws, w["people"]["u2"], None, "lead")
    assert ws.store.scalar("SELECT is_insider FROM people WHERE id = ?", (w["people"]["u1"],)) == 1


def test_insiders_follow_roles_and_staff_marks_but_not_kols(ws):
    w = build(ws, groups=2)
    p = w["people"]
    g1, g2 = w["groups"]["g1"], w["groups"]["g2"]
    insider = lambda pid: ws.store.scalar("SELECT is_insider FROM people WHERE id = ?", (pid,))  # noqa: E731
    ops.assign(ws, p["u1"], [g1], "kol")
    assert insider(p["u1"]) == 0  # KOLs count as members
    ops.assign(ws, p["u1"], [g1, g2], "cheer")
    assert insider(p["u1"]) == 1
    ops.unassign(ws, p["u1"], [g1], "cheer")
    assert insider(p["u1"]) == 1  # still cheer squad in g2
    ops.unassign(ws, p["u1"], [g2], "cheer")
    assert insider(p["u1"]) == 0
    row = ops.set_staff(ws, p["u1"], True, reason="hired")
    assert row["is_staff"] == 1 and row["is_insider"] == 1 and row["changed"]
    ops.set_staff(ws, p["u1"], False)
    assert insider(p["u1"]) == 0
    staff_hist = [h for h in ops.history(ws, person_id=p["u1"]) if h["role"] == "staff"]
    assert [h["change"] for h in staff_hist] == ["unassigned", "assigned"]
    assert [a["action"] for a in audit(ws) if a["action"].startswith("staff_")] == ["staff_marked", "staff_unmarked"]


def test_unassign_reports_groups_where_the_role_was_not_held(ws):
    w = build(ws, groups=2)
    pid = w["people"]["u1"]
    ops.assign(ws, pid, [w["groups"]["g1"]], "cheer")
    rows = ops.unassign(ws, pid, list(w["groups"].values()), "cheer", reason="moved on")
    assert [r["result"] for r in rows] == ["unassigned", "not_held"]
    last = audit(ws, "role_unassigned")
    assert len(last) == 1 and '"moved on"' in last[0]["detail"]
    assert ops.history(ws, person_id=pid)[0]["change"] == "unassigned"
