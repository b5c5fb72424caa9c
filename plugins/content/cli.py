"""``shequn content …``: the library, schedules and runs, the calendar and holidays, check-in
points and keyword replies. Tables by default, ``--json`` too; every refusal names the line,
field and limit, exits 2 and leaves nothing half-written. The verbs of each part are in
their own module (cli_posts, cli_calendar, cli_engage); this one holds the group, the
shared helpers and the library."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import click

from shequn.cli import emit, json_option, workspace

from .errors import ContentError, purpose_word, said


@contextmanager
def content_ws(read_only: bool = False) -> Iterator[Any]:
    """The workspace, with a refusal said in the operator's language (every bad row of an
    import on its own line) and exit code 2."""
    with workspace(read_only=read_only) as ws:
        try:
            yield ws
        except ContentError as e:
            for err in e.errors:
                click.echo(ws.tr("Error: {message}", message=said(ws, err)), err=True)
            sys.exit(2)


#: every column the verbs print -> its title, said in the operator's language (heads)
HEADERS = {"id": "id", "title": "title", "purpose": "purpose", "tags": "tags", "group_type": "group type",
           "product": "product", "season": "season", "text": "text", "name": "name", "when": "when", "item": "item",
           "to": "to", "skip_holidays": "skips holidays", "next": "next post", "state": "state",
           "group_name": "group", "schedule": "schedule", "from": "starts", "until": "ends", "reason": "reason",
           "time": "time", "group": "group", "note": "note", "groups": "number of groups", "states": "states",
           "spread": "spread over", "notes": "held back", "progress": "sent", "waiting": "waiting to send",
           "failed": "failed", "stopped": "stopped", "task": "task", "skipped": "skipped", "run_id": "run",
           "attempts": "attempts", "error": "error", "day": "day", "kind": "kind", "weekday": "weekday",
           "holiday": "holiday", "scope": "scope", "keywords": "keywords", "points": "points",
           "streak_bonus": "streak bonus", "cap": "cap", "reply": "reply", "enabled": "on", "replied": "replied",
           "streak": "streak", "rank": "rank", "checkins": "check-ins", "delta": "change", "ref": "about", "by": "by",
           "match": "match", "keyword": "keyword", "cooldown_seconds": "cooldown (s)", "priority": "priority",
           "replies": "replies", "held": "held by cooldown", "posted": "posted", "messages": "messages",
           "speakers": "speakers", "vs_usual": "× usual", "peak": "peak", "link_sent": "link (URL)", "orders": "orders",
           "topics": "topics", "revenue": "revenue"}


def heads(ws, columns) -> dict[str, str]:
    return {c: ws.t(HEADERS.get(c, c)) for c in columns}


def short(text: str, width: int = 40) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


@click.group("content")
def content_group() -> None:
    """Content: the library, scheduled posts, the calendar, check-in points, keyword replies."""


# --- the library (素材库) ---------------------------------------------------------------------

@content_group.group("library")
def library_group() -> None:
    """The library (素材库): texts and images tagged by purpose, group type, product and season."""


@library_group.command("list")
@click.option("--purpose", default="", help="activation, conversion or brand (促活, 转化, 品宣).")
@click.option("--tag", default="", help="A free tag, e.g. 早安.")
@click.option("--type", "group_type", default="", help="traffic, welfare or flash: items for that type or any.")
@click.option("--product", default="")
@click.option("--season", default="", help="spring, summer, autumn or winter: items for that season or any.")
@click.option("--search", default="", help="Words in the title or text.")
@click.option("--archived", is_flag=True, help="List archived items instead.")
@json_option
def library_list(purpose, tag, group_type, product, season, search, archived, as_json) -> None:
    """Library items, newest first."""
    from .library import items

    with content_ws(read_only=True) as ws:
        rows = items(ws, purpose=purpose, tag=tag, group_type=group_type, product=product, season=season,
                     search=search, archived=archived)
        if as_json:
            emit(rows, as_json=True)
            return
        emit([{**r, "purpose": purpose_word(ws.t, ws.settings.console.language, r["purpose"]), "group_type": ws.t(r["group_type"]) if r["group_type"] else "",
               "text": short(r["text"])} for r in rows],
             ["id", "title", "purpose", "tags", "group_type", "product", "season", "text"],
             headers=heads(ws, ("id", "title", "purpose", "tags", "group_type", "product", "season",
                                           "text")))


@library_group.command("show")
@click.argument("item_id", type=int)
@json_option
def library_show(item_id, as_json) -> None:
    """One item in full."""
    from .library import get

    with content_ws(read_only=True) as ws:
        row = get(ws, item_id)
        if as_json:
            emit([row], as_json=True)
            return
        for k in ("id", "title", "purpose", "tags", "group_type", "product", "link", "season", "image"):
            click.echo(f"{ws.t('link (URL)' if k == 'link' else k)}{ws.t(': ')}{row[k]}")
        click.echo("")
        click.echo(row["text"])


def _item_options(fn):
    for opt in reversed([
        click.option("--title"), click.option("--text", help="The text; {group} {owner} {date} {product} {link} "
                                                               "are filled per group."),
        click.option("--text-file", type=click.Path(exists=True, dir_okay=False), help="Read the text from a file."),
        click.option("--purpose", help="activation, conversion or brand (促活, 转化, 品宣)."),
        click.option("--tags", help="Comma-separated free tags, e.g. 早安,问候."),
        click.option("--type", "group_type", help="traffic, welfare or flash; empty for every type."),
        click.option("--product"), click.option("--link", help="An http(s) link, for {link}."),
        click.option("--season", help="spring, summer, autumn or winter; empty for every season."),
        click.option("--image", help="An image file (copied beside the workspace) or an http(s) link."),
    ]):
        fn = opt(fn)
    return fn


def _raw(title, text, text_file, purpose, tags, group_type, product, link, season, image) -> dict[str, Any]:
    if text_file:
        text = Path(text_file).read_text(encoding="utf-8")
    return {"title": title, "text": text, "purpose": purpose, "tags": tags, "group_type": group_type,
            "product": product, "link": link, "season": season, "image": image}


@library_group.command("add")
@_item_options
def library_add(**kw) -> None:
    """Add an item (checked in full before it is stored)."""
    from .library import save

    with content_ws() as ws:
        item_id = save(ws, _raw(**kw), base=Path.cwd())
        click.echo(ws.tr("Saved library item {id}", id=item_id))


@library_group.command("edit")
@click.argument("item_id", type=int)
@_item_options
def library_edit(item_id, **kw) -> None:
    """Change an item's fields (those not given stay)."""
    from .library import save

    with content_ws() as ws:
        save(ws, _raw(**kw), item_id, base=Path.cwd())
        click.echo(ws.tr("Saved library item {id}", id=item_id))


@library_group.command("archive")
@click.argument("item_id", type=int)
@click.option("--restore", is_flag=True, help="Bring an archived item back.")
def library_archive(item_id, restore) -> None:
    """Archive an item (kept, no longer picked); --restore brings it back."""
    from .library import archive

    with content_ws() as ws:
        archive(ws, item_id, not restore)
        click.echo(ws.tr("Restored library item {id}" if restore else "Archived library item {id}", id=item_id))


@library_group.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row and say what would change; write nothing.")
def library_import(path, dry_run) -> None:
    """Import a .csv (columns id,title,text,image,purpose,tags,group_type,product,link,season)
    or a .md file (a front matter per item). A bad row refuses the whole file."""
    from .transfer import import_library

    with content_ws() as ws:
        counts = import_library(ws, Path(path), dry_run=dry_run)
        click.echo(ws.tr("Library items that would be added: {added}, updated: {updated}" if dry_run else
                         "Library items added: {added}, updated: {updated}", **counts))


@library_group.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "md"]), default="csv")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to this file instead of printing.")
@click.option("--archived", is_flag=True, help="Include archived items.")
def library_export(fmt, output, archived) -> None:
    """Export the library as CSV (for a spreadsheet) or Markdown with front matter."""
    from .transfer import export_library

    with content_ws(read_only=True) as ws:
        text = export_library(ws, fmt, include_archived=archived)
        if output:
            Path(output).write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
            click.echo(ws.tr("Wrote {path}", path=output))
        else:
            click.echo(text, nl=False)
