"""Translation helper: English source strings with named fields, translated then filled.

Translating the template (not the filled text) keeps one catalogue entry per message.
"""

from __future__ import annotations


def tr(ws, text: str, **values) -> str:
    """``text`` in the console language, filled (the host's ``ws.tr``)."""
    return ws.tr(text, **values)
