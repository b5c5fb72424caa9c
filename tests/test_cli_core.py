"""The host's verbs: plugins, db migrate/check/backup, retention, version, help."""

from __future__ import annotations

import json

from click.testing import CliRunner

from console.cli import build_cli, cli
from console.engine import Engine
from console.model import Event, Kind
from console.retention import blank_old_text


def invoke(*args):
    build_cli([])
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_version_and_help():
    assert "shequn" in invoke("--version").output
    out = invoke("--help").output
    for verb in ("plugins", "db", "config", "serve"):
        assert verb in out


def test_plugins_lists_builtins_with_hooks(config_path):
    r = invoke("--config", str(config_path), "plugins", "--json")
    rows = {p["name"]: p for p in json.loads(r.output)}
    assert {"sandbox", "qq", "roles", "entry_rules", "moderation", "kpi"} <= set(rows)
    assert "register_connectors" in rows["sandbox"]["hooks"]
    table = invoke("--config", str(config_path), "plugins").output
    assert "sandbox" in table and "hooks implemented" in table


def test_plugins_disabled_in_config(tmp_path):
    from tests.conftest import make_config

    p = make_config(tmp_path, '[plugins]\ndisabled = ["kpi", "nope"]\n')
    r = CliRunner().invoke(cli, ["--config", str(p), "plugins", "--json"])
    rows = {x["name"]: x for x in json.loads(r.stdout)}
    assert rows["kpi"]["status"] == "disabled in config"
    assert "'nope', which is not installed" in r.stderr


def test_db_migrate_check_backup(config_path, tmp_path):
    assert "schema up to date" in invoke("--config", str(config_path), "db", "migrate").output
    out = invoke("--config", str(config_path), "db", "check").output
    assert "integrity check ok" in out
    out = invoke("--config", str(config_path), "db", "backup", str(tmp_path / "copy.db")).output
    assert (tmp_path / "copy.db").exists() and "backed up" in out


def test_db_check_on_corrupt_file(tmp_path):
    from tests.conftest import make_config

    p = make_config(tmp_path)
    (tmp_path / "shequn.db").write_bytes(b"garbage" * 1000)
    r = CliRunner().invoke(cli, ["--config", str(p), "db", "check"])
    assert r.exit_code == 2 and "not a SQLite database" in r.output


def test_retention_blanks_old_text_only(ws):
    now = ws.now()
    Engine(ws).ingest([Event("sandbox", "old", Kind.MESSAGE, now - 200 * 86400, group="g", user="u", text="old words"),
                       Event("sandbox", "new", Kind.MESSAGE, now - 3600, group="g", user="u", text="new words")])
    assert blank_old_text(ws) == 1
    rows = dict((r["platform_msg_id"], r["text"]) for r in ws.store.query("SELECT platform_msg_id, text FROM messages"))
    assert rows == {"old": "", "new": "new words"}
