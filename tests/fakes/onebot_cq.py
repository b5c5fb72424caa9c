"""OneBot v11 message-format helpers for the fake bridge (PROTOCOLS.md 1.6).

The fake needs its own, independent implementation of the two message formats
so that connector tests really exercise the connector's parser instead of
round-tripping through shared code. Nothing here imports from ``plugins/``.

Array format: ``[{"type": str, "data": {str: str}}, ...]``.
String format: text with CQ codes ``[CQ:type,key=value,...]``; in text ``& [ ]``
are escaped as ``&amp; &#91; &#93;`` and inside parameter values ``,`` is
additionally escaped as ``&#44;``.
"""

from __future__ import annotations

import re
from typing import Any

_CQ_CODE = re.compile(r"\[CQ:([^,\]]+)((?:,[^\]]*)?)\]")


def cq_escape(text: str, *, in_param: bool = False) -> str:
    """Escape text for the CQ string format; ``in_param`` also escapes commas."""
    out = text.replace("&", "&amp;").replace("[", "&#91;").replace("]", "&#93;")
    if in_param:
        out = out.replace(",", "&#44;")
    return out


def cq_unescape(text: str) -> str:
    """Inverse of :func:`cq_escape` (``&amp;`` last so ``&amp;#91;`` stays literal)."""
    return (
        text.replace("&#44;", ",").replace("&#91;", "[").replace("&#93;", "]").replace("&amp;", "&")
    )


def to_cq_string(segments: list[dict[str, Any]]) -> str:
    """Render a segment array as a CQ-code string (what ``raw_message`` carries)."""
    parts: list[str] = []
    for seg in segments:
        kind = str(seg.get("type", ""))
        data = seg.get("data") or {}
        if kind == "text":
            parts.append(cq_escape(str(data.get("text", ""))))
            continue
        params = "".join(f",{k}={cq_escape(str(v), in_param=True)}" for k, v in data.items())
        parts.append(f"[CQ:{kind}{params}]")
    return "".join(parts)


def parse_cq_string(text: str) -> list[dict[str, Any]]:
    """Parse a CQ-code string into segments (type up to first ``,``/``]``; key up to first ``=``)."""
    segments: list[dict[str, Any]] = []
    pos = 0
    for match in _CQ_CODE.finditer(text):
        if match.start() > pos:
            segments.append({"type": "text", "data": {"text": cq_unescape(text[pos : match.start()])}})
        data: dict[str, str] = {}
        for item in match.group(2)[1:].split(",") if match.group(2) else []:
            key, _, value = item.partition("=")
            if key:
                data[key] = cq_unescape(value)
        segments.append({"type": match.group(1), "data": data})
        pos = match.end()
    if pos < len(text):
        segments.append({"type": "text", "data": {"text": cq_unescape(text[pos:])}})
    return segments


def normalize_message(message: Any, *, auto_escape: bool = False) -> list[dict[str, Any]]:
    """Turn any accepted ``message`` param (string, segment, segment list) into segments.

    Mirrors what a bridge does before sending: strings are CQ-parsed unless
    ``auto_escape`` is set; data values are stringified (array format keeps
    them as strings on the wire). Raises ``ValueError`` on malformed input.
    """
    if message is None:
        return []
    if isinstance(message, str):
        if auto_escape:
            return [{"type": "text", "data": {"text": message}}] if message else []
        return parse_cq_string(message)
    if isinstance(message, dict):
        message = [message]
    if not isinstance(message, list):
        raise ValueError("message must be a string, a segment or a list of segments")
    segments = []
    for seg in message:
        if not isinstance(seg, dict) or not isinstance(seg.get("type"), str):
            raise ValueError("malformed message segment")
        data = seg.get("data") or {}
        if not isinstance(data, dict):
            raise ValueError("segment data must be an object")
        segments.append(
            {"type": seg["type"], "data": {k: v if isinstance(v, (list, dict)) else str(v) for k, v in data.items()}}
        )
    return segments


def plain_text(segments: list[dict[str, Any]]) -> str:
    """Concatenated text of the text segments (handy in assertions)."""
    return "".join(str(s["data"].get("text", "")) for s in segments if s.get("type") == "text")
