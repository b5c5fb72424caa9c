"""Faults are loud and recover (issue 16, item 3).

A full disk (SQLite's own SQLITE_FULL, from ``PRAGMA max_page_count``) stops
acknowledgement with 503 and Retry-After, fails /healthz in the operator's language,
raises an alert, and resumes with nothing lost once space returns. A loop of the engine
that crashes is logged, alerted, restarted, and /healthz names it while it is down.
"""

from __future__ import annotations

import asyncio
import logging

from console.supervisor import Supervisor
from tests.intake_kit import body_of, post, running, setup, until

ZH = '[console]\nlanguage = "zh-CN"\n'  # the operator reads Chinese: the 503s and alerts say so


def count(ws, sql: str) -> int:
    return ws.store.scalar(sql)


async def test_a_full_disk_is_loud_in_chinese_and_loses_nothing(tmp_path, caplog):
    ws, rt, client = setup(tmp_path, sections=ZH)
    rt.fault_retry = 0.01
    caplog.set_level(logging.INFO, "shequn")
    async with running(rt) as task:
        assert (await post(client, body_of(1))).status_code == 204
        pages = ws.store.scalar("PRAGMA page_count")
        ws.store.execute(f"PRAGMA max_page_count = {pages}")  # the file may not grow: SQLite says the disk is full
        r = await post(client, body_of(2, "字" * 20_000))
        assert r.status_code == 503 and r.headers["retry-after"] == "5"
        assert "存储无法写入" in r.text and "database or disk is full" in r.text
        health = await client.get("/healthz")
        assert health.status_code == 503 and "存储无法写入" in health.text
        r = await post(client, body_of(3, "字" * 20_000))  # refused at once while the fault lasts
        assert r.status_code == 503 and "存储无法写入" in r.text
        assert any("cannot write" in m for m in caplog.messages)
        # the alert is written as soon as it can be: now if it fits in the file's free pages, else after
        ws.store.execute("PRAGMA max_page_count = 1073741823")  # space returns
        await until(lambda: rt.intake.fault is None, "the store writing again")
        await until(lambda: count(ws, "SELECT count(*) FROM alerts WHERE kind = 'store_fault'") == 1, "the alert")
        assert (await client.get("/healthz")).status_code == 200
        # event 2 was taken into a batch when the disk filled: answered 503, held, and stored now; event 3
        # was refused before it was queued, so it is the bridge's to send again
        assert count(ws, "SELECT count(*) FROM messages") == 2
        for i in (2, 3):  # the bridge's retries: each stored once
            assert (await post(client, body_of(i, "字" * 20_000))).status_code == 204
        assert count(ws, "SELECT count(*) FROM messages") == 3 and not task.done()
    alert = ws.store.one("SELECT severity, message, resolved_at FROM alerts WHERE kind = 'store_fault'")
    assert alert["severity"] == "error" and alert["resolved_at"] is None
    assert "存储在" in alert["message"] and "database or disk is full" in alert["message"]
    ws.close()


async def test_a_crashed_ingest_loop_is_logged_alerted_and_restarted(tmp_path, caplog):
    ws, rt, client = setup(tmp_path, sections=ZH, first_restart_pause=0)
    caplog.set_level(logging.INFO, "shequn")
    real_wait, crashes = rt.intake.wait, []

    async def wait_once_broken(timeout):
        if not crashes:
            crashes.append(1)
            raise RuntimeError("a bug in the ingest loop")
        await real_wait(timeout)

    rt.intake.wait = wait_once_broken
    async with running(rt) as task:
        await until(lambda: rt.supervisor.restarts["ingest"] == 1 and rt.intake.ready, "the restart")
        assert (await post(client, body_of(1))).status_code == 204
        await until(lambda: count(ws, "SELECT count(*) FROM alerts WHERE kind = 'engine_loop_failed'") == 1,
                    "the alert")
        assert not task.done()
    assert any("ingest loop stopped on an error" in r.getMessage() and r.exc_info for r in caplog.records)
    msg = ws.store.scalar("SELECT message FROM alerts WHERE kind = 'engine_loop_failed'")
    assert "ingest" in msg and "a bug in the ingest loop" in msg and "重新启动" in msg
    assert count(ws, "SELECT count(*) FROM messages") == 1
    ws.close()


async def test_healthz_names_a_loop_that_is_down_while_webhooks_still_store(tmp_path):
    ws, rt, client = setup(tmp_path, sections=ZH, first_restart_pause=3600)  # it stays down for the test

    async def broken(stop):
        raise RuntimeError("outbox bug")

    rt.executor.run_forever = broken
    async with running(rt):
        await until(lambda: "outbox" in rt.supervisor.down, "the outbox down")
        health = await client.get("/healthz")
        assert health.status_code == 503 and "outbox" in health.text and "outbox bug" in health.text
        assert "正在重新启动" in health.text
        assert (await post(client, body_of(1))).status_code == 204  # intake is not the outbox
    ws.close()


async def test_a_loop_that_returns_early_is_restarted_and_the_stop_ends_it():
    stop, runs, reports = asyncio.Event(), [], []

    async def loop_body():
        runs.append(1)
        if len(runs) < 3:
            return  # ended while it should run: restarted
        await stop.wait()

    sup = Supervisor(stop, on_crash=lambda name, why: reports.append((name, why)), first_pause=0)
    task = sup.keep("jobs", loop_body)
    await until(lambda: len(runs) == 3, "two restarts")
    assert sup.restarts["jobs"] == 2 and reports == [("jobs", "it ended while it should run")] * 2
    assert sup.down == set()
    stop.set()
    await asyncio.wait_for(task, 60)  # the bound is a hang guard
    assert len(runs) == 3 and task.exception() is None
