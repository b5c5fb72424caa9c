"""Starting ``shequn serve`` for tests and benchmarks, and talking to it as a QQ bridge does.

One copy of what tests/test_serve.py, tests/reliability/ and the benchmarks
(webhook.py, ingest_durability.py, crash.py, loop_stall.py) each had their own of: a
workspace with a QQ connection that takes signed HTTP POSTs, a free port, a signed
OneBot message, ``serve`` as a process of this tree (or of another tree, for a
benchmark's before-and-after) or on the caller's event loop, and the ids it stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import AsyncIterator

import httpx

ROOT = Path(__file__).resolve().parent.parent
SECRET = "sec"

QQ_SERVE_CONFIG = """
[operator]
name = "tester"
timezone = "Asia/Shanghai"

[database]
path = "{db}"

[serve]
port = {port}
log_file = "serve.log"

[connections.qq1]
platform = "qq"
enabled = true
base_url = "{base_url}"
secret = "{secret}"
{extra}
"""


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def qq_workspace(folder: Path, *, base_url: str = "http://127.0.0.1:9", db: str = "shequn.db", port: int | None = None,
                 extra: str = "") -> tuple[Path, int]:
    """A config.toml in ``folder`` (created) for serve with one QQ connection ``qq1``
    taking signed POSTs; (its path, the webhook port). ``extra`` is more TOML (the
    connection's further keys come first, then any section)."""
    port = port or free_port()
    folder.mkdir(parents=True, exist_ok=True)
    cfg = folder / "config.toml"
    cfg.write_text(QQ_SERVE_CONFIG.format(db=db, port=port, base_url=base_url, secret=SECRET, extra=extra),
                   encoding="utf-8")
    return cfg, port


def qq_message(i: int, *, text: str | None = None, group: int | None = None, user: int | None = None,
               t0: int = 1_700_000_000) -> bytes:
    """A OneBot group message with id ``i`` (20 groups, 300 speakers unless given)."""
    return json.dumps({"time": t0 + i // 10, "self_id": 10001, "post_type": "message", "message_type": "group",
                       "message_id": i, "group_id": group if group is not None else 100 + i % 20,
                       "user_id": user if user is not None else 5000 + i % 300,
                       "message": text if text is not None else f"第 {i} 条",
                       "sender": {"nickname": f"u{(user or i) % 300}"}}, ensure_ascii=False).encode()


def signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    """The headers a bridge sends with ``body``: its HMAC-SHA1 signature and the type."""
    return {"X-Signature": "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest(),
            "Content-Type": "application/json"}


def serve_process(cfg: Path, *, tree: Path = ROOT, quiet: bool = True, extra_args: tuple[str, ...] = (),
                  stderr_to: Path | None = None) -> subprocess.Popen:
    """``shequn --config CFG serve`` in a process of its own, run from ``tree``'s files
    (another revision's, for a benchmark's 'before'). Quiet: its output is dropped, or
    its stderr appended to ``stderr_to`` (a loop of starts keeps every exit's reason)."""
    code = f"import sys; sys.path.insert(0, {str(tree)!r}); from console.cli import main; main()"
    out = subprocess.DEVNULL if quiet else subprocess.PIPE
    err = open(stderr_to, "ab") if stderr_to is not None else out  # noqa: SIM115 - the child holds it
    try:
        return subprocess.Popen([sys.executable, "-c", code, "--config", str(cfg), "serve", *extra_args],
                                cwd=str(cfg.parent), stdout=out, stderr=err, text=not quiet,
                                env={**os.environ, "PYTHONPATH": str(tree)})
    finally:
        if stderr_to is not None:
            err.close()


def wait_healthy(port: int, proc: subprocess.Popen | None = None, timeout: float = 60) -> None:
    """Until /healthz answers 200 (a hang guard bounds it; an early exit fails at once)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            err = proc.stderr.read() if proc.stderr else ""
            raise AssertionError(f"serve exited early ({proc.returncode}): {err}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise AssertionError("serve did not come up")


@contextlib.asynccontextmanager
async def serving(ws, port: int, *, runtime=None, freeze: bool = False) -> AsyncIterator:
    """``serve`` of ``ws`` on the caller's event loop, ready (listening and storing) when
    the block starts, stopped cleanly when it ends; yields the runtime. ``freeze`` as
    ``shequn serve`` does (the caller unfreezes: it is the test process's heap)."""
    from console.serve import serve_workspace

    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve_workspace(ws, host="127.0.0.1", port=port, stop=stop, ready=ready,
                                               runtime=runtime, freeze=freeze))
    waiter = asyncio.ensure_future(ready.wait())
    await asyncio.wait({waiter, task}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        waiter.cancel()
        task.result()  # raises what stopped it
        raise AssertionError("serve stopped before it was ready")
    try:
        yield task
    finally:
        stop.set()
        await task


def stored_message_ids(db: Path) -> set[int]:
    """The platform ids of the messages in ``db`` (read on a connection of its own)."""
    con = sqlite3.connect(db)
    try:
        return {int(r[0]) for r in con.execute("SELECT platform_msg_id FROM messages")}
    finally:
        con.close()


def integrity(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()
