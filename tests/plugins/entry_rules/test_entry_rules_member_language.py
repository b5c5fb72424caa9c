"""A rejection's reason is what the applicant reads: the group's language, never the console's.

The console here is in English; groups speak zh-CN unless ``[members]`` says otherwise. A
hold's reason is read by the person at the console, so it stays in the console's language."""

from __future__ import annotations

import pytest

from conftest import make_config
from console.workspace import Workspace
from entry_kit import T0, gid, join, pid, request
from plugins.entry_rules.api import save_policy
from plugins.moderation.door import add_to_blacklist


@pytest.fixture
def ws(tmp_path):
    w = Workspace.open(make_config(tmp_path, '\n[members]\nby_type = {welfare = "en"}\n'))
    yield w
    w.close()


def _group(ws, name, gtype, on_fail="reject"):
    join(ws, name, "owner", T0 - 3600)
    g = gid(ws, name)
    with ws.store.write() as c:
        c.execute("UPDATE groups SET type = ? WHERE id = ?", (gtype, g))
    save_policy(ws, "admission", {"modes": ["invite"], "on_fail": on_fail}, scope=f"group:{g}")
    return g


def test_rejections_speak_the_group_language_and_holds_the_console_language(ws):
    assert ws.settings.console.language == "en"
    _group(ws, "cn", "traffic")
    _group(ws, "en", "welfare")
    _group(ws, "cnhold", "traffic", on_fail="hold")
    cn_rej = request(ws, "cn", "dan", T0)
    en_rej = request(ws, "en", "eve", T0 + 1)
    held = request(ws, "cnhold", "fay", T0 + 2)
    assert cn_rej["status"] == "rejecting" and cn_rej["reason"] == "邀请制：需由管理员或以上邀请入群"
    assert en_rej["status"] == "rejecting" and en_rej["reason"] == "Invite-only: an admin or above must invite you"
    # held: the person at the (English) console reads it, the applicant does not
    assert held["status"] == "held" and held["reason"] == "Invite-only: an admin or above must invite you"


def test_the_door_check_tells_a_blacklisted_applicant_in_the_group_language(ws):
    _group(ws, "cn", "traffic")
    _group(ws, "en", "welfare")
    join(ws, "cn", "spammer", T0 - 100)
    add_to_blacklist(ws, pid(ws, "spammer"), "ads in three groups", actor="me")
    assert request(ws, "en", "spammer", T0)["reason"] == "This group is not open to you."
    cn = request(ws, "cn", "spammer", T0 + 1)
    assert cn["status"] == "rejecting" and cn["reason"] == "该群暂不接受你的申请。"


def test_a_policys_summary_reads_in_the_consoles_language():
    """The Workflows screen's Policies tab says what a policy does in the console's words;
    the CLI keeps English."""
    from console.i18n import translate
    from plugins.entry_rules.policies import describe_policy
    from plugins.entry_rules.translations import ZH_CN

    def zh(text, **kw):
        out = translate(text, "zh-CN", {"zh-CN": ZH_CN})
        return out.format(**kw) if kw else out

    cfg = {"modes": ["referral", "invite", "activity"], "combine": "any"}
    assert describe_policy("admission", cfg) == "referral / invite-only / activity code (any of them)"
    assert describe_policy("admission", cfg, zh) == "推荐制 / 邀请制 / 活动码（满足其一即可）"
    assert describe_policy("admission", {"modes": ["open"], "combine": "all"}, zh) == "自由入群（须全部满足）"
    assert describe_policy("overflow", {"threshold": 0.95}, zh) == "达到群上限的 95% 时"
