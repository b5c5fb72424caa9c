"""`shequn connections` says a connection switched off in config.toml is switched off
(已停用), as the Connections screen does, not "unavailable"; its JSON keeps the state code."""

from __future__ import annotations

import json

from click.testing import CliRunner

from console.cli import build_cli, cli
from console.workspace import Workspace
from tests.conftest import make_config


def test_a_switched_off_connection_reads_switched_off_in_both_languages(tmp_path):
    for lang, word in (("zh-CN", "已停用"), ("en", "switched off")):
        folder = tmp_path / lang
        folder.mkdir()
        path = make_config(folder, f'[console]\nlanguage = "{lang}"\n\n[connections.spare]\nplatform = "sandbox"\n'
                                   'enabled = false\n')
        Workspace.open(path).close()
        build_cli([])
        res = CliRunner().invoke(cli, ["--config", str(path), "connections"])
        assert res.exit_code == 0, res.output
        spare = next(line for line in res.output.splitlines() if line.startswith("spare "))
        assert word in spare and "不可用" not in spare and "disabled" not in spare
        assert spare.split()[1] == ("沙盒" if lang == "zh-CN" else "sandbox")  # the platform in words
        got = json.loads(CliRunner().invoke(cli, ["--config", str(path), "connections", "--json"]).output)
        spare_row = next(r for r in got["rows"] if r["id"] == "spare")
        assert spare_row["state"] == "disabled" and spare_row["platform"] == "sandbox"  # JSON keeps the codes


def test_config_check_counts_one_connection_in_the_singular(tmp_path):
    path = make_config(tmp_path)  # the sandbox alone
    build_cli([])
    res = CliRunner().invoke(cli, ["--config", str(path), "config", "check"])
    assert res.exit_code == 0, res.output
    assert "ok (1 connection, enabled: sandbox)" in res.output


def test_the_table_shows_the_last_event_and_the_last_error_with_their_times(tmp_path):
    path = make_config(tmp_path)
    ws = Workspace.open(path)
    at = ws.day_start("2026-11-20") + 9 * 3600 + 5 * 60  # 09:05 on the operator's clock
    with ws.store.write() as c:
        c.execute("INSERT OR REPLACE INTO connections(id, platform, state, last_event_at, last_error, last_error_at)"
                  " VALUES ('sandbox', 'sandbox', 'error', ?, 'token expired (42001)', ?)", (at - 60, at))
    ws.close()
    build_cli([])
    res = CliRunner().invoke(cli, ["--config", str(path), "connections"])
    row = next(line for line in res.output.splitlines() if line.startswith("sandbox "))
    assert "2026-11-20 09:04" in row and row.rstrip().endswith("2026-11-20 09:05 token expired (42001)")
