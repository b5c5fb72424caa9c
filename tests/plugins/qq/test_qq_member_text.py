"""What members read: their group's language (never the console's), names not numbers, and
no sentence sent with a hole where a value was missing (issue 17 item 4)."""

from __future__ import annotations

import json

import pytest

from console.config import ConfigError
from console.member_text import for_members, group_language
from plugins.entry_rules.flash import run as flash_run
from plugins.entry_rules.policies import save_policy
from plugins.entry_rules.templates import render_for_members
from tests.plugins.qq.dialect_kit import bridge, feed, post, qq_workspace

EN_GROUP_1 = '\n[members.by_group]\n"1" = "en"\n'


@pytest.mark.parametrize("template,values,out", [
    ("@{nickname} 欢迎！请把群名片改成「{format}」。", {"nickname": "", "format": "城市-名字"}, "请把群名片改成「城市-名字」。"),
    ("@{nickname} 欢迎！请把群名片改成「{format}」。", {"nickname": None, "format": ""}, ""),
    ("欢迎 {nickname} 加入「{group}」！{rules}", {"nickname": "小明", "group": "G", "rules": " "}, "欢迎 小明 加入「G」！"),
    ("Welcome {nickname}! Read {rules}. See you", {"nickname": "Al", "rules": ""}, "Welcome Al! See you"),
    ("欢迎 {nickname}\n群规：{rules}", {"nickname": "小明", "rules": "不发广告"}, "欢迎 小明\n群规：不发广告"),
    ("欢迎 {nickname}", {"nickname": "{group}"}, "欢迎 {group}"),  # a value is never a template
])
def test_a_sentence_whose_value_is_missing_is_left_out(template, values, out):
    assert render_for_members(template, values) == out


def test_the_group_language_is_the_group_setting_then_the_type_then_zh_cn(tmp_path):
    ws = qq_workspace(tmp_path, '\n[members]\nby_type = {welfare = "en"}\n[members.by_group]\n"qq1:7" = "en"\n'
                                '"8" = "zh-CN"\n')
    try:
        assert ws.settings.console.language == "en"
        g = {"connection_id": "qq1", "platform_group_id": "5", "type": "traffic"}
        assert group_language(ws, g) == "zh-CN"  # the default, whatever the console's language
        assert group_language(ws, {**g, "type": "welfare"}) == "en"
        assert group_language(ws, {**g, "platform_group_id": "7"}) == "en"
        assert group_language(ws, {**g, "platform_group_id": "8", "type": "welfare"}) == "zh-CN"
        words = for_members(ws, g)
        assert words.tr("mute for {minutes} minutes", minutes=5) == "禁言5分钟" and words.store is ws.store
        assert for_members(ws, {**g, "type": "welfare"}).tr("mute for {minutes} minutes", minutes=5) == \
            "mute for 5 minutes"
    finally:
        ws.close()


@pytest.mark.parametrize("extra,key", [('\n[members]\nlanguage = "fr"\n', "members.language"),
                                       ('\n[members]\nby_type = {vip = "en"}\n', "members.by_type.vip"),
                                       ('\n[members.by_group]\n"1" = "english"\n', "members.by_group.1")])
def test_a_language_setting_that_cannot_work_is_refused_naming_it(tmp_path, extra, key):
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        qq_workspace(tmp_path, extra)


@pytest.mark.parametrize("extra,expect,other", [("", "请遵守群规", "Please keep"), (EN_GROUP_1, "Please keep", "请遵守群规")])
async def test_a_warning_is_in_the_groups_language_not_the_consoles(tmp_path, extra, expect, other):
    b = bridge("napcat")
    ws = qq_workspace(tmp_path, extra)  # the console speaks English in both
    try:
        res = await post(b, b.bot.inject_message(1, 42, "领券 https://vip-coupon.example.cn/get?id=88 加我"))
        feed(ws, res.events)
        warning = [json.loads(a["params"])["text"] for a in ws.store.query("SELECT params FROM actions"
                                                                           " WHERE kind = 'send'")]
        assert len(warning) == 1 and expect in warning[0] and other not in warning[0]
    finally:
        ws.close()
        await b.close()


@pytest.mark.parametrize("extra,words", [("", "「城市-名字」的格式，例如「上海-小明」"),
                                         (EN_GROUP_1, "「city-name」的格式，例如「Shanghai-Ming」")])
async def test_a_nickname_reminder_shows_the_format_in_words_and_no_empty_name(tmp_path, extra, words):
    b = bridge("gocq")
    ws = qq_workspace(tmp_path, extra)
    try:
        save_policy(ws, "nickname", {"template": "{city}-{name}"}, scope="all")
        await_feed = []
        for uid, nick in ((50, "小明"), (51, "")):  # 51: a member without a nickname or a card
            await_feed += (await post(b, b.bot.member_joins(1, uid, nick))).events
        feed(ws, await_feed)
        texts = {a["person_id"]: json.loads(a["params"])["text"] for a in ws.store.query(
            "SELECT person_id, params FROM actions WHERE kind = 'send' AND reason LIKE 'Nickname%'")}
        assert len(texts) == 2
        named, nameless = [texts[k] for k in sorted(texts)]
        assert named.startswith("@小明 欢迎！") and words in named
        assert nameless.startswith("请把群名片改成") and "{" not in nameless and "@ " not in nameless
    finally:
        ws.close()
        await b.close()


def test_a_flash_countdown_is_in_the_groups_language(tmp_path):
    ws = qq_workspace(tmp_path, '\n[members]\nby_type = {flash = "en"}\n')
    try:
        now = 1_750_000_000
        for number, kind in (("1", "flash"), ("2", "flash")):
            ws.store.execute("INSERT INTO groups(connection_id, platform, platform_group_id, name, type, closes_at)"
                             " VALUES ('qq1', 'qq', ?, ?, ?, ?)", (number, f"快闪{number}", kind, now + 3600 * 20))
        ws.settings.members.by_group["2"] = "zh-CN"
        with ws.clock_at(now):
            texts = sorted(p.params["text"] for p in flash_run(ws))
        assert texts == ["This group closes in 20 hours. Make the most of it!", "本群将在 20 小时后关闭，抓紧参与哦！"]
    finally:
        ws.close()
