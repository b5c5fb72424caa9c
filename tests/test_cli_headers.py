"""A CLI table's header is words in the workspace's language, never the keys its JSON
keeps (``task_kind``, ``group_name``, ``sent_1h``): console/cli/headers.py."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from console.cli import build_cli, cli
from console.workspace import Workspace
from tests.conftest import make_config

VERBS = [["tasks"], ["alerts"], ["rules"], ["entry", "show"], ["connections"], ["plugins"]]


@pytest.fixture
def zh(tmp_path):
    cfg = make_config(tmp_path, '[console]\nlanguage = "zh-CN"\n')
    with Workspace.open(cfg) as ws:
        with ws.store.write() as c:
            c.execute("INSERT INTO groups(connection_id, platform, platform_group_id, name, type, created_at)"
                      " VALUES ('sandbox', 'sandbox', 'g1', '好物群', 'traffic', 1750000000)")
        ws.add_task("check_action", "看一下", group_id=1, source="test")
        ws.raise_alert("queue_waiting", "3 条入群申请等待", why="test", dedupe_key="t")
    build_cli([])
    return cfg


@pytest.mark.parametrize("verb", VERBS, ids=" ".join)
def test_every_header_is_chinese_in_a_chinese_workspace(zh, verb):
    out = CliRunner().invoke(cli, ["--config", str(zh), *verb], catch_exceptions=False).output
    head = out.splitlines()[0]
    assert head.strip() and not re.search(r"[a-z_]{2,}", head), head  # ID and KPI are words in Chinese too


def test_the_json_keeps_the_keys_and_english_reads_words(zh, tmp_path):
    got = json.loads(CliRunner().invoke(cli, ["--config", str(zh), "tasks", "--json"]).output)
    rows = got["rows"] if isinstance(got, dict) else got
    assert "task_kind" in rows[0] and "group_name" in rows[0]
    (tmp_path / "en").mkdir()
    en = make_config(tmp_path / "en", "")
    with Workspace.open(en) as ws:
        ws.add_task("check_action", "look", source="test")
    head = CliRunner().invoke(cli, ["--config", str(en), "tasks"]).output.splitlines()[0]
    assert head.split() == ["id", "task", "group", "what", "assignee"]
