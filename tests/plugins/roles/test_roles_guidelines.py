"""Guidelines: understaffed groups and overloaded owners are flagged with reasons, and alerted."""

from __future__ import annotations

from console.engine import Engine

from plugins.roles import assign as ops
from plugins.roles import guidelines as gl

from roles_helpers import T0, build, join, message

DAY = 86400


def _by_group(rows):
    return {r["group_id"]: r for r in rows}


def test_understaffed_group_and_overloaded_owner(ws):
    w = build(ws, groups=12, members=6)
    p, gids = w["people"], list(w["groups"].values())
    ops.assign(ws, p["u1"], gids[:11], "owner")  # 11 groups: above the 5-10 guideline
    ops.assign(ws, p["u2"], gids[11:], "owner")  # 1 group: light
    ops.assign(ws, p["u3"], gids[1:], "admin")
    ops.assign(ws, p["u4"], gids[1:], "cheer")
    ops.assign(ws, p["u5"], gids[1:], "cheer")
    with ws.clock_at(T0 + 60 * DAY):  # no group is new any more
        staff = _by_group(gl.staffing(ws))
        load = {r["person"]: r for r in gl.owner_load(ws)}
    bare = staff[gids[0]]
    assert bare["status"] == "understaffed"
    assert bare["reason_codes"] == ["admins_low", "cheer_low"]
    assert bare["reasons"] == ["0 admins, guideline 1-3", "0 cheer squad, guideline 2-3"]
    assert staff[gids[1]]["status"] == "ok" and staff[gids[1]]["reasons"] == []
    assert staff[gids[1]]["owner"] == "user1" and staff[gids[1]]["insiders"] == 5  # u2 owns another group: an insider everywhere
    assert load["user1"]["status"] == "overloaded" and load["user1"]["groups"] == 11
    assert load["user1"]["reasons"] == ["11 groups, a full-time owner runs 5-10"]
    assert load["user2"]["status"] == "light"


def test_group_without_owner_and_overstaffed_group(ws):
    w = build(ws, groups=2, members=8)
    p, (g1, g2) = w["people"], list(w["groups"].values())
    ops.assign(ws, p["u1"], [g2], "owner")
    for u in ("u2", "u3", "u4", "u5"):
        ops.assign(ws, p[u], [g2], "admin")
    ops.assign(ws, p["u6"], [g2], "cheer")
    ops.assign(ws, p["u7"], [g2], "cheer")
    with ws.clock_at(T0 + 60 * DAY):
        staff = _by_group(gl.staffing(ws))
    assert "no_owner" in staff[g1]["reason_codes"]
    assert staff[g2]["status"] == "overstaffed" and staff[g2]["reason_codes"] == ["admins_high"]


def test_a_sibling_nobody_holds_the_owner_role_of_is_its_familys_first_owners(ws):
    """An overflow sibling the bot made has no owner role (the bot gets none): it belongs to
    its family's first group's owner, as its tasks do (console/owners.py), not "no owner". A
    group outside any family still reads no owner."""
    w = build(ws, groups=4, members=3)
    p, (g1, g2, g3, g4) = w["people"], list(w["groups"].values())
    with ws.store.write() as c:
        c.executemany("UPDATE groups SET family = ? WHERE id = ?", [("F", g2), ("F", g3), ("F", g4)])
    ops.assign(ws, p["u2"], [g3], "owner")  # the family's first owned group is g3, not g2
    with ws.clock_at(T0 + 60 * DAY):
        staff = _by_group(gl.staffing(ws))
    assert [staff[g]["owner"] for g in (g1, g2, g3, g4)] == ["", "user2", "user2", "user2"]
    assert "no_owner" in staff[g1]["reason_codes"]
    assert all("no_owner" not in staff[g]["reason_codes"] for g in (g2, g3, g4))


def test_new_group_needs_about_ten_insiders(ws):
    w = build(ws, groups=1, members=6)
    p, gid = w["people"], w["groups"]["g1"]
    ops.assign(ws, p["u1"], [gid], "owner")
    ops.assign(ws, p["u2"], [gid], "admin")
    ops.assign(ws, p["u3"], [gid], "cheer")
    ops.assign(ws, p["u4"], [gid], "cheer")
    with ws.clock_at(T0 + 3 * DAY):
        row = gl.staffing(ws)[0]
    assert row["new"] and row["status"] == "understaffed"
    assert row["reasons"] == ["new group (3 days old): 4 insiders, about 10 wanted"]
    with ws.clock_at(T0 + 30 * DAY):
        assert gl.staffing(ws)[0]["status"] == "ok"


def test_thresholds_come_from_config(tmp_path):
    from console.workspace import Workspace
    from roles_helpers import make_config

    cfg = make_config(tmp_path, "[roles]\nadmins_min = 0\ncheer_min = 0\nowner_groups_min = 1\nowner_groups_max = 1\n")
    with Workspace.open(cfg) as ws:
        w = build(ws, groups=2)
        ops.assign(ws, w["people"]["u1"], list(w["groups"].values()), "owner")
        with ws.clock_at(T0 + 60 * DAY):
            assert {r["status"] for r in gl.staffing(ws)} == {"ok"}
            assert gl.owner_load(ws)[0]["status"] == "overloaded"


def test_bad_thresholds_are_refused_naming_the_key(tmp_path):
    import pytest

    from console.config import ConfigError
    from console.workspace import Workspace
    from roles_helpers import make_config

    with pytest.raises(ConfigError, match="roles.admins_max"):
        Workspace.open(make_config(tmp_path, "[roles]\nadmins_min = 4\nadmins_max = 2\n"))


def test_coverage_lists_groups_without_a_cheer_squad_message_today(ws):
    w = build(ws, groups=3)
    p, (g1, g2, g3) = w["people"], list(w["groups"].values())
    ops.assign(ws, p["u1"], [g1, g2], "cheer")
    day_ts = T0 + 5 * DAY
    with ws.clock_at(day_ts):
        Engine(ws).ingest([message("g1", "u1", day_ts - 60), message("g2", "u2", day_ts - 30),
                           message("g3", "u3", day_ts - 20)])
        rows = _by_group(gl.coverage(ws))
        everything = gl.coverage(ws, only_missing=False)
    assert set(rows) == {g2, g3}
    assert rows[g2]["reason_codes"] == ["cheer_silent"] and rows[g2]["cheer"] == 1
    assert rows[g3]["reason_codes"] == ["no_cheer"]
    covered = _by_group(everything)[g1]
    assert covered["covered"] and covered["cheer_messages"] == 1 and covered["cheer_speakers"] == 1
    # another day: nobody spoke
    with ws.clock_at(day_ts + DAY):
        assert {r["group_id"] for r in gl.coverage(ws)} == {g1, g2, g3}


def test_check_job_raises_and_resolves_alerts_with_why(ws):
    w = build(ws, groups=11, members=4)
    p, gids = w["people"], list(w["groups"].values())
    ops.assign(ws, p["u1"], gids, "owner")
    with ws.clock_at(T0 + 60 * DAY):
        counts = gl.check_guidelines(ws)
        assert counts["understaffed"] == 11 and counts["overloaded"] == 1
        alerts = ws.store.query("SELECT * FROM alerts WHERE resolved_at IS NULL ORDER BY id")
        owner_alert = [a for a in alerts if a["kind"] == "overloaded_owner"]
        assert owner_alert[0]["message"] == "Owner user1 is overloaded"
        assert owner_alert[0]["why"] == "11 groups, a full-time owner runs 5-10"
        group_alert = [a for a in alerts if a["group_id"] == gids[0]][0]
        assert group_alert["kind"] == "understaffed_group" and "0 admins, guideline 1-3" in group_alert["why"]
        gl.check_guidelines(ws)  # running again adds nothing
        assert ws.store.scalar("SELECT count(*) FROM alerts") == len(alerts)
        ops.unassign(ws, p["u1"], gids[10:], "owner")
        counts = gl.check_guidelines(ws)
    assert counts["overloaded"] == 0 and counts["resolved"] == 1
    assert ws.store.scalar("SELECT resolved_at FROM alerts WHERE kind = 'overloaded_owner'") is not None


def test_check_job_is_registered(ws):
    job = ws.registry.jobs["roles_guidelines"]
    assert job.plugin == "roles" and job.every > 0


def test_overview_counts(ws):
    w = build(ws, groups=2)
    ops.assign(ws, w["people"]["u1"], None, "lead")
    with ws.clock_at(T0 + 60 * DAY):
        o = gl.overview(ws)
    assert o["groups"] == 2 and o["understaffed"] == 2 and o["leads"] == 1 and o["uncovered_today"] == 2


def test_insiders_count_only_current_members(ws):
    w = build(ws, groups=1)
    from console.model import Event, Kind

    ops.assign(ws, w["people"]["u1"], [w["groups"]["g1"]], "cheer")
    with ws.clock_at(T0):
        Engine(ws).ingest([Event("sandbox", "l1", Kind.LEAVE, T0 + 5000, group="g1", user="u1",
                                 data={"reason": "leave"}), join("g1", "u7", T0 + 5001)])
    assert gl.staffing(ws)[0]["insiders"] == 0
