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


#: Latin words a Chinese screen may show: names of things, keys, what to type, ids
ALLOWED = {"sandbox", "tester", "shequn", "KOL", "ROI", "ID", "SVG", "Esc", "Tab", "Ctrl", "Enter", "space", "home",
           "end", "pgup", "pgdn", "esc", "alert", "join", "case", "task", "English", "config", "toml", "churned",
           "admin", "cheer", "owner", "kol", "failed", "rule", "operator", "console"}


def english_words(text: str) -> set[str]:
    import re

    text = re.sub(r"\b[\w-]+[._:][\w.:-]+\b", " ", text)  # ids, config keys, platform:id
    return {w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in ALLOWED}


async def test_chinese_screens_show_no_english(tui_ws):
    """Every screen's chrome (title, mode bar, tabs, column titles, key bar, the why line),
    its help and the command palette, in zh-CN: no English word left."""
    from textual.widgets import Tab

    from console.tui.keybar import KeyBar
    from console.tui.vtable import VirtualTable

    from .world import make_app, settle

    app = make_app(tui_ws, lang="zh-CN")
    seen: dict[str, set[str]] = {}
    async with app.run_test(size=(100, 30)) as pilot:
        for mode in ("dashboard", "groups", "members", "roles", "workflows", "moderation", "activity",
                     "connections", "owner"):
            app.switch_mode(mode)
            await settle(pilot)
            s = app.screen
            parts = [s.title, s.sub_title, str(s.query_one("#modebar").render()), str(s.query_one(KeyBar).render()),
                     str(s.query_one("#why").render())]
            parts += [str(t.label) for t in s.query(Tab)]
            parts += ["".join(seg.text for seg in v.render_line(0)) for v in s.query(VirtualTable)]
            await pilot.press("question_mark")
            await settle(pilot)
            h = app.screen  # the help, as it shows: its title, text, keys' descriptions, screens, notes
            parts += [h.title_text, h.text, *[k[1] for k in h.keys], *[x[1] for x in h.screens], *h.notes]
            await pilot.press("escape")
            await settle(pilot)
            for p in parts:
                if english_words(p):
                    seen.setdefault(mode, set()).update(english_words(p))
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"主题")
        await settle(pilot)
        palette = app.screen
        parts = [str(palette.query_one("Input").placeholder)]
        parts += [str(o.prompt) for o in palette.query_one("CommandList")._options]
        seen.update({"palette": set().union(*map(english_words, parts))} if any(map(english_words, parts)) else {})
    assert not seen, f"English on Chinese screens: {seen}"


async def test_textual_toasts_and_stored_english_are_in_chinese(tui_ws):
    """ctrl+c (Textual tells how to quit), a screenshot saved, a plugin's English error: all in zh-CN."""
    from .world import make_app, settle

    app = make_app(tui_ws, lang="zh-CN")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+c")
        app.notify("Saved screenshot", title="Screenshot")  # what Textual says after the palette's Screenshot
        app.notify("1 join request waiting longer than 60 minutes")  # an alert stored in English
        await settle(pilot)
        said = [(n.title, n.message) for n in app._notifications]
        assert ("要退出吗？", "按 ^q 退出") in said  # the key as the key bar shows it
        assert ("截图", "截图已保存") in said and (None, "1 条入群申请等待超过 60 分钟") in [
            (n.title or None, n.message) for n in app._notifications]
