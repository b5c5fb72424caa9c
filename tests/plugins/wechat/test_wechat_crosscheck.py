"""WeCom's statistics as a second source: pulled within WeCom's rules, and held against
shequn's rollups day by day by ``shequn kpi crosscheck --platform wechat``."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from console.cli import build_cli, cli
from console.workspace import Workspace
from plugins.wechat.statistics import china_day, day_start, pull, window
from tests.conftest import make_config
from tests.plugins.wechat.wechathelpers import AES_KEY, TOKEN, make_connector, make_fake

BASE = '[operator]\nname = "tester"\ntimezone = "Asia/Shanghai"\n\n[database]\npath = "shequn.db"\n'


def test_the_window_keeps_wecoms_rules():
    now = day_start(date(2026, 11, 26)) + 3600
    first, last, notes = window(date(2026, 1, 1), date(2026, 11, 26), now)
    assert (first, last) == (date(2026, 5, 30), date(2026, 11, 25))  # 180 days back, yesterday at most
    assert notes == ["today's figures come tomorrow (WeCom's statistics are T+1)",
                     "WeCom keeps 180 days: nothing before 2026-05-30"]


async def test_a_pull_asks_thirty_days_at_a_time():
    wc = make_fake()
    c = make_connector(wc, owners=["zhangsan"])
    try:
        today = china_day(time.time())
        wc.state.set_stat("zhangsan", day_start(today - timedelta(days=40)), new_member_cnt=4)
        wc.state.set_stat("wangwu", day_start(today - timedelta(days=40)), new_member_cnt=9)  # not our owner
        rows, notes = await pull(c, today - timedelta(days=45), today, time.time())
    finally:
        await c.aclose()
        wc.stop()
    calls = wc.routes_called("externalcontact/groupchat/statistic_group_by_day")
    spans = [(p["day_end_time"] - p["day_begin_time"]) // 86400 + 1 for p in calls]
    assert spans == [30, 15] and all(p["owner_filter"] == {"userid_list": ["zhangsan"]} for p in calls)
    assert len(rows) == 45 and {r["day"]: r["new_member_cnt"] for r in rows}[
        (today - timedelta(days=40)).isoformat()] == 4
    assert notes == ["today's figures come tomorrow (WeCom's statistics are T+1)"]


@pytest.fixture
def workspace_with_days(tmp_path):
    wc = make_fake()
    cfg = make_config(tmp_path, f"""
[connections.wx1]
platform = "wechat"
enabled = true
corp_id = "{wc.corp_id}"
secret = "appSecret"
token = "{TOKEN}"
encoding_aes_key = "{AES_KEY}"
base_url = "{wc.base_url}"
""", base=BASE)
    today = china_day(time.time())
    d1, d2, d3 = (today - timedelta(days=n) for n in (1, 2, 3))
    wc.state.set_stat("zhangsan", day_start(d3), member_total=10)
    wc.state.set_stat("zhangsan", day_start(d2), new_member_cnt=3, member_total=12, msg_total=40, member_has_msg=5)
    wc.state.set_stat("zhangsan", day_start(d1), new_member_cnt=2, member_total=13)
    ws = Workspace.open(cfg)
    with ws.store.write() as c:
        gid = c.execute("INSERT INTO groups(connection_id, platform, platform_group_id, name, created_at)"
                        " VALUES ('wx1', 'wechat', 'wrGroupA', '福利群 A', 0)").lastrowid
        c.executemany("INSERT INTO rollups_daily(group_id, day, joins, leaves) VALUES (?,?,?,?)",
                      [(gid, d2.isoformat(), 3, 1), (gid, d1.isoformat(), 1, 1)])
    ws.close()
    yield cfg, wc, (d1, d2, d3)
    wc.stop()


def crosscheck(cfg, *args):
    build_cli([])
    return CliRunner().invoke(cli, ["--config", str(cfg), "kpi", "crosscheck", "--platform", "wechat", *args],
                              catch_exceptions=False)


def test_crosscheck_prints_the_days_and_why_they_differ(workspace_with_days):
    cfg, wc, (d1, d2, d3) = workspace_with_days
    r = crosscheck(cfg, "--since", d2.isoformat(), "--until", d1.isoformat(), "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["days"] == [
        {"day": d2.isoformat(), "joins shequn": 3, "joins wechat": 3, "leaves shequn": 1, "leaves wechat": 1,
         "messages shequn": 0, "messages wechat": 40, "active shequn": 0, "active wechat": 5,
         "differs": "messages -40, active -5"},
        {"day": d1.isoformat(), "joins shequn": 1, "joins wechat": 2, "leaves shequn": 1, "leaves wechat": 1,
         "messages shequn": 0, "messages wechat": 0, "active shequn": 0, "active wechat": 0, "differs": "joins -1"}]
    assert len(out["reasons"]) == 3 and out["reasons"][0].startswith("The platform counts messages shequn never")
    assert "callbacks lost while shequn serve was down" in out["reasons"][2]
    table = crosscheck(cfg, "--since", d2.isoformat(), "--until", d1.isoformat(), "--no-pull")
    assert d2.isoformat() in table.output and "messages -40" in table.output and "- Joins the platform" in table.output


def test_crosscheck_in_chinese_and_for_an_unknown_platform(workspace_with_days):
    cfg, wc, (d1, d2, d3) = workspace_with_days
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("[operator]", '[console]\nlanguage = "zh-CN"\n\n[operator]'),
                   encoding="utf-8")
    r = crosscheck(cfg, "--since", d2.isoformat(), "--until", d1.isoformat())
    assert "消息 -40" in r.output and "企业微信不会把客户群消息推送给应用" in r.output
    build_cli([])
    bad = CliRunner().invoke(cli, ["--config", str(cfg), "kpi", "crosscheck", "--platform", "qq"])
    assert bad.exit_code != 0 and "平台 qq 没有第二数据源；可用：wechat" in bad.output
