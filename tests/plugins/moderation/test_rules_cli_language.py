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
    row = next(line for line in res.output.splitlines() if " flood " in line)
    assert "重复发送相同内容" in row and "未处理" in row and "repeated" not in row
    got = json.loads(runner.invoke(cli, ["--config", str(path), "cases", "list", "--json"]).output)
    assert (got["rows"][0]["status"], got["rows"][0]["category"]) == ("open", "same text repeated")
