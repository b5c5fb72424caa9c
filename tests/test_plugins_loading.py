"""Loading plugins: SHEQUN_LOAD_PLUGINS, registration hooks traced, and one-file plugins
from the folders named in ``[plugins] dirs`` (issue 22, items 5 and 7)."""

from __future__ import annotations

import importlib.metadata
import json
import os

from click.testing import CliRunner

from console.cli import build_cli, cli
from console.hookspecs import hookimpl
from console.pluginmanager import LOAD_ENV, get_plugin_manager, own_plugin_names
from console.workspace import Workspace, gather_registry
from tests.conftest import make_config


# the CLI registers plugin verbs once per process: do it now, under the suite's plugin set, so
# a test below that narrows SHEQUN_LOAD_PLUGINS cannot leave later modules without `rules`
build_cli([])


def run(*args):
    build_cli([])
    return CliRunner().invoke(cli, [str(a) for a in args])


# --- item 7: tracing and isolation ----------------------------------------------------------


def test_trace_shows_registration_hooks_and_a_failing_one(monkeypatch, capsys):
    class Broken:
        @hookimpl
        def register_migrations(self, register):
            raise RuntimeError("no table for you")

    class Fine:
        @hookimpl
        def register_settings(self, register):
            pass

    monkeypatch.setenv("SHEQUN_TRACE_HOOKS", "1")
    pm = get_plugin_manager(load_entrypoints=False, extra=[("broken", Broken()), ("fine", Fine())])
    gather_registry(pm)
    err = capsys.readouterr().err
    assert "[hook] register_migrations -> broken" in err
    assert "[hook] register_migrations broken raised RuntimeError: no table for you" in err
    assert "[hook] register_settings fine ok" in err
    assert any(p.plugin == "broken" and p.hook == "register_migrations" for p in pm.problems)


def test_no_trace_without_the_variable(monkeypatch, capsys):
    monkeypatch.delenv("SHEQUN_TRACE_HOOKS", raising=False)
    gather_registry(get_plugin_manager())
    assert "[hook]" not in capsys.readouterr().err


def test_load_plugins_loads_only_those_named(monkeypatch):
    monkeypatch.setenv(LOAD_ENV, "sandbox, kpi,nosuch")
    pm = get_plugin_manager()
    assert pm.plugin_names() == ["kpi", "sandbox"]
    assert "qq" in pm.not_selected and "moderation" in pm.not_selected
    assert pm.unknown_selected == ["nosuch"]


def test_plugins_verb_says_which_were_left_out(tmp_path, monkeypatch):
    make_config(tmp_path)
    monkeypatch.setenv(LOAD_ENV, "sandbox,nosuch")
    res = run("--config", tmp_path / "config.toml", "plugins", "--json")
    rows = {r["name"]: r for r in json.loads(res.stdout)}
    assert rows["sandbox"]["status"] == "loaded"
    assert rows["qq"]["status"] == f"not in {LOAD_ENV}"
    assert "nosuch" in res.stderr


def test_the_suite_loads_only_shequns_own_plugins(monkeypatch):
    """A third-party entry point installed beside shequn is not loaded under test."""
    assert os.environ[LOAD_ENV] == ",".join(own_plugin_names())
    assert {"sandbox", "qq", "kpi"} <= set(own_plugin_names())
    real = importlib.metadata.entry_points
    stranger = importlib.metadata.EntryPoint("stranger", "json", "shequn")

    def entry_points(**kw):
        eps = list(real(**kw))
        return eps + [stranger] if kw.get("group") == "shequn" else eps

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    pm = get_plugin_manager()
    assert "stranger" not in pm.plugin_names() and "stranger" in pm.not_selected
    assert "sandbox" in pm.plugin_names()


# --- item 5: one-file plugins ------------------------------------------------------------------

GREETER = '''
from console.hookspecs import hookimpl

__version__ = "0.3"

@hookimpl
def register_translations(register):
    register("zh-CN", {"Greeter": "迎新"})
'''


def also_load(monkeypatch, *names):
    """The suite loads only shequn's own plugins (conftest): add these files' names."""
    monkeypatch.setenv(LOAD_ENV, ",".join([*own_plugin_names(), *names]))


def test_one_file_plugin_from_a_configured_folder(tmp_path, monkeypatch):
    also_load(monkeypatch, "greeter", "_helper")
    d = tmp_path / "myplugins"
    d.mkdir()
    (d / "greeter.py").write_text(GREETER, encoding="utf-8")
    (d / "_helper.py").write_text("raise RuntimeError('not a plugin')\n", encoding="utf-8")
    cfg = make_config(tmp_path, '[plugins]\ndirs = ["myplugins"]\n')
    ws = Workspace.open(cfg)
    try:
        assert "greeter" in ws.pm.plugin_names()
        assert ws.registry.translations["zh-CN"]["Greeter"] == "迎新"
    finally:
        ws.close()
    res = run("--config", cfg, "plugins", "--json")
    rows = {r["name"]: r for r in json.loads(res.stdout)}
    assert rows["greeter"]["path"] == str(d / "greeter.py")
    assert rows["greeter"]["version"] == "0.3" and rows["greeter"]["hooks"] == ["register_translations"]
    assert "_helper" not in rows and rows["sandbox"]["path"] == ""


def test_broken_one_file_plugins_are_problems_naming_file_and_reason(tmp_path, monkeypatch):
    also_load(monkeypatch, "good", "typo", "raises")
    d = tmp_path / "p"
    d.mkdir()
    (d / "good.py").write_text(GREETER, encoding="utf-8")
    (d / "typo.py").write_text("def broken(:\n    pass\n", encoding="utf-8")
    (d / "raises.py").write_text("x = 1\nraise ValueError('no token')\n", encoding="utf-8")
    (d / "kpi.py").write_text(GREETER, encoding="utf-8")  # the name of a built-in
    cfg = make_config(tmp_path, '[plugins]\ndirs = ["p", "missing"]\n')
    ws = Workspace.open(cfg)  # no crash
    try:
        errors = ws.pm.load_errors
        assert errors["typo"] == f"{d / 'typo.py'}: SyntaxError: invalid syntax (line 1)"
        assert errors["raises"] == f"{d / 'raises.py'}: ValueError: no token (line 2)"
        assert errors["kpi"] == f"{d / 'kpi.py'}: a plugin named 'kpi' is already loaded"
        assert errors[str(tmp_path / "missing")].endswith("no such folder (named in [plugins] dirs)")
        assert "good" in ws.pm.plugin_names() and "kpi" in ws.pm.plugin_names()
        assert {p.plugin for p in ws.pm.problems} >= {"typo", "raises", "kpi"}
    finally:
        ws.close()
    res = run("--config", cfg, "plugins", "--json")
    assert res.exit_code == 0
    rows = [r for r in json.loads(res.stdout) if r["name"] == "raises"]
    assert rows[0]["status"] == f"failed to load: {d / 'raises.py'}: ValueError: no token (line 2)"


def test_one_file_plugins_obey_disabled_and_load_plugins(tmp_path, monkeypatch):
    d = tmp_path / "p"
    d.mkdir()
    (d / "greeter.py").write_text(GREETER, encoding="utf-8")
    (d / "other.py").write_text(GREETER, encoding="utf-8")
    monkeypatch.setenv(LOAD_ENV, "sandbox,greeter,other")
    pm = get_plugin_manager(["other"], dirs=[d])
    assert pm.plugin_names() == ["greeter", "sandbox"]
    monkeypatch.setenv(LOAD_ENV, "sandbox")
    pm = get_plugin_manager(dirs=[d])
    assert pm.plugin_names() == ["sandbox"] and "greeter" in pm.not_selected
