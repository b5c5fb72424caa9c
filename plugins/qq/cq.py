"""OneBot v11 message formats: CQ-code strings and segment arrays (PROTOCOLS.md 1.6).

A bridge reports messages either as a segment array (``[{"type": "text", "data":
{"text": "hi"}}, ...]``) or as a string with CQ codes (``hi[CQ:at,qq=42]``),
depending on its ``message_format`` setting. Both become the same segment list here.

In valid CQ text a literal ``[`` is always escaped (``&#91;``), so an unclosed
``[CQ:`` or a code without a type means the bridge sent something broken. The bridges
themselves show such a code as the text it is, and go-cqhttp does not resend an event
answered 400, so one broken code must not cost the message: :func:`segments_of` keeps
the broken part as text and notes it (``{"type": "text", "data": {"text": ...,
"malformed": "why"}}``). :func:`parse` with ``strict=True`` still raises
:class:`CQError` (with the offset), for callers that must refuse.
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


def parse(text: str, *, strict: bool = True) -> list[dict[str, Any]]:
    """A CQ-code string as a segment list. A broken code raises CQError, or with
    ``strict=False`` stays in the message as its own text (marked ``malformed``)."""
    out: list[dict[str, Any]] = []
    i, n = 0, len(text)
    while i < n:
        start = text.find("[CQ:", i)
        if start < 0:
            _text(out, text[i:])
            break
        _text(out, text[i:start])
        end = text.find("]", start)
        nxt = text.find("[", start + 1)
        try:
            if end < 0:
                raise CQError(f"unclosed CQ code at offset {start}: {text[start:start + 40]!r}")
            if 0 <= nxt < end:
                end = nxt - 1  # the broken code ends where the next one starts
                raise CQError(f"unclosed CQ code at offset {start}: {text[start:nxt][:40]!r}")
            out.append(_code(text, start, end))
        except CQError as e:
            if strict:
                raise
            stop = n if end < 0 else end + 1
            out.append({"type": "text", "data": {"text": unescape(text[start:stop]), "malformed": str(e)}})
            i = stop
            continue
        i = end + 1
    return out


def _code(text: str, start: int, end: int) -> dict[str, Any]:
    """The code between ``[CQ:`` at ``start`` and ``]`` at ``end``; CQError if it is no code."""
    kind, _, rest = text[start + 4:end].partition(",")
    if not kind or not kind.replace("_", "").replace(".", "").isalnum():
        raise CQError(f"CQ code without a valid type at offset {start}: {text[start:end + 1][:40]!r}")
    data: dict[str, str] = {}
    if rest:
        for part in rest.split(","):
            key, eq, value = part.partition("=")
            if not eq or not key:
                raise CQError(f"CQ code parameter {part!r} has no key=value at offset {start}")
            data[key] = unescape(value)
    return {"type": kind, "data": data}


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
    """Whatever the bridge sent as ``message`` (string, array, one segment) as segments.
    Broken parts degrade to text (a broken CQ code) or are skipped with a note (an
    array item that is no segment); only a message of another type raises CQError."""
    if message is None:
        return []
    if isinstance(message, str):
        return parse(message, strict=False)
    if isinstance(message, dict):
        message = [message]
    if not isinstance(message, list):
        raise CQError(f"message is a {type(message).__name__}, expected a string or a segment array")
    out = []
    for seg in message:
        if not isinstance(seg, dict) or not isinstance(seg.get("type"), str):
            out.append({"type": "text", "data": {"text": "", "malformed": f"segment {seg!r:.60} has no type"}})
            continue
        data = seg.get("data")
        out.append({"type": seg["type"], "data": data if isinstance(data, dict) else {}})
    return out
