"""One person's accounts across platforms (issue 18 item 5): link, unlink, undo, suggestions,
the verbs, and KPIs that count a linked person once."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from console import identity
from console.cli import build_cli, cli
from console.identity import LinkError
from console.workspace import Workspace
from tests.conftest import make_config

ME = "operator:tester"
DAY = 86400


def run(*args):
    build_cli([])
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def world(tmp_path):
    """Six people: 1 (qq) and 2 (wechat) the same 小王 with one phone; 3 and 4 the same nickname
    in two groups of family F; 5 shares a nickname with two others (too common); 6 alone."""
    cfg = make_config(tmp_path)
    ws = Workspace.open(cfg)
    with ws.store.write() as c:
        c.executemany("INSERT INTO people(id, display_name, created_at) VALUES (?, ?, ?)",
                      [(1, "小王", 100), (2, "王", 50), (3, "阿花", 1), (4, "花花", 1), (5, "Sunny", 1),
                       (6, "路人", 1), (7, "Sunny", 1), (8, "Sunny", 1)])
        c.executemany("INSERT INTO identities(person_id, platform, platform_user_id, nickname) VALUES (?,?,?,?)",
                      [(1, "qq", "10001", "小王"), (2, "wechat", "wx9", "王"), (3, "qq", "3", "阿花"),
                       (4, "wechat", "wx4", "花花"), (5, "qq", "5", "Sunny"), (6, "qq", "6", "路人"),
                       (7, "qq", "7", "Sunny"), (8, "wechat", "w8", "Sunny")])
        c.executemany("INSERT INTO groups(id, connection_id, platform, platform_group_id, name, family) VALUES"
                      " (?, 'sandbox', ?, ?, ?, ?)", [(1, "qq", "g1", "福利1群", "F"), (2, "wechat", "g2", "福利2群", "F"),
                                                       (3, "qq", "g3", "别的群", "")])
        c.executemany("INSERT INTO memberships(group_id, person_id, status, group_nickname) VALUES (?,?,'member',?)",
                      [(1, 3, "花花"), (2, 4, ""), (1, 5, ""), (2, 7, ""), (1, 8, ""), (3, 6, "花花")])
        c.executemany("INSERT INTO orders(order_id, person_id, amount, ordered_at, phone) VALUES (?,?,?,?,?)",
                      [("o1", 1, 30, 10 * DAY, "13800001234"), ("o2", 2, 50, 11 * DAY, "13800001234"),
                       ("o3", 6, 20, 12 * DAY, "")])
    yield ws, cfg
    ws.close()


def live(ws):
    return sorted(tuple(r) for r in ws.store.execute("SELECT person_id, into_id FROM person_links WHERE ended_at IS NULL"))


def test_suggestions_phone_first_then_nickname_in_a_family(world):
    ws, _ = world
    got = identity.suggestions(ws)
    assert [(s["a"], s["b"]) for s in got] == [(1, 2), (3, 4)]
    assert got[0]["why"] == "same phone 138****1234 in orders"
    assert got[1]["why"] == "same nickname 花花 in family F (福利1群, 福利2群)"  # 6's 花花 is not in the family
    assert got[0]["b_accounts"] == "wechat:wx9"
    assert identity.suggestions(ws, 4) == [got[1]] and identity.suggestions(ws, 6) == []
    identity.link(ws, 1, "wechat:wx9", ME)
    assert [(s["a"], s["b"]) for s in identity.suggestions(ws)] == [(3, 4)]  # already one person: not suggested


def test_link_chains_unlink_and_undo_in_any_order(world):
    ws, _ = world
    op1 = identity.link(ws, "qq:10001", 2, ME, "same phone")
    assert live(ws) == [(2, 1)] and identity.members_of(ws, 2) == [1, 2]
    op2 = identity.link(ws, 3, 1, ME)  # 1's person (with 2) joins 3: everyone points at 3
    assert live(ws) == [(1, 3), (2, 3)] and identity.accounts(ws, 2) == "qq:3 qq:10001 wechat:wx9"
    with pytest.raises(LinkError, match="already one person"):
        identity.link(ws, 2, 3, ME)
    with pytest.raises(LinkError, match="changed these people since"):
        identity.undo(ws, op1, ME)  # op2 moved op1's link: undo op2 first
    assert identity.undo(ws, op2, ME) == ("{name} (#{id}) is a person of their own again", {"name": "小王", "id": 1})
    assert live(ws) == [(2, 1)]  # op1's link is back as it was
    op3 = identity.unlink(ws, 2, ME)
    assert live(ws) == []
    with pytest.raises(LinkError, match="not linked to anyone"):
        identity.unlink(ws, 2, ME)
    identity.undo(ws, None, ME)  # the newest: the unlink
    assert live(ws) == [(2, 1)]
    with pytest.raises(LinkError, match="already undone"):
        identity.undo(ws, op3, ME)
    with pytest.raises(LinkError, match="the person the others are linked to"):
        identity.unlink(ws, 1, ME)
    assert ws.store.scalar("SELECT count(*) FROM audit_log WHERE action LIKE 'people_%'") == 5  # 2 links, 1 unlink, 2 undos
    for bad, why in (("99", "no person with id 99"), ("qq:nobody", "no account qq:nobody"), ("小王", "expected")):
        with pytest.raises(LinkError, match=why):
            identity.link(ws, 1, bad, ME)


def test_kpis_count_a_linked_person_once(world):
    from plugins.kpi.inputs import read_inputs
    from plugins.kpi.segments import member_segment
    from plugins.kpi.window import Scope, Window

    ws, _ = world
    window = Window(ws.day(0), ws.day(30 * DAY))
    assert read_inputs(ws, Scope(), window).buyers == 3  # 1, 2 and 6
    identity.link(ws, 1, 2, ME)
    got = read_inputs(ws, Scope(), window)
    assert (got.buyers, got.orders, got.revenue) == (2, 3, 100.0)  # 小王 is one buyer; orders stay 3
    s1, s2 = member_segment(ws, 1)["signals"], member_segment(ws, 2)["signals"]
    assert s1 == s2 and s1["orders"] == 2 and s1["spent"] == 80.0  # both accounts' orders, one person
    assert s1["known_days"] == member_segment(ws, 1)["signals"]["known_days"]


def test_people_verbs_link_show_suggest_undo_with_json_and_pages(world):
    ws, cfg = world
    ws.close()
    res = run("--config", cfg, "people", "suggest", "--per-page", "1", "--page", "2", "--json")
    page = json.loads(res.stdout)
    assert (page["total"], page["pages"], [r["a"] for r in page["rows"]]) == (2, 2, [3])
    table = run("--config", cfg, "people", "suggest", "--per-page", "1")
    assert "2 suggestions; page 1 of 2 (--page 2 for more)" in table.stdout
    res = run("--config", cfg, "people", "link", "qq:10001", "wechat:wx9", "--reason", "same phone", "--json")
    assert json.loads(res.stdout) == {"op": 1, "person": 1, "accounts": ["qq:10001", "wechat:wx9"]}
    shown = json.loads(run("--config", cfg, "people", "show", "2", "--json").stdout)
    assert shown["person"] == 1 and shown["links"][0]["reason"] == "same phone"
    bad = run("--config", cfg, "people", "link", "1", "2")
    assert bad.exit_code == 2 and "#1 and #2 are already one person (#1)" in bad.stderr
    res = run("--config", cfg, "people", "undo")
    assert res.exit_code == 0 and res.stdout.strip() == "王 (#2) is a person of their own again"
    assert run("--config", cfg, "people", "undo").stderr.strip() == "Error: nothing to undo: no link or unlink"
    zh = make_config(cfg.parent, "[console]\nlanguage = \"zh-CN\"\n")
    assert "已经是同一个人" in run("--config", zh, "people", "link", "1", "1").stderr


def test_orders_import_keeps_the_buyers_phone_and_refuses_a_bad_one(world, tmp_path):
    from plugins.kpi.imports import import_csv

    ws, _ = world
    good = tmp_path / "orders.csv"
    good.write_text("order_id,amount,ordered_at,person_id,phone\n"
                    "n1,10,2025-03-01 10:00,6,+86 138-0000-1234\nn2,12,2025-03-02 10:00,5,\n", encoding="utf-8")
    assert import_csv(ws, "orders", good).stored == 2
    assert ws.store.scalar("SELECT phone FROM orders WHERE order_id = 'n1'") == "13800001234"
    assert ws.store.scalar("SELECT phone FROM orders WHERE order_id = 'n2'") == ""
    # 6 now shares 小王's phone: suggested with 1 (and 2), phone first
    assert [(s["a"], s["b"]) for s in identity.suggestions(ws)][:2] == [(1, 2), (1, 6)]
    bad = tmp_path / "bad.csv"
    bad.write_text("order_id,amount,ordered_at,person_id,phone\nn3,10,2025-03-01 10:00,6,call me\n", encoding="utf-8")
    res = import_csv(ws, "orders", bad)
    assert res.stored == 0 and res.errors == [(2, "phone: 'call me' is not a phone number (5 to 15 digits)")]
