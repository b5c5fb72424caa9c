"""Every sentence the Douyin plugin shows a person exists in zh-CN, with the same fields,
and the `shequn douyin` verbs refuse what cannot work with words naming it."""

from __future__ import annotations

import ast
import sqlite3
import string
from pathlib import Path

from click.testing import CliRunner

from console.cli import build_cli, cli
from plugins.douyin.by_hand import BY_HAND
from plugins.douyin.connector import DouyinConnector
from plugins.douyin.translations import ZH

ROOT = Path(__file__).resolve().parents[3]


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def tr_strings() -> set[str]:
    out = set()
    for path in (ROOT / "plugins" / "douyin").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("t", "tr") and node.args \
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                out.add(node.args[0].value)
    return out


def notice_sentences() -> set[str]:
    conn = DouyinConnector("dy1", {"client_key": "k", "client_secret": "s", "open_id": "ou-1"})
    n = conn.notices
    made = [n.quota_spent("28003017 额度", 0), n.rate_limited("28003018", 60, 0), n.no_right("x")]
    conn.notices.later = made.append  # reauthorise/renew_limit queue theirs here
    import asyncio

    asyncio.run(n.reauthorise("why"))
    asyncio.run(n.renew_limit(0))
    return {s for m in made for s in (m.title, m.detail)}


def test_every_shown_sentence_has_a_chinese_translation_with_the_same_fields():
    shown = tr_strings() | notice_sentences() | set(BY_HAND.values()) | {DouyinConnector.title, "set_welcome"}
    assert len(shown) >= 15
    missing = sorted(s for s in shown if s not in ZH)
    assert not missing, "no zh-CN for:\n" + "\n".join(missing)
    for en, zh in ZH.items():
        assert fields(en) == fields(zh), en


def invoke(tmp_path, *args):
    build_cli([])
    return CliRunner().invoke(cli, ["--config", str(tmp_path / "config.toml"), *args], catch_exceptions=False)


def test_the_cli_says_what_cannot_work(tmp_path, monkeypatch):
    from tests.plugins.douyin.dyhelpers import make_fake, open_ws

    fake = make_fake()
    try:
        ws = open_ws(tmp_path, fake, monkeypatch, extra='redirect_uri = "https://ops.example.com/douyin"')
        ws.close()
        link = invoke(tmp_path, "douyin", "authorize", "dy1")
        assert link.exit_code == 0 and "client_key=awkey" in link.output and "scope=im.group_fans.create_list" in link.output
        assert "redirect_uri=https%3A%2F%2Fops.example.com%2Fdouyin" in link.output and fake.open_id in link.output
        nope = invoke(tmp_path, "douyin", "authorize", "qq9")
        assert nope.exit_code == 2 and "'qq9' is not a Douyin connection; configured: dy1" in nope.output
        bad = invoke(tmp_path, "douyin", "code", "dy1", "code.wrong")
        assert bad.exit_code == 2 and "dy1: the code was refused (10007" in bad.output
        good = invoke(tmp_path, "douyin", "code", "dy1", fake.issue_code())
        assert good.exit_code == 0 and f"dy1: authorised as {fake.open_id}" in good.output
        assert (tmp_path / "douyin-dy1.tokens.json").exists()
        status = invoke(tmp_path, "douyin", "status", "dy1", "--json")
        assert '"groups_left": 3' in status.output and "rft." not in status.output and "act." not in status.output
        fake.fail_next(28003018)  # what a verb's call meets reaches the Connections screen, then clears
        assert "unknown: dy1: Douyin is limiting the request rate" in invoke(tmp_path, "douyin", "status", "dy1", "--json").output
        state = lambda: tuple(sqlite3.connect(tmp_path / "shequn.db").execute(  # noqa: E731
            "SELECT state, last_error FROM connections WHERE id = 'dy1'").fetchone())
        assert state()[0] == "throttled" and "28003018" in state()[1]
        invoke(tmp_path, "douyin", "status", "dy1")
        assert state()[0] == "online"
        assert invoke(tmp_path, "douyin", "create", "dy1", " ").output.strip().endswith("the fan group's name is empty")
        made = invoke(tmp_path, "douyin", "create", "dy1", "粉丝群 9")
        assert made.exit_code == 0 and "queued: create fan group '粉丝群 9' on dy1" in made.output
        unknown = invoke(tmp_path, "douyin", "greeting", "no-such-group", "--off")
        assert unknown.exit_code == 2 and "no Douyin fan group 'no-such-group'" in unknown.output
        both = invoke(tmp_path, "douyin", "greeting", "x", "--off", "--text", "hi")
        assert both.exit_code == 2 and "give --text or --off, not both" in both.output
    finally:
        fake.stop()


def test_what_douyin_cannot_do_becomes_a_task_in_its_words(tmp_path, monkeypatch):
    from console.engine import Engine
    from console.model import Event, Kind, Proposal
    from tests.plugins.douyin.dyhelpers import make_fake, open_ws

    fake = make_fake()
    ws = open_ws(tmp_path, fake, monkeypatch)
    try:
        now = ws.now()
        Engine(ws).ingest([Event("dy1", "m1", Kind.MESSAGE, now, group="@g==", user="ou-a", nickname="小明", text="广告")])
        gid, pid = ws.store.one("SELECT group_id, person_id FROM memberships").values()
        ws.store.execute("UPDATE groups SET name = '粉丝群 A' WHERE id = ?", (gid,))
        (kick, rename) = ws.enqueue([Proposal("kick", "ads", group_id=gid, person_id=pid),
                                     Proposal("set_group_name", "tidy", group_id=gid, params={"name": "B"})], "test")
        assert ws.store.scalar("SELECT status FROM actions WHERE id = ?", (kick,)) == "unsupported"
        titles = [r["title"] for r in ws.store.query("SELECT title FROM tasks WHERE kind = 'do_by_hand' ORDER BY id")]
        assert titles == ["Remove 小明 from fan group 粉丝群 A in the Douyin app",
                          "Rename fan group 粉丝群 A in the Douyin app"]
        ws.settings.console.language = "zh-CN"
        ws.enqueue([Proposal("mute", "flood", group_id=gid, person_id=pid, params={"duration": 60})], "test")
        assert ws.store.scalar("SELECT title FROM tasks ORDER BY id DESC LIMIT 1") == "在抖音 App 中将粉丝群 粉丝群 A 的 小明 禁言"
    finally:
        fake.stop()
        ws.close()


def test_the_verbs_answer_in_chinese_in_a_chinese_workspace(tmp_path, monkeypatch):
    import re

    from tests.plugins.douyin.dyhelpers import make_fake, open_ws

    fake = make_fake()
    try:
        g = fake.add_group("粉丝群 A", members=2)
        open_ws(tmp_path, fake, monkeypatch).close()
        with open(tmp_path / "config.toml", "a", encoding="utf-8") as f:
            f.write('\n[console]\nlanguage = "zh-CN"\n')
        assert invoke(tmp_path, "sync", "dy1").exit_code == 0
        said = [invoke(tmp_path, "douyin", "authorize", "dy1").output,
                invoke(tmp_path, "douyin", "create", "dy1", "粉丝群 9").output,
                invoke(tmp_path, "douyin", "greeting", g.group_id, "--text", "欢迎").output,
                invoke(tmp_path, "douyin", "greeting", "粉丝群 A", "--off").output,
                invoke(tmp_path, "douyin", "announcement", "粉丝群 A", "--off").output,
                invoke(tmp_path, "douyin", "greeting", "粉丝群 A", "--off", "--text", "x").output,
                invoke(tmp_path, "douyin", "greeting", "没有这个群", "--off").output,
                invoke(tmp_path, "douyin", "authorize", "qq9").output,
                invoke(tmp_path, "douyin", "code", "dy1", fake.issue_code()).output]
        assert "操作 2 已排队：设置 粉丝群 A 的入群欢迎语" in said[2] and "--text 和 --off 只能给一个" in said[5]
        allowed = {"shequn", "douyin", "authorize", "code", "sync", "CONNECTION", "CODE", "connections", "dy1",
                   "qq9", "redirect_uri", "access", "refresh", "token", "text", "off", "status", "Error"}
        for out in said:
            kept = re.sub(r"https://\S+|/\S+|ou-\w+|im\.[\w.]+", "", out)  # the link, paths, open_ids, scopes
            english = [w for w in re.findall(r"[A-Za-z_]{3,}", kept) if w not in allowed]
            assert not english, (english, out)
    finally:
        fake.stop()
