"""Every capability a connector can declare has zh-CN words: the Connections screen lists
what a platform supports by them (it showed 'welcome_template' among 群公告, 通过入群 ...)."""

from __future__ import annotations

from console.i18n import translate
from console.model import Capability


def test_every_capability_reads_in_chinese():
    untranslated = [c.value for c in Capability if translate(c.value, "zh-CN") == c.value]
    assert untranslated == []
    assert translate(Capability.WELCOME_TEMPLATE.value, "zh-CN") == "入群欢迎语模板"
