"""Gambling spam (网上博彩) is an ad by itself, as spam disguises it: traditional characters,
homophones and separators, and its link's ".com" written in look-alike symbols."""

from __future__ import annotations

import pytest

from plugins.moderation.normalize import normalize
from plugins.moderation.pitches import pitch


@pytest.mark.parametrize("text, word", [
    ("網上-博采!老-品-牌!信-謍-好!佰*嘉*樂!体#育", "博采"),
    ("百家樂，真人荷官在线", "百家乐"),
    ("龍唬鬥 牛牛 体育", "龙唬斗"),
    ("正规娱乐场，注册就送", "娱乐场"),
])
def test_gambling_words_are_an_ad_alone(text, word):
    found = pitch(normalize(text))
    assert found is not None and "gambling" in found[0] and word in found[1]


@pytest.mark.parametrize("text", ["他的文章博采众长", "百家乐园小区门口等你", "今天真快乐", "龙虎山一日游"])
def test_look_alikes_in_ordinary_talk_are_not(text):
    assert pitch(normalize(text)) is None


def test_a_dot_com_in_look_alike_symbols_is_a_dot_com():
    assert normalize("详情登入:dhyx6.℃○Μ").endswith("dhyx6.com")
