"""OneBot v11 message formats: CQ-code strings and segment arrays (PROTOCOLS.md 1.6).

A bridge reports messages either as a segment array (``[{"type": "text", "data":
{"text": "hi"}}, ...]``) or as a string with CQ codes (``hi[CQ:at,qq=42]``),
depending on its ``message_format`` setting. Both become the same segment list here.

The string form is parsed strictly: in valid CQ text a literal ``[`` is always
escaped (``&#91;``), so an unclosed ``[CQ:`` or a code without a type means the
bridge sent something broken. That raises :class:`CQError` (with the offset), and the
connector stores the payload as a dead letter instead of guessing.
"""

from __future__ import annotations

from typing import Any

TEXT_ESCAPES = (("&", "&amp;"), ("[", "&#91;"), ("]", "&#93;"))
PARAM_ESCAPES = TEXT_ESCAPES + ((",", "&#44;"),)


class CQError(ValueError):
    """A CQ-code string that cannot be parsed."""


def escape(text: str, *, in_param: bool = False) -> str:
    for raw, esc in PARAM_ESCAPES if in_param else TEXT_ESCAPES:
        text = text.replace(raw, esc)
    return text


def unescape(text: str) -> str:
    # &amp; last, so "&amp;#91;" becomes the literal "&#91;", not "["
    return text.replace("&#91;", "[").replace("&#93;", "]").replace("&#44;", ",").replace("&amp;", "&")


def parse(text: str) -> list[dict[str, Any]]:
    """A CQ-code string as a segment list. Raises CQError on a broken code."""
    out: list[dict[str, Any]] = []
    i, n = 0, len(text)
    while i < n:
        start = text.find("[CQ:", i)
        if start < 0:
            _text(out, text[i:])
            break
        _text(out, text[i:start])
        end = text.find("]", start)
        if end < 0:
            raise CQError(f"unclosed CQ code at offset {start}: {text[start:start + 40]!r}")
        body = text[start + 4:end]
        if "[" in body:
            raise CQError(f"unclosed CQ code at offset {start}: {text[start:end + 1][:40]!r}")
        kind, _, rest = body.partition(",")
        if not kind or not kind.replace("_", "").replace(".", "").isalnum():
            raise CQError(f"CQ code without a valid type at offset {start}: {text[start:end + 1][:40]!r}")
        data: dict[str, str] = {}
        if rest:
            for part in rest.split(","):
                key, eq, value = part.partition("=")
                if not eq or not key:
                    raise CQError(f"CQ code parameter {part!r} has no key=value at offset {start}")
                data[key] = unescape(value)
        out.append({"type": kind, "data": data})
        i = end + 1
    return out


def _text(out: list[dict[str, Any]], chunk: str) -> None:
    if not chunk:
        return
    out.append({"type": "text", "data": {"text": unescape(chunk)}})


def render(segments: list[dict[str, Any]]) -> str:
    """A segment list as a CQ-code string (for bridges or logs that want strings)."""
    parts = []
    for seg in segments:
        kind, data = seg.get("type"), seg.get("data") or {}
        if kind == "text":
            parts.append(escape(str(data.get("text", ""))))
        else:
            params = "".join(f",{k}={escape(str(v), in_param=True)}" for k, v in data.items())
            parts.append(f"[CQ:{kind}{params}]")
    return "".join(parts)


def segments_of(message: Any) -> list[dict[str, Any]]:
    """Whatever the bridge sent as ``message`` (string, array, one segment) as segments."""
    if message is None:
        return []
    if isinstance(message, str):
        return parse(message)
    if isinstance(message, dict):
        message = [message]
    if not isinstance(message, list):
        raise CQError(f"message is a {type(message).__name__}, expected a string or a segment array")
    out = []
    for seg in message:
        if not isinstance(seg, dict) or not isinstance(seg.get("type"), str):
            raise CQError(f"segment {seg!r:.60} has no type")
        data = seg.get("data")
        out.append({"type": seg["type"], "data": data if isinstance(data, dict) else {}})
    return out
