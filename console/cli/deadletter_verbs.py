"""``shequn deadletters list|show|replay|purge``: what could not be stored, and storing it
after a fix (console/deadletters.py says what a letter holds). Messages follow
``console.language`` (zh-CN entries in console/i18n.py)."""

from __future__ import annotations

import json

import click

from .context import fail, workspace
from .output import emit, json_option

STATUSES = ("new", "replayed", "ignored")


@click.group("deadletters")
def deadletters_group() -> None:
    """Dead letters: payloads and events that could not be stored."""


@deadletters_group.command("list")
@click.option("--status", type=click.Choice(STATUSES + ("all",)), default="new", show_default=True,
              help="Which letters.")
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True, help="Which page.")
@click.option("--per-page", type=click.IntRange(1, 1000), default=50, show_default=True, help="Rows per page.")
@json_option
def dl_list(status: str, page: int, per_page: int, as_json: bool) -> None:
    """Dead letters, newest first, a page at a time with the true total."""
    from .. import deadletters

    with workspace(read_only=True) as ws:
        total, rows = deadletters.listing(ws.store, status=None if status == "all" else status,
                                          offset=(page - 1) * per_page, limit=per_page)
        pages = max(1, -(-total // per_page))
        if as_json:
            click.echo(json.dumps({"total": total, "page": page, "per_page": per_page, "pages": pages, "rows": rows},
                                  ensure_ascii=False, indent=2))
            return
        for r in rows:
            r["error"] = r["error"][:120]
        emit(rows, ["id", "ts", "connection_id", "source", "status", "bytes", "error"], max_width=120)
        noun = ws.t("dead letter" if total == 1 else "dead letters")
        click.echo(ws.tr("{total} {noun}; page {page} of {pages}", total=total, noun=noun, page=page, pages=pages))


@deadletters_group.command("show")
@click.argument("letter_id", type=int)
@json_option
def dl_show(letter_id: int, as_json: bool) -> None:
    """One dead letter in full: where, why, and the payload."""
    from .. import deadletters

    with workspace(read_only=True) as ws:
        row = deadletters.show(ws.store, letter_id)
        if row is None:
            fail(ws.tr("no dead letter {id}", id=letter_id))
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False, indent=2))
            return
        for key in ("id", "ts", "connection_id", "source", "status", "replayed_at", "replayable", "error",
                    "headers", "raw"):
            click.echo(f"{key}: {row[key]}")


@deadletters_group.command("replay")
@click.argument("letter_ids", type=int, nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every new letter of failed ingest.")
@json_option
def dl_replay(letter_ids: tuple[int, ...], every: bool, as_json: bool) -> None:
    """Store again the events that letters hold (after the cause is fixed); a stored one is
    marked replayed. Exits 1 when any letter could not be replayed."""
    from .. import deadletters

    with workspace(read_only=False) as ws:
        if not letter_ids and not every:
            fail(ws.t("name letter ids, or --all"))
        ids = list(letter_ids) or [r["id"] for r in ws.store.query(
            "SELECT id FROM dead_letters WHERE status = 'new' AND source = 'ingest' ORDER BY id")]
        out = deadletters.replay(ws, ids)
        if as_json:
            click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        else:
            for r in out:
                click.echo(f"{r['id']}: {ws.t(r['outcome'])} ({ws.t(r['why'])})")
            done = sum(r["outcome"] == "replayed" for r in out)
            click.echo(ws.tr("{done} of {total} replayed", done=done, total=len(out)))
    if any(r["outcome"] in ("failed", "missing") for r in out):
        raise SystemExit(1)


@deadletters_group.command("purge")
@click.option("--status", type=click.Choice(STATUSES), default="replayed", show_default=True,
              help="Delete letters of this status.")
@click.option("--older-than-days", type=click.IntRange(min=0), default=None, help="Only letters older than this.")
def dl_purge(status: str, older_than_days: int | None) -> None:
    """Delete dead letters of one status (by default those already replayed)."""
    from .. import deadletters

    with workspace(read_only=False) as ws:
        before = ws.now() - older_than_days * 86400 if older_than_days is not None else None
        n = deadletters.purge(ws.store, status=status, before_ts=before)
        ws.audit("dead_letters_purged", "dead_letters", None, {"status": status, "count": n})
        click.echo(ws.tr("{count} dead letters deleted", count=n) if n != 1 else ws.t("1 dead letter deleted"))
