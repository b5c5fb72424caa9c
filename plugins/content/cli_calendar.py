"""``shequn content calendar …``: the month with its gaps, collisions and purpose mix,
planned topics, themes, and the calendar's CSV import and export."""

from __future__ import annotations

from pathlib import Path

import click

from shequn.cli import emit, json_option, render_csv

from .cli import content_group, content_ws, heads
from .errors import ContentError, purpose_word

WEEKDAYS = {1: "Mon", 2: "Tue", 3: "Wed", 4: "Thu", 5: "Fri", 6: "Sat", 7: "Sun"}
CSV_COLUMNS = ("day", "time", "scope", "item", "title", "purpose", "note")


@content_group.group("calendar")
def calendar_group() -> None:
    """The content calendar (内容日历): themes, planned topics, gaps and collisions."""


def cell(ws, c: dict) -> str:
    if c["gap"]:
        return ws.t("— gap —")
    out = "；".join(t["title"] for t in c["topics"])
    return ("⚠ " if c["collisions"] else "") + out


@calendar_group.command("month")
@click.argument("month", required=False)
@click.option("--scope", "scope_list", multiple=True, help="Only these scopes (type:TYPE, family:NAME).")
@json_option
def calendar_month(month, scope_list, as_json) -> None:
    """The month per day and scope: holidays, themes, topics, gaps (—), collisions (⚠), purpose mix."""
    from .calendar import month_view, scope_of

    with content_ws(read_only=True) as ws:
        view = month_view(ws, month or ws.day(ws.now())[:7], [scope_of(ws, s) for s in scope_list] or None)
        if as_json:
            emit([view], as_json=True)
            return
        rows = []
        for d in view["days"]:
            row = {"day": d["day"][5:], "weekday": ws.t(WEEKDAYS[d["weekday"]]), "holiday": "、".join(d["holidays"])}
            for v in view["scopes"]:
                row[v] = cell(ws, d["scopes"][v])
            rows.append(row)
        emit(rows, ["day", "weekday", "holiday", *view["scopes"]], headers={
            **heads(ws, ("day", "weekday", "holiday")), **{v: scope_words(ws, v) for v in view["scopes"]}},
            max_width=24)
        click.echo("")
        click.echo(ws.tr("Gaps: {gaps}", gaps="; ".join(f"{scope_words(ws, v)} {n}" for v, n in view["gaps"].items())))
        for c in view["collisions"]:
            click.echo(ws.tr("Collision in {scope}: {title} on {first} and {second} ({days} days apart)",
                             scope=scope_words(ws, c["scope"]), title=c["title"], first=c["first"], second=c["second"],
                             days=c["days"]))
        mix = view["mix"]
        click.echo(ws.tr("Purpose mix: {mix}", mix="; ".join(
            ws.tr("{purpose} {share} (target {target})", purpose=purpose_word(ws.t, ws.settings.console.language, p), share=f"{mix['share'][p]:.0%}",
                  target=f"{mix['target'][p]:.0%}") for p in mix["share"])))


def scope_words(ws, scope: str) -> str:
    if scope == "all":
        return ws.t("all groups")  # the host's words
    kind, _, value = scope.partition(":")
    return ws.t(value) if kind == "type" else value


@calendar_group.command("plan")
@click.argument("day")
@click.option("--item", help="A library item (id or exact title): posted at the time to the scope's groups.")
@click.option("--title", help="The topic, when there is no item yet (planned, not posted).")
@click.option("--scope", default="all", show_default=True, help="all, type:TYPE or family:NAME.")
@click.option("--time", help="HH:MM; default [content] topic_time.")
@click.option("--purpose", help="activation, conversion or brand (default: the item's).")
@click.option("--note")
def calendar_plan(day, item, title, scope, time, purpose, note) -> None:
    """Plan a topic for a day (a holiday's own post too)."""
    from .calendar import plan_topic

    with content_ws() as ws:
        eid = plan_topic(ws, {"day": day, "item": item, "title": title, "scope": scope, "time": time,
                              "purpose": purpose, "note": note})
        click.echo(ws.tr("Planned topic {id} on {day}", id=eid, day=day))


@calendar_group.command("remove")
@click.argument("entry_id", type=int)
def calendar_remove(entry_id) -> None:
    from .calendar import remove_entry

    with content_ws() as ws:
        remove_entry(ws, entry_id)
        click.echo(ws.tr("Removed calendar entry {id}", id=entry_id))


@calendar_group.command("list")
@click.option("--from", "first", help="YYYY-MM-DD; default today.")
@click.option("--to", "last", help="YYYY-MM-DD; default 30 days on.")
@json_option
def calendar_list(first, last, as_json) -> None:
    """Planned topics, by day."""
    with content_ws(read_only=True) as ws:
        first = first or ws.day(ws.now())
        last = last or ws.day(ws.day_start(first) + 30 * 86400)
        rows = entries(ws, first, last)
        emit(rows, ["id", "day", "time", "scope", "item", "title", "purpose", "holiday", "note"], as_json=as_json,
             headers=heads(ws, ("id", "day", "time", "scope", "item", "title", "purpose", "holiday", "note")))


def entries(ws, first: str, last: str) -> list[dict]:
    return ws.store.query("SELECT c.id, c.day, c.time, c.scope, coalesce(c.item_id, '') AS item,"
                          " coalesce(nullif(c.title, ''), i.title, '') AS title, coalesce(nullif(c.purpose, ''),"
                          " i.purpose, '') AS purpose, c.holiday, c.note FROM content_calendar c LEFT JOIN content_items i"
                          " ON i.id = c.item_id WHERE c.day BETWEEN ? AND ? ORDER BY c.day, c.time, c.id", (first, last))


@calendar_group.command("theme")
@click.argument("period", type=click.Choice(["day", "week", "month"]))
@click.argument("start")
@click.argument("title")
@click.option("--scope", default="all", show_default=True)
@click.option("--purpose")
def calendar_theme(period, start, title, scope, purpose) -> None:
    """Set the theme of a day (YYYY-MM-DD), a week (any day of it) or a month (YYYY-MM)."""
    from .calendar import set_theme

    with content_ws() as ws:
        starts = set_theme(ws, period, start, scope, title, purpose or "")
        click.echo(ws.tr("Theme of {period} {starts}: {title}", period=ws.t(period), starts=starts, title=title))


@calendar_group.command("unset-theme")
@click.argument("period", type=click.Choice(["day", "week", "month"]))
@click.argument("start")
@click.option("--scope", default="all", show_default=True)
def calendar_unset_theme(period, start, scope) -> None:
    from .calendar import clear_theme

    with content_ws() as ws:
        clear_theme(ws, period, start, scope)
        click.echo(ws.tr("Removed the theme"))


@calendar_group.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row; write nothing.")
def calendar_import(path, dry_run) -> None:
    """Planned topics from a CSV: day,time,scope,item,title,purpose,note. A bad row refuses the file."""
    from .calendar import clean_entry, write_entries
    from .queue import sync
    from .transfer import _checked, csv_rows, read_text

    with content_ws() as ws:
        p = Path(path)
        if not p.is_file():
            raise ContentError("{source}: no such file", source=str(p))
        good = _checked(ws, csv_rows(read_text(p), p.name, CSV_COLUMNS, ("day",)), p.name,
                        lambda row: clean_entry(ws, row))
        if not dry_run and good:
            write_entries(ws, [e for _, e in good])
            sync(ws)
        click.echo(ws.tr("Topics that would be planned: {n}" if dry_run else "Topics planned: {n}", n=len(good)))


@calendar_group.command("export")
@click.option("--from", "first")
@click.option("--to", "last")
def calendar_export(first, last) -> None:
    """Planned topics as CSV (the import's columns)."""
    with content_ws(read_only=True) as ws:
        first = first or ws.day(ws.now())
        last = last or "9999-12-31"
        rows = [{**r, "title": r["title"]} for r in entries(ws, first, last)]
        click.echo(render_csv(rows, CSV_COLUMNS), nl=False)



@content_group.group("topics")
def topics_group() -> None:
    """Daily topics (群话题): participation after each, the link at the peak, results per product."""


@topics_group.command("list")
@click.option("--limit", type=click.IntRange(1, 1000), default=30, show_default=True)
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@json_option
def topics_list(limit, page, as_json) -> None:
    """Topics newest first: messages, speakers, against the usual level, the peak, the link, orders in 24 h."""
    from .schedules import when_text
    from .topics import results

    with content_ws(read_only=True) as ws:
        rows = results(ws, limit=limit, offset=(page - 1) * limit)
        for r in rows:
            r["posted"] = when_text(ws, r["posted_at"])
            r["peak"] = when_text(ws, r["peak_at"])[11:] if r["peak_at"] else ""
            r["link_sent"] = (ws.t(LINK_WORDS[r["link_how"]]) + (" " + when_text(ws, r["link_at"])[11:]
                                                                   if r["link_at"] else "")) if r["link_how"] else ""
        cols = ["posted", "group_name", "title", "messages", "speakers", "vs_usual", "peak", "link_sent", "orders"]
        emit(rows, cols, as_json=as_json, headers=heads(ws, cols))


#: how a topic's link went, in words
LINK_WORDS = {"peak": "at the peak", "fallback": "at the latest time", "asked": "asked a person", "none": "no link"}


@topics_group.command("products")
@json_option
def topics_products(as_json) -> None:
    """Topic results per product: topics, messages, speakers, orders and revenue in the 24 h after."""
    from .topics import by_product

    with content_ws(read_only=True) as ws:
        cols = ["product", "topics", "messages", "speakers", "orders", "revenue"]
        emit(by_product(ws), cols, as_json=as_json, headers=heads(ws, cols))


@topics_group.command("ask-first")
@click.argument("group")
@click.option("--off", is_flag=True, help="Post the link at the peak again without asking.")
def topics_ask_first(group, off) -> None:
    """In GROUP, ask a person (a task) before a topic's link goes out, instead of posting it."""
    from .schedules import find_group
    from .topics import set_mode

    with content_ws() as ws:
        set_mode(ws, find_group(ws, group), not off)
        click.echo(ws.tr("Links in {group} are posted at the peak" if off else
                         "Links in {group} wait for a person", group=group))
