"""Durable intake (issue 16): a webhook's 2xx means its event is stored; until the store
takes events, and while it cannot write, webhooks answer 503 and /healthz fails."""

from __future__ import annotations

import asyncio
import logging
import sqlite3

from console.workspace import Workspace
from tests.conftest import make_config
from tests.intake_kit import QQ_CONFIG, body_of, post, running, setup, until


class FullDisk:
    """The store's COMMIT fails as SQLite's does on a full disk, while ``armed``."""

    def __init__(self, store):
        self.armed = False
        self.commits_refused = 0
        execute = store.conn.execute

        def guarded(sql, *args):
            if self.armed and sql == "COMMIT":
                self.commits_refused += 1
                raise sqlite3.OperationalError("database or disk is full")
            return execute(sql, *args)

        store.conn.execute = guarded


def messages(ws) -> int:
    return ws.store.scalar("SELECT count(*) FROM messages")


async def test_a_webhook_is_answered_only_once_its_event_is_stored(tmp_path):
    # batch_wait=60: a loop that batched on a timer would not store it before answering
    ws, rt, client = setup(tmp_path, batch_wait=60)
    async with running(rt):
        for i in range(3):
            r = await post(client, body_of(i))
            assert r.status_code == 204
            assert messages(ws) == i + 1  # stored when answered, not later
        r = await post(client, body_of(1))  # a redelivery is answered too, and stored once
        assert r.status_code == 204 and messages(ws) == 3
    ws.close()


async def test_webhooks_answer_503_until_the_store_takes_events(tmp_path):
    ws, rt, client = setup(tmp_path)
    r = await post(client, body_of(1))  # the runtime's ingest loop has not started
    assert r.status_code == 503 and r.headers["retry-after"] == "5" and "starting" in r.text
    assert rt.queue.qsize() == 0  # refused, not queued: the bridge keeps it
    health = await client.get("/healthz")
    assert health.status_code == 503 and "starting" in health.text
    async with running(rt):
        assert (await client.get("/healthz")).status_code == 200
        assert (await post(client, body_of(1))).status_code == 204
    assert messages(ws) == 1
    ws.close()


async def test_a_full_disk_answers_503_fails_health_and_loses_nothing(tmp_path, caplog):
    ws, rt, client = setup(tmp_path)
    disk = FullDisk(ws.store)
    rt.fault_retry = 0.01
    caplog.set_level(logging.INFO, "shequn")
    async with running(rt) as task:
        assert (await post(client, body_of(1))).status_code == 204
        disk.armed = True
        r = await post(client, body_of(2))
        assert r.status_code == 503 and "disk is full" in r.text and r.headers["retry-after"] == "5"
        health = await client.get("/healthz")
        assert health.status_code == 503 and "disk is full" in health.text
        r = await post(client, body_of(3))  # refused at once while the store cannot write
        assert r.status_code == 503 and "store cannot write" in r.text
        assert any("cannot write" in m and "database or disk is full" in m for m in caplog.messages)
        await until(lambda: disk.commits_refused >= 3, "retries while the disk is full")
        assert not task.done() and messages(ws) == 1
        disk.armed = False  # space returns
        await until(lambda: rt.intake.unavailable() is None, "the store writing again")
        assert (await client.get("/healthz")).status_code == 200
        for i in (2, 3):  # the bridge delivers again what was not acknowledged
            assert (await post(client, body_of(i))).status_code == 204
        assert messages(ws) == 3
        assert any("writes again" in m for m in caplog.messages)
    ws.close()


def test_events_taken_when_the_store_fails_are_held_and_stored_when_it_writes_again():
    """A WebSocket or polled event has nobody to answer 503 to: it is held, not dropped."""
    from console.intake import Intake
    from console.model import Event, Kind

    stored: list[str] = []
    full = [True]

    def ingest(events):
        if full[0]:
            raise sqlite3.OperationalError("database or disk is full")
        stored.extend(e.id for e in events)
        return len(events), 0

    intake = Intake(ingest, lambda letter: None)
    a = intake.put([Event("c", "a", Kind.MESSAGE, 1)])
    intake.put([Event("c", "b", Kind.MESSAGE, 2)], receipt=False)
    intake.ready = True
    assert intake.drain() == 0 and stored == []
    assert "disk is full" in str(a.future.exception()) and "disk is full" in intake.unavailable()
    assert [e.id for e, _ in intake.held] == ["a", "b"]
    c = intake.put([Event("c", "c", Kind.MESSAGE, 3)])
    intake.hold_queued()  # what the loop does while the fault lasts: answer now, keep the event
    assert c.future.exception() is not None and [e.id for e, _ in intake.held] == ["a", "b", "c"]
    full[0] = False
    assert intake.drain() == 3 and stored == ["a", "b", "c"]
    assert intake.unavailable() is None and intake.held == []


async def test_a_dead_letter_that_cannot_be_written_is_logged_kept_and_written_later(tmp_path, caplog):
    from console.model import DeadLetter

    ws, rt, client = setup(tmp_path)
    disk = FullDisk(ws.store)
    rt.fault_retry = 0.01
    caplog.set_level(logging.INFO, "shequn")
    async with running(rt) as task:
        disk.armed = True
        letter = DeadLetter("qq1", "websocket", "qq1: not a usable OneBot event", b"{}")
        rt.connectors["qq1"].sink.dead_letter(letter)
        await until(lambda: rt.intake.fault is not None, "the failed write noticed")
        assert "disk is full" in (await client.get("/healthz")).text
        assert any("could not store dead letters" in m for m in caplog.messages)
        disk.armed = False
        await until(lambda: ws.store.scalar("SELECT count(*) FROM dead_letters") == 1, "the letter written")
        await until(lambda: rt.intake.unavailable() is None, "the store writing again")
        assert not task.done()
    ws.close()


async def test_a_batch_wakes_the_loop_once_and_every_waiting_delivery_gets_its_answer():
    """A batch's receipts are woken by one loop callback, not one self-pipe write and GIL
    hand-over each (benchmarks/loop_stall.py); each waiter still gets its own outcome, and
    one that starts waiting after its batch settled is answered at once."""
    from console.intake import Intake, StoreUnavailable
    from console.model import Event, Kind

    full = [False]

    def ingest(events):
        if full[0]:
            raise sqlite3.OperationalError("database or disk is full")
        return len(events), 0

    loop = asyncio.get_running_loop()
    intake = Intake(ingest, lambda letter: None)
    intake.bind(loop)
    receipts = [intake.put([Event("c", f"e{i}", Kind.MESSAGE, i), Event("c", f"f{i}", Kind.MESSAGE, i)])
                for i in range(40)]
    waits = [asyncio.create_task(r.wait()) for r in receipts]
    await asyncio.sleep(0)  # every waiter is parked on the loop
    calls = []
    real = loop.call_soon_threadsafe
    loop.call_soon_threadsafe = lambda *a, **k: (calls.append(a[0]), real(*a, **k))[1]
    try:
        await asyncio.to_thread(intake.ingest, intake.take())
        wake_ups = [c for c in calls if getattr(c, "__name__", "") == "_wake"]
        assert len(wake_ups) == 1
        await asyncio.wait_for(asyncio.gather(*waits), 60)  # all 40 answered (the bound is a hang guard)
        late = intake.put([Event("c", "late", Kind.MESSAGE, 99)])
        await asyncio.to_thread(intake.ingest, intake.take())
        await late.wait()  # settled before it was awaited: no waiter, no wake-up needed
        # settled between wait()'s first look and the waiter it publishes (the ingest thread
        # can run in that gap): the second look answers it
        racing = intake.put([Event("c", "racing", Kind.MESSAGE, 98)])
        items = intake.take()
        real_create = loop.create_future

        def create_then_settle():
            loop.create_future = real_create
            intake.ingest(items)  # settles ``racing``, before its waiter exists
            return real_create()

        loop.create_future = create_then_settle
        task = asyncio.ensure_future(racing.wait())
        await asyncio.sleep(0)
        loop.create_future = real_create
        await asyncio.wait_for(task, 10)  # never needs the bound, unless the second look is gone
        full[0] = True
        bad = [intake.put([Event("c", f"x{i}", Kind.MESSAGE, i)]) for i in range(3)]
        bad_waits = [asyncio.create_task(r.wait()) for r in bad]
        await asyncio.sleep(0)
        await asyncio.to_thread(intake.ingest, intake.take())
        for w in bad_waits:
            try:
                await asyncio.wait_for(w, 60)
            except StoreUnavailable as e:
                assert "disk is full" in str(e)
            else:
                raise AssertionError("a delivery that was not stored was answered as stored")
    finally:
        loop.call_soon_threadsafe = real
    assert len([c for c in calls if getattr(c, "__name__", "") == "_wake"]) == 2  # one per batch with waiters


async def test_shequn_serve_freezes_its_start_up_heap_and_what_the_first_batches_import(tmp_path):
    """A full garbage collection of serve's start-up objects held the GIL 38-55 ms, a stall
    of the loop wherever it ran (benchmarks/loop_stall.py): serve freezes them before it
    listens, and once more after its first stored events (lazy imports, caches)."""
    import gc

    import httpx as hx

    from tests.serve_kit import free_port, qq_message, serving, signed

    port = free_port()
    ws = Workspace.open(make_config(tmp_path, base=QQ_CONFIG.format(sections="")))
    gc.unfreeze()
    try:
        async with serving(ws, port, freeze=True) as task:
            first = gc.get_freeze_count()
            assert first > 1000  # modules, plugins, the registry
            junk = [[i] for i in range(5000)]  # tracked objects made after the start-up freeze
            async with hx.AsyncClient() as c:
                body = qq_message(1)
                r = await c.post(f"http://127.0.0.1:{port}/hooks/qq/qq1", content=body, headers=signed(body))
            assert r.status_code == 204
            await until(lambda: gc.get_freeze_count() >= first + 5000, "the second freeze")
            assert not task.done() and len(junk) == 5000
    finally:
        gc.unfreeze()
        ws.close()


async def test_the_shequn_serve_command_runs_serve_with_its_heap_frozen(monkeypatch, tmp_path):
    import types

    import console.serve

    seen = {}

    async def fake_serve_workspace(ws, **kw):
        seen.update(kw)
        return types.SimpleNamespace(stats=types.SimpleNamespace(ingested=0, duplicates=0, dead_letters=0))

    monkeypatch.setattr(console.serve, "serve_workspace", fake_serve_workspace)
    ws = Workspace.open(make_config(tmp_path, base=QQ_CONFIG.format(sections="")))
    try:
        await console.serve._main(ws, "127.0.0.1", 1)
    finally:
        ws.close()
    assert seen["freeze"] is True
