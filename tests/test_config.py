"""Config: typed settings, clear errors (file, key, problem, expectation), exit code 2,
secrets from the environment, and `config set` keeping comments."""

from __future__ import annotations

import tomllib

import pytest
from click.testing import CliRunner

from console.cli import build_cli, cli
from console.config import ConfigError, load_settings, resolve_secret
from console.config_write import set_key
from tests.conftest import make_config


def test_defaults_when_no_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no ./config.toml here: the defaults
    s = load_settings()
    assert s.connections["sandbox"].enabled and s.database.path == "data/shequn.db"
    assert s.operator.name  # the OS user by default


def test_repository_config_is_valid():
    from pathlib import Path

    s = load_settings(Path(__file__).resolve().parent.parent / "config.toml")
    assert s.connections["sandbox"].enabled
    assert {"qq", "wechat", "douyin"} <= set(s.connections)
    assert not any(s.connections[n].enabled for n in ("qq", "wechat", "douyin"))


@pytest.mark.parametrize("body, key, fragment", [
    ("[console]\nlanguage = 'fr'", "console.language", "one of 'en', 'zh-CN'"),
    ("[database]\nbusy_timeout_ms = 'soon'", "database.busy_timeout_ms", "a whole number"),
    ("[serve]\nprot = 80", "serve.prot", "not a known setting"),
    ("[operator]\ntimezone = 'Mars/Base'", "operator.timezone", "unknown time zone"),
    ("[connections.x]\nenabled = true", "connections.x.platform", "is missing"),
    ("[connections.x]\nplatform = 'qq'\nrate = 0", "connections.x.rate", "above 0"),
    ("[plugins]\ndisabled = 'kpi'", "plugins.disabled", "a list of a string"),
    ("[console\nlanguage = 'en'", "(syntax)", "valid TOML"),
])
def test_bad_values_name_file_key_and_expectation(tmp_path, body, key, fragment):
    p = tmp_path / "config.toml"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_settings(p)
    assert e.value.key == key and str(p) in str(e.value) and fragment in str(e.value)


def test_secret_from_environment(monkeypatch):
    monkeypatch.setenv("TOK", "s3cret")
    assert resolve_secret("env:TOK", "connections.qq.access_token") == "s3cret"
    monkeypatch.delenv("TOK")
    with pytest.raises(ConfigError, match=r"connections.qq.access_token: refers to \$TOK"):
        resolve_secret("env:TOK", "connections.qq.access_token")


def test_set_key_keeps_comments_and_validates(tmp_path):
    p = make_config(tmp_path, "[console]\n# the language\nlanguage = \"en\"\n")
    set_key(p, "console.language", "zh-CN")
    text = p.read_text()
    assert "# the language" in text and tomllib.loads(text)["console"]["language"] == "zh-CN"
    before = p.read_text()
    with pytest.raises(ConfigError):
        set_key(p, "console.language", "klingon")
    assert p.read_text() == before  # nothing written
    set_key(p, "serve.port", 9000)
    assert tomllib.loads(p.read_text())["serve"]["port"] == 9000


def run(args, tmp_path):
    build_cli([])
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def test_cli_config_check_exit_code_2(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text("[console]\nlanguage = 3\n")
    r = run(["--config", str(p), "config", "check"], tmp_path)
    assert r.exit_code == 2 and "console.language" in r.output


@pytest.mark.parametrize("conn, key", [
    ('platform = "sandbox"\nfaults = 0.9\n', "connections.c1.faults"),  # a declared bound
    ('platform = "qq"\nbase_url = "http://127.0.0.1:3000"\nintake = "websocket"\n', "connections.c1.ws_url"),
])
def test_config_check_finds_connector_option_errors_and_names_the_file(tmp_path, conn, key):
    """Bounds and a connector's own cross-key checks are part of check_options, so
    `config check` catches what the runtime would refuse, not only wrong types."""
    p = make_config(tmp_path, f"[connections.c1]\nenabled = true\n{conn}")
    r = run(["--config", str(p), "config", "check"], tmp_path)
    assert r.exit_code == 2 and key in r.output and str(p) in r.output, r.output


def test_cli_config_set_and_get(tmp_path):
    p = make_config(tmp_path)
    r = run(["--config", str(p), "config", "set", "console.language", "zh-CN"], tmp_path)
    assert r.exit_code == 0, r.output
    r = run(["--config", str(p), "config", "get", "console.language"], tmp_path)
    assert '"zh-CN"' in r.output and "Language" in r.output
    r = run(["--config", str(p), "config", "set", "console.language", "xx"], tmp_path)
    assert r.exit_code == 2 and "expected one of" in r.output


def test_secrets_never_reach_sqlite(tmp_path, monkeypatch):
    from console.workspace import Workspace

    monkeypatch.setenv("QQ_TOKEN", "very-secret-token")
    p = make_config(tmp_path, '[connections.qqmain]\nplatform = "qq"\nenabled = false\n'
                               'access_token = "env:QQ_TOKEN"\nsecret = "hmac-secret-literal"\n')
    ws = Workspace.open(p)
    ws.close()
    blob = (tmp_path / "shequn.db").read_bytes()
    assert b"very-secret-token" not in blob and b"hmac-secret-literal" not in blob
