"""What a card says: ``share``, ``json``, ``xml`` and ``forward`` segments as words.

A link sent as a card carries no text segment: read as text only, it is an empty
message, and the ads rule never sees the link that would open a case as plain text.
Each card here gives its kind, title, words and link (:func:`card_of`); the message's
text gets them appended (so every text rule, links by domain among them, reads them)
and ``data["cards"]`` keeps them with the raw segment, the evidence a case shows.

The shapes (go-cqhttp ``docs/cqhttp.md``, NapCat and Lagrange message converters):

- ``share``: ``url``, ``title``, ``content``, ``image``;
- ``json``: ``data`` is a string of JSON, a QQ "ark": mini-programs
  (``com.tencent.miniapp_01``: ``meta.detail_1`` with ``title``, ``desc``,
  ``qqdocurl``) and link cards (``com.tencent.structmsg``: ``meta.news`` with
  ``title``, ``desc``, ``jumpUrl``), each with a ``prompt`` such as ``[QQ小程序]…``;
- ``xml``: ``data`` is the card's XML (``url=``, ``brief=``, ``<title>``, ``<summary>``),
  read with patterns, never an XML parser (a card is untrusted input);
- ``forward``: an ``id`` (go-cqhttp, Lagrange), plus the forwarded messages as
  ``content`` (NapCat): their text is read, at most three forwards deep.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable

CARD_TYPES = ("share", "json", "xml", "forward")
MAX_DEPTH = 3  # forwards inside forwards: deeper ones are kept but not read
MAX_RAW = 8000  # characters of a raw segment value kept as evidence
MAX_WALK = 400  # JSON nodes looked at in one ark

_URL = re.compile(r"https?://[^\s\"'<>\\]+", re.I)
_XML_ATTR = re.compile(r'\b(url|brief|actionData)\s*=\s*"([^"]*)"', re.I)
_XML_TAG = re.compile(r"<(title|summary)[^>]*>([^<]*)</\1>", re.I)
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "'"), ("&amp;", "&"))
_TITLE_KEYS = ("title", "name")
_TEXT_KEYS = ("desc", "summary", "content", "text")
_URL_KEYS = ("qqdocurl", "jumpUrl", "url", "jumpurl", "musicUrl")


def card_of(seg: dict[str, Any], texts: Callable[[Any, int], str] | None = None,
            depth: int = 0) -> dict[str, Any] | None:
    """The card a segment carries (``type``, ``title``, ``text``, ``url``, ``raw``), or None.
    ``texts(content, depth)`` reads a forward's messages (the normaliser's reader)."""
    kind, d = seg.get("type"), seg.get("data") or {}
    if kind == "share":
        card = {"type": "share", "title": _s(d.get("title")), "text": _s(d.get("content")), "url": _s(d.get("url"))}
    elif kind == "json":
        card = _ark(d.get("data"))
    elif kind == "xml":
        card = _xml(_s(d.get("data")))
    elif kind == "forward":
        content = d.get("content")
        words = texts(content, depth + 1) if texts and isinstance(content, list) and depth < MAX_DEPTH else ""
        card = {"type": "forward", "title": "", "text": words, "url": "", "id": _s(d.get("id"))}
    else:
        return None
    card["raw"] = _capped(seg)
    return card


def words_of(card: dict[str, Any]) -> str:
    """A card as one line of text for the rules: a label, its title, words and link."""
    label = {"share": "[share]", "miniapp": "[mini-program]", "ark": "[card]", "xml": "[card]",
             "forward": "[forward]"}.get(card["type"], "[card]")
    parts = [p for p in (card.get("title"), card.get("text"), card.get("url")) if p]
    seen: list[str] = []
    for p in parts:  # an ark's prompt often repeats its title
        if not any(p in q for q in seen):
            seen.append(p)
    return " ".join([label, *seen])


def _ark(blob: Any) -> dict[str, Any]:
    card = {"type": "ark", "title": "", "text": "", "url": ""}
    try:
        doc = json.loads(blob) if isinstance(blob, str) else blob
    except (ValueError, RecursionError):
        doc = None
    if not isinstance(doc, dict):
        urls = _URL.findall(_s(blob))
        card["url"] = urls[0] if urls else ""
        return card
    app = _s(doc.get("app"))
    card["app"] = app
    meta = doc.get("meta")
    if "miniapp" in app.lower() or (isinstance(meta, dict) and isinstance(meta.get("detail_1"), dict)
                                    and meta["detail_1"].get("appid")):
        card["type"] = "miniapp"
    found: dict[str, str] = {}
    _walk(meta if isinstance(meta, dict) else doc, found, [0])
    card["title"] = found.get("title") or _s(doc.get("prompt"))
    card["text"] = found.get("text", "")
    card["url"] = found.get("url", "")
    if not card["url"]:
        urls = _URL.findall(json.dumps(doc, ensure_ascii=False)[:20000])
        card["url"] = urls[0] if urls else ""
    return card


def _walk(node: Any, found: dict[str, str], budget: list[int], depth: int = 0) -> None:
    """The first title, words and link in an ark's meta, breadth limited (a card is untrusted)."""
    if depth > 8 or budget[0] > MAX_WALK:
        return
    budget[0] += 1
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(v, str) and v:
                if k in _TITLE_KEYS and "title" not in found:
                    found["title"] = v
                elif k in _TEXT_KEYS and "text" not in found:
                    found["text"] = v
                elif k in _URL_KEYS and "url" not in found and _URL.match(v):
                    found["url"] = v
            else:
                _walk(v, found, budget, depth + 1)
    elif isinstance(node, list):
        for v in node[:50]:
            _walk(v, found, budget, depth + 1)


def _xml(text: str) -> dict[str, Any]:
    attrs = {k.lower(): _unent(v) for k, v in _XML_ATTR.findall(text[:20000])}
    tags: dict[str, str] = {}
    for k, v in _XML_TAG.findall(text[:20000]):
        tags.setdefault(k.lower(), _unent(v).strip())
    url = attrs.get("url") or next(iter(_URL.findall(text[:20000])), "")
    return {"type": "xml", "title": tags.get("title") or attrs.get("brief", ""), "text": tags.get("summary", ""),
            "url": url}


def _unent(v: str) -> str:
    for ent, ch in _ENTITIES:
        v = v.replace(ent, ch)
    return v


def _s(v: Any) -> str:
    return v.strip() if isinstance(v, str) else ""


def _capped(seg: dict[str, Any]) -> dict[str, Any]:
    """The raw segment, each long string cut to MAX_RAW characters (the evidence, bounded)."""
    data = seg.get("data") or {}
    return {"type": seg.get("type"), "data": {k: (v[:MAX_RAW] if isinstance(v, str) else v)
                                              for k, v in data.items() if k != "content"}}
