"""Flash groups' closing workflow, the join queue and policies from the CLI, announcements."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from console.cli import build_cli
from entry_kit import T0, actions, gid, join, pid, request, welfare
from plugins.entry_rules import JOBS
from plugins.entry_rules.api import PolicyError, draft_announcement, publish_announcement, queue, referral_tree, save_policy, set_closing


def job(name):
    return next(j for j in JOBS if j.name == name)


def test_flash_group_countdown_close_and_archive(ws):
    join(ws, "fl", "a1", T0 - 100)
    g = gid(ws, "fl")
    with ws.store.write() as c:
        c.execute("UPDATE groups SET type = 'flash' WHERE id = ?", (g,))
    closes = T0 + 48 * 3600
    with ws.clock_at(T0):
        with pytest.raises(PolicyError, match="past"):
            set_closing(ws, g, T0 - 1)
        set_closing(ws, g, closes)
    run = job("entry_rules.flash").run

    def sends():
        return [json.loads(a["params"])["text"] for a in actions(ws, "send") if (a["rule"] or "") == "entry:flash"]

    with ws.clock_at(closes - 30 * 3600):
        run(ws)
    assert sends() == []
    with ws.clock_at(closes - 23 * 3600):
        run(ws)
        run(ws)  # twice: posts once
    assert len(sends()) == 1 and "23 小时" in sends()[0]  # members read their group's language (zh-CN)
    with ws.clock_at(closes - 1800):
        run(ws)
    assert len(sends()) == 2
    with ws.clock_at(closes + 1):
        run(ws)
    assert ws.store.scalar("SELECT status FROM groups WHERE id = ?", (g,)) == "closing"
    assert len(sends()) == 3 and "不再接受新成员" in sends()[-1]
    save_policy(ws, "admission", {"modes": ["open"]}, scope="all")
    assert request(ws, "fl", "late", closes + 60)["status"] == "rejecting"
    with ws.clock_at(closes + 25 * 3600):
        run(ws)
    assert ws.store.scalar("SELECT status FROM groups WHERE id = ?", (g,)) == "archived"


def cli(config_path, *args):
    return CliRunner().invoke(build_cli(), ["--config", str(config_path), *args], catch_exceptions=False)


def cli_clock_at(monkeypatch, ts):
    """The CLI opens its own workspace on the wall clock; fix that clock (requests expire)."""
    import types

    monkeypatch.setattr("console.workspace.time", types.SimpleNamespace(time=lambda: ts))


def test_queue_and_decisions_from_the_cli(ws, config_path, monkeypatch):
    cli_clock_at(monkeypatch, T0 + 7200)
    welfare(ws, "q1")
    join(ws, "q1", "bob", T0 - 100)
    save_policy(ws, "admission", {"modes": ["invite"], "on_fail": "hold"}, scope="all")
    r1 = request(ws, "q1", "dan", T0, inviter="bob")
    r2 = request(ws, "q1", "eve", T0 + 1)
    with ws.clock_at(T0 + 7200):
        rows = queue(ws)["rows"]
    assert [r["id"] for r in rows] == [r1["id"], r2["id"]] and all(r["flagged"] for r in rows)
    res = cli(config_path, "joins", "--json")
    out = json.loads(res.output)
    assert res.exit_code == 0 and out["total"] == 2 and {r["id"] for r in out["rows"]} == {r1["id"], r2["id"]}
    res = cli(config_path, "joins")
    assert "dan" in res.output and "held" in res.output and "1-2 of 2" in res.output
    res = cli(config_path, "joins", "reject", str(r1["id"]))
    assert res.exit_code == 2 and "--reason" in res.output
    res = cli(config_path, "joins", "reject", str(r1["id"]), "--reason", "不符合入群条件")
    assert res.exit_code == 0, res.output
    res = cli(config_path, "joins", "approve", str(r2["id"]))
    assert res.exit_code == 0 and "sent to the platform; waiting for its answer" in res.output, res.output
    res = cli(config_path, "joins", "approve", str(r2["id"]))
    assert res.exit_code == 2 and "already approved" in res.output
    rows = {r["id"]: r for r in ws.store.query("SELECT * FROM join_requests")}
    assert rows[r1["id"]]["status"] == "rejecting" and rows[r1["id"]]["reason"] == "不符合入群条件"
    assert rows[r2["id"]]["decided_by"] == "operator:tester"
    (rej,) = actions(ws, "reject_join")
    assert json.loads(rej["params"])["reason"] == "不符合入群条件"
    assert ws.store.scalar("SELECT count(*) FROM audit_log WHERE actor = 'operator:tester'"
                           " AND action IN ('join_request_reject', 'join_request_approve')") == 2


def test_entry_set_show_check_and_bad_input(ws, config_path):
    res = cli(config_path, "entry", "set", "welcome", "--scope", "type:welfare", "--set", "template=欢迎 {nick}")
    assert res.exit_code == 2 and "unknown variable {nick}" in res.output
    res = cli(config_path, "entry", "set", "admission", "--scope", "type:welfare", "--set", "modes=paid")
    assert res.exit_code == 2 and "orders data" in res.output
    res = cli(config_path, "entry", "set", "admission", "--scope", "type:welfare", "--set", "modes=activity,referral",
              "--set", "codes=GO", "--dry-run")
    assert res.exit_code == 0, res.output
    res = cli(config_path, "entry", "show", "--json")
    rows = {r["name"]: r for r in json.loads(res.output)}
    assert rows["admission:type:welfare"]["dry_run"] and rows["admission:type:welfare"]["config"]["codes"] == ["GO"]
    assert "admission:all" in rows and "welcome:type:flash" in rows  # seeded defaults
    res = cli(config_path, "entry", "set", "admission", "--scope", "type:nope", "--set", "modes=open")
    assert res.exit_code == 2 and "unknown group type" in res.output
    res = cli(config_path, "entry", "check")
    assert res.exit_code == 0 and "ok" in res.output
    join(ws, "k1", "a", T0)
    join(ws, "k1", "b", T0)
    with ws.store.write() as c:  # an inconsistency made behind shequn's back is reported
        c.execute("UPDATE groups SET capacity = 1 WHERE platform_group_id = 'k1'")
    res = cli(config_path, "entry", "check")
    assert res.exit_code == 2 and "below its 2 members" in res.output
    res = cli(config_path, "entry", "capacity", "k1", "1")
    assert res.exit_code == 2 and "below its 2 current members" in res.output


def test_referral_tree_and_announcements(ws, config_path):
    join(ws, "r1", "root", T0 - 100)
    join(ws, "r1", "kid", T0 - 50, inviter="root")
    join(ws, "r1", "grandkid", T0 - 10, inviter="kid")
    tree = referral_tree(ws, pid(ws, "root"))
    assert tree["children"][0]["name"] == "kid" and tree["children"][0]["children"][0]["level"] == 2
    res = cli(config_path, "entry", "tree", str(pid(ws, "grandkid")))
    assert "referred by: kid" in res.output
    aid = draft_announcement(ws, "群规", "禁止广告")
    with pytest.raises(PolicyError, match="no active group"):
        publish_announcement(ws, aid, ["type:flash"])
    rows = publish_announcement(ws, aid, ["r1"], at=ws.now() + 3600)
    assert rows[0]["status"] == "pending"
    a = ws.store.one("SELECT * FROM actions WHERE id = ?", (rows[0]["action_id"],))
    assert a["kind"] == "announce" and a["not_before"] == rows[0]["not_before"]
