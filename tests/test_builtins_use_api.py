"""The built-in plugins are written as a third party's would be (issue 22, item 1 and 2):
they import only the public API (``shequn``, ``shequn.cli``, ``shequn.tui`` and the small
modules beside them), never ``console`` or ``console.*``, and they keep their state in
``ws.plugin_state(name)``, never in attributes set on the workspace. Each finding names
the file and line."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLUGINS = ROOT / "plugins"
WORKSPACE_NAMES = ("ws", "workspace", "self.ws", "self._ws")


def plugin_sources() -> list[Path]:
    """Every module of the built-in plugins but their tests."""
    return sorted(p for p in PLUGINS.rglob("*.py") if "tests" not in p.relative_to(PLUGINS).parts)


def host_imports(tree: ast.AST) -> list[tuple[int, str]]:
    """Lines importing the host (``import console.x``, ``from console[.x] import y``), anywhere
    in the module, a function's body included."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "console"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "console":
            found.append((node.lineno, node.module))
    return found


def workspace_attributes_set(tree: ast.AST) -> list[tuple[int, str]]:
    """Lines setting an attribute on the workspace (``ws._x = ...``, ``setattr(ws, ...)``)."""
    found = []
    for node in ast.walk(tree):
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr" \
                and node.args and ast.unparse(node.args[0]) in WORKSPACE_NAMES:
            found.append((node.lineno, ast.unparse(node)))
        for t in targets:
            for el in (t.elts if isinstance(t, ast.Tuple) else [t]):
                if isinstance(el, ast.Attribute) and ast.unparse(el.value) in WORKSPACE_NAMES:
                    found.append((node.lineno, ast.unparse(el)))
    return found


def _findings(check) -> list[str]:
    out = []
    for path in plugin_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        out += [f"{path.relative_to(ROOT)}:{line}: {what}" for line, what in check(tree)]
    return out


def test_builtin_plugins_import_only_the_public_api():
    found = _findings(host_imports)
    assert not found, "built-in plugins import the host (use shequn's public API):\n" + "\n".join(found)


def test_builtin_plugins_set_no_attribute_on_the_workspace():
    found = _findings(workspace_attributes_set)
    assert not found, "built-in plugins stash state on the workspace (use ws.plugin_state(name)):\n" + "\n".join(found)


def test_the_checks_see_every_form():
    """What each check catches and what it lets pass, pinned on a sample."""
    src = ("import json\n"
           "from console.model import Event\n"
           "import console.store as store\n"
           "from shequn import Event\n"
           "from .console import x\n"
           "def f(ws):\n"
           "    from console import numbers\n"
           "    ws._cache = {}\n"
           "    ws._n += 1\n"
           "    setattr(ws, '_y', 1)\n"
           "    ws.plugin_state('x')['k'] = 1\n"
           "    ws.store.x = 1\n"
           "    other._z = 2\n")
    tree = ast.parse(src)
    assert host_imports(tree) == [(2, "console.model"), (3, "console.store"), (7, "console")]
    assert workspace_attributes_set(tree) == [(8, "ws._cache"), (9, "ws._n"), (10, "setattr(ws, '_y', 1)")]
    assert len(plugin_sources()) > 100 and not any("tests" in p.parts[-2:] for p in plugin_sources())
