"""The connector conformance kit (public API; docs/conformance.md).

``class TestMine(ConnectorConformance): connector_class = MyConnector`` and the
factories for your fake server; shequn's pytest plugin (installed with it) runs the
suite under any asyncio mode. ``check_event(event, connection)`` lists one event's
problems as readable lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from console.connector import NullSink
from console.testing import ConnectorConformance, check_event, conformance_workspace


def workspace_for_tests(tmp_path: Path, config: str = "") -> Any:
    """A throw-away workspace in ``tmp_path`` (its own config.toml and database) with every
    installed plugin, yours included; ``config`` is TOML added to the file (connections,
    your section). Close it with ``ws.close()``."""
    from console.workspace import Workspace

    path = Path(tmp_path) / "config.toml"
    path.write_text('[operator]\nname = "tests"\n\n[database]\npath = "tests.db"\n\n' + config, encoding="utf-8")
    return Workspace.open(path)


def ingest(ws: Any, events: list) -> Any:
    """Store ``events`` as the running engine does, in one transaction: duplicates left out,
    groups and people found or made, memberships and rollups updated, then every plugin's
    ``process_events`` and the outbox for what they propose. Returns the engine's counts
    (``stored``, ``duplicates``)."""
    from console.engine import Engine

    return Engine(ws).ingest(events)


__all__ = ["ConnectorConformance", "check_event", "conformance_workspace", "NullSink", "workspace_for_tests",
           "ingest"]
