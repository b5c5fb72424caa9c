"""The engine lock: which process runs the engine on a workspace file.

A row in ``meta`` (``engine.lock`` = ``pid|role|heartbeat``), refreshed every 5 s by the
runtime, tells a console that a ``serve`` already runs on this file, so it attaches
instead of starting a second engine, and a second ``serve`` refuses to start.
"""

from __future__ import annotations

import os
import time
from typing import Any

ENGINE_LOCK_KEY = "engine.lock"
LOCK_STALE_SECONDS = 30


def engine_lock_holder(ws: Any) -> dict[str, Any] | None:
    """Who runs the engine on this file now (pid, role, heartbeat), if anyone alive."""
    raw = ws.store.get_meta(ENGINE_LOCK_KEY)
    if not raw:
        return None
    try:
        pid_s, role, beat_s = raw.split("|")
        pid, beat = int(pid_s), float(beat_s)
    except ValueError:
        return None
    if time.time() - beat > LOCK_STALE_SECONDS:
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return {"pid": pid, "role": role, "heartbeat": beat}


def write_lock(ws: Any, role: str) -> None:
    ws.store.set_meta(ENGINE_LOCK_KEY, f"{os.getpid()}|{role}|{time.time()}")


def clear_lock(ws: Any) -> None:
    ws.store.set_meta(ENGINE_LOCK_KEY, "")
