"""`shequn roles ...`: tables, --json, and refusals that exit 2 and change nothing."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from console.cli import build_cli
from console.workspace import Workspace

from roles_helpers import build


@pytest.fixture
def world(config_path):
    with Workspace.open(config_path) as ws:
        w = build(ws, groups=3, members=4)
    return config_path, w


def run(config_path, *args):
    cli = build_cli([])
    result = CliRunner().invoke(cli, ["--config", str(config_path), "roles", *args], catch_exceptions=False)
    return result


def _count(config_path, sql):
    with Workspace.open(config_path) as ws:
        return ws.store.scalar(sql)


def test_assign_in_bulk_by_name_and_platform_id_then_list_as_json(world):
    cfg, w = world
    r = run(cfg, "assign", "user2", "气氛组", "Gg1", "sandbox:g2", str(w["groups"]["g3"]))
    assert r.exit_code == 0, r.output
    assert r.output.count("assigned") == 3 and "cheer squad" in r.output
    r = run(cfg, "list", "--json")
    rows = json.loads(r.output)
    assert [(x["person"], x["group"], x["role"]) for x in rows] == [("user2", f"Gg{i}", "cheer") for i in (1, 2, 3)]


def test_assign_by_type_selector(world):
    cfg, w = world
    r = run(cfg, "assign", "sandbox:u1", "kol", "--type", "traffic", "--json")
    assert r.exit_code == 0, r.output
    assert len(json.loads(r.output)) == 3


def test_refusals_exit_2_with_a_clear_message(world):
    cfg, w = world
    r = run(cfg, "assign", "nobody", "admin", "Gg1")
    assert r.exit_code == 2 and "unknown person 'nobody'" in r.output
    r = run(cfg, "assign", "user1", "admin", "Gg1", "no-such-group")
    assert r.exit_code == 2 and "unknown group 'no-such-group'" in r.output
    r = run(cfg, "assign", "user1", "boss", "Gg1")
    assert r.exit_code == 2 and "unknown role 'boss'" in r.output
    assert _count(cfg, "SELECT count(*) FROM roles") == 0
    assert _count(cfg, "SELECT count(*) FROM audit_log WHERE action LIKE 'role_%'") == 0


def test_check_shows_status_and_why(world):
    cfg, w = world
    run(cfg, "assign", "user1", "owner", "Gg1", "Gg2", "Gg3")
    r = run(cfg, "check")
    assert r.exit_code == 0, r.output
    assert "understaffed" in r.output and "0 admins, guideline 1-3" in r.output
    assert "light" in r.output and "3 groups, a full-time owner runs 5-10" in r.output
    data = json.loads(run(cfg, "check", "--json").output)[0]
    assert len(data["groups"]) == 3 and data["owners"][0]["person"] == "user1"


def test_history_staff_unassign_and_coverage(world):
    cfg, w = world
    assert run(cfg, "assign", "user3", "cheer", "Gg1").exit_code == 0
    assert run(cfg, "unassign", "user3", "cheer", "Gg1", "Gg2").exit_code == 0
    r = run(cfg, "staff", "user4")
    assert r.exit_code == 0 and "is marked staff" in r.output
    assert _count(cfg, "SELECT is_insider FROM people WHERE display_name = 'user4'") == 1
    run(cfg, "staff", "user4", "--off")
    assert _count(cfg, "SELECT is_insider FROM people WHERE display_name = 'user4'") == 0
    hist = json.loads(run(cfg, "history", "--json").output)
    assert [(h["person"], h["role"], h["change"]) for h in hist] == [
        ("user4", "staff", "unassigned"), ("user4", "staff", "assigned"),
        ("user3", "cheer", "unassigned"), ("user3", "cheer", "assigned")]
    assert all(h["actor"] == "operator:tester" for h in hist)
    r = run(cfg, "coverage", "--day", "2025-06-15")
    assert r.exit_code == 0 and "no cheer squad" in r.output
    r = run(cfg, "coverage", "--day", "June")
    assert r.exit_code == 2 and "YYYY-MM-DD" in r.output


def test_tables_in_chinese(tmp_path):
    from roles_helpers import make_config

    cfg = make_config(tmp_path, '[console]\nlanguage = "zh-CN"\n')
    with Workspace.open(cfg) as ws:
        build(ws, groups=1)
    assert run(cfg, "assign", "user1", "cheer", "Gg1").exit_code == 0
    r = run(cfg, "check")
    assert r.exit_code == 0, r.output
    assert "人手不足" in r.output and "气氛组 1 人，建议 2-3 人" in r.output and "原因" in r.output


def test_list_says_where_a_role_came_from_in_chinese(tmp_path):
    from roles_helpers import make_config

    cfg = make_config(tmp_path, '[console]\nlanguage = "zh-CN"\n')
    with Workspace.open(cfg) as ws:
        build(ws, groups=1)
        with ws.store.write() as c:  # as the member list records a platform owner
            c.execute("INSERT INTO roles(person_id, group_id, role, source, platform_state, assigned_by)"
                      " SELECT person_id, group_id, 'owner', 'platform', 'synced', 'platform' FROM memberships LIMIT 1")
    assert run(cfg, "assign", "user1", "cheer", "Gg1").exit_code == 0
    r = run(cfg, "list")
    owner = next(line for line in r.output.splitlines() if "群主" in line)
    cheer = next(line for line in r.output.splitlines() if "气氛组" in line)
    assert owner.count("平台") == 2 and "platform" not in owner  # source and who assigned it
    assert "shequn" in cheer  # assigned in shequn: its source says so
