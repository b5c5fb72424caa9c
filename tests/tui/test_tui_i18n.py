"""Every string the console shows has a zh-CN translation; translate() falls back to English."""

from __future__ import annotations

import ast
from pathlib import Path

from console.i18n import ZH_CN, translate

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "console" / "tui").rglob("*.py")) + sorted(
    f for p in ("roles", "entry_rules", "moderation") for f in (ROOT / "plugins" / p).glob("screens*.py")) + [
    ROOT / "plugins" / "kpi" / "panels.py"]
#: module-level tables of words the console translates when it shows them
WORD_TABLES = ("VERB", "WHAT")


def shown_strings(path: Path) -> set[str]:
    """String literals the console passes to t(), column titles, binding descriptions,
    empty-table texts, screen titles, help texts and palette entries."""
    out: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            fn = node.func
            name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
            args = node.args
            if name in ("t", "tr", "record") and args and isinstance(args[0], ast.Constant) \
                    and isinstance(args[0].value, str):
                out.add(args[0].value)
            elif name == "define" and args and isinstance(args[0], ast.Dict):  # a plugin screen's keys
                out |= {v.elts[2].value for v in args[0].values if isinstance(v, ast.Tuple)}
            elif name == "Column" and len(args) >= 2 and isinstance(args[1], ast.Constant):
                out.add(args[1].value)
            elif name == "Binding" and len(args) >= 3 and isinstance(args[2], ast.Constant):
                out.add(args[2].value)
            elif name == "_one_or_many":  # a dashboard line's singular and plural texts
                out |= {a.value for a in args[1:] if isinstance(a, ast.Constant) and isinstance(a.value, str)}
            elif name == "VirtualTable":
                out |= {kw.value.value for kw in node.keywords if kw.arg == "empty" and isinstance(kw.value, ast.Constant)}
        elif isinstance(node, ast.Dict):  # the dashboard's lines: {"text": KEY, ...}
            out |= {v.value for k, v in zip(node.keys, node.values) if isinstance(k, ast.Constant)
                    and k.value == "text" and isinstance(v, ast.Constant) and isinstance(v.value, str)}
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and any(
                getattr(t, "id", "") in ("TITLE_EN", "HELP") for t in node.targets):
            out.add(node.value.value)
        elif isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "PALETTE" for t in node.targets):
            out |= {el.elts[0].value for el in node.value.elts}
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Dict) and any(
                getattr(t, "id", "") in WORD_TABLES + ("KEYS",)
                for t in (node.targets if isinstance(node, ast.Assign) else [node.target])):
            for v in node.value.values:  # KEYS: (keys, action, description, shown); VERB, WHAT: words
                if isinstance(v, ast.Tuple) and len(v.elts) == 4:
                    out.add(v.elts[2].value)
                elif isinstance(v, ast.Constant) and isinstance(v.value, str):
                    out.add(v.value)
    return {s for s in out if s}


def test_every_console_string_has_a_zh_cn_translation(tui_ws):
    plugin_words = tui_ws.registry.translations.get("zh-CN", {})
    missing = {f"{p.relative_to(ROOT)}: {s!r}" for p in SOURCES for s in shown_strings(p)
               if s not in ZH_CN and s not in plugin_words}
    assert not missing, "no zh-CN translation for:\n" + "\n".join(sorted(missing))


def test_domain_words_are_in_the_catalogue():
    for en, zh in {"join queue": "待审核", "cheer squad": "气氛组", "outbox": "待执行操作", "audit log": "操作日志",
                   "dashboard": "数据看板", "case": "处理记录", "silent group": "僵尸群"}.items():
        assert translate(en, "zh-CN") == zh


def test_plugin_translation_wins_and_unknown_falls_back():
    assert translate("Roles", "zh-CN", {"zh-CN": {"Roles": "团队"}}) == "团队"
    assert translate("no such string", "zh-CN") == "no such string"
    assert translate("Roles", "en") == "Roles"
    assert translate("Roles", "fr") == "Roles"
