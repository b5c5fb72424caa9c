"""`shequn rules list` and `shequn entry show` print a rule's summary in the workspace's
language, as the Moderation and Workflows screens do; their JSON keeps the English one,
for scripts."""

from __future__ import annotations

import json

from click.testing import CliRunner
from tests.conftest import make_config

from console.cli import build_cli, cli
from console.workspace import Workspace


def _zh_workspace(tmp_path):
    path = make_config(tmp_path, '[console]\nlanguage = "zh-CN"\n')
    Workspace.open(path).close()  # migrated, with the rules and policies a new user gets
    build_cli([])
    return path


def test_rules_list_reads_in_chinese_and_its_json_in_english(tmp_path):
    path = _zh_workspace(tmp_path)
    runner = CliRunner()
    res = runner.invoke(cli, ["--config", str(path), "rules", "list"])
    assert res.exit_code == 0, res.output
    ads = next(line for line in res.output.splitlines() if line.startswith("ads "))
    assert "链接" in ads and "links" not in ads
    res = runner.invoke(cli, ["--config", str(path), "rules", "list", "--json"])
    ads = next(r for r in json.loads(res.output) if r["name"] == "ads")
    assert ads["summary"].startswith("links")


def test_entry_show_reads_in_chinese_and_its_json_in_english(tmp_path):
    path = _zh_workspace(tmp_path)
    runner = CliRunner()
    res = runner.invoke(cli, ["--config", str(path), "entry", "show", "--kind", "overflow"])
    assert res.exit_code == 0, res.output
    assert "达到群上限的 100% 时" in res.output and "capacity" not in res.output
    res = runner.invoke(cli, ["--config", str(path), "entry", "show", "--kind", "overflow", "--json"])
    assert json.loads(res.output)[0]["summary"] == "at 100% of capacity"


def test_cases_list_reads_status_and_category_in_chinese_and_its_json_keeps_codes(tmp_path):
    path = _zh_workspace(tmp_path)
    ws = Workspace.open(path)
    with ws.store.write() as c:
        c.execute("INSERT INTO cases(kind, rule, actor, step, evidence, status, opened_at) VALUES"
                  " ('penalty', 'flood', 'rule:flood', 'kick', ?, 'open', ?)",
                  (json.dumps({"category": "same text repeated", "text": "刷屏"}), ws.now()))
    ws.close()
    runner = CliRunner()
    res = runner.invoke(cli, ["--config", str(path), "cases"])
    assert res.exit_code == 0, res.output
    row = next(line for line in res.output.splitlines() if " 刷屏 " in line)  # the rule by its name too
    assert "重复发送相同内容" in row and "待复核" in row and "踢出" in row and "repeated" not in row
    assert res.output.splitlines()[-1] == "第 1-1 条，共 1 条"
    got = json.loads(runner.invoke(cli, ["--config", str(path), "cases", "list", "--json"]).output)
    assert (got["rows"][0]["status"], got["rows"][0]["category"]) == ("open", "same text repeated")


def test_a_cases_reason_is_written_in_the_consoles_language(tmp_path):
    """The reason the outbox, the blacklist and the audit log keep: 'ads：推广关键词（第 2 次，拉黑）'
    in a zh-CN workspace (it was English whatever the language)."""
    from moderation_helpers import T0, feed, join, msg

    ws = Workspace.open(make_config(tmp_path, '[console]\nlanguage = "zh-CN"\n'))
    feed(ws, [join("g1", "spam1", T0 - 3 * 86400)], T0 - 3 * 86400)
    feed(ws, [msg("g1", "spam1", "兼职刷单日结，加我 vx：abc12345", T0)], T0)
    feed(ws, [msg("g1", "spam1", "兼职刷单日结，加我 vx：abc12345", T0 + 600)], T0 + 600)
    reasons = [r[0] for r in ws.store.execute("SELECT reason FROM actions WHERE kind IN ('send', 'kick') ORDER BY id")]
    blacklisted = ws.store.scalar("SELECT reason FROM blacklist")
    ws.close()
    assert reasons[0].startswith("ads：") and "（第 1 次，警告）" in reasons[0]
    assert blacklisted.startswith("ads：") and blacklisted.endswith("（第 2 次，拉黑）")
    assert not any(c.isascii() and c.isalpha() for c in blacklisted.replace("ads", ""))
