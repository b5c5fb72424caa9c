"""Detail views (the whole text of a row) and what is checked before a confirmation:
reasons from presets and recent ones, names that several people share, and people who
are not members."""

from __future__ import annotations

import pytest

from console.config import ConfigError
from console.tui.detail import DetailScreen
from console.tui.dialogs import ConfirmScreen
from console.tui.pickers import ChoiceScreen, ReasonScreen
from console.tui.vtable import VirtualTable

from .test_tui_bulk import add_requests
from .world import NOW, copy, make_app, open_ws, settle

ERROR = "NapCat: 操作失败 (retcode 1200): " + "群成员列表拉取超时，请稍后再试；" * 6 + "END"


async def test_enter_on_an_outbox_row_opens_the_action_with_its_whole_error(tui_ws):
    with tui_ws.store.write() as c:
        gid = c.execute("SELECT id FROM groups ORDER BY id LIMIT 1").fetchone()[0]
        c.execute("INSERT INTO actions(connection_id, kind, group_id, requested_by, idempotency_key, status, params,"
                  " last_error, attempts, created_at, updated_at) VALUES ('sandbox', 'send', ?, 'operator:x', 'k-err',"
                  " 'failed', '{\"text\": \"早安\"}', ?, 6, ?, ?)", (gid, ERROR, NOW + 5, NOW + 5))
    app = make_app(tui_ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("a", "2")
        await settle(pilot)
        table = app.screen.query_one("#outbox", VirtualTable)
        assert app.focused is table and table.current_row["last_error"] == ERROR
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        body = str(app.screen.query_one("#detail-body").render())
        assert ERROR[-40:] in body.replace("\n", "") and "早安" in body and "6" in body
        await pilot.press("enter")  # from the action to its group
        await settle(pilot)
        assert app.screen.__class__.__name__ == "GroupDetailScreen" and app.screen.group_id == gid


async def test_a_requests_comment_and_its_answer_show_on_their_own_lines(tui_ws):
    rid = add_requests(tui_ws, 1)[0]
    app = make_app(tui_ws, lang="zh-CN")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("w")
        await settle(pilot)
        table = app.screen.query_one("#queue", VirtualTable)
        assert table.current_row["id"] == rid
        drawn = "".join(s.text for s in table.render_line(1))
        assert "问题：从哪里知道" in drawn and "\n" not in drawn and "待审核" in drawn  # one line, cut, not garbled
        await pilot.press("enter")
        await settle(pilot)
        lines = str(app.screen.query_one("#detail-body").render()).splitlines()
        assert "  问题：从哪里知道本群？" in lines and "  答案：朋友0" in lines
        assert app.screen.title_text == f"入群申请 #{rid}"


async def test_enter_on_an_alert_shows_its_cause(tui_ws):
    app = make_app(tui_ws, lang="zh-CN")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("tab")  # to the alerts: the first one is highlighted
        first = app.screen.alerts[0]
        assert app.focused.id == "alerts" and app.focused.highlighted == 0
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        body = str(app.screen.query_one("#detail-body").render())
        assert app.shown(first["message"]) in body and "原因" in body


async def test_reject_reasons_from_config_and_recent_ones(world_config, tmp_path):
    cfg = copy(world_config, tmp_path / "reasons",
               '[entry_rules]\nreject_reasons = { "*" = ["请先回答入群问题", "名额已满"], traffic = ["请从公众号入口申请"] }\n')
    ws = open_ws(cfg)
    try:
        add_requests(ws, 3)
        app = make_app(ws)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("w")
            await settle(pilot)
            await pilot.press("x")
            await settle(pilot)
            assert isinstance(app.screen, ReasonScreen)
            assert app.screen.choices == [("请先回答入群问题", "default"), ("请从公众号入口申请", "preset"),
                                          ("名额已满", "preset")]
            await pilot.press("tab", *"不是本地用户", "enter")
            await settle(pilot)
            await pilot.press("y")
            await settle(pilot)
            await pilot.press("x")
            await settle(pilot)
            assert app.screen.choices[-1] == ("不是本地用户", "recent")  # typed once, offered again
    finally:
        ws.close()
    bad = copy(world_config, tmp_path / "bad", '[entry_rules]\nreject_reasons = { vip = ["x"] }\n')
    with pytest.raises(ConfigError, match="entry_rules.reject_reasons.vip"):
        from plugins.entry_rules.settings import settings_of

        settings_of(open_ws(bad))


async def test_a_shared_name_is_chosen_before_the_confirmation(tui_ws):
    gid, a, b = 2, *[r[0] for r in tui_ws.store.execute(
        "SELECT person_id FROM memberships WHERE group_id = 2 AND status = 'member'"
        " AND person_id NOT IN (SELECT person_id FROM roles) ORDER BY id LIMIT 2 OFFSET 3")]
    with tui_ws.store.write() as c:  # two members called 小王
        c.execute("UPDATE people SET display_name = '小王' WHERE id IN (?, ?)", (a, b))
    cheer = "SELECT person_id FROM roles WHERE group_id = ? AND role = 'cheer'"
    squad = {r[0] for r in tui_ws.store.execute(cheer, (gid,))}  # the demo's roster
    assert a not in squad and b not in squad
    app = make_app(tui_ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("r")
        await settle(pilot)
        table = app.screen.query_one("#matrix", VirtualTable)
        while table.current_row["group_id"] != gid:
            await pilot.press("j")
        await pilot.press("plus", *"小王 cheer", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen) and "2 people are called 小王" in app.screen.question
        assert [o[1]["id"] for o in app.screen.options] == sorted([a, b])
        await pilot.press("j", "enter")  # the second of them
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and f"(#{max(a, b)})" in app.screen.question
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("enter", "plus", *"nobody-at-all admin", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)  # nobody by that name: nothing asked
        assert any("unknown person 'nobody-at-all'" in str(n.message) for n in app._notifications)
    assert {r[0] for r in tui_ws.store.execute(cheer, (gid,))} - squad == {max(a, b)}


async def test_a_detail_view_joins_label_and_value_as_its_language_does(tui_ws):
    """zh-CN: the full-width colon, no space (群成员：朱桂英, not 群成员: 朱桂英); English as before.
    Written by hand, so a line built with a bare ": " again fails here."""
    rid = add_requests(tui_ws, 1)[0]
    person, group = _names(tui_ws, rid)
    want = {"zh-CN": [f"群成员：{person}", f"群：{group}", "状态：待审核", "附言：", "  问题：从哪里知道本群？",
                      "  答案：朋友0", "推荐人：-", "规则：-", "决定人：-", "平台编号：q0"],
            "en": [f"member: {person}", f"group: {group}", "status: waiting", "comment:", "  问题：从哪里知道本群？",
                   "  答案：朋友0", "referrer: -", "rule: -", "decided by: -", "platform id: q0"]}
    for lang, lines in want.items():
        app = make_app(tui_ws, lang=lang)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("w")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, DetailScreen)
            body = str(app.screen.query_one("#detail-body").render()).splitlines()
            assert [line for line in body if line in lines] == lines, (lang, body)
            if lang == "zh-CN":
                assert not any(": " in line or line.endswith(":") for line in body), body


def _names(ws, rid: int) -> tuple[str, str]:
    r = ws.store.one("SELECT p.display_name AS p, g.name AS g FROM join_requests r JOIN people p ON p.id = r.person_id"
                     " JOIN groups g ON g.id = r.group_id WHERE r.id = ?", (rid,))
    return r["p"], r["g"]
