"""Every string the content plugin shows has a zh-CN translation: its refusals (the first
argument of every ContentError), its ws.t/ws.tr/t/tr texts (both sides of a conditional
text), its screen's and panel's column titles, key descriptions, help and palette."""

from __future__ import annotations

import ast
from pathlib import Path

from console.i18n import ZH_CN
from plugins.content.translations import ZH_CN as PLUGIN_ZH

ROOT = Path(__file__).resolve().parents[3] / "plugins" / "content"
#: module-level tables of words the plugin translates when it shows them (dict values, tuple items)
WORD_TABLES = ("HEADERS", "NOTES", "STATE_WORDS", "KIND_WORDS", "WEEKDAYS", "LINK_WORDS", "WORDS_SHOWN")


def _texts(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _texts(node.body) + _texts(node.orelse)
    return []


def shown(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and node.args:
            fn = node.func
            name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
            if name in ("ContentError", "t", "tr", "notify_t"):
                out.update(_texts(node.args[0]))
            elif name == "Column" and len(node.args) >= 2:
                out.update(_texts(node.args[1]))
            elif name == "VirtualTable":
                out |= {kw.value.value for kw in node.keywords if kw.arg == "empty" and isinstance(kw.value, ast.Constant)}
            elif name == "define" and isinstance(node.args[0], ast.Dict):
                out |= {v.elts[2].value for v in node.args[0].values if isinstance(v, ast.Tuple)}
        elif isinstance(node, ast.Assign) and any(getattr(t, "id", "") in ("TITLE_EN", "HELP") for t in node.targets):
            out.update(_texts(node.value))
        elif isinstance(node, ast.Assign) and any(getattr(t, "id", "") in WORD_TABLES for t in node.targets):
            out |= {n.value for n in ast.walk(node.value) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                    and not (isinstance(node.value, ast.Dict) and n in node.value.keys)}
        elif isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "PALETTE" for t in node.targets):
            out |= {el.elts[0].value for el in node.value.elts}
    return {s for s in out if s.strip()}


def test_every_shown_string_of_the_plugin_has_zh_cn():
    from console.pluginmanager import get_plugin_manager
    from console.workspace import gather_registry

    known = gather_registry(get_plugin_manager()).translations.get("zh-CN", {})  # every plugin's, this one's too
    missing = sorted(f"{p.name}: {s!r}" for p in ROOT.glob("*.py") for s in shown(p)
                     if s not in known and s not in ZH_CN)
    assert not missing, "no zh-CN for:\n" + "\n".join(missing)


def test_translations_keep_their_placeholders():
    import string

    def names(s):
        return sorted(n for _, n, _, _ in string.Formatter().parse(s) if n)

    bad = [k for k, v in PLUGIN_ZH.items() if names(k) != names(v)]
    assert not bad, bad


def test_the_scan_sees_refusals_and_tables():
    assert "{field}: unknown placeholder {{{name}}}; allowed: {allowed}" in shown(ROOT / "texts.py")
    assert "the group is paused" in shown(ROOT / "preview.py") and "holiday" not in shown(ROOT / "preview.py")
    assert "skips holidays" in shown(ROOT / "cli.py") and "skip_holidays" not in shown(ROOT / "cli.py")


def test_the_plugin_never_changes_anyone_elses_words():
    """Plugin translations win over the host's: a key the host (or another plugin) already
    translates must not be given another meaning here (the host's "activation" is 激活期,
    a lifecycle stage; the plugin's purpose is "activation (purpose)", 促活)."""
    from console.pluginmanager import get_plugin_manager
    from console.workspace import gather_registry

    others = gather_registry(get_plugin_manager(["content"])).translations.get("zh-CN", {})
    clash = {k: (ZH_CN.get(k), others.get(k), v) for k, v in PLUGIN_ZH.items()
             if (k in ZH_CN and ZH_CN[k] != v) or (k in others and others[k] != v)}
    assert clash == {}
