"""A really full disk: the workspace on a small filesystem that fills up (issue 16, item 10).

Where the machine lets the test mount a 4 MiB tmpfs (root on Linux, as CI runs), the
database lives there and a ballast file takes all but a little of the space. Signed
POSTs go on until the disk is full: from then on nothing is acknowledged (503 with
Retry-After), /healthz fails, and once the ballast is deleted (space returns) intake
resumes by itself; every event ever answered 2xx is stored and the file is sound.
Elsewhere the test is skipped; test_store_faults.py makes SQLite itself report a full
disk through ``PRAGMA max_page_count`` on any machine.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import subprocess

import httpx
import pytest

from console.runtime import Runtime
from console.workspace import Workspace
from tests.serve_kit import integrity, qq_message, qq_workspace, serving, signed, stored_message_ids


def mount_small_disk(path) -> bool:
    path.mkdir()
    if os.geteuid() != 0:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(path)], capture_output=True)
    return done.returncode == 0


async def until(cond, what: str, rounds: int = 12000) -> None:
    for _ in range(rounds):  # a hang guard, not a clock any assertion needs
        if cond():
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"never happened: {what}")


async def test_a_small_filesystem_that_fills_up_loses_nothing_acknowledged(tmp_path):
    disk = tmp_path / "disk"
    if not mount_small_disk(disk):
        pytest.skip("cannot mount a small filesystem here (test_store_faults.py covers SQLITE_FULL)")
    try:
        cfg, port = qq_workspace(tmp_path / "w", db=str(disk / "shequn.db"))
        ws = Workspace.open(cfg)
        rt = Runtime(ws)
        rt.fault_retry = 0.02
        free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
        ballast = disk / "ballast"
        ballast.write_bytes(b"\0" * max(0, free - 96 * 1024))  # all but 96 KiB
        acked: set[int] = set()
        while_full: list[int] = []
        ids = itertools.count()
        async with serving(ws, port, runtime=rt) as task:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as c:
                async def post_until(cond) -> None:
                    while not cond():
                        i = next(ids)
                        b = qq_message(i, text="满" * 2000)
                        full_before = rt.intake.fault is not None
                        r = await c.post("/hooks/qq/qq1", content=b, headers=signed(b))
                        if r.status_code == 204:
                            acked.add(i)
                            if full_before and rt.intake.fault is not None:
                                while_full.append(i)
                        else:
                            assert r.status_code == 503 and r.headers["retry-after"] == "5"

                await post_until(lambda: rt.intake.fault is not None)  # the disk fills
                refused = itertools.count()
                await post_until(lambda: next(refused) >= 5)  # five more while it is full: none acknowledged
                health = await c.get("/healthz")
                assert health.status_code == 503
                ballast.unlink()  # space returns
                await until(lambda: rt.intake.fault is None and not rt.intake.held, "intake resuming")
                n = len(acked)
                await post_until(lambda: len(acked) >= n + 10)
                assert (await c.get("/healthz")).status_code == 200
            assert not task.done()
        ws.close()
        stored = stored_message_ids(disk / "shequn.db")
        assert acked and acked <= stored and while_full == []
        assert integrity(disk / "shequn.db") == "ok"
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)
