"""The connector conformance kit (public API; docs/conformance.md).

``class TestMine(ConnectorConformance): connector_class = MyConnector`` and the
factories for your fake server; shequn's pytest plugin (installed with it) runs the
suite under any asyncio mode. ``check_event(event, connection)`` lists one event's
problems as readable lines.
"""

from __future__ import annotations

from console.connector import NullSink
from console.testing import ConnectorConformance, check_event, conformance_workspace

__all__ = ["ConnectorConformance", "check_event", "conformance_workspace", "NullSink"]
