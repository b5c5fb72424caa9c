"""`shequn kpi member ID` names a member's tags in the workspace's language (首次出现, 订单,
事实), as the profile does; CSV and JSON keep the codes for scripts."""

from __future__ import annotations

from click.testing import CliRunner

from console.cli import build_cli, cli
from console.workspace import Workspace
from tests.conftest import make_config


def test_a_members_tags_read_in_chinese_and_csv_keeps_codes(tmp_path):
    path = make_config(tmp_path, '[console]\nlanguage = "zh-CN"\n')
    ws = Workspace.open(path)
    with ws.store.write() as c:
        c.execute("INSERT INTO people(id, display_name, city, created_at) VALUES (5, '晴天', '杭州', 1750000000)")
        c.execute("INSERT INTO orders(order_id, person_id, amount, ordered_at) VALUES ('o1', 5, 39.9, 1750000000)")
    from plugins.kpi.tags import rebuild

    rebuild(ws)
    ws.close()
    build_cli([])
    res = CliRunner().invoke(cli, ["--config", str(path), "kpi", "member", "5"])
    assert res.exit_code == 0, res.output
    lines = {line.split()[1]: line.split() for line in res.output.splitlines()[3:] if line.strip()}
    assert lines["订单"][0] == "动态" and lines["订单"][2] == "1" and lines["订单"][3] == "事实"
    assert {"首次出现", "城市", "消费金额"} <= set(lines) and "first_seen" not in res.output
    csv = CliRunner().invoke(cli, ["--config", str(path), "kpi", "member", "5", "--format", "csv"]).output
    assert "dynamic,orders,1,fact" in csv


def test_the_kpi_header_names_a_platform_and_a_group_type_in_chinese(tmp_path):
    path = make_config(tmp_path, '[console]\nlanguage = "zh-CN"\n')
    ws = Workspace.open(path)
    with ws.store.write() as c:
        c.execute("INSERT INTO groups(connection_id, platform, platform_group_id, name, type, created_at)"
                  " VALUES ('sandbox', 'sandbox', 'g1', '好物群', 'traffic', 1750000000)")
    ws.close()
    build_cli([])
    heads = [CliRunner().invoke(cli, ["--config", str(path), "kpi", *args]).output.splitlines()[0]
             for args in (["--platform", "sandbox"], ["--type", "traffic"], ["--group", "好物群"])]
    assert heads[0].startswith("数据看板: 平台 沙盒, ") and heads[1].startswith("数据看板: 类型 引流群, ")
    assert heads[2].startswith("数据看板: 群 好物群, ")  # a name is never looked up as a word
