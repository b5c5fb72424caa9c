"""Every visible string of the roles plugin has a zh-CN translation, with the same placeholders."""

from __future__ import annotations

import string

from console.i18n import ZH_CN as HOST
from plugins.roles.words import ZH_CN, visible_strings


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_visible_string_is_translated_with_the_same_placeholders():
    missing = sorted(s for s in visible_strings() if s not in ZH_CN and s not in HOST)  # host words: the host's
    assert missing == []
    for s in visible_strings():
        assert _fields(ZH_CN.get(s, HOST.get(s))) == _fields(s), s


def test_domain_words_are_used():
    assert ZH_CN["lead"] == "总负责人" and ZH_CN["owner"] == "群主" and ZH_CN["admin"] == "管理员"
    assert ZH_CN["cheer squad"] == "气氛组" and ZH_CN["insiders"] == "自己人"


def test_translations_are_registered(ws):
    assert ws.registry.translations["zh-CN"]["cheer squad"] == "气氛组"
