"""`shequn rules list` says a rule's kind, scope, mode and whether it settles in words in
the workspace's language, as the Moderation screen's Rules tab does (the name stays the
code `rules enable NAME` takes); --json keeps every code. Expected text written by hand
from the rules a new workspace gets (ads, abuse, flood, scam: all groups, live)."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner
from tests.conftest import make_config

from console.cli import build_cli, cli
from console.words import rule_text
from console.workspace import Workspace


def _run(path, *args):
    res = CliRunner().invoke(cli, ["--config", str(path), *args], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.output


def _rows(output):
    return {cells[0]: cells for cells in (re.split(r"\s{2,}", line.strip()) for line in output.splitlines()[2:])}


def test_rules_list_says_kind_scope_mode_and_settles_in_words(tmp_path):
    (tmp_path / "zh").mkdir(), (tmp_path / "en").mkdir()
    zh = make_config(tmp_path / "zh", '[console]\nlanguage = "zh-CN"\n')
    en = make_config(tmp_path / "en")
    for path in (zh, en):
        ws = Workspace.open(path)
        with ws.store.write() as c:
            c.execute("INSERT INTO groups(connection_id, platform, platform_group_id, name, type) VALUES"
                      " ('sandbox', 'sandbox', 'g1', '好物群', 'welfare')")
            gid = c.execute("SELECT id FROM groups WHERE platform_group_id = 'g1'").fetchone()[0]
            c.execute("UPDATE rules SET scope_type = 'group', scope_value = ?, dry_run = 1 WHERE name = 'flood'",
                      (str(gid),))
            c.execute("UPDATE rules SET enabled = 0 WHERE name = 'scam'")
        ws.close()
    build_cli([])
    zh_rows, en_rows = _rows(_run(zh, "rules", "list")), _rows(_run(en, "rules", "list"))
    assert [zh_rows[n][:4] for n in ("abuse", "ads", "flood", "scam")] == [
        ["abuse", "辱骂", "所有群", "生效中"], ["ads", "广告", "所有群", "生效中"],
        ["flood", "刷屏", "群：好物群", "试运行"], ["scam", "诈骗", "所有群", "已停用"]]
    assert [en_rows[n][:4] for n in ("ads", "flood", "scam")] == [
        ["ads", "ads", "all groups", "live"], ["flood", "flood", "group: 好物群", "dry-run"],
        ["scam", "scam", "all groups", "off"]]
    assert zh_rows["ads"][10] == "是" and en_rows["ads"][10] == "yes"
    got = {r["name"]: r for r in json.loads(_run(zh, "rules", "list", "--json"))}  # JSON: the codes, as before
    assert (got["flood"]["kind"], got["flood"]["scope"], got["flood"]["mode"]) == ("flood", f"group:{gid}", "dry-run")
    assert got["ads"]["settles"] is True


def test_a_rule_below_the_bar_and_the_door_check_read_in_chinese(tmp_path):
    ws = Workspace.open(make_config(tmp_path, '[console]\nlanguage = "zh-CN"\n'))
    try:
        assert ws.tr("no (below the bar)") == "否（低于准确率门槛）"
        assert rule_text(ws.tr, "door_check") == "入群前核查"  # a join request's deciding rule
        assert rule_text(lambda s, **k: s, "door_check") == "door check"
    finally:
        ws.close()
