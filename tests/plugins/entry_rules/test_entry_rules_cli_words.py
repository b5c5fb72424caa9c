"""The entry verbs' tables say a policy's kind, scope and state, and a join request's
deciding rule, in words in the workspace's language (as the Workflows screen does); the
policy's code keeps a column of its own (代号), since `entry toggle NAME` takes it; --json
keeps every code. Expected text is written out by hand from the seeded defaults
(seed.py) and the host's words (admission 入群审核, all groups 所有群, enabled 已启用)."""

from __future__ import annotations

import json
import re

import pytest

from entry_kit import T0, verbs_in_both_languages


@pytest.fixture
def verb(ws, config_path):
    """Run a verb in zh-CN (``verb("zh", ...)``) or English; it must succeed: its output."""
    both = verbs_in_both_languages(ws, config_path)

    def run(lang, *args):
        code, out = both(lang, *args)
        assert code == 0, out
        return out

    return run


def cells(output):
    """A table's lines as their cells (cells are apart by two spaces or more), rule line dropped."""
    return [re.split(r"\s{2,}", line.strip()) for line in output.splitlines() if line and not line.startswith("--")]


def test_entry_show_says_kind_scope_and_state_in_words_beside_the_code(verb):
    said = verb("zh", "entry", "set", "welcome", "--scope", "group:好物群", "--set", "template=欢迎 {nickname}",
                "--dry-run")
    assert said.strip() == "已保存 welcome:group:1（欢迎语 · 群：好物群 · 已启用 · 试运行）"
    assert [row[:4] for row in cells(verb("zh", "entry", "show"))] == [
        ["代号", "类型", "范围", "状态"],
        ["admission:all", "入群审核", "所有群", "已启用"],
        ["admission:type:traffic", "入群审核", "类型：引流群", "已启用"],
        ["nickname:all", "昵称", "所有群", "已停用"],
        ["overflow:all", "满员分流", "所有群", "已启用"],
        ["welcome:group:1", "欢迎语", "群：好物群", "已启用 · 试运行"],
        ["welcome:type:flash", "欢迎语", "类型：快闪群", "已启用"],
        ["welcome:type:traffic", "欢迎语", "类型：引流群", "已启用"],
        ["welcome:type:welfare", "欢迎语", "类型：福利群", "已启用"]]
    assert cells(verb("zh", "entry", "show", "--kind", "admission"))[1] == [
        "admission:all", "入群审核", "所有群", "已启用", "推荐制 / 邀请制（满足其一即可）"]
    assert cells(verb("en", "entry", "show", "--kind", "admission")) == [
        ["policy code", "kind", "scope", "state", "summary"],
        ["admission:all", "admission", "all groups", "enabled", "referral / invite-only (any of them)"],
        ["admission:type:traffic", "admission", "type: traffic", "enabled", "open entry (any of them)"]]
    rows = {r["name"]: r for r in json.loads(verb("zh", "entry", "show", "--json"))}  # JSON: codes, as before
    assert (rows["welcome:group:1"]["kind"], rows["welcome:group:1"]["scope"]) == ("welcome", "group:1")
    assert (rows["admission:type:traffic"]["kind"], rows["admission:type:traffic"]["scope"]) == ("admission",
                                                                                               "type:traffic")


def test_entry_toggle_takes_the_code_and_says_what_it_now_is(verb, ws):
    out = verb("zh", "entry", "toggle", "admission:type:traffic", "--disable")
    assert out.strip() == "已更新 admission:type:traffic（入群审核 · 类型：引流群 · 已停用）"
    assert ws.store.scalar("SELECT enabled FROM rules WHERE name = 'admission:type:traffic'") == 0
    out = verb("en", "entry", "toggle", "admission:type:traffic", "--enable", "--dry-run")
    assert out.strip() == "updated admission:type:traffic (admission · type: traffic · enabled · dry-run)"
    assert ws.store.one("SELECT enabled, dry_run FROM rules WHERE name = 'admission:type:traffic'") == {
        "enabled": 1, "dry_run": 1}


def test_joins_table_says_the_deciding_rule_in_words_and_json_keeps_its_code(verb, ws, monkeypatch):
    from test_entry_rules_flash_cli import cli_clock_at

    g1 = ws.store.scalar("SELECT id FROM groups WHERE platform_group_id = 'g1'")
    decided = {1: "admission:all", 2: "entry:referral_depth", 3: "overflow:all", 4: "admission:type:traffic",
               5: "entry:family", 6: "blacklist", 7: "door_check"}
    with ws.store.write() as c:
        c.executemany("INSERT INTO join_requests(id, connection_id, platform_request_id, group_id, requested_at,"
                      " status, rule, reason) VALUES (?, 'sandbox', ?, ?, ?, 'rejected', ?, 'why')",
                      [(i, f"r{i}", g1, T0 - 60 * i, rule) for i, rule in decided.items()])
    cli_clock_at(monkeypatch, T0)
    words = {"zh": {1: "入群审核 · 所有群", 2: "推荐层级上限（法律红线）", 3: "满员分流 · 所有群",
                    4: "入群审核 · 类型：引流群", 5: "同一群矩阵限进一个群", 6: "拉黑"},
             "en": {1: "admission · all groups", 2: "entry referral depth", 3: "overflow · all groups",
                    4: "admission · type: traffic", 5: "entry family", 6: "blacklist", 7: "door check"}}
    for lang, want in words.items():
        lines = {int(line.split()[0]): line for line in verb(lang, "joins", "--status", "all").splitlines()
                 if re.match(r"\d+ ", line)}
        for rid, text in want.items():
            assert re.search(rf"\s\s{re.escape(text)}\s\s+why$", lines[rid]), (lang, lines[rid])
            assert decided[rid] not in lines[rid] or decided[rid] == text, (lang, lines[rid])  # blacklist is a word
    got = json.loads(verb("zh", "joins", "--status", "all", "--json"))["rows"]
    assert {r["id"]: r["rule"] for r in got} == decided
