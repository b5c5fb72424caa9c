"""A full disk and a write error under signed-POST load (issue 16, item 10).

Serve runs on this test's loop with clients posting signed events over loopback. The
disk fills (SQLite's own SQLITE_FULL: ``PRAGMA max_page_count`` pinned to the file's
size) and empties again, twice, then the disk answers I/O errors for a while (injected
at COMMIT, as a failing device does). Each fault lasts until intake has noticed it and
a few more requests were refused; space then returns. Whatever the timing: every event
answered 2xx is stored at the end, nothing was acknowledged while the store could not
write, the file is sound, the ingest loop never ended, and the fault's alert says the last one.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3

import httpx

from console.runtime import Runtime
from console.workspace import Workspace
from tests.serve_kit import integrity, qq_message, qq_workspace, serving, signed, stored_message_ids


async def until(cond, what: str, rounds: int = 12000) -> None:
    for _ in range(rounds):  # a hang guard, not a clock any assertion needs
        if cond():
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"never happened: {what}")


class IOErrors:
    """COMMIT fails as a failing device makes SQLite fail, while ``armed``."""

    def __init__(self, store):
        self.armed = False
        execute = store.conn.execute

        def guarded(sql, *args):
            if self.armed and sql == "COMMIT":
                raise sqlite3.OperationalError("disk I/O error")
            return execute(sql, *args)

        store.conn.execute = guarded


async def test_full_disk_and_io_errors_under_load_lose_nothing_acknowledged(tmp_path):
    cfg, port = qq_workspace(tmp_path / "w")
    ws = Workspace.open(cfg)
    rt = Runtime(ws)
    rt.fault_retry = 0.02
    io = IOErrors(ws.store)
    acked: set[int] = set()
    while_faulted: list[int] = []  # ids answered 2xx while intake said it could not store
    ids = itertools.count()
    refused = [0]
    stop = asyncio.Event()

    async def client(c: httpx.AsyncClient) -> None:
        while not stop.is_set():
            i = next(ids)
            b = qq_message(i, text="字" * (200 + i % 3000))  # some need new pages at once
            faulted_before = rt.intake.fault is not None
            batches_before = rt.intake.batches  # a stored batch ends a fault: another episode may begin after
            try:
                r = await c.post("/hooks/qq/qq1", content=b, headers=signed(b))
            except httpx.HTTPError:
                continue
            if 200 <= r.status_code < 300:
                acked.add(i)
                if faulted_before and rt.intake.fault is not None and rt.intake.batches == batches_before:
                    while_faulted.append(i)  # answered 2xx inside one fault, with nothing stored meanwhile
            elif r.status_code == 503:
                refused[0] += 1
                await asyncio.sleep(0.01)

    async def fault(start, end) -> None:
        seen = refused[0]
        start()
        await until(lambda: rt.intake.fault is not None, "the fault noticed")
        await until(lambda: refused[0] >= seen + 5, "requests refused while it lasts")
        end()
        await until(lambda: rt.intake.fault is None, "intake resuming")
        await until(lambda: not rt.intake.held, "held events stored")

    def fill() -> None:
        ws.store.execute(f"PRAGMA max_page_count = {ws.store.scalar('PRAGMA page_count')}")

    def free() -> None:
        ws.store.execute("PRAGMA max_page_count = 1073741823")

    def arm() -> None:
        io.armed = True

    def disarm() -> None:
        io.armed = False

    async with serving(ws, port, runtime=rt) as task:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as c:
            clients = [asyncio.create_task(client(c)) for _ in range(3)]
            await until(lambda: len(acked) >= 20, "load under way")
            await fault(fill, free)
            await fault(fill, free)
            await fault(arm, disarm)
            n = len(acked)
            await until(lambda: len(acked) >= n + 20, "acknowledging again")
            stop.set()
            await asyncio.gather(*clients)
        assert not task.done() and rt.supervisor.restarts["ingest"] == 0
    stored = stored_message_ids(cfg.parent / "shequn.db")
    assert acked and acked <= stored
    assert while_faulted == []
    assert integrity(cfg.parent / "shequn.db") == "ok"
    # one alert for the store's faults while nobody resolved it: each fault rewrote it, the last says I/O error
    (alert,) = ws.store.query("SELECT severity, message FROM alerts WHERE kind = 'store_fault'")
    assert alert["severity"] == "error" and "disk I/O error" in alert["message"]
    ws.close()


async def test_an_account_the_full_store_could_not_record_is_recorded_with_the_next_side_writes(tmp_path):
    """At start the platform says who the bot is; when the store cannot write at that moment
    (a full disk), the answer is kept and written with the next side writes, not lost: until
    then the connection has no account, after it is online as that account."""
    from console.connector import ConnectionCheck

    cfg, _ = qq_workspace(tmp_path / "w")
    ws = Workspace.open(cfg)
    try:
        rt = Runtime(ws)
        io = IOErrors(ws.store)

        class Answers:
            async def check(self):
                return ConnectionCheck(True, "10001", "ok")

        row = "SELECT account, state FROM connections WHERE id = 'qq1'"
        io.armed = True
        await rt._record_account("qq1", Answers())
        io.armed = False
        assert ws.store.one(row)["account"] in (None, "")
        assert set(rt._accounts_later) == {"qq1"}
        rt._drain_side_queues()
        assert ws.store.one(row) == {"account": "10001", "state": "online"}
        assert rt._accounts_later == {}
    finally:
        ws.close()
