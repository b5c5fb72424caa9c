"""Douyin end to end with the fake on loopback (issue 20, "done when"): `shequn sync`
lists fan groups; `shequn serve` answers the challenge, stores signed application and
message webhooks once each and refuses forged ones; an application is approved from the
join queue and the join comes back; an announcement and a greeting set in shequn reach
the fake; a full family gets a new fan group within the quota and a task once it is spent."""

from __future__ import annotations

import asyncio
import socket

from click.testing import CliRunner

from console.cli import build_cli, cli
from console.executor import Executor
from console.serve import serve_workspace
from console.sync import build_connector, sync_connection
from plugins.douyin.hooks import greeting_proposals
from plugins.entry_rules import announcements, overflow
from plugins.entry_rules.queue import decide
from tests.plugins.douyin.dyhelpers import make_fake, open_ws, synced


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


async def until(pred, timeout=15.0, what="condition"):
    for _ in range(int(timeout / 0.05)):
        if pred():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_shequn_sync_lists_fan_groups_with_the_platform_count(tmp_path, monkeypatch):
    fake = make_fake()
    try:
        a = fake.add_group("粉丝群 A", members=3, max_num=500)
        fake.add_group("粉丝群 B", members=0, max_num=200)
        ws = open_ws(tmp_path, fake, monkeypatch)
        ws.close()
        build_cli([])
        out = CliRunner().invoke(cli, ["--config", str(tmp_path / "config.toml"), "sync", "dy1"],
                                 catch_exceptions=False)
        assert out.exit_code == 0, out.output
        assert "dy1: 2 groups (2 new), members not listed (the platform cannot list them)" in out.output
        ws = open_ws(tmp_path, fake, monkeypatch)
        rows = ws.store.query("SELECT name, platform, member_count, capacity FROM groups WHERE connection_id = 'dy1'"
                              " ORDER BY name")
        assert [tuple(r.values()) for r in rows] == [("粉丝群 A", "douyin", 3, 500), ("粉丝群 B", "douyin", 0, 200)]
        assert ws.store.scalar("SELECT count(*) FROM memberships") == 0  # no member list: no members invented
        assert ws.store.scalar("SELECT platform_group_id FROM groups WHERE name = '粉丝群 A'") == a.group_id
        ws.close()
    finally:
        fake.stop()


async def test_serve_challenge_application_approved_from_the_queue_and_the_join_back(tmp_path, monkeypatch):
    fake = make_fake()
    port = free_port()
    g = fake.add_group("粉丝群 A", members=3)
    ws = open_ws(tmp_path, fake, monkeypatch, port=port)
    await sync_connection(ws, build_connector(ws, "dy1"))
    ws.store.execute("UPDATE groups SET type = 'welfare'")  # admitted by referral or invite, else held for a person
    url = f"http://127.0.0.1:{port}/hooks/douyin/dy1"
    fake.webhook_url = url
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve_workspace(ws, host="127.0.0.1", port=port, stop=stop, ready=ready))
    try:
        await asyncio.wait_for(ready.wait(), 10)
        answer = await asyncio.to_thread(fake.challenge, url, 31337)
        assert answer.status_code == 200 and answer.json() == {"challenge": 31337}
        body = fake.webhook_body("im_group_receive_msg", fake.message_content(g.group_id, "伪造"), from_user="ou-x")
        forged = await asyncio.to_thread(fake.post, url, body, fake.signed(body, secret="guess"))
        assert forged.status_code == 403
        a = fake.apply(g.group_id, user_id="ou-applicant", nickname="小明")
        fake.push("enter_group_audit_change", fake.apply_content(a), from_user=a.user_id, times=2)
        fake.push("im_group_receive_msg", fake.message_content(g.group_id, "大家好"), from_user="ou-fan-1", times=2)
        await asyncio.to_thread(fake.wait_delivered, 4)
        assert [s for _, s in fake.delivered] == [200] * 4
        await until(lambda: ws.store.scalar("SELECT count(*) FROM messages") == 1, what="the message")
        req = ws.store.one("SELECT * FROM join_requests")
        assert (req["status"], req["platform_request_id"]) == ("held", a.apply_id)
        assert ws.store.scalar("SELECT count(*) FROM join_requests") == 1
        assert ws.store.scalar("SELECT display_name FROM people WHERE id = ?", (req["person_id"],)) == "小明"
        decide(ws, req["id"], "approve")
        await until(lambda: a.status == 2, what="the approval at Douyin")
        await until(lambda: ws.store.scalar(
            "SELECT m.join_scene FROM memberships m JOIN identities i ON i.person_id = m.person_id"
            " WHERE i.platform_user_id = 'ou-applicant' AND m.status = 'member'") == "approve", what="the join back")
        await until(lambda: ws.store.scalar("SELECT status FROM join_requests") == "approved", what="approved")
        # 3 listed by Douyin + the joiner; the speaker first seen was among the 3, not counted again
        assert ws.store.scalar("SELECT member_count FROM groups WHERE platform_group_id = ?", (g.group_id,)) == 4
        (letter,) = ws.store.query("SELECT connection_id, error, raw FROM dead_letters")  # the forgery, nothing else
        assert letter["connection_id"] == "dy1" and "HTTP 403: dy1: forged" in letter["error"]
        assert bytes(letter["raw"]) == body
        await until(lambda: (ws.store.scalar("SELECT sum(count) FROM refused_requests") or 0) >= 1,
                    what="the forged request counted")
        assert ws.store.scalar("SELECT state FROM connections WHERE id = 'dy1'") == "online"
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
        fake.stop()
        ws.close()


async def test_an_announcement_and_a_greeting_set_in_shequn_reach_douyin(tmp_path, monkeypatch):
    fake = make_fake()
    g = fake.add_group("粉丝群 A", members=3)
    async with synced(tmp_path, fake, monkeypatch) as (ws, conn):
        gid = ws.store.scalar("SELECT id FROM groups WHERE platform_group_id = ?", (g.group_id,))
        aid = announcements.draft(ws, "群规", "禁止发广告，友善交流。")
        announcements.publish(ws, aid, [str(gid)])
        ids = greeting_proposals(ws)  # the hourly job's work: the traffic welcome template, without a nickname
        assert len(ids) == 1 and greeting_proposals(ws) == []  # asked once
        await Executor(ws, {"dy1": conn}, pacing=False).drain()
        settings = fake.groups[g.group_id].settings
        assert settings[2] == [{"msg_type": 1, "text": {"text": "群规\n禁止发广告，友善交流。"}}]
        assert settings[1] == [{"msg_type": 1, "text": {"text": "先看看群公告，有问题随时问～ 禁止发广告，友善交流。"}}]
        assert ws.store.query("SELECT kind, status FROM actions ORDER BY id") == [
            {"kind": "announce", "status": "done"}, {"kind": "set_welcome", "status": "done"}]
        ws.store.execute("UPDATE rules SET enabled = 0 WHERE kind = 'welcome'")  # no policy applies any more
        (off,) = greeting_proposals(ws)
        await Executor(ws, {"dy1": conn}, pacing=False).drain()
        assert 1 not in fake.groups[g.group_id].settings and ws.store.scalar(
            "SELECT status FROM actions WHERE id = ?", (off,)) == "done"


async def test_a_full_family_gets_a_fan_group_within_the_quota_then_a_task(tmp_path, monkeypatch):
    fake = make_fake(group_quota=1)
    g = fake.add_group("粉丝群 1", members=3, max_num=3)
    async with synced(tmp_path, fake, monkeypatch) as (ws, conn):
        first = ws.store.one("SELECT * FROM groups WHERE platform_group_id = ?", (g.group_id,))
        overflow.register_sibling(ws, first["id"], "粉丝")
        pol = overflow.policy_for(ws, first, "overflow")
        assert overflow.is_full(ws, overflow.group_row(ws, first["id"]), pol)
        overflow.ensure_sibling(ws, overflow.group_row(ws, first["id"]), pol, evidence="test:1")
        await Executor(ws, {"dy1": conn}, pacing=False).drain()
        made = ws.store.one("SELECT * FROM groups WHERE family = '粉丝' AND id != ?", (first["id"],))
        assert made is not None and made["platform_group_id"] in fake.groups and fake.quota_left == 0
        assert ws.store.scalar("SELECT status FROM entry_siblings ORDER BY id LIMIT 1") == "registered"
        ws.store.execute("UPDATE groups SET member_count = 3, capacity = 3 WHERE id = ?", (made["id"],))
        overflow.ensure_sibling(ws, overflow.group_row(ws, made["id"]), pol, evidence="test:2")
        await Executor(ws, {"dy1": conn}, pacing=False).drain()
        act = ws.store.one("SELECT status, last_error FROM actions WHERE kind = 'create_group' ORDER BY id DESC")
        assert act["status"] == "failed" and "may create no more fan groups (quota spent, 0 left)" in act["last_error"]
        task = ws.store.one("SELECT title, detail FROM tasks WHERE kind = 'create_sibling' ORDER BY id DESC")
        assert "粉丝" in task["title"] and "quota spent" in task["detail"]
        assert len(fake.groups) == 2  # nothing created past the quota


async def test_the_join_queue_shows_douyin_applications_with_their_answers(tmp_path, monkeypatch):
    """The documented application fields carry no answer; should Douyin send one
    (``apply_reason``), by webhook or in the list, the queue shows it beside the nickname."""
    import json

    from console.engine import Engine
    from tests.plugins.douyin.dyhelpers import hook_request

    fake = make_fake()
    g = fake.add_group("粉丝群 A", members=3)
    async with synced(tmp_path, fake, monkeypatch) as (ws, conn):
        ws.store.execute("UPDATE groups SET type = 'welfare'")  # held for a person
        pushed = fake.apply(g.group_id, user_id="ou-push", nickname="小红", reason="老粉，买过三次")
        listed = fake.apply(g.group_id, user_id="ou-list", reason="朋友推荐来的")
        silent = fake.apply(g.group_id, user_id="ou-silent", nickname="阿强")
        for a in (pushed, silent):
            assert (await conn.handle(hook_request(fake, "enter_group_audit_change", fake.apply_content(a),
                                                   from_user=a.user_id))).status == 200
        Engine(ws).ingest(conn.sink.received)
        Engine(ws).ingest(await conn.poll())  # the list gives the third (and the two again: the same ids)
        build_cli([])
        out = CliRunner().invoke(cli, ["--config", str(tmp_path / "config.toml"), "joins", "--json"],
                                 catch_exceptions=False)
        rows = {r["person"]: r["comment"] for r in json.loads(out.output)["rows"]}
        assert rows == {"小红": "老粉，买过三次", "ou-list": "朋友推荐来的", "阿强": ""}
        table = CliRunner().invoke(cli, ["--config", str(tmp_path / "config.toml"), "joins"]).output
        assert "老粉，买过三次" in table and "朋友推荐来的" in table


async def test_an_application_listed_before_its_webhook_gets_the_webhooks_nickname(tmp_path, monkeypatch):
    """The application list carries no nickname: read first, the applicant showed as their
    open id, and the webhook with the nickname was dropped as the same application. Now the
    repeat still names them (console/naming.py); the application is stored once."""
    import json

    from console.engine import Engine
    from tests.plugins.douyin.dyhelpers import hook_request

    fake = make_fake()
    g = fake.add_group("粉丝群 A", members=3)
    async with synced(tmp_path, fake, monkeypatch) as (ws, conn):
        ws.store.execute("UPDATE groups SET type = 'welfare'")  # held for a person
        a = fake.apply(g.group_id, user_id="ou-first-listed", nickname="小芳")
        Engine(ws).ingest(await conn.poll())  # the list: no nickname
        build_cli([])

        def queue():
            out = CliRunner().invoke(cli, ["--config", str(tmp_path / "config.toml"), "joins", "--json"],
                                     catch_exceptions=False)
            return [r["person"] for r in json.loads(out.output)["rows"]]

        assert queue() == ["ou-first-listed"]
        assert (await conn.handle(hook_request(fake, "enter_group_audit_change", fake.apply_content(a),
                                               from_user=a.user_id))).status == 200
        r = Engine(ws).ingest(conn.sink.received)
        assert (r.stored, r.duplicates) == (0, 1)
        assert queue() == ["小芳"]


def test_a_greeting_set_by_hand_is_not_undone_by_the_hourly_job(tmp_path, monkeypatch):
    fake = make_fake()
    g = fake.add_group("粉丝群 A", members=3)
    ws = open_ws(tmp_path, fake, monkeypatch)
    ws.close()
    build_cli([])

    def verb(*args):
        out = CliRunner().invoke(cli, ["--config", str(tmp_path / "config.toml"), *args], catch_exceptions=False)
        assert out.exit_code == 0, out.output
        return out.output

    try:
        verb("sync", "dy1")
        assert "greeting of 粉丝群 A set" in verb("douyin", "greeting", "粉丝群 A", "--text", "欢迎来到我们的粉丝群")
        ws = open_ws(tmp_path, fake, monkeypatch)
        assert greeting_proposals(ws) == []  # the job keeps the operator's greeting
        ws.close()
        assert "from its welcome policy" in verb("douyin", "greeting", g.group_id)  # asked for the policy's again
        ws = open_ws(tmp_path, fake, monkeypatch)
        texts = [r["params"] for r in ws.store.query("SELECT params FROM actions WHERE kind = 'set_welcome' ORDER BY id")]
        # the traffic policy's template without a nickname and with no rules published yet says nothing: off
        assert texts == ['{"text": "欢迎来到我们的粉丝群"}', '{"text": ""}']
        assert greeting_proposals(ws) == []  # the policy's, asked already
        ws.close()
        verb("douyin", "greeting", "粉丝群 A", "--off")
        ws = open_ws(tmp_path, fake, monkeypatch)
        assert greeting_proposals(ws) == []  # off by hand stays off
        ws.close()
    finally:
        fake.stop()
