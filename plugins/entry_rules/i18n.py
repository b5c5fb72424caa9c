"""Translation helper: English source strings with named fields, translated then filled.

Translating the template (not the filled text) keeps one catalogue entry per message.
"""

from __future__ import annotations


def tr(ws, text: str, **values) -> str:
    try:
        template = ws.t(text)
    except Exception:  # the host's catalogue is not available: English is always right
        template = text
    try:
        return template.format(**values) if values else template
    except (KeyError, IndexError, ValueError):
        return text.format(**values) if values else text
