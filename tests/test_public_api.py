"""The public plugin API under the ``shequn`` name (issue 22, item 1): what it exports is
the host's own objects and is documented; a wheel lays the host out under ``shequn/`` so
an installed shequn adds no top-level name but ``shequn`` (setup.py's rewrite, checked
here line by line and on a real wheel in a fresh venv)."""

from __future__ import annotations

import ast
import importlib
import re
import sys
from pathlib import Path

import pytest

from tests.plugin_venv import ROOT, shequn_venv  # noqa: F401  (a session fixture)

sys.path.insert(0, str(ROOT))
from setup import rewrite_source  # noqa: E402

PUBLIC_MODULES = ("shequn", "shequn.cli", "shequn.testing", "shequn.tui", "shequn.numbers", "shequn.people",
                  "shequn.joins", "shequn.queues", "shequn.kpis", "shequn.connections")


# --- the facade --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_every_public_name_is_the_hosts_own_object(name):
    """No copies: ``shequn.Event`` is ``console.model.Event``, so isinstance holds across both."""
    mod = importlib.import_module(name)
    assert mod.__all__, name
    for attr in mod.__all__:
        obj = getattr(mod, attr)
        home = getattr(obj, "__module__", None)
        if home and home.split(".")[0] == "console" and not isinstance(obj, (str, dict, frozenset, tuple)):
            assert getattr(importlib.import_module(home), obj.__name__) is obj, f"{name}.{attr}"


def test_the_top_level_names_an_author_needs():
    import shequn
    from console.connector import Connector
    from console.hookspecs import hookimpl
    from console.model import Capability, Event, Proposal

    assert (shequn.Connector, shequn.hookimpl, shequn.Event, shequn.Capability, shequn.Proposal) == (
        Connector, hookimpl, Event, Capability, Proposal)
    assert re.fullmatch(r"\d+\.\d+", shequn.API_VERSION)


def test_importing_shequn_loads_no_textual_and_no_engine():
    """A headless plugin imports ``shequn`` (its verbs ``shequn.cli``, and the small modules beside it);
    only the console's screens import ``shequn.tui`` and only tests ``shequn.testing``."""
    code = ("import sys, shequn, shequn.cli, shequn.numbers, shequn.people, shequn.joins, shequn.queues, shequn.kpis, "
            "shequn.connections; "
            "print(sorted(m for m in sys.modules if m.startswith(('textual', 'console.engine', 'console.tui'))))")
    import subprocess

    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_every_public_name_is_in_the_docs(name):
    """docs/plugins.md's "The public API" lists each name of each module's ``__all__``."""
    doc = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    section = doc.split("## The public API", 1)[1].split("\n## ", 1)[0]
    mod = importlib.import_module(name)
    missing = [a for a in mod.__all__ if f"`{a}`" not in section]
    assert not missing, f"docs/plugins.md's public API section lacks {missing} of {name}"


def test_builtin_entry_points_import_the_plugin_lazily():
    import shequn.builtins as b
    from plugins import kpi

    assert b.kpi is kpi
    with pytest.raises(AttributeError, match="no built-in plugin 'nope'"):
        b.nope  # noqa: B018
    # every built-in folder is named, so a new plugin cannot be forgotten in a wheel
    folders = sorted(p.parent.name for p in (ROOT / "plugins").glob("*/__init__.py"))
    assert sorted(b.PACKAGES) == folders


# --- setup.py's rewrite, line by line --------------------------------------------------------

def test_imports_of_the_host_and_plugins_move_under_shequn():
    src = ("from console.model import Event\n"
           "from plugins.kpi.cli import attach  # kept comment console.model\n"
           "import console.store as store, plugins.qq as qq\n"
           "from . import sibling\n"
           "from consoles import x\n"
           "    from console import bot_invitations\n")
    assert rewrite_source(src) == (
        "from shequn.console.model import Event\n"
        "from shequn.plugins.kpi.cli import attach  # kept comment console.model\n"
        "import shequn.console.store as store, shequn.plugins.qq as qq\n"
        "from . import sibling\n"
        "from consoles import x\n"
        "    from shequn.console import bot_invitations\n")


def test_module_paths_in_strings_move_only_when_the_module_exists():
    src = ('T = "plugins.kpi.panels:KpiPanel"\n'
           "M = 'console.testing'\n"
           'K = "console.language"\n'          # a config key, not a module
           'P = "plugins.d"\n'                 # a folder name in a docstring
           'N = "console"\n'                   # the host's plugin name on core screens
           'F = f"plugins.kpi.{x}"\n'
           'D = """plugins.kpi.panels"""\n')
    out = rewrite_source(src).splitlines()
    assert out == ['T = "shequn.plugins.kpi.panels:KpiPanel"', "M = 'shequn.console.testing'",
                   'K = "console.language"', 'P = "plugins.d"', 'N = "console"', 'F = f"plugins.kpi.{x}"',
                   'D = """shequn.plugins.kpi.panels"""']


def test_a_bare_import_of_the_host_is_refused():
    """``import console.model`` binds ``console``, a name a wheel does not have."""
    with pytest.raises(ValueError, match="line 2"):
        rewrite_source("x = 1\nimport console.model\n")


def test_the_whole_tree_rewrites_with_lines_kept():
    for folder in ("console", "plugins", "shequn"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            new = rewrite_source(text)
            assert new.count("\n") == text.count("\n"), path
            leftover = [n.lineno for n in ast.walk(ast.parse(new)) if isinstance(n, (ast.Import, ast.ImportFrom))
                        and any(m.split(".")[0] in ("console", "plugins") for m in _modules(n))]
            assert not leftover, f"{path}: imports at lines {leftover} still name console/plugins"


def _modules(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.ImportFrom):
        return [node.module or ""] if node.level == 0 else []
    return [a.name for a in node.names]


# --- a real wheel in a fresh venv --------------------------------------------------------------

@pytest.mark.venv
def test_a_wheel_installs_shequn_and_nothing_else(shequn_venv, tmp_path):
    import zipfile

    tops = {n.split("/")[0] for n in zipfile.ZipFile(shequn_venv.wheel).namelist()}
    assert tops == {"shequn", "shequn-0.1.0.dist-info"}
    for name in ("console", "plugins"):
        out = shequn_venv.run("python", "-c", f"import {name}", cwd=tmp_path)
        assert out.returncode == 1 and f"No module named '{name}'" in out.stderr
    out = shequn_venv.run("python", "-c", "import shequn, shequn.console.model as m; "
                          "print(shequn.Event is m.Event, shequn.__file__)", cwd=tmp_path)
    assert out.stdout.split()[0] == "True", out.stderr
    assert "site-packages/shequn/__init__.py" in out.stdout  # the wheel's, not the repository's
    out = shequn_venv.run("shequn", "--help", cwd=tmp_path)
    assert out.returncode == 0 and "Usage: shequn" in out.stdout, out.stderr


@pytest.mark.venv
def test_the_installed_host_loads_every_builtin_and_its_screens(shequn_venv, tmp_path):
    out = shequn_venv.run("shequn", "plugins", "--json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    import json

    loaded = {p["name"] for p in json.loads(out.stdout) if p["status"] == "loaded"}
    folders = {p.parent.name for p in (ROOT / "plugins").glob("*/__init__.py")}
    assert loaded == folders
    # screen and panel targets are module paths: rewritten, they import in the installed layout
    code = ("import importlib; from shequn.console.tui.app import CORE_SCREENS; "
            "from shequn.console.pluginmanager import get_plugin_manager; "
            "from shequn.console.workspace import gather_ui; s, p = gather_ui(get_plugin_manager()); "
            "specs = list(CORE_SCREENS) + list(s.values()) + list(p.values()); "
            "[getattr(importlib.import_module(t.target.split(':')[0]), t.target.split(':')[1]) for t in specs]; "
            "print(len(specs), sorted({t.target.split('.')[0] for t in specs}))")
    out = shequn_venv.run("python", "-c", code, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split(" ", 1)[1].strip() == "['shequn']"
