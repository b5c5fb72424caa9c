"""Invitations of the bot into a group: held for a person, never a member's join request,
accepted only by a decision (a person's, or the operator's accept_invitations_from list),
in every dialect (all three bridges send them)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from console import bot_invitations
from console.cli import cli
from console.config import ConfigError
from console.executor import Executor
from console.hookspecs import hookimpl
from console.model import Decision
from console.pluginmanager import get_plugin_manager
from console.queues import owner_queue
from console.store import apply_migrations, open_store
from console.workspace import Workspace
from tests.plugins.qq.dialect_kit import DIALECTS, bridge, feed, post, qq_workspace


class ApproveAll:
    """An admission rule that approves every join request it is asked about."""

    asked: list = []

    @hookimpl
    def decide_join_request(self, request, ws):
        ApproveAll.asked.append(request["id"])
        return Decision("approve", "everyone welcome", rule="test-all")


@pytest.fixture(params=DIALECTS)
async def b(request):
    br = bridge(request.param)
    yield br
    await br.close()


def open_ws(tmp_path, extra=""):
    ws = qq_workspace(tmp_path, extra)
    ws.close()
    return Workspace.open(ws.settings.path, pm=get_plugin_manager(extra=[("approve_all", ApproveAll())]))


async def invite(b, ws, inviter=4242, group=777, name="外面的群"):
    res = await post(b, b.bot.inject_bot_invitation(group, inviter, name, comment="进来吧"))
    feed(ws, res.events)
    return ws.store.one("SELECT * FROM bot_invitations ORDER BY id DESC LIMIT 1")


async def test_an_invitation_is_held_for_a_person_and_never_approved_by_admission(b, tmp_path):
    ApproveAll.asked.clear()
    ws = open_ws(tmp_path)
    try:
        inv = await invite(b, ws)
        assert (inv["status"], inv["platform_group_id"], inv["group_name"], inv["comment"]) == (
            "held", "777", "外面的群", "进来吧")
        assert ws.store.scalar("SELECT display_name FROM people WHERE id = ?", (inv["inviter_person_id"],)) == "user4242"
        assert ws.store.scalar("SELECT count(*) FROM join_requests") == 0 and ApproveAll.asked == []
        assert ws.store.scalar("SELECT count(*) FROM actions") == 0
        assert ws.store.scalar("SELECT count(*) FROM groups WHERE platform_group_id = '777'") == 0
        rows = owner_queue(ws, "").rows(0, 10)
        assert [(r["kind"], r["what"]) for r in rows] == [
            ("task", "Invitation for the bot to join 外面的群 (777), from user4242")]
        assert "shequn invitations accept 1" in rows[0]["why"] and "进来吧" in rows[0]["why"]
        again = await post(b, b.bot.events[-1])  # the bridge delivers it again: one invitation, one task
        feed(ws, again.events)
        assert ws.store.scalar("SELECT count(*) FROM bot_invitations") == 1
        assert ws.store.scalar("SELECT count(*) FROM tasks") == 1
    finally:
        ws.close()


async def test_the_task_reads_in_chinese_too(tmp_path):
    b = bridge("gocq")
    ws = qq_workspace(tmp_path, "")
    ws.settings.console.language = "zh-CN"
    try:
        await invite(b, ws, name="外面的群")
        assert ws.store.scalar("SELECT title FROM tasks") == "邀请机器人加入群 外面的群 (777)，邀请人 user4242"
        assert ws.store.scalar("SELECT detail FROM tasks") == (
            "附言：进来吧。接受：`shequn invitations accept 1`；拒绝：`shequn invitations decline 1`。在此之前机器人不会入群。")
    finally:
        ws.close()
        await b.close()


async def test_accepted_by_a_person_the_bot_joins_and_is_no_member(b, tmp_path):
    ws = open_ws(tmp_path)
    try:
        inv = await invite(b, ws)
        aid = bot_invitations.decide(ws, inv["id"], True, actor="operator:tester")
        act = ws.store.one("SELECT * FROM actions WHERE id = ?", (aid,))
        assert (act["kind"], act["connection_id"], act["evidence"]) == ("approve_join", "qq1", f"bot_invitation:{inv['id']}")
        assert ws.store.scalar("SELECT status FROM tasks") == "done"
        with pytest.raises(bot_invitations.InvitationError, match="already accepting"):
            bot_invitations.decide(ws, inv["id"], False, actor="operator:tester")
        await Executor(ws, {"qq1": b.conn}, pacing=False).drain()
        handled = b.bot.handled_requests[-1]
        assert (handled["sub_type"], handled["approve"], handled["group_id"]) == ("invite", True, 777)
        assert ws.store.scalar("SELECT status FROM bot_invitations") == "accepted"
        joined = b.bot.events[-1]
        assert (joined["notice_type"], joined["user_id"]) == ("group_increase", 10001)
        feed(ws, (await post(b, joined)).events)
        g = ws.store.one("SELECT * FROM groups WHERE platform_group_id = '777'")
        assert (g["name"], g["member_count"]) == ("外面的群", 0)  # named by get_group_info; the bot is no member
        assert ws.store.scalar("SELECT count(*) FROM memberships") == 0
        assert ws.store.scalar("SELECT count(*) FROM entry_welcome_joins") == 0
        assert ws.store.scalar("SELECT count(*) FROM rollups_daily WHERE joins > 0") == 0
    finally:
        ws.close()


async def test_declined_with_a_reason_and_a_refusal_can_be_decided_again(tmp_path):
    b = bridge("lagrange")
    ws = qq_workspace(tmp_path)
    try:
        inv = await invite(b, ws)
        b.bot.requests.clear()  # QQ no longer has it: Lagrange refuses with failed/1 and no words
        bot_invitations.decide(ws, inv["id"], False, actor="operator:tester", reason="不认识")
        await Executor(ws, {"qq1": b.conn}, pacing=False).drain()
        assert ws.store.scalar("SELECT status FROM bot_invitations") == "failed"
        assert ws.store.scalar("SELECT last_error FROM actions") == "the bridge said: retcode 1"
        task = ws.store.one("SELECT * FROM tasks WHERE status = 'open'")
        assert task["title"] == "Invitation 1 could not be declined: the bridge said: retcode 1"
        bot_invitations.decide(ws, inv["id"], False, actor="operator:tester", reason="再次拒绝")
        assert ws.store.scalar("SELECT count(*) FROM actions WHERE kind = 'reject_join'") == 2
    finally:
        ws.close()
        await b.close()


async def test_an_invitation_napcat_no_longer_knows_is_expired(tmp_path):
    b = bridge("napcat")
    ws = qq_workspace(tmp_path)
    try:
        inv = await invite(b, ws)
        b.bot.requests.clear()  # accepted in QQ's own app meanwhile: NapCat answers "No such request"
        bot_invitations.decide(ws, inv["id"], True, actor="operator:tester")
        await Executor(ws, {"qq1": b.conn}, pacing=False).drain()
        assert ws.store.scalar("SELECT status FROM bot_invitations") == "expired"
        assert ws.store.scalar("SELECT count(*) FROM tasks WHERE status = 'open'") == 0
        with pytest.raises(bot_invitations.InvitationError, match="already expired"):
            bot_invitations.decide(ws, inv["id"], True, actor="operator:tester")
    finally:
        ws.close()
        await b.close()


@pytest.mark.parametrize("listed,inviter,staff,accepted", [
    ('["40404"]', 40404, False, True), ('["40404"]', 51515, False, False), ('["staff"]', 51515, True, True),
    ('["staff"]', 51515, False, False), ("[]", 40404, True, False)])
async def test_listed_operators_and_staff_are_accepted_without_asking(tmp_path, listed, inviter, staff, accepted):
    b = bridge("napcat")
    ws = qq_workspace(tmp_path, f"\n[qq]\naccept_invitations_from = {listed}\n")
    try:
        if staff:  # a person already known (an admin of one of the groups)
            b.bot.add_member(1, inviter, "老王")
            feed(ws, (await post(b, b.bot.member_joins(1, inviter + 1, "x"))).events)
            pid = ws.store.execute("INSERT INTO people(display_name, is_staff) VALUES ('老王', 1)").lastrowid
            ws.store.execute("INSERT INTO identities(person_id, platform, platform_user_id, nickname)"
                             " VALUES (?, 'qq', ?, '老王')", (pid, str(inviter)))
        inv = await invite(b, ws, inviter=inviter)
        assert inv["status"] == ("accepting" if accepted else "held")
        if accepted:
            assert inv["decided_by"] == "rule:qq.accept_invitations_from"
            assert ws.store.scalar("SELECT kind FROM actions") == "approve_join"
            assert ws.store.scalar("SELECT status FROM tasks WHERE kind = 'bot_invitation'") == "done"
        else:
            assert ws.store.scalar("SELECT count(*) FROM actions") == 0
    finally:
        ws.close()
        await b.close()


@pytest.mark.parametrize("bad", ['["Alice"]', '["12"]', '[10086]'])
def test_a_list_that_cannot_work_is_refused_naming_the_field(tmp_path, bad):
    with pytest.raises(ConfigError, match="qq.accept_invitations_from"):
        qq_workspace(tmp_path, f"\n[qq]\naccept_invitations_from = {bad}\n")


async def test_the_cli_lists_accepts_and_declines(tmp_path):
    b = bridge("gocq")
    ws = qq_workspace(tmp_path)
    cfg = str(ws.settings.path)
    try:
        await invite(b, ws, group=777)
        await invite(b, ws, group=778, name="另一个群")
    finally:
        ws.close()
        await b.close()
    run = CliRunner().invoke
    out = run(cli, ["--config", cfg, "invitations"]).output
    assert "外面的群" in out and "另一个群" in out and "2 invitations; page 1 of 1" in out
    assert run(cli, ["--config", cfg, "invitations", "accept", "1"]).exit_code == 0
    res = run(cli, ["--config", cfg, "invitations", "decline", "2", "--reason", "不去"])
    assert res.exit_code == 0 and "invitation 2: declining" in res.output
    again = run(cli, ["--config", cfg, "invitations", "accept", "2"])
    assert again.exit_code != 0 and "already declining" in again.output
    assert run(cli, ["--config", cfg, "invitations", "accept", "9"]).exit_code != 0
    assert "0 invitations" in run(cli, ["--config", cfg, "invitations"]).output
    assert '"total": 2' in run(cli, ["--config", cfg, "invitations", "--status", "in_progress", "--json"]).output


async def test_an_invitation_past_its_lifetime_expires_and_cannot_be_accepted(tmp_path):
    b = bridge("gocq")
    ws = qq_workspace(tmp_path, "join_request_hours = 1")
    try:
        inv = await invite(b, ws)
        with ws.clock_at(inv["requested_at"] + 3601):
            with pytest.raises(bot_invitations.InvitationError, match="expired"):
                bot_invitations.decide(ws, inv["id"], True, actor="operator:tester")
        assert ws.store.scalar("SELECT status FROM bot_invitations") == "expired"
        assert ws.store.scalar("SELECT status FROM tasks") == "done"
        assert ws.store.scalar("SELECT count(*) FROM actions") == 0
    finally:
        ws.close()
        await b.close()


def test_m009_moves_invitations_filed_as_join_requests(tmp_path):
    s = open_store(tmp_path / "a.db")
    with s.write() as c:
        c.execute("DROP TABLE bot_invitations")
        c.execute("DELETE FROM migrations WHERE name = 'm009_bot_invitations'")
        for cid, platform in (("qq1", "qq"), ("sb", "sandbox")):
            c.execute("INSERT INTO connections(id, platform, state) VALUES (?, ?, 'online')", (cid, platform))
            g = c.execute("INSERT INTO groups(connection_id, platform, platform_group_id, name) VALUES (?,?,?,?)",
                          (cid, platform, "777", "外群")).lastrowid
            for flag, status in (("f1", "pending"), ("f2", "held"), ("f3", "approved")):
                c.execute("INSERT INTO join_requests(connection_id, platform_request_id, group_id, sub_type, status,"
                          " requested_at) VALUES (?,?,?,?,?,?)", (cid, flag, g, "invite", status, 5))
    assert apply_migrations(s) == ["m009_bot_invitations"]
    moved = s.query("SELECT connection_id, platform_request_id, platform_group_id, group_name, status"
                    " FROM bot_invitations ORDER BY id")
    assert [tuple(r.values()) for r in moved] == [("qq1", "f1", "777", "外群", "held"), ("qq1", "f2", "777", "外群", "held")]
    left = s.query("SELECT connection_id, platform_request_id, status FROM join_requests ORDER BY id")
    assert [tuple(r.values()) for r in left] == [("qq1", "f1", "expired"), ("qq1", "f2", "expired"),
                                                  ("qq1", "f3", "approved"), ("sb", "f1", "pending"),
                                                  ("sb", "f2", "held"), ("sb", "f3", "approved")]
