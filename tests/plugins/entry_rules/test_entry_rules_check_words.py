"""`shequn entry check` and the entry verbs' messages in the workspace's language: the
problems a person reads in words (its JSON in English, for scripts), the ok line, the
family and capacity verbs' answers and the verbs' own errors. Expected text written by
hand from translations.py."""

from __future__ import annotations

import json

import pytest

from entry_kit import verbs_in_both_languages


@pytest.fixture
def run(ws, config_path):
    """A verb in zh-CN (``run("zh", ...)``) or English: its exit code and what it printed."""
    return verbs_in_both_languages(ws, config_path)


def test_entry_check_says_ok_and_its_problems_in_words(run, ws):
    assert run("zh", "entry", "check") == (0, "入群规则检查：没有问题\n")
    assert run("en", "entry", "check") == (0, "entry policies: ok\n")
    gid = ws.store.scalar("SELECT id FROM groups WHERE platform_group_id = 'g1'")
    with ws.store.write() as c:
        c.execute("UPDATE groups SET capacity = 0, type = 'flash', closes_at = NULL, status = 'active' WHERE id = ?",
                  (gid,))
        c.execute("UPDATE rules SET scope_type = 'group', scope_value = '999' WHERE name = 'nickname:all'")
    code, out = run("zh", "entry", "check")
    assert code == 2
    lines = [line.rstrip() for line in out.splitlines() if not line.startswith("--")]
    assert lines[0].split() == ["内容", "问题"]
    assert lines[1].split() == ["规则", "nickname:all", "它作用的群", "999", "已不存在"]
    assert lines[2].split("  ")[0] == f"群 {gid}「好物群」" and lines[2].endswith("群上限 0 低于现有的 1 名成员")
    assert lines[3].endswith("快闪群没有关闭时间（shequn entry flash 群 --clo…")
    code, out = run("zh", "entry", "check", "--json")  # JSON: in English, for scripts
    assert code == 2 and json.loads(out) == [
        {"what": "rule nickname:all", "problem": "its group 999 no longer exists"},
        {"what": f"group {gid} 好物群", "problem": "capacity 0 is below its 1 members"},
        {"what": f"group {gid} 好物群",
         "problem": "flash group without a closing date (shequn entry flash GROUP --closes ...)"}]


def test_the_family_and_capacity_verbs_answer_in_words(run, ws):
    gid = ws.store.scalar("SELECT id FROM groups WHERE platform_group_id = 'g1'")
    assert run("zh", "entry", "capacity", "好物群", "300") == (0, f"群 {gid}「好物群」：群上限 300（现有 1 人）\n")
    assert run("en", "entry", "capacity", "好物群", "200") == (0, f"group {gid} 好物群: capacity 200 (1 members)\n")
    assert run("zh", "entry", "family", "好物群", "好物") == (0, f"群 {gid}「好物群」已加入群矩阵「好物」\n")
    assert run("en", "entry", "family", "好物群", "好物") == (0, f"group {gid} 好物群 is in family 好物\n")


def test_the_entry_verbs_errors_and_messages_in_words(run):
    assert run("zh", "entry", "toggle", "admission:all") == (
        2, "错误：请说明要改什么：--enable/--disable 和（或）--dry-run/--live\n")
    assert run("en", "entry", "toggle", "admission:all")[1] == (
        "Error: say what to change: --enable/--disable and/or --dry-run/--live\n")
    assert run("zh", "entry", "set", "welcome", "--set", "template")[1] == "错误：--set 'template' 无法识别：应为 KEY=VALUE\n"
    assert run("zh", "entry", "set", "welcome", "--config", "{")[1].startswith("错误：--config 不是有效的 JSON：")
    assert run("zh", "entry", "flash", "好物群", "--closes", "明天")[1] == (
        "错误：时间 '明天' 无法识别：应为 YYYY-MM-DD HH:MM（Asia/Shanghai 时区）\n")
    assert run("zh", "entry", "announce", "draft", "标题", "正文") == (0, "群公告 1 已保存\n")
    assert run("en", "entry", "announce", "draft", "t", "x") == (0, "announcement 2 saved\n")


def test_overflow_is_one_word_in_chinese(ws):
    """The kind's code and its title say the same: 满员分流 (the host's word), not 满群分流."""
    ws.settings.console.language = "zh-CN"
    assert ws.tr("overflow") == ws.tr("Overflow to sibling groups") == "满员分流"


def test_activity_flash_and_tree_verbs_answer_in_words(run, ws):
    pid = ws.store.scalar("SELECT id FROM people ORDER BY id LIMIT 1")
    with ws.store.write() as c:
        c.execute("UPDATE groups SET type = 'flash' WHERE platform_group_id = 'g1'")
    assert run("zh", "entry", "activity", "直播", str(pid)) == (0, "直播：已添加 1 人\n")
    assert run("en", "entry", "activity", "live", str(pid)) == (0, "live: 1 added\n")
    assert run("zh", "entry", "flash", "好物群", "--closes", "2030-07-01 12:00") == (
        0, "快闪群「好物群」将于 2030-07-01 12:00 关闭\n")
    assert run("en", "entry", "flash", "好物群", "--closes", "2030-07-01 13:00") == (
        0, "flash group 好物群 closes at 2030-07-01 13:00\n")
    assert run("zh", "entry", "tree", str(pid))[1].splitlines()[0].split() == ["群成员", "推荐层级", "推荐人数"]
    assert run("en", "entry", "tree", str(pid))[1].splitlines()[0].split() == ["member", "referral", "level",
                                                                             "people", "referred"]


def test_a_refused_request_is_said_in_the_workspaces_language(run):
    """PolicyError.of keeps its template: the CLI says it through the catalogue; str() stays English."""
    from plugins.entry_rules.policies import PolicyError

    assert run("zh", "entry", "capacity", "好物群", "0")[1] == "错误：群「好物群」的群上限 0 无效：至少为 1\n"
    assert run("en", "entry", "capacity", "好物群", "0")[1] == "Error: capacity 0 for group 好物群: expected 1 or more\n"
    assert run("zh", "entry", "capacity", "没有的群", "9")[1] == (
        "错误：没有群 '没有的群'（请给出群编号、平台群号或完整群名；见 `shequn entry families`）\n")
    assert run("zh", "entry", "toggle", "nope", "--enable")[1] == "错误：没有代号为 'nope' 的入群规则（见 `shequn entry show`）\n"
    assert run("zh", "entry", "flash", "好物群", "--closes", "2030-01-01 10:00")[1] == (
        "错误：群「好物群」不是快闪群：只有快闪群有关闭时间（请先修改群类型）\n")
    assert run("zh", "entry", "set", "welcome", "--scope", "type:x", "--set", "template=hi")[1] == (
        "错误：范围 'type:x'：没有群类型 'x'；可选 traffic, welfare, flash\n")
    assert run("zh", "entry", "announce", "draft", " ", "x")[1] == "错误：群公告标题为空\n"
    assert run("zh", "entry", "announce", "publish", "99", "all")[1] == "错误：没有群公告 99\n"
    e = PolicyError.of("no group {id}", id=7)
    assert (str(e), e.template, e.values) == ("no group 7", "no group {id}", {"id": 7})
