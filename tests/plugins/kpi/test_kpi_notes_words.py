"""A KPI's note (why it has no value, what is behind it) reads in the operator's language on
the dashboard and in `shequn kpi`, and stays English in JSON: every note metrics.compute can
give has a zh-CN entry, and the notes with numbers are templates filled after translating."""

from __future__ import annotations

import ast
from pathlib import Path

from console.i18n import translate
from plugins.kpi import metrics
from plugins.kpi.i18n import ZH
from plugins.kpi.inputs import Inputs

ACT = {"joins": 10, "leaves": 3, "kicked": 1, "members_start": 90, "members_avg": 95.0, "interaction": 0.4,
       "messages": 500}


def _note_literals() -> set[str]:
    """The string constants handed to put() and _ratio() in metrics.py (adjacent literals joined)."""
    tree = ast.parse(Path(metrics.__file__).read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("put", "_ratio"):
            out |= {a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
                    and (" " in a.value)}
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and \
                str(node.value.value).startswith("no data:"):
            out.add(node.value.value)
    return out


def test_every_note_has_its_zh_cn_words():
    notes = _note_literals()
    assert len(notes) >= 13  # 3 missing inputs, 8 "no data", the churn and segment templates
    assert "{left} left, {removed} of them removed" in notes
    missing = sorted(n for n in notes if n not in ZH)
    assert missing == []


def test_notes_with_numbers_are_filled_after_translating():
    vals = metrics.compute(ACT, Inputs(), (0, 0), {"loyal": 1, "bargain": 1, "need": 0, "low_need": 2, "unknown": 0}, 7)
    churn = vals["churn_rate"]
    assert churn["note"] == "3 left, 1 of them removed"  # JSON and CSV keep the English
    words, params = churn["note_words"]
    assert translate(words, "zh-CN", {"zh-CN": ZH}).format(**params) == "3 人退群，其中 1 人被移出"
    retention = vals["retention_rate"]  # nobody's mark in the window: 0 eligible
    assert retention["value"] is None
    assert translate(retention["note_words"][0], "zh-CN", {"zh-CN": ZH}) == \
        "无数据：没有成员的留存节点（入群后 kpi.retention_days 天）落在此时段内"
    seg = vals["segment_mix"]
    assert seg["note"] == "4 members"
    assert translate(seg["note_words"][0], "zh-CN", {"zh-CN": ZH}).format(**seg["note_words"][1]) == "4 名成员"
