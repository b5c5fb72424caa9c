"""Scheduled posts through the outbox: queued once however often the planner runs, taken
back while unsent when the plan changes, sent at their time by the executor, with
progress, a failure list and resume, stop, missed posts, tasks, the preview and the CLI."""

from __future__ import annotations

import asyncio
import json

import pytest

from content_kit import DAY, T0, add_group, cli, item, local, schedule
from conftest import make_config
from console.outbox import Executor
from console.workspace import Workspace
from plugins.content import library, preview, queue, runs, schedules
from plugins.sandbox.connector import SandboxConnector


@pytest.fixture
def qws(tmp_path):
    cfg = make_config(tmp_path, "[content]\naccount_spacing_seconds = 10\n")
    with Workspace.open(cfg) as w:
        w.cfg = cfg
        w.g = [add_group(w, f"群{i}", "traffic") for i in range(3)]
        w.wecom = add_group(w, "企微群", "welfare", None, None, "wecom", "wechat")
        yield w


def sends(ws, status=None):
    sql = "SELECT * FROM actions WHERE kind = 'send'" + (" AND status = ?" if status else "") + " ORDER BY id"
    return ws.store.query(sql, (status,) if status else ())


def sync_at(ws, ts):
    with ws.clock_at(ts):
        return queue.sync(ws)


def drain(ws, conn, ts):
    with ws.clock_at(ts):
        asyncio.run(Executor(ws, {"sandbox": conn}, pacing=False).drain())


def sandbox(ws):
    conn = SandboxConnector("sandbox", {"seed": 7, "groups": 2, "members": 20})
    conn.attach(ws, start=T0)
    return conn


def test_queued_once_with_time_evidence_wecom_too(qws):
    i = item(qws, "早安 {group}")
    schedule(qws, item_id=i)  # saving syncs at T0
    fire = local(qws, "2025-06-16 07:30")
    got = sends(qws)
    # WeChat posts are queued too: the connector makes each a mass send its owner confirms (plugins/wechat)
    assert [(json.loads(a["params"])["text"], a["not_before"], a["status"]) for a in got] == [
        ("早安 群0", fire, "pending"), ("早安 群1", fire + 10, "pending"), ("早安 群2", fire + 20, "pending"),
        ("早安 企微群", fire, "pending")]
    assert got[0]["requested_by"] == "plugin:content" and got[0]["evidence"] == f"content:schedule:1:{fire}"
    assert got[0]["reason"] == "Scheduled post: 早安"
    assert sync_at(qws, T0 + 60) == {"queued": 0, "withdrawn": 0, "tasks": 0, "skipped": 0, "missed": 0}
    assert len(sends(qws)) == 4  # planning again never posts twice
    sync_at(qws, T0 + 120)
    assert qws.store.scalar("SELECT count(*) FROM tasks") == 0


def test_an_edit_or_a_pause_takes_back_what_is_unsent(qws):
    i = item(qws, "早安 {group}")
    schedule(qws, item_id=i)
    with qws.clock_at(T0 + 60):
        library.save(qws, {"text": "早上好 {group}"}, i)
    assert sync_at(qws, T0 + 60)["withdrawn"] == 4
    assert [a["status"] for a in sends(qws)] == ["cancelled"] * 4 + ["pending"] * 4
    assert json.loads(sends(qws, "pending")[0]["params"])["text"] == "早上好 群0"
    with qws.clock_at(T0 + 120):
        pid = schedules.pause(qws, qws.g[1], reason="换群主")
    pending = sends(qws, "pending")
    assert [a["group_id"] for a in pending] == [qws.g[0], qws.g[2], qws.wecom]
    assert qws.store.scalar("SELECT note FROM content_posts WHERE group_id = ?", (qws.g[1],)) == "paused"
    with qws.clock_at(T0 + 180):
        schedules.lift(qws, pid)
    back = sends(qws, "pending")
    assert sorted(a["group_id"] for a in back) == [*qws.g, qws.wecom]  # asked again under a new key
    assert next(a for a in back if a["group_id"] == qws.g[1])["idempotency_key"].endswith(f":{T0 + 180}")


def test_sent_at_their_time_with_progress_a_failure_and_resume(qws):
    i = item(qws, "晚安 {group}")
    schedule(qws, "晚安", item_id=i, cron="0 21 * * *", targets=["type:traffic"])
    conn = sandbox(qws)
    fire = local(qws, "2025-06-16 21:00")
    drain(qws, conn, fire - 60)
    assert [a["status"] for a in sends(qws)] == ["pending"] * 3  # not before their time
    conn.fail_next("permanent")
    drain(qws, conn, fire + 30)
    (r,) = runs.runs(qws)
    assert (r["name"], r["time"], r["progress"], r["failed"]) == ("晚安", "2025-06-16 21:00", "2/3", 1)
    (f,) = runs.failures(qws)
    assert (f["group_name"], f["error"]) == ("群0", "权限不足 (simulated: the bot lacks the permission)")
    with qws.clock_at(fire + 600):
        assert runs.resume(qws, r["id"]) == 1
    assert sends(qws)[0]["status"] == "pending" and sends(qws)[0]["attempts"] == 0
    assert sync_at(qws, fire + 600)["queued"] == 3  # the next evening's; the resumed post is left alone
    assert qws.store.scalar("SELECT count(*) FROM actions WHERE evidence = ?", (f"content:schedule:1:{fire}",)) == 3
    drain(qws, conn, fire + 601)
    assert [(x["time"], x["progress"]) for x in runs.runs(qws)] == [("2025-06-17 21:00", "0/3"),
                                                                    ("2025-06-16 21:00", "3/3")]
    assert runs.failures(qws) == []


def test_stop_holds_and_resume_brings_back(qws):
    i = item(qws, "早安")
    schedule(qws, item_id=i, targets=["type:traffic"])
    (r,) = runs.runs(qws)
    with qws.clock_at(T0 + 10):
        assert runs.stop(qws, r["id"]) == 3
    assert sync_at(qws, T0 + 20)["queued"] == 0  # a person stopped it: the planner does not queue it again
    assert runs.runs(qws)[0]["stopped"] == 3
    with qws.clock_at(T0 + 30):
        assert runs.resume(qws, r["id"]) == 3
    assert [a["not_before"] for a in sends(qws, "pending")] == [T0 + 30, T0 + 40, T0 + 50]  # paced from now


def test_a_post_whose_time_passed_while_stopped_is_missed_not_sent_late(qws):
    i = item(qws, "早安")
    schedule(qws, item_id=i, targets=["群0"], cron="0 23 * * *")  # 2025-06-15 23:00, 6 minutes before T0
    assert runs.runs(qws)[0]["waiting"] == 1  # within the 30-minute grace: still sent
    schedule(qws, "八点", item_id=i, targets=["群0"], cron="0 8 * * *")
    later = local(qws, "2025-06-17 10:00")  # the engine was stopped for a day and a half
    counts = sync_at(qws, later)
    assert counts["missed"] == 1
    missed = qws.store.one("SELECT p.* FROM content_posts p JOIN content_runs r ON r.id = p.run_id"
                           " WHERE r.fire_at = ?", (local(qws, "2025-06-17 08:00"),))
    assert (missed["status"], missed["note"], missed["action_id"]) == ("skipped", "missed", None)


def test_preview_of_the_next_day(qws):
    i = item(qws, "早安 {group}")
    schedule(qws, item_id=i)
    with qws.clock_at(T0):
        schedules.pause(qws, qws.g[2])
        rows = preview.posts(qws, 24)
        slots = preview.slots(qws, 24)
    assert [(r["group"], r["state"], r["note"]) for r in rows] == [  # by time, then group
        ("群0", "waiting", ""), ("群2", "skipped", "the group is paused"),
        ("企微群", "waiting", ""), ("群1", "waiting", "")]
    (s,) = slots
    assert (s["time"], s["groups"], s["states"], s["spread"]) == ("2025-06-16 07:30", 4,
                                                                   {"waiting": 3, "skipped": 1}, "0m10s")


def test_cli_schedule_preview_runs(qws):
    i = item(qws, "早安 {group}")
    cfg = qws.cfg
    r = cli(cfg, "content", "schedule", "add", "二月三十一", "--cron", "0 9 31 2 *", "--item", str(i), "--to", "all")
    assert r.exit_code == 2 and "Error: cron: '0 9 31 2 *' never fires in the next five years" in r.output
    r = cli(cfg, "content", "schedule", "add", "夜课", "--daily", "22:00", "--item", str(i), "--to", "type:traffic")
    assert r.exit_code == 0 and r.output.strip() == "Saved schedule 1: 夜课"
    r = cli(cfg, "content", "schedule", "list", "--json")
    assert json.loads(r.output)[0]["cron"] == "0 22 * * *"
    r = cli(cfg, "content", "preview", "--json", "--hours", "72")  # the CLI's clock is the wall clock:
    assert [s["groups"] for s in json.loads(r.output)] == [3, 3, 3]  # any 72 hours hold three 22:00s
    r = cli(cfg, "content", "runs", "--json")
    assert r.exit_code == 0 and all(x["posts"] == 3 and x["name"] == "夜课" for x in json.loads(r.output))
    r = cli(cfg, "content", "schedule", "disable", "夜课")
    assert r.exit_code == 0
    r = cli(cfg, "content", "preview", "--json")
    assert json.loads(r.output) == []
