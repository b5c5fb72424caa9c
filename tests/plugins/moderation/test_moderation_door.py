"""The door check (入群前核查) through the engine and the real hook chain, and the
blacklist's own verbs."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from moderation_helpers import T0, actions, cases, feed, gid, msg, pid, request

from console.cli import build_cli, cli
from console.workspace import Workspace
from plugins.entry_rules.policies import save_policy
from plugins.moderation import add_to_blacklist, blacklist_page, remove_from_blacklist
from tests.conftest import make_config

DAY = 86400


def _admit_everyone(ws):
    """entry_rules admits every request with no rule of its own: so any refusal is the door's."""
    save_policy(ws, "admission", {"modes": ["open"]})


def _request(ws, group: str, user: str, at: int) -> dict:
    feed(ws, [request(group, user, at)], at)
    return ws.store.one("SELECT * FROM join_requests WHERE person_id = ? ORDER BY id DESC LIMIT 1", (pid(ws, user),))


def test_a_recent_case_elsewhere_in_the_operation_is_refused_at_the_door(mws):
    ws = mws
    _admit_everyone(ws)
    feed(ws, [msg("g1", "alice", "加我私聊，微信 abc12345 低价出", T0)], T0)  # a warning in g1
    req = _request(ws, "g3", "alice", T0 + 5 * DAY)  # g3 is another family: only the operation links them
    assert req["status"] in ("rejecting", "rejected") and req["rule"] == "door_check"
    assert "违反群规" in req["reason"]
    req = _request(ws, "g3", "dave", T0 + 5 * DAY)  # a stranger with no record is admitted by entry_rules
    assert req["status"] in ("approving", "approved") and req["rule"] != "door_check"


def test_a_case_older_than_door_days_or_overturned_does_not_count(mws):
    from plugins.moderation import undo_case

    ws = mws
    _admit_everyone(ws)
    feed(ws, [msg("g1", "alice", "加我私聊，微信 abc12345 低价出", T0)], T0)
    req = _request(ws, "g3", "alice", T0 + 31 * DAY)  # door_days = 30
    assert req["status"] in ("approving", "approved")
    feed(ws, [msg("g1", "carol", "加我私聊，微信 zz12345 低价出", T0)], T0)
    undo_case(ws, cases(ws, pid(ws, "carol"))[0]["id"])
    req = _request(ws, "g3", "carol", T0 + DAY)
    assert req["status"] in ("approving", "approved")


def test_the_blacklist_is_refused_and_hold_is_configurable(tmp_path):
    p = make_config(tmp_path, "[moderation]\ndoor_blacklist = \"hold\"\ndoor_recent = \"hold\"\n")
    ws = Workspace.open(p)
    try:
        _admit_everyone(ws)
        feed(ws, [request("g1", "eve", T0 - DAY), msg("g1", "eve", "hi", T0 - DAY)], T0 - DAY)
        add_to_blacklist(ws, pid(ws, "eve"), "sold fake tickets")
        req = _request(ws, "g2", "eve", T0)
        assert (req["status"], req["rule"]) == ("held", "blacklist")
    finally:
        ws.close()


def test_blacklist_add_removes_them_where_they_are_and_remove_lets_them_in(mws):
    ws = mws
    _admit_everyone(ws)
    bob = pid(ws, "bob")
    with ws.clock_at(T0):
        row = add_to_blacklist(ws, bob, "scammed a member", scope="family:fam")
    assert (row["scope_type"], row["scope_value"], row["added_by"], row["added_at"]) == ("family", "fam",
                                                                                          "operator:tester", T0)
    assert sorted(a["group_id"] for a in actions(ws, bob, "kick")) == [gid(ws, "g1"), gid(ws, "g2")]
    assert {a["case_id"] for a in actions(ws, bob, "kick")} == {row["case_id"]}
    with pytest.raises(ValueError, match="already on the blacklist"):
        add_to_blacklist(ws, bob, "again", scope="family:fam")
    with pytest.raises(ValueError, match="scope: 'planet'"):
        add_to_blacklist(ws, bob, "x", scope="planet")
    with pytest.raises(ValueError, match="reason"):
        add_to_blacklist(ws, bob, "  ")
    assert _request(ws, "g2", "bob", T0 + 60)["rule"] == "blacklist"
    remove_from_blacklist(ws, row["id"])
    assert blacklist_page(ws)["total"] == 0 and blacklist_page(ws, active=False)["total"] == 1
    with pytest.raises(ValueError, match="already removed"):
        remove_from_blacklist(ws, row["id"])


def test_blacklist_cli_add_list_remove(mws):
    ws = mws
    carol, path = pid(ws, "carol"), ws.settings.path
    ws.close()
    build_cli([])
    run = CliRunner().invoke
    r = run(cli, ["--config", str(path), "blacklist", "add", str(carol), "--reason", "spam account"])
    assert r.exit_code == 0 and "removal from 3 group(s)" in r.output, r.output
    r = run(cli, ["--config", str(path), "blacklist", "list"])
    assert r.exit_code == 0 and "spam account" in r.output and "operator:" in r.output and "1-1 of 1" in r.output
    r = run(cli, ["--config", str(path), "blacklist", "list", "--json"])
    page = json.loads(r.output)
    assert page["total"] == 1 and page["rows"][0]["person_id"] == carol and page["rows"][0]["scope"] == "all"
    r = run(cli, ["--config", str(path), "blacklist", "remove", str(page["rows"][0]["id"])])
    assert r.exit_code == 0, r.output
    r = run(cli, ["--config", str(path), "blacklist", "list"])
    assert "none of 0" in r.output
    r = run(cli, ["--config", str(path), "blacklist", "add", "99999", "--reason", "x"])
    assert r.exit_code == 2 and "no person with id 99999" in r.output
