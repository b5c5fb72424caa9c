"""Issue 20's "done when", as one run a person would make: the fake Douyin on loopback,
``shequn sync`` and the other verbs as the CLI runs them, and ``shequn serve`` as a
process of its own taking real HTTP pushes from the fake.

In order: sync lists the fan groups; serve answers the challenge, refuses an unsigned and
a forged push (401, 403, each a dead letter naming the connection and counted), stores a
signed application and a signed message once each although each came twice under one
Msg-Id; the application is approved from the join queue (``shequn joins approve``) and
the join comes back from Douyin; a greeting and an announcement set in shequn reach the
fake; an application to a full fan group asks for a new one, which the spent quota turns
into a task; the refresh token is renewed on each call (its life is shortened to two
days, under ``renew_days``) until the fifth renewal, after which a person is asked to
authorise again before the date and the Connections state reads re-auth; once Douyin
lets the tokens die, the next call ends in the task to authorise again now.

Serve and the verbs share the token file, as on a real machine. The fake's clock is moved
only for the last step; every wait is bounded and polls the database, never a sleep
standing in for an outcome.
"""

from __future__ import annotations

import json
import sqlite3
import time

import httpx
from click.testing import CliRunner

from console.cli import build_cli, cli
from tests.fakes.douyin import FakeDouyin
from tests.fakes.douyin_state import ACCESS_TTL
from tests.plugins.douyin.dyhelpers import douyin_config
from tests.serve_kit import free_port, serve_process, wait_healthy

DAY = 86400


def until(pred, what: str, timeout: float = 60.0):
    """Poll ``pred`` until it returns something true (a hang guard bounds it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = pred()
        if got:
            return got
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_douyin_end_to_end_through_sync_serve_and_the_verbs(tmp_path, monkeypatch):
    fake = FakeDouyin(group_quota=0, refresh_ttl=2 * DAY).start()
    full = fake.add_group("粉丝群 满员", members=3, max_num=3)
    fans = fake.add_group("粉丝群 B", members=5)
    port = free_port()
    monkeypatch.setenv("DY_SECRET", fake.client_secret)
    monkeypatch.setenv("DY_REFRESH", fake.authorise()["refresh_token"])
    cfg = douyin_config(tmp_path, fake, "", port=port, extra="poll_seconds = 86400")
    db = tmp_path / "shequn.db"
    build_cli([])

    def verb(*args: str) -> str:
        out = CliRunner().invoke(cli, ["--config", str(cfg), *args], catch_exceptions=False)
        assert out.exit_code == 0, out.output
        return out.output

    def one(sql: str, *params):
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
        try:
            row = con.execute(sql, params).fetchone()
            return row[0] if row and len(row) == 1 else row
        finally:
            con.close()

    proc = None
    try:
        # shequn sync lists the fan groups (Douyin lists no members)
        assert "dy1: 2 groups (2 new), members not listed (the platform cannot list them)" in verb("sync", "dy1")
        con = sqlite3.connect(db)
        with con:  # the operator marks 粉丝群 B a welfare group: its applications wait for a person
            con.execute("UPDATE groups SET type = 'welfare' WHERE platform_group_id = ?", (fans.group_id,))
        con.close()

        proc = serve_process(cfg, stderr_to=tmp_path / "serve.err")  # why it stopped, if it does
        wait_healthy(port, proc)
        url = f"http://127.0.0.1:{port}/hooks/douyin/dy1"

        # the challenge, then an unsigned and a forged push
        answer = fake.challenge(url, 4242)
        assert (answer.status_code, answer.json()) == (200, {"challenge": 4242})
        body = fake.webhook_body("im_group_receive_msg", fake.message_content(fans.group_id, "伪造"),
                                 from_user="ou-x")
        assert fake.post(url, body, fake.signed(body, sign=False)).status_code == 401
        assert fake.post(url, body, fake.signed(body, secret="guessed")).status_code == 403

        # signed pushes, each delivered twice under one Msg-Id
        fake.webhook_url = url
        a = fake.apply(fans.group_id, user_id="ou-applicant", nickname="小明")
        fake.push("enter_group_audit_change", fake.apply_content(a), from_user=a.user_id, times=2)
        fake.push("im_group_receive_msg", fake.message_content(fans.group_id, "大家好"), from_user="ou-fan-1",
                  times=2)
        late = fake.apply(full.group_id, user_id="ou-late", nickname="小李")
        fake.push("enter_group_audit_change", fake.apply_content(late), from_user=late.user_id)
        assert [s for _, s in fake.wait_delivered(5, timeout=30)] == [200] * 5
        until(lambda: one("SELECT count(*) FROM messages") == 1, "the message")
        assert one("SELECT text FROM messages") == "大家好"
        req = until(lambda: one("SELECT id, status FROM join_requests WHERE platform_request_id = ?", a.apply_id),
                    "the application")
        assert req[1] == "held" and one("SELECT count(*) FROM join_requests WHERE group_id = (SELECT id FROM groups"
                                        " WHERE platform_group_id = ?)", fans.group_id) == 1
        assert "小明" in verb("joins", "--group", "粉丝群 B")

        # forged and unsigned: refused, counted, and each a dead letter naming dy1
        letters = json.loads(verb("deadletters", "list", "--json"))["rows"]
        assert sorted((r["connection_id"], r["error"][:26]) for r in letters) == [
            ("dy1", "HTTP 401: dy1: unsigned Do"), ("dy1", "HTTP 403: dy1: forged or m")]
        until(lambda: (one("SELECT sum(count) FROM refused_requests") or 0) >= 2, "the refusals counted")

        # approved from the join queue; Douyin carries it out and the join comes back
        verb("joins", "approve", str(req[0]))
        until(lambda: a.status == 2, "the approval at Douyin")
        until(lambda: one("SELECT m.join_scene FROM memberships m JOIN identities i ON i.person_id = m.person_id"
                          " WHERE i.platform_user_id = 'ou-applicant' AND m.status = 'member'") == "approve",
              "the join back")
        until(lambda: one("SELECT status FROM join_requests WHERE id = ?", req[0]) == "approved", "approved")

        # a greeting and an announcement set in shequn reach Douyin
        verb("douyin", "greeting", "粉丝群 B", "--text", "欢迎新朋友，先看群公告")
        verb("entry", "announce", "draft", "群规", "禁止发广告")
        ann = one("SELECT max(id) FROM entry_announcements")
        verb("entry", "announce", "publish", str(ann), "粉丝群 B")
        settings = fake.groups[fans.group_id].settings
        until(lambda: 1 in settings and 2 in settings, "the greeting and the announcement at Douyin")
        assert settings[1] == [{"msg_type": 1, "text": {"text": "欢迎新朋友，先看群公告"}}]
        assert settings[2] == [{"msg_type": 1, "text": {"text": "群规\n禁止发广告"}}]

        # the application to the full group asked for a new fan group; the spent quota made it a task
        task = until(lambda: one("SELECT title, detail FROM tasks WHERE kind = 'create_sibling'"), "the overflow task")
        assert "粉丝群 满员" in task[0] and "quota spent, 0 left" in task[1]
        assert one("SELECT status FROM actions WHERE kind = 'create_group'") == "failed"
        assert len(fake.groups) == 2 and fake.quota_left == 0

        # the refresh token: renewed on each call until the fifth renewal, then a person is asked
        for _ in range(8):
            if fake.refresh[fake.latest_refresh()].renewals >= 5:
                break
            verb("douyin", "status", "dy1")
        verb("douyin", "status", "dy1")  # one more call: no sixth renewal, the task instead
        assert fake.refresh[fake.latest_refresh()].renewals == 5
        assert fake.token_calls.count("/oauth/renew_refresh_token/") == 5
        soon = one("SELECT title, detail FROM tasks WHERE kind = 'douyin_authorise'")
        assert soon[0].startswith("Authorise Douyin connection dy1 again before 20")
        assert "shequn douyin code dy1 CODE" in soon[1]
        assert "renewals  " in verb("douyin", "status", "dy1") and "5/5" in verb("douyin", "status", "dy1")
        state = one("SELECT state, last_error FROM connections WHERE id = 'dy1'")  # what the verb met, on the screen
        assert state[0] == "re-auth" and "renewed 5 times" in state[1]
        verb("douyin", "announcement", "粉丝群 B", "--off")  # serve's next call meets the limit too
        until(lambda: 2 not in settings, "the announcement turned off")
        said = until(lambda: one("SELECT detail FROM audit_log WHERE actor = 'connection:dy1'"
                                 " AND action = 'connection_re-auth'"), "serve reporting re-auth")
        assert "renewed 5 times" in said and "shequn douyin authorize dy1" in said

        # Douyin lets the tokens die (16 days on its clock): the next call asks to authorise again now
        fake.advance(ACCESS_TTL + DAY)
        verb("douyin", "greeting", "粉丝群 B", "--off")
        dead = until(lambda: one("SELECT title, detail FROM tasks WHERE title = 'Authorise Douyin connection dy1"
                                 " again'"), "the re-authorisation task")
        assert "10010" in dead[1] and "shequn douyin code dy1 CODE" in dead[1]
        assert fake.token_calls[0] == fake.token_calls[-1] == "/oauth/refresh_token/"  # the first call, the last try
        state = until(lambda: one("SELECT state, last_error FROM connections WHERE id = 'dy1'"
                                  " AND last_error LIKE '%refresh token expired%'"), "the dead-token state")
        assert state[0] == "re-auth"
        assert 1 in settings  # the greeting's turning off waits for the new authorisation, nothing lost
        assert one("SELECT status FROM actions WHERE kind = 'set_welcome' ORDER BY id DESC LIMIT 1") == "pending"
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200  # serve runs on
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(20)
            except Exception:  # noqa: BLE001 - a hang: kill it, the assertion above says why
                proc.kill()
        fake.stop()
