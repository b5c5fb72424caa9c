"""The library (素材库): titles, texts and images, tagged for reuse by purpose (activation
促活, conversion 转化, brand 品宣), group type, product, season and free tags.

Every item is checked in full before it is written (``clean``): placeholders, the length
each enabled platform allows, the link a ``{link}`` needs, the image. Images are files
beside the workspace (copied into ``content_files/`` next to the SQLite file, named by
their digest) or http(s) references: never blobs in the database or in messages.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

from .errors import ContentError
from .texts import PLACEHOLDERS, check_length, fields_of

PURPOSES = ("activation", "conversion", "brand")
GROUP_TYPES = ("traffic", "welfare", "flash")
SEASONS = ("spring", "summer", "autumn", "winter")
#: the words operators type in a spreadsheet, Chinese or English
ALIASES = {"促活": "activation", "转化": "conversion", "品宣": "brand",
           "引流群": "traffic", "引流": "traffic", "福利群": "welfare", "福利": "welfare", "快闪群": "flash", "快闪": "flash",
           "春": "spring", "春季": "spring", "夏": "summer", "夏季": "summer", "秋": "autumn", "秋季": "autumn",
           "冬": "winter", "冬季": "winter"}
FIELDS = ("title", "text", "image", "purpose", "tags", "group_type", "product", "link", "season")
IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
IMAGE_MAX_BYTES = 20 * 1024 * 1024
FILES = "content_files"


def folder(ws) -> Path:
    """The workspace's folder (the SQLite file's): images live in its content_files/."""
    return Path(ws.store.path).resolve().parent


def _word(value: Any, field: str, choices: tuple[str, ...], *, empty: bool) -> str:
    v = str(value or "").strip()
    v = ALIASES.get(v, v.lower())
    if v == "" and empty:
        return ""
    if v not in choices:
        raise ContentError("{field}: {value!r} is not one of {choices}, or empty" if empty else
                           "{field}: {value!r} is not one of {choices}", field=field, value=str(value or ""),
                           choices=", ".join(choices))
    return v


def split_tags(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        parts = [str(t) for t in value]
    else:
        parts = str(value or "").replace("，", ",").replace("、", ",").replace(";", ",").split(",")
    return list(dict.fromkeys(t.strip() for t in parts if t.strip()))


def _image(ws, value: Any, base: Path | None) -> tuple[str, Path | None]:
    """(what is stored, the file to copy in or None)."""
    v = str(value or "").strip()
    if not v:
        return "", None
    if v.startswith(("http://", "https://")):
        if len(v) > 500 or " " in v:
            raise ContentError("image: a link of at most 500 characters without spaces, got {n} characters", n=len(v))
        return v, None
    p = Path(v).expanduser()
    candidates = [p] if p.is_absolute() else [b / p for b in (base, folder(ws)) if b is not None]
    found = next((c for c in candidates if c.is_file()), None)
    if found is None:
        raise ContentError("image: {path} does not exist (a file path, relative to the imported file or the "
                           "workspace folder, or an http(s) link)", path=v)
    if found.suffix.lower() not in IMAGE_TYPES:
        raise ContentError("image: {path} is not an image; expected one of {types}", path=v,
                           types=", ".join(IMAGE_TYPES))
    size = found.stat().st_size
    if size > IMAGE_MAX_BYTES:
        raise ContentError("image: {path} has {n} bytes; the limit is {limit} bytes", path=v, n=size,
                           limit=IMAGE_MAX_BYTES)
    if found.resolve().parent == (folder(ws) / FILES).resolve():
        return f"{FILES}/{found.name}", None
    digest = hashlib.sha1(found.read_bytes()).hexdigest()[:16]
    return f"{FILES}/{digest}{found.suffix.lower()}", found


def clean(ws, raw: dict[str, Any], *, base: Path | None = None) -> dict[str, Any]:
    """A checked item from ``raw`` (the fields by name), or ContentError naming the field."""
    unknown = set(raw) - set(FIELDS) - {"id"}
    if unknown:
        raise ContentError("{field}: not a library field; expected some of {fields}", field=", ".join(sorted(unknown)),
                           fields=", ".join(FIELDS))
    title = str(raw.get("title") or "").strip()
    if not 1 <= len(title) <= 100:
        raise ContentError("title: {n} characters; expected 1 to 100", n=len(title))
    text = str(raw.get("text") or "").strip()
    image, copy_from = _image(ws, raw.get("image"), base)
    if not text and not image:
        raise ContentError("text: empty; an item needs a text, an image or both")
    used = fields_of(text, PLACEHOLDERS)
    product = str(raw.get("product") or "").strip()
    link = str(raw.get("link") or "").strip()
    if len(product) > 60:
        raise ContentError("product: {n} characters; the limit is {limit}", n=len(product), limit=60)
    if link and (not link.startswith(("http://", "https://")) or " " in link or len(link) > 500):
        raise ContentError("link: {value!r} is not an http(s) link of at most 500 characters", value=link[:80])
    for name, value in (("product", product), ("link", link)):
        if name in used and not value:
            raise ContentError("text: uses {{{name}}} but the item's {name} is empty; fill {name} or take the "
                               "placeholder out", name=name)
    tags = split_tags(raw.get("tags"))
    if len(tags) > 20 or any(len(t) > 20 for t in tags):
        raise ContentError("tags: at most 20 tags of at most 20 characters each, got {n}", n=len(tags))
    item = {"title": title, "text": text, "image": image, "purpose": _word(raw.get("purpose"), "purpose", PURPOSES,
                                                                             empty=False),
            "tags": ",".join(tags), "group_type": _word(raw.get("group_type"), "group_type", GROUP_TYPES, empty=True),
            "product": product, "link": link, "season": _word(raw.get("season"), "season", SEASONS, empty=True)}
    # the text as a member could read it (placeholders at a typical length) against every enabled platform
    sample = text.format_map({"group": "x" * 16, "owner": "x" * 6, "date": "12月12日", "product": product,
                              "link": link}) if used else text
    for platform in enabled_platforms(ws):
        check_length(ws, sample, platform)
    item["_copy"] = copy_from
    return item


def enabled_platforms(ws) -> list[str]:
    return sorted({c.platform for c in ws.settings.connections.values() if c.enabled})


def _store_image(ws, item: dict[str, Any]) -> None:
    src = item.pop("_copy", None)
    if src is not None:
        dest = folder(ws) / item["image"]
        dest.parent.mkdir(parents=True, exist_ok=True)
        if not dest.exists():
            shutil.copyfile(src, dest)


def write(ws, items: list[tuple[int | None, dict[str, Any]]], actor: str | None = None) -> list[int]:
    """Store checked items (id None: new; else an update) in one transaction; returns ids."""
    now = ws.now()
    for _, item in items:
        _store_image(ws, item)
    ids: list[int] = []
    with ws.store.write() as c:
        for item_id, item in items:
            item.pop("_copy", None)
            cols = list(item)
            if item_id is None:
                ids.append(c.execute(
                    f"INSERT INTO content_items({', '.join(cols)}, created_by, created_at, updated_at)"
                    f" VALUES ({', '.join('?' * len(cols))}, ?, ?, ?)",
                    [item[k] for k in cols] + [ws.operator, now, now]).lastrowid)
            else:
                cur = c.execute(f"UPDATE content_items SET {', '.join(f'{k} = ?' for k in cols)}, updated_at = ?"
                                " WHERE id = ?", [item[k] for k in cols] + [now, item_id])
                if not cur.rowcount:
                    raise ContentError("id: no library item {id}", id=item_id)
                ids.append(item_id)
        ws.audit_many([("content_item_saved", "content_item", i, {"title": it["title"]}, actor)
                       for i, (_, it) in zip(ids, items)])
    return ids


def save(ws, raw: dict[str, Any], item_id: int | None = None, *, base: Path | None = None) -> int:
    """Check and store one item; an edit keeps the fields not given."""
    if item_id is not None:
        old = get(ws, item_id)
        raw = {**{k: old[k] for k in FIELDS}, **{k: v for k, v in raw.items() if v is not None}}
    return write(ws, [(item_id, clean(ws, raw, base=base))])[0]


def get(ws, item_id: int) -> dict[str, Any]:
    row = ws.store.one("SELECT * FROM content_items WHERE id = ?", (item_id,))
    if row is None:
        raise ContentError("id: no library item {id}", id=item_id)
    return row


def archive(ws, item_id: int, archived: bool = True) -> None:
    get(ws, item_id)
    with ws.store.write():
        ws.store.execute("UPDATE content_items SET archived = ?, updated_at = ? WHERE id = ?",
                         (int(archived), ws.now(), item_id))
        ws.audit("content_item_archived" if archived else "content_item_restored", "content_item", item_id)


def items(ws, *, purpose: str = "", tag: str = "", group_type: str = "", product: str = "", season: str = "",
          search: str = "", archived: bool = False) -> list[dict[str, Any]]:
    """Library items by any of their tags (empty: any), newest first. A type or season
    filter also finds the items made for every type or season ('')."""
    where, params = ["archived = ?"], [int(archived)]
    if purpose:
        where.append("purpose = ?")
        params.append(_word(purpose, "purpose", PURPOSES, empty=False))
    if group_type:
        where.append("group_type IN ('', ?)")
        params.append(_word(group_type, "group_type", GROUP_TYPES, empty=False))
    if season:
        where.append("season IN ('', ?)")
        params.append(_word(season, "season", SEASONS, empty=False))
    if product:
        where.append("product = ?")
        params.append(product)
    if tag:
        where.append("(',' || tags || ',') LIKE ?")
        params.append(f"%,{tag},%")
    if search:
        where.append("(title LIKE ? OR text LIKE ?)")
        params += [f"%{search}%", f"%{search}%"]
    return ws.store.query(f"SELECT * FROM content_items WHERE {' AND '.join(where)} ORDER BY id DESC", params)


def by_tag(ws, tag: str) -> list[dict[str, Any]]:
    """Items carrying ``tag`` (not archived), oldest first: the rotation order of a schedule."""
    return ws.store.query("SELECT * FROM content_items WHERE archived = 0 AND (',' || tags || ',') LIKE ?"
                          " ORDER BY id", (f"%,{tag},%",))
