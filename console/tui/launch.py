"""``shequn`` with no verb: open the workspace, start or attach to the engine, run the console.

Kept light at import time (the CLI imports this module on every plain ``shequn``):
Textual and the screens are imported inside :func:`run_console`.

The engine: a solo operator needs nothing but ``shequn``, so the console runs the
engine in a background thread (its own Workspace and SQLite connection) unless a
``shequn serve`` already holds the engine lock on this file, in which case it attaches
and says so. A ``--read-only`` console never runs the engine: it may look, not act.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def engine_plan(ws: Any, read_only: bool) -> tuple[bool, str]:
    """(start an in-process engine?, the note for the header)."""
    if read_only:
        return False, "read-only: engine not started"
    from ..runtime import engine_lock_holder

    holder = engine_lock_holder(ws)
    if holder and holder.get("role") == "serve":
        return False, f"attached to serve (pid {holder['pid']})"
    if holder:
        return False, f"another console runs the engine (pid {holder['pid']})"
    return True, "engine running in this console"


def run_console(config_path: str | Path | None, *, read_only: bool = False, start_engine: bool = True) -> None:
    """Open the console on the workspace of ``config_path``. Config and database
    errors propagate as ConfigError/StoreError (the CLI prints them in one line)."""
    import gc

    gc.disable()  # start-up allocates a lot and frees little; app.settle_memory enables it again
    try:
        _run(config_path, read_only=read_only, start_engine=start_engine)
    finally:
        gc.enable()


def _run(config_path: str | Path | None, *, read_only: bool, start_engine: bool) -> None:
    from ..workspace import Workspace, gather_ui

    from ..store.guard import ReadOnlyFile

    why = ""
    try:
        ws = Workspace.open(config_path, read_only=read_only)
    except ReadOnlyFile:  # this user cannot write the file: look, never act (issue 16)
        ws = Workspace.open(config_path, read_only=True)
        read_only, why = True, "read-only file: looking only"
    runtime = None
    try:
        start, note = engine_plan(ws, read_only)
        note = why or note
        if start and start_engine:
            from ..runtime import BackgroundRuntime

            runtime = BackgroundRuntime(str(config_path) if config_path else None).start()
            if runtime.error:
                note = f"engine not started: {runtime.error}"
                runtime = None
        screens, panels = gather_ui(ws.pm)
        from .app import build_app

        app = build_app(ws, plugin_screens=screens, panels=panels, read_only=read_only, engine_note=note)
        app.run()
    finally:
        if runtime is not None:
            runtime.stop()
        ws.close()
