"""A kick, mute or recall whose target has already left or is already gone is done (the
wanted state holds), in both bridge dialects; a refusal for any other reason stays one."""

from __future__ import annotations

import pytest

from console.model import ActionRequest, Status
from plugins.qq.normalize import gone_target

from tests.plugins.qq.qqhelpers import make_bot, make_connector


@pytest.fixture(params=["gocq", "napcat"])
def bot(request):
    b = make_bot(dialect=request.param)
    yield b
    b.stop()


def req(kind, user=None, group="1", **params):
    return ActionRequest(1, kind, f"k-{kind}-{user}", group=group, user=user, params=params)


async def test_kick_and_mute_of_someone_already_gone_are_done(bot):
    c = make_connector(bot)
    assert 77 not in bot.members[1]
    for r in (req("kick", "77"), req("mute", "77", duration=600), req("unmute", "77")):
        res = await c.perform(r)
        assert res.status == Status.DONE, (r.kind, res.message)
        assert res.data == {"gone": "member"} and res.message.startswith("already not a member: the bridge said:")
    # the person left between the decision and the kick: the kick succeeds, then a repeat is done too
    assert (await c.perform(req("kick", "43"))).status == Status.DONE and 43 not in bot.members[1]
    again = await c.perform(req("kick", "43"))
    assert again.status == Status.DONE and again.data == {"gone": "member"}
    await c.aclose()


async def test_recall_of_a_message_already_gone_is_done(bot):
    c = make_connector(bot)
    mid = bot.inject_message(1, 42, "广告 加我")["message_id"]
    first = await c.perform(req("recall", message_id=str(mid)))
    assert first.status == Status.DONE and not first.data
    again = await c.perform(req("recall", message_id=str(mid)))  # recalled already
    assert again.status == Status.DONE and again.data == {"gone": "message"}
    never = await c.perform(req("recall", message_id="987654"))
    assert never.status == Status.DONE and never.data == {"gone": "message"}
    await c.aclose()


async def test_other_refusals_stay_failures(bot):
    c = make_connector(bot)
    res = await c.perform(req("kick", "9"))  # the owner: the bot cannot manage them
    assert res.status == Status.FAILED and "gone" not in res.data
    res = await c.perform(req("kick", "42", group="555"))  # a group the account is not in
    assert res.status == Status.FAILED and "gone" not in res.data
    bot.fail_next("failed")
    res = await c.perform(req("mute", "42"))  # a member, refused for another reason
    assert res.status == Status.FAILED and 42 in bot.members[1]
    await c.aclose()


@pytest.mark.parametrize("words, gone", [
    ("the bridge said: 人员不存在 / MEMBER_NOT_FOUND", "member"),
    ("the bridge said: 群员不存在 / MEMBER_NOT_FOUND", "member"),
    ("the bridge said: 群成员42不存在", "member"),
    ("the bridge said: 消息不存在 / MESSAGE_NOT_FOUND", "message"),
    ("the bridge said: 群聊不存在 / GROUP_NOT_FOUND", None),
    ("the bridge said: 机器人权限不足 / NOT_MANAGEABLE", None),
    ("", None),
])
def test_gone_words(words, gone):
    assert gone_target(words) == gone
