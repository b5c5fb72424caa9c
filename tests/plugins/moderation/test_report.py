"""A person reports a message the rules missed: a case of theirs, no action, no penalty,
and the second opinion learns the text as the reported kind."""

from __future__ import annotations

import json

import pytest

from moderation_helpers import T0, actions, feed, join, msg, pid, request
from plugins.moderation.report import report_message
from plugins.moderation.second_opinion import learn

DAY = 86400


@pytest.fixture
def rws(ws):
    feed(ws, [join("g1", u, T0 - 3 * DAY) for u in ("amy", "bob")], T0 - 3 * DAY)
    feed(ws, [msg("g1", "amy", "你就是臭水沟里的蟑螂", T0), msg("g1", "bob", "今天天气不错", T0 + 1)], T0 + 1)
    return ws


def mid(ws, text):
    return ws.store.one("SELECT id, connection_id, platform_msg_id FROM messages WHERE text = ?", (text,))


def test_a_report_is_a_reviewed_case_without_action_and_teaches_its_kind(rws):
    ws = rws
    m = mid(ws, "你就是臭水沟里的蟑螂")
    before = len(actions(ws))
    with ws.clock_at(T0 + 60):
        c = report_message(ws, str(m["id"]), "abuse", note="members complained", actor="operator:lin")
    ev = json.loads(c["evidence"])
    assert (c["status"], c["step"], c["rule"], c["actor"], c["person_id"]) == (
        "reviewed", "report", None, "operator:lin", pid(ws, "amy"))
    assert ev["reported"] == "abuse" and ev["text"] == "你就是臭水沟里的蟑螂" and ev["message_id"] == m["platform_msg_id"]
    assert len(actions(ws)) == before  # nothing done on the platform
    with ws.clock_at(T0 + 120):
        summary = learn(ws)
    assert summary["abuse"] == {"bad": 1, "good": 1} and summary["ads"] == {"bad": 0, "good": 1}
    assert ws.store.scalar("SELECT bad FROM moderation_grams WHERE kind = 'abuse' AND gram = '蟑螂'") == 1
    # no penalty: the member is not turned away at the door
    feed(ws, [request("g2", "amy", T0 + 200)], T0 + 200)
    assert ws.store.scalar("SELECT rule FROM join_requests WHERE person_id = ?", (pid(ws, "amy"),)) != "door_check"


def test_a_message_is_found_by_connection_and_platform_id_and_reported_once(rws):
    ws = rws
    m = mid(ws, "今天天气不错")
    report_message(ws, f"{m['connection_id']}:{m['platform_msg_id']}", "ads")
    with pytest.raises(ValueError, match=r"already has case \d+ \(report, reviewed\)"):
        report_message(ws, str(m["id"]), "abuse")


@pytest.mark.parametrize("ref, kind, expected", [
    ("999999", "abuse", "no such message"),
    ("nocolon", "abuse", "expected a message id"),
    ("sandbox:nope", "abuse", "no such message"),
    ("1", "flood", "kind 'flood': expected one of ads, scam, abuse"),
])
def test_bad_references_and_kinds_are_refused(rws, ref, kind, expected):
    with pytest.raises(ValueError, match=expected):
        report_message(rws, ref, kind)
    assert rws.store.scalar("SELECT count(*) FROM cases WHERE step = 'report'") == 0
