"""Config and serve (issue 16 item 5): ports, body limits, timeouts and retention are
range-checked when config.toml is read, a port in use stops `serve` with exit 2 and the
reason, and `config get` never prints a secret."""

from __future__ import annotations

import asyncio
import json
import socket
import string

import pytest
from click.testing import CliRunner

from console.cli import build_cli, cli
from console.config import ConfigError, load_settings
from console.config_checks import RANGE_TEMPLATE, RANGES, masked
from tests.conftest import BASE_CONFIG, make_config


def config_with(tmp_path, section: str, body: str):
    """The test config with ``body`` in ``[section]`` (the base already has [database])."""
    if section == "database":
        return make_config(tmp_path, base=BASE_CONFIG.replace('path = "shequn.db"', 'path = "shequn.db"\n' + body))
    return make_config(tmp_path, f"[{section}]\n{body}\n")


def run(*args):
    build_cli([])
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.mark.parametrize("section, key, value, expected", [
    ("serve", "port", 99999, "expected 1 to 65,535 (a TCP port)"),
    ("serve", "port", 0, "expected 1 to 65,535"),
    ("serve", "max_body_bytes", 0, "expected 1,024 to 67,108,864 bytes"),
    ("serve", "max_body_bytes", -1, "expected 1,024 to 67,108,864 bytes"),
    ("database", "busy_timeout_ms", -1, "expected 0 to 600,000 milliseconds"),
    ("database", "message_retention_days", -30, "expected 0 to 36,500 days"),
    ("database", "open_check_seconds", -0.5, "expected 0 to 600 seconds"),
    ("console", "refresh_seconds", 0.05, "expected 0.1 to 3,600 seconds"),  # 0 means never (test_config_refresh.py)
])
def test_out_of_range_values_are_refused_naming_key_and_range(tmp_path, section, key, value, expected):
    cfg = config_with(tmp_path, section, f"{key} = {value}")
    r = run("--config", cfg, "config", "check")
    assert r.exit_code == 2
    assert f"{cfg}: {section}.{key}: is {value} ({expected}" in r.output
    assert run("--config", cfg, "db", "migrate").exit_code == 2  # every verb reads it the same way
    assert not (tmp_path / "shequn.db").exists()


@pytest.mark.parametrize("section, body", [
    ("serve", "port = 1"), ("serve", "port = 65535"), ("serve", "max_body_bytes = 1024"),
    ("database", "message_retention_days = 0\nbusy_timeout_ms = 0\nopen_check_seconds = 0"),
    ("console", "refresh_seconds = 0.1")])
def test_the_ends_of_each_range_are_accepted(tmp_path, section, body):
    s = load_settings(config_with(tmp_path, section, body))
    for line in body.splitlines():
        key, value = (x.strip() for x in line.split("="))
        assert getattr(getattr(s, section), key) == float(value)


def test_config_set_refuses_an_out_of_range_port_and_keeps_the_file(tmp_path):
    cfg = make_config(tmp_path)
    before = cfg.read_text()
    r = run("--config", cfg, "config", "set", "serve.port", "99999")
    assert r.exit_code == 2 and "serve.port: is 99999" in r.output
    assert cfg.read_text() == before


def test_range_error_in_zh_cn_when_the_file_asks_for_it(tmp_path):
    cfg = make_config(tmp_path, '[console]\nlanguage = "zh-CN"\n[serve]\nport = 99999\n')
    r = run("--config", cfg, "config", "check")
    assert r.exit_code == 2
    assert f"错误：{cfg}：serve.port：当前为 99999（应为 1 到 65,535 （TCP 端口号））" in r.output


def test_every_range_unit_and_template_has_zh_cn():
    from console.i18n import ZH_CN

    def fields(t):
        return {f for _, f, _, _ in string.Formatter().parse(t) if f}

    assert fields(ZH_CN[RANGE_TEMPLATE]) == fields(RANGE_TEMPLATE)
    for _, _, unit in RANGES.values():
        assert unit in ZH_CN, unit


# --- serve's port --------------------------------------------------------------------------------

def test_serve_on_a_port_in_use_exits_2_with_the_reason(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        cfg = make_config(tmp_path, f"[serve]\nport = {port}\n")
        r = run("--config", cfg, "serve")
        assert r.exit_code == 2
        assert f"serve.port: 127.0.0.1:{port} cannot be bound" in r.output and "shequn config set serve.port" in r.output
    assert not (tmp_path / "shequn.db").exists()  # refused before the workspace opened


def test_serve_port_option_out_of_range_is_refused(tmp_path):
    r = run("--config", make_config(tmp_path), "serve", "--port", "99999")
    assert r.exit_code == 2 and "99999 is not in the range 1<=x<=65535" in r.output


def test_webhook_server_that_cannot_bind_ends_serve_with_an_error(ws):
    """The pre-check can lose a race to another program: serve itself fails, not exit 0."""
    from console.serve import serve_workspace

    async def go(port):
        await serve_workspace(ws, host="127.0.0.1", port=port, stop=asyncio.Event())

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(ConfigError, match="could not listen on 127.0.0.1"):
            asyncio.run(asyncio.wait_for(go(taken.getsockname()[1]), 60))


# --- secrets -----------------------------------------------------------------------------------------

SECRETS = """
[connections.qq]
platform = "qq"
enabled = false
base_url = "http://127.0.0.1:3000"
access_token = "tok-123456-literal"
secret = "env:SHEQUN_QQ_SECRET"
self_id = "10001"

[kpi]
retention_days = 7
"""


def test_config_get_masks_literal_secrets_and_shows_env_references(tmp_path):
    cfg = make_config(tmp_path, SECRETS)
    one = run("--config", cfg, "config", "get", "connections.qq.access_token")
    assert one.exit_code == 0 and json.loads(one.output) == "******"
    whole = json.loads(run("--config", cfg, "config", "get", "connections.qq").output)
    assert whole["options"]["access_token"] == "******"
    assert whole["options"]["secret"] == "env:SHEQUN_QQ_SECRET"  # the name of a variable is no secret
    assert whole["options"]["self_id"] == "10001" and whole["options"]["base_url"] == "http://127.0.0.1:3000"
    for r in (one, run("--config", cfg, "config", "get", "connections.qq"), run("--config", cfg, "config", "get")):
        assert "tok-123456-literal" not in r.output


def test_masked_by_name_in_any_section():
    value = {"name": "shop", "api_key": "k1", "nested": {"app_secret": "s1", "port": 3}, "password": ["a", "b"],
             "keywords": ["x"], "aes_key": ""}
    assert masked(value) == {"name": "shop", "api_key": "******", "nested": {"app_secret": "******", "port": 3},
                             "password": ["******", "******"], "keywords": ["x"], "aes_key": ""}
    assert masked("plain", frozenset({"token_x"}), "token_x") == "******"


@pytest.mark.parametrize("key, value, span", [("timeout", -1.0, "from 0.1 to 600"), ("timeout", 0, "from 0.1 to 600"),
                                              ("heartbeat_timeout", -5, "from 0.1 to 3600")])
def test_a_connection_timeout_below_zero_is_refused(tmp_path, monkeypatch, key, value, span):
    monkeypatch.setenv("QQ_SECRET_FOR_TEST", "s")
    cfg = make_config(tmp_path, f'[connections.qq]\nplatform = "qq"\nenabled = true\nbase_url = "http://127.0.0.1:9"\n'
                                f'secret = "env:QQ_SECRET_FOR_TEST"\n{key} = {value}\n')
    r = run("--config", cfg, "config", "check")
    assert r.exit_code == 2 and f"connections.qq.{key}: is {float(value)!r} (expected {span}" in r.output
