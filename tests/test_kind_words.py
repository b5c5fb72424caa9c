"""Every task and alert kind the code raises reads as words in zh-CN (console.words.kind_text):
the kinds are found in the source (``add_task("…"``, ``raise_alert("…"``, Douyin's notices,
the module constants the content and WeChat plugins raise, the kpi alerts' KINDS), so a
new kind without its words fails here, naming it."""

from __future__ import annotations

import re
from pathlib import Path

from console.words import kind_text
from console.workspace import Workspace
from tests.conftest import make_config

ROOT = Path(__file__).resolve().parent.parent
PATTERNS = [re.compile(r'(?:add_task|raise_alert)\(\s*"([a-z_]+)"'), re.compile(r'\bNotice\("([a-z_]+)"'),
            re.compile(r'(?m)^(?:KIND|TASK) = "([a-z_]+)"')]


def kinds_in_source() -> set[str]:
    found: set[str] = set()
    for folder in ("console", "plugins"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for rx in PATTERNS:
                found.update(rx.findall(text))
    from plugins.kpi.alerts import KINDS

    return found | set(KINDS)


def test_the_scan_finds_the_kinds_it_should():
    kinds = kinds_in_source()
    assert {"duplicate_in_family", "store_fault", "douyin_authorise", "content_unanswered_question",
            "wechat_mass_send", "churn_spike", "join_burst"} <= kinds
    assert len(kinds) >= 36


def test_every_kind_has_zh_cn_words(tmp_path):
    ws = Workspace.open(make_config(tmp_path, '[console]\nlanguage = "zh-CN"\n'))
    try:
        missing = sorted(k for k in kinds_in_source() if kind_text(ws.t, k) == k.replace("_", " "))
    finally:
        ws.close()
    assert missing == [], f"task/alert kinds without zh-CN words (add '<kind with spaces>' to a catalogue): {missing}"


def test_english_is_the_code_with_spaces(tmp_path):
    ws = Workspace.open(make_config(tmp_path, '[console]\nlanguage = "en"\n'))
    try:
        assert kind_text(ws.t, "duplicate_in_family") == "duplicate in family"
        assert kind_text(ws.t, "") == ""
    finally:
        ws.close()


def test_an_alerts_and_a_tasks_detail_name_the_kind_in_words(tmp_path):
    from console.tui import detail_queries

    ws = Workspace.open(make_config(tmp_path, '[console]\nlanguage = "zh-CN"\n'))
    try:
        aid = ws.raise_alert("churn_spike", "群A：今天 6 人退群")
        tid = ws.add_task("duplicate_in_family", "老王 同时在两个群里")
        alert = "\n".join(detail_queries.alert(ws, aid, ws.tr)["body"])
        task = "\n".join(detail_queries.task(ws, tid, ws.tr)["body"])
    finally:
        ws.close()
    assert "退群激增" in alert and "churn_spike" not in alert
    assert "群矩阵重复成员" in task and "duplicate_in_family" not in task
