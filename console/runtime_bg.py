"""The runtime in a thread of its own: the console's in-process engine.

It opens its own Workspace (its own SQLite connection), so the console's reads and the
engine's writes never share a connection across threads.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from .workspace import Workspace


class BackgroundRuntime:
    """Start with :meth:`start`, stop with :meth:`stop`; ``error`` says why it could not run."""

    def __init__(self, config: str | None, **kwargs: Any):
        self.config = config
        self.kwargs = kwargs
        self.thread: threading.Thread | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.stop_event: asyncio.Event | None = None
        self.runtime = None
        self.error: str | None = None
        self._ready = threading.Event()

    def start(self) -> "BackgroundRuntime":
        self.thread = threading.Thread(target=self._main, name="shequn-engine", daemon=True)
        self.thread.start()
        self._ready.wait(timeout=10)
        return self

    def _main(self) -> None:
        from .runtime import Runtime

        try:
            ws = Workspace.open(self.config)
        except Exception as e:
            self.error = str(e)
            self._ready.set()
            return
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)

        async def go() -> None:
            self.stop_event = asyncio.Event()
            try:
                self.runtime = Runtime(ws, role="console", **self.kwargs)
            except Exception as e:
                self.error = str(e)
                self._ready.set()
                return
            self._ready.set()
            await self.runtime.run(self.stop_event)

        try:
            self.loop.run_until_complete(go())
        finally:
            ws.close()
            self._ready.set()

    def stop(self, timeout: float = 10) -> None:
        if self.loop and self.stop_event and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.stop_event.set)
        if self.thread:
            self.thread.join(timeout)
