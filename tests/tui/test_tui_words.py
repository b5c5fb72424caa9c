"""Words on screen: stored texts read back in the console's language, Chinese line
breaks, ladder steps, scopes and actors in words."""

from __future__ import annotations

from rich.cells import cell_len

from console.stored_text import Retranslator
from console.tui.typeset import wrap
from console.words import actor_text, scope_text, step_text

CATALOGUE = {
    "{n} join requests waiting longer than {minutes} minutes": "{n} 条入群申请等待超过 {minutes} 分钟",
    "{n} cheer squad, guideline {min}-{max}": "气氛组 {n} 人，建议 {min}-{max} 人",
    "new group ({days} days old): {n} insiders, about {want} wanted": "新群（{days} 天）：自己人 {n} 个，建议约 {want} 个",
    "Group {group} is understaffed": "群 {group} 人手不足",
    "Referral entry: no referrer given": "推荐制：没有推荐人",
    "held": "暂缓", "kick": "踢出", "{step} {n} min": "{step} {n} 分钟",
}


def test_stored_text_is_read_back_in_either_language():
    r = Retranslator(CATALOGUE)
    assert r.shown("3 join requests waiting longer than 60 minutes", "zh-CN") == "3 条入群申请等待超过 60 分钟"
    assert r.shown("3 条入群申请等待超过 60 分钟", "en") == "3 join requests waiting longer than 60 minutes"
    assert r.shown("held", "zh-CN") == "暂缓" and r.shown("暂缓", "en") == "held"
    assert r.shown("暂缓", "zh-CN") == "暂缓"  # already in the console's language
    assert r.shown("a member's own words", "zh-CN") == "a member's own words"
    assert r.shown(None, "zh-CN") == ""


def test_messages_joined_in_one_text_are_read_part_by_part():
    r = Retranslator(CATALOGUE)
    why = ("会员福利1群: 0 cheer squad, guideline 2-3, new group (3 days old): 4 insiders, about 10 wanted; "
           "会员福利2群: 1 cheer squad, guideline 2-3")
    assert r.shown(why, "zh-CN") == ("会员福利1群：气氛组 0 人，建议 2-3 人，新群（3 天）：自己人 4 个，建议约 10 个；"
                                     "会员福利2群：气氛组 1 人，建议 2-3 人")
    # a field's value never swallows the next message ("2-3; new group ..." is not a {max})
    assert r.shown("0 cheer squad, guideline 2-3; Referral entry: no referrer given", "zh-CN") == \
        "气氛组 0 人，建议 2-3 人；推荐制：没有推荐人"
    assert r.shown("Group 好物群 is understaffed — 0 cheer squad, guideline 2-3", "zh-CN") == \
        "群 好物群 人手不足——气氛组 0 人，建议 2-3 人"
    assert r.shown("nothing here; known", "zh-CN") == "nothing here; known"  # nothing read: as stored


def test_chinese_lines_never_start_with_a_closing_mark():
    text = ("各平台等你处理的所有事项（config 中的 `console.owner`），紧急提醒和仍有效的入群申请在前。回车查看详情；"
            "空格标记，* 标记全部显示的行；y 通过、x 拒绝。f 筛选：`alert`、`join`、`case` 或 `task`。")
    for width in range(10, 61):
        lines = wrap(text, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", ""), width  # nothing lost
        if width >= 17:  # narrower, `console.owner` (13 cells) and its closing marks make a line of their own
            assert all(cell_len(line.replace("`", "")) <= width for line in lines), width
        assert not [line for line in lines if line[:1] in "，。；：、？！）」』》"], width
        assert not [line for line in lines[:-1] if line[-1:] in "（「『《"], width
    assert wrap("console.owner is one word", 8)[0] == "console.owner"  # a Latin word is never cut


def test_steps_scopes_and_actors_in_words():
    t = CATALOGUE.get
    tr = lambda s, **kw: (t(s) or s).format(**kw) if kw else (t(s) or s)  # noqa: E731
    assert step_text(tr, "mute:10") == "mute 10 分钟" and step_text(tr, "kick") == "踢出"
    assert scope_text(tr, "all") == "all groups" and scope_text(tr, "type:flash") == "type: flash"
    assert scope_text(tr, "group:12", {12: "好物群"}) == "group: 好物群"
    assert actor_text(tr, "rule:ads") == "rule: ads" and actor_text(tr, "operator:li") == "operator: li"


def test_the_groups_filter_finds_a_platform_and_a_type_by_their_chinese_words():
    from console.i18n import translate
    from console.tui.queries import filter_groups

    rows = [{"name": "福利1群", "type": "welfare", "platform": "qq"},
            {"name": "粉丝群", "type": "traffic", "platform": "douyin"},
            {"name": "测试群", "type": "traffic", "platform": "sandbox"}]

    def zh(s):
        return translate(s, "zh-CN")

    assert [r["name"] for r in filter_groups(rows, "抖音", zh)] == ["粉丝群"]
    assert [r["name"] for r in filter_groups(rows, "沙盒 引流群", zh)] == ["测试群"]
    assert [r["name"] for r in filter_groups(rows, "douyin", zh)] == ["粉丝群"]  # the code still finds it
