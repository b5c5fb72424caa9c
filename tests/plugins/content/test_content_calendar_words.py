"""The calendar's summary names a group type in the operator's words (引流群, not traffic)
and a family by its name, in its gaps and its collision warnings alike."""

from __future__ import annotations

from console.i18n import translate
from plugins.content.screens import summary
from plugins.content.translations import ZH_CN


def _zh(text: str, **kw) -> str:
    out = translate(text, "zh-CN", {"zh-CN": ZH_CN})
    return out.format(**kw) if kw else out


def test_a_collision_and_the_gaps_name_group_types_in_chinese():
    view = {"gaps": {"type:traffic": 16, "family:会员福利": 2},
            "collisions": [{"scope": "type:traffic", "title": "话题·周末", "first": "2026-11-24",
                            "second": "2026-11-26", "days": 2},
                           {"scope": "family:会员福利", "title": "话题·周末", "first": "2026-11-24",
                            "second": "2026-11-26", "days": 2}],
            "mix": {"share": {"activation": 0.5, "conversion": 0.3, "brand": 0.2},
                    "target": {"activation": 0.5, "conversion": 0.3, "brand": 0.2}}}
    lines = summary(_zh, view, "zh-CN").splitlines()
    assert "引流群 16" in lines[0] and "会员福利 2" in lines[0]
    assert lines[1] == "⚠ 引流群 内容重复：话题·周末 在 2026-11-24 和 2026-11-26 各排了一次（相隔 2 天）"
    assert lines[2].startswith("⚠ 会员福利 内容重复：") and "traffic" not in "".join(lines)
