"""``shequn tasks`` and ``shequn alerts``: the true total in the table and in --json, a
second page past 500 rows, filters, settling one item, and bad input refused in words."""

from __future__ import annotations

import json
import time

from click.testing import CliRunner

from console.cli import build_cli



def run(config_path, *args):
    return CliRunner().invoke(build_cli([]), ["--config", str(config_path), *args])


def seed(ws):
    """The CLI reads the real clock: task i is made i hours before now (ages are whole
    hours apart, so a test run's seconds never move an item across a bound)."""
    now = int(time.time())
    with ws.store.write() as c:
        c.execute("INSERT INTO groups(id, connection_id, platform, platform_group_id, name, created_at)"
                  " VALUES (1, 'sandbox', 'sandbox', 'g1', '福利一群', 1), (2, 'sandbox', 'sandbox', 'g2', 'Traffic', 1)")
        # 620 tasks (ids 1-310 in group 1), 10 of them fix_nickname
        c.executemany("INSERT INTO tasks(id, kind, title, group_id, created_at) VALUES (?, ?, ?, ?, ?)",
                      [(i, "fix_nickname" if i <= 10 else "do_by_hand", f"t{i}", 1 if i <= 310 else 2, now - 3600 * i)
                       for i in range(1, 621)])
        c.executemany("INSERT INTO alerts(id, kind, group_id, severity, message, opened_at) VALUES (?, ?, 2, ?, ?, ?)",
                      [(i, "silent_group", "error" if i == 7 else "warning", f"a{i}", now - i) for i in range(1, 11)])


def test_tasks_total_and_second_page_past_500(ws, config_path):
    seed(ws)
    ws.close()
    r = run(config_path, "tasks", "--json", "--per-page", "500", "--page", "2")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert (out["total"], out["page"], out["pages"], len(out["rows"])) == (620, 2, 2, 120)
    assert out["rows"][0]["id"] == 501 and out["rows"][-1]["id"] == 620  # newest first
    r = run(config_path, "tasks", "--per-page", "5")
    assert "620 open tasks; page 1 of 124 (--page 2 for more)" in r.output
    r = run(config_path, "tasks", "--json", "--kind", "fix_nickname")
    assert json.loads(r.output)["total"] == 10
    r = run(config_path, "tasks", "--json", "--group", "1", "--older-than", "10h")
    assert json.loads(r.output)["total"] == 301  # group 1 holds 1..310; 10 hours old or more: 10..310
    r = run(config_path, "tasks", "--json", "--group", "福利", "--newer-than", "5h")
    assert json.loads(r.output)["total"] == 4  # 1..4 hours old


def test_task_done_and_alert_resolve(ws, config_path):
    seed(ws)
    ws.close()
    assert run(config_path, "tasks", "done", "3").output.strip() == "task 3: done"
    r = run(config_path, "tasks", "done", "3")
    assert r.exit_code == 2 and "task 3 is already done" in r.output
    assert json.loads(run(config_path, "tasks", "--json").output)["total"] == 619
    alerts = json.loads(run(config_path, "alerts", "--json").output)
    assert alerts["total"] == 10 and [a["id"] for a in alerts["rows"][:3]] == [7, 1, 2]  # the error first
    r = run(config_path, "alerts", "resolve", "7")
    assert r.exit_code == 0 and "comes back only if its cause changes" in r.output
    assert run(config_path, "alerts", "resolve", "7").exit_code == 2
    assert json.loads(run(config_path, "alerts", "--json").output)["total"] == 9


def test_bad_input_is_refused_in_words(ws, config_path):
    ws.close()
    r = run(config_path, "tasks", "--older-than", "two days")
    assert r.exit_code == 2 and "--older-than 'two days': expected a whole number and m, h or d" in r.output
    r = run(config_path, "alerts", "--per-page", "0")
    assert r.exit_code == 2 and "--per-page" in r.output
    r = run(config_path, "alerts", "resolve", "424242")
    assert r.exit_code == 2 and "no alert 424242" in r.output


def test_a_chinese_workspace_reads_the_footer_and_the_answers_in_chinese(tmp_path):
    from console.workspace import Workspace
    from tests.conftest import make_config

    cfg = make_config(tmp_path, '[console]\nlanguage = "zh-CN"\n')
    with Workspace.open(cfg) as ws:
        seed(ws)
    assert "共 620 个待办；第 1 / 124 页（--page 2 查看更多）" in run(cfg, "tasks", "--per-page", "5").output
    assert run(cfg, "tasks", "done", "3").output.strip() == "待办 3：已完成"
    assert "待办 3 已完成过" in run(cfg, "tasks", "done", "3").output
    assert run(cfg, "tasks", "done", "4", "--dismiss").output.strip() == "待办 4：已忽略"
    alerts = run(cfg, "alerts").output
    assert "共 10 条未处理提醒；第 1 / 1 页" in alerts and " 出错 " in alerts and " 警告 " in alerts  # severity in words
    assert run(cfg, "alerts", "resolve", "7").output.strip() == "提醒 7：已处理（只有原因变化时才会再次出现）"
    assert "没有编号为 99 的提醒" in run(cfg, "alerts", "resolve", "99").output


def test_kinds_read_as_words_and_kind_takes_code_or_words(tmp_path):
    from console.workspace import Workspace
    from tests.conftest import make_config

    for lang, nick, silent in (("zh-CN", "修改群昵称", "僵尸群"), ("en", "fix nickname", "silent group")):
        folder = tmp_path / lang
        folder.mkdir()
        path = make_config(folder, f'[console]\nlanguage = "{lang}"\n')
        ws = Workspace.open(path)
        seed(ws)
        ws.close()
        rows = [line.split() for line in run(path, "tasks", "--per-page", "20").output.splitlines()[2:22]]
        assert all(r[1] != "fix_nickname" and r[1] != "do_by_hand" for r in rows)
        assert sum(" ".join(r).count(nick) for r in rows) == 10  # tasks 1-10 are the newest: all on page 1
        for said in ("fix_nickname", nick, "fix nickname", "Fix Nickname"):
            assert json.loads(run(path, "tasks", "--json", "--kind", said).output)["total"] == 10, said
        assert json.loads(run(path, "tasks", "--json", "--kind", "fix_nickname").output)["rows"][0]["task_kind"] \
            == "fix_nickname"  # JSON keeps the code
        assert json.loads(run(path, "alerts", "--json", "--kind", silent).output)["total"] == 10
        assert json.loads(run(path, "tasks", "--json", "--kind", "no such kind").output)["total"] == 0
        assert silent in run(path, "alerts").output


def test_stored_titles_read_in_the_workspaces_language_now(tmp_path):
    """A task or an alert is stored in the language the workspace had when it was raised; a
    workspace switched to zh-CN later lists the older ones in Chinese (the table), while
    --json keeps the stored text. A member's own words stay as they are."""
    from console.workspace import Workspace
    from tests.conftest import make_config

    now = int(time.time())
    cfg = make_config(tmp_path, '[console]\nlanguage = "zh-CN"\n')
    with Workspace.open(cfg) as ws:
        with ws.store.write() as c:
            c.execute("INSERT INTO groups(id, connection_id, platform, platform_group_id, name, created_at)"
                      " VALUES (1, 'sandbox', 'sandbox', 'g1', '福利一群', 1)")
            c.execute("INSERT INTO tasks(id, kind, title, group_id, created_at) VALUES (1, 'duplicate_in_family',"
                      " 'Ann is in two groups of family 福利', 1, ?), (2, 'do_by_hand', '给 Ann 发红包', 1, ?)",
                      (now - 60, now - 120))
            c.execute("INSERT INTO alerts(id, kind, group_id, severity, message, why, opened_at) VALUES (1,"
                      " 'understaffed_group', 1, 'warning', 'Group 福利一群 is understaffed', '0 cheer squad,"
                      " guideline 2-3', ?)", (now,))
    out = run(cfg, "tasks").output
    assert "Ann 同时在群矩阵「福利」的两个群里" in out and "给 Ann 发红包" in out
    assert "is in two groups" not in out
    assert json.loads(run(cfg, "tasks", "--json").output)["rows"][0]["what"] == "Ann is in two groups of family 福利"
    alerts = run(cfg, "alerts").output
    assert "群「福利一群」人手不足" in alerts and "气氛组 0 人，建议 2-3 人" in alerts
