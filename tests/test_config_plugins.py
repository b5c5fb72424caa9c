"""Plugin settings are first class (issue 22, item 6): `config get` shows a plugin's
fields with their defaults and docstrings before the file sets them, `config set`
validates plugin sections against their dataclass, `config check` checks disabled
connections too, and every error names the file (an unset env: secret too)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from console.cli import build_cli, cli
from console.config import ConfigError
from console.pluginmanager import LOAD_ENV, own_plugin_names
from tests.conftest import make_config

ROOT = Path(__file__).resolve().parent.parent

CHECKIN = '''
from dataclasses import dataclass
from console.config import ConfigError
from console.hookspecs import hookimpl

@dataclass
class CheckinSettings:
    streak_cap: int = 30
    """Longest streak counted, in days (1 to 365)."""
    shop_token: str = ""
    """Token of the shop's API."""

    def __post_init__(self):
        if not 1 <= self.streak_cap <= 365:
            raise ConfigError(None, "checkin.streak_cap", f"is {self.streak_cap}", "1 to 365 days")

@hookimpl
def register_settings(register):
    register("checkin", CheckinSettings)
'''


def run(*args):
    build_cli([])
    return CliRunner().invoke(cli, [str(a) for a in args])


def checkin_config(tmp_path, monkeypatch, extra=""):
    (tmp_path / "pd").mkdir()
    (tmp_path / "pd" / "checkin.py").write_text(CHECKIN, encoding="utf-8")
    monkeypatch.setenv(LOAD_ENV, ",".join([*own_plugin_names(), "checkin"]))
    return make_config(tmp_path, '[plugins]\ndirs = ["pd"]\n' + extra)


def get_rows(cfg, key=None):
    res = run("--config", cfg, "config", "get", *([key] if key else []), "--json")
    assert res.exit_code == 0, res.output
    return {r["key"]: r for r in json.loads(res.stdout)}


def test_get_a_plugin_setting_not_in_the_file_shows_default_and_docstring(tmp_path, monkeypatch):
    cfg = checkin_config(tmp_path, monkeypatch)
    rows = get_rows(cfg, "checkin.streak_cap")
    assert list(rows) == ["checkin.streak_cap"]
    assert rows["checkin.streak_cap"] == {"key": "checkin.streak_cap", "value": "30", "default": "30",
                                          "in_file": False, "meaning": "Longest streak counted, in days (1 to 365)."}
    text = run("--config", cfg, "config", "get", "checkin.streak_cap").output
    assert "Longest streak counted" in text and "no such setting" not in text


def test_get_a_whole_plugin_section_and_everything(tmp_path, monkeypatch):
    cfg = checkin_config(tmp_path, monkeypatch, '[checkin]\nshop_token = "tok-literal-123"\n')
    rows = get_rows(cfg, "checkin")
    assert list(rows) == ["checkin.streak_cap", "checkin.shop_token"]
    assert rows["checkin.shop_token"]["value"] == '"******"' and rows["checkin.shop_token"]["in_file"]
    every = get_rows(cfg)
    assert every["moderation.raid_joins"]["default"] == "20" and "Raid guard" in every["moderation.raid_joins"]["meaning"]
    assert every["serve.port"]["value"] == "8765" and every["database.path"]["in_file"]
    assert "checkin.streak_cap" in every and "tok-literal-123" not in json.dumps(every)
    text = run("--config", cfg, "config", "get", "moderation.rule_budget_ms").output
    assert "is suspended for rule_suspend_minutes with an alert, and the batch goes on without it." in text


def test_get_an_unknown_plugin_field_names_the_file_and_the_fields(tmp_path, monkeypatch):
    cfg = checkin_config(tmp_path, monkeypatch)
    res = run("--config", cfg, "config", "get", "checkin.streak")
    assert res.exit_code == 2
    assert f"{cfg}: checkin.streak: is not a known setting (expected one of checkin.streak_cap, checkin.shop_token)" \
        in res.output


def test_set_refuses_a_word_in_a_number_field_naming_key_and_type(tmp_path, monkeypatch):
    cfg = checkin_config(tmp_path, monkeypatch)
    before = cfg.read_text(encoding="utf-8")
    res = run("--config", cfg, "config", "set", "checkin.streak_cap", "five")
    assert res.exit_code == 2 and "checkin.streak_cap: is 'five' (expected a whole number)" in res.output
    assert cfg.read_text(encoding="utf-8") == before
    res = run("--config", cfg, "config", "set", "checkin.streak_cap", "500")  # the plugin's own range check
    assert res.exit_code == 2 and f"{cfg}: checkin.streak_cap: is 500 (expected 1 to 365 days)" in res.output
    assert run("--config", cfg, "config", "set", "checkin.streak_cap", "45").exit_code == 0
    row = get_rows(cfg, "checkin.streak_cap")["checkin.streak_cap"]
    assert row["value"] == "45" and row["default"] == "30" and row["in_file"]
    res = run("--config", cfg, "config", "set", "checkin.streek_cap", "5")
    assert res.exit_code == 2 and "checkin.streek_cap: is not a known setting" in res.output


def test_a_builtin_plugins_check_names_the_file(tmp_path):
    cfg = make_config(tmp_path, "[moderation]\nraid_joins = 0\n")
    res = run("--config", cfg, "config", "check")
    assert res.exit_code == 2 and f"{cfg}: moderation.raid_joins: is 0 (expected a number above zero)" in res.output


QQ_OFF = '[connections.qq]\nplatform = "qq"\nenabled = false\nbase_url = "http://127.0.0.1:9"\n'


def test_check_refuses_a_bad_option_of_a_disabled_connection(tmp_path):
    cfg = make_config(tmp_path, QQ_OFF + 'timeout = "soon"\n')
    res = run("--config", cfg, "config", "check")
    assert res.exit_code == 2 and f"{cfg}: connections.qq.timeout: is 'soon'" in res.output
    cfg = make_config(tmp_path, QQ_OFF + 'acess_token = "x"\n')
    res = run("--config", cfg, "config", "check")
    assert res.exit_code == 2 and f"{cfg}: connections.qq.acess_token: is not an option of the qq connector" \
        in res.output


def test_unset_secret_warns_for_a_disabled_connection_and_refuses_an_enabled_one(tmp_path, monkeypatch):
    monkeypatch.delenv("QQ_TOKEN_UNSET", raising=False)
    cfg = make_config(tmp_path, QQ_OFF + 'access_token = "env:QQ_TOKEN_UNSET"\ntimeout = 5\n')
    res = run("--config", cfg, "config", "check")
    assert res.exit_code == 0, res.output
    assert f"{cfg}: connections.qq.access_token: refers to $QQ_TOKEN_UNSET, which is not set" in res.stderr
    cfg = make_config(tmp_path, QQ_OFF + 'access_token = "env:QQ_TOKEN_UNSET"\ntimeout = -1\n')
    res = run("--config", cfg, "config", "check")  # the unset secret does not hide the next option's error
    assert res.exit_code == 2 and f"{cfg}: connections.qq.timeout: is -1.0" in res.output
    cfg = make_config(tmp_path, QQ_OFF.replace("false", "true") + 'access_token = "env:QQ_TOKEN_UNSET"\n')
    res = run("--config", cfg, "config", "check")
    assert res.exit_code == 2
    assert f"{cfg}: connections.qq.access_token: refers to $QQ_TOKEN_UNSET, which is not set" in res.output


def test_an_unset_secret_names_the_file_in_the_connector_check(monkeypatch):
    from plugins.qq.connector import QQConnector

    monkeypatch.delenv("QQ_TOKEN_UNSET", raising=False)
    try:
        QQConnector.check_options({"base_url": "http://x", "access_token": "env:QQ_TOKEN_UNSET"},
                                  "connections.qq", "/etc/shequn/config.toml")
    except ConfigError as e:
        assert str(e).startswith("/etc/shequn/config.toml: connections.qq.access_token: refers to $QQ_TOKEN_UNSET")
    else:
        raise AssertionError("an unset secret passed")


def test_the_shipped_config_passes_check_with_its_disabled_connections(monkeypatch):
    for var in ("SHEQUN_QQ_TOKEN", "SHEQUN_QQ_SECRET", "SHEQUN_WECOM_SECRET", "SHEQUN_WECOM_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    res = run("--config", ROOT / "config.toml", "config", "check")
    assert res.exit_code == 0, res.output
    assert "connections.wechat.secret: refers to $SHEQUN_WECOM_SECRET" in res.stderr
