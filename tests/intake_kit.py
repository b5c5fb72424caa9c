"""The webhook intake on the test's own loop, for tests of durable intake and store faults.

One copy of what tests/test_intake.py and tests/test_faults.py each had: a workspace with
a QQ connection taking signed POSTs, the runtime and the webhook app wired as ``serve``
wires them (in-process, through httpx's ASGI transport: no port, no uvicorn), a signed
POST, the runtime running for the length of a block, and a bounded wait for a condition.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path
from typing import AsyncIterator

import httpx

from console.runtime import Runtime
from console.webhooks import build_app
from console.workspace import Workspace
from tests.conftest import make_config
from tests.serve_kit import signed

QQ_CONFIG = """
[operator]
name = "tester"
timezone = "Asia/Shanghai"
{sections}
[database]
path = "i.db"

[connections.qq1]
platform = "qq"
enabled = true
base_url = "http://127.0.0.1:9"
secret = "sec"
"""


def body_of(i: int, text: str = "hi") -> bytes:
    """A OneBot group message ``i`` in group 1 from user 40 + i."""
    return json.dumps({"time": 1_700_000_000 + i, "self_id": 10001, "post_type": "message", "message_type": "group",
                       "message_id": i, "group_id": 1, "user_id": 40 + i, "message": text,
                       "sender": {"nickname": f"u{i}"}}, ensure_ascii=False).encode()


async def post(client: httpx.AsyncClient, body: bytes) -> httpx.Response:
    # the bound only turns a hang (an answer that never comes) into a failure
    return await asyncio.wait_for(client.post("/hooks/qq/qq1", content=body, headers=signed(body)), 60)


def setup(tmp_path: Path, *, sections: str = "", **kw) -> tuple[Workspace, Runtime, httpx.AsyncClient]:
    """(workspace, runtime, client of its webhook app); ``sections``: more TOML before
    [database] (a [console] language); ``kw`` go to the Runtime."""
    ws = Workspace.open(make_config(tmp_path, base=QQ_CONFIG.format(sections=sections)))
    rt = Runtime(ws, **kw)
    app = build_app(rt.connectors, dead_letter=rt.dead.put, unavailable=rt.unavailable, health=rt.health,
                    refusals=rt.refusals)
    return ws, rt, httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


@contextlib.asynccontextmanager
async def running(rt: Runtime) -> AsyncIterator[asyncio.Task]:
    """The runtime's loops for the block (ready to store when it starts); yields its task."""
    stop = asyncio.Event()
    task = asyncio.create_task(rt.run(stop))
    await until(lambda: rt.intake.ready, "the ingest loop")
    try:
        yield task
    finally:
        stop.set()
        await task


async def until(cond, what: str, rounds: int = 4000) -> None:
    """Yield to the loop until ``cond()`` holds (bounded by rounds: a hang guard only)."""
    for _ in range(rounds):
        if cond():
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"never happened: {what}")
