"""``shequn content schedule|pause|preview|queue|runs|run|failures|resume|stop|holidays``:
scheduled posts, their exceptions, the next hours' preview and progress."""

from __future__ import annotations

from datetime import datetime

import click

from shequn.cli import emit, json_option

from .cli import content_group, content_ws, heads, short
from .errors import ContentError
from .runs import state_text


def parse_time(ws, text: str, field: str) -> int:
    for f in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            return int(datetime.strptime(text.strip(), f).replace(tzinfo=ws.tz).timestamp())
        except ValueError:
            continue
    raise ContentError("{field}: {text!r} is not a time; expected YYYY-MM-DD HH:MM in {tz}", field=field, text=text,
                       tz=ws.tz.key)


def _when(ws, cron, daily, weekly, once) -> dict:
    from .cron import from_words

    given = [x for x in (cron, daily, weekly, once) if x]
    if len(given) > 1:
        raise ContentError("when: give one of --cron, --daily, --weekly or --once")
    if once:
        return {"once_at": parse_time(ws, once, "once")}
    if daily or weekly:
        return {"cron": from_words(daily, weekly)}
    return {"cron": cron} if cron else {}


def _schedule_options(fn):
    for opt in reversed([
        click.option("--cron", help="minute hour day-of-month month day-of-week, e.g. \"0 22 * * *\"."),
        click.option("--daily", help="Every day at HH:MM, e.g. 07:30."),
        click.option("--weekly", help="Days and a time, e.g. \"sun 20:00\" or \"mon,thu 21:00\"."),
        click.option("--once", help="One post at YYYY-MM-DD HH:MM."),
        click.option("--until", "until_day", help="The last day it fires, YYYY-MM-DD."),
        click.option("--item", "item_id", type=int, help="The library item to post."),
        click.option("--pick", "pick_tag", help="Rotate through the library items carrying this tag."),
        click.option("--to", "targets", multiple=True, help="all, type:TYPE, family:NAME or a group (repeatable)."),
        click.option("--skip-holidays", type=click.Choice(["public", "all", "none"]),
                     help="Skip public holidays, or every holiday (618, 双11 ... too)."),
    ]):
        fn = opt(fn)
    return fn


def _sched(ws, name, cron, daily, weekly, once, until_day, item_id, pick_tag, targets, skip_holidays) -> dict:
    out = {"name": name, **_when(ws, cron, daily, weekly, once), "until_day": until_day, "item_id": item_id,
           "pick_tag": pick_tag, "targets": list(targets) or None,
           "skip_holidays": None if skip_holidays is None else ("" if skip_holidays == "none" else skip_holidays)}
    return out


@content_group.group("schedule")
def schedule_group() -> None:
    """Scheduled posts (定时发送): greetings, a nightly class, a weekly recap."""


@schedule_group.command("add")
@click.argument("name")
@_schedule_options
@click.option("--disabled", is_flag=True, help="Save it switched off.")
def schedule_add(name, disabled, **kw) -> None:
    """Add a schedule; refused if it could never post."""
    from .schedules import save

    with content_ws() as ws:
        sched = _sched(ws, name, **kw)
        sched["enabled"] = not disabled
        sid = save(ws, {k: v for k, v in sched.items() if v is not None})
        click.echo(ws.tr("Saved schedule {id}: {name}", id=sid, name=name))


@schedule_group.command("edit")
@click.argument("ref")
@click.option("--name")
@_schedule_options
def schedule_edit(ref, name, **kw) -> None:
    """Change a schedule (by id or name); fields not given stay."""
    from .schedules import get, save

    with content_ws() as ws:
        s = get(ws, ref)
        save(ws, _sched(ws, name, **kw), s["id"])
        click.echo(ws.tr("Saved schedule {id}: {name}", id=s["id"], name=name or s["name"]))


@schedule_group.command("enable")
@click.argument("ref")
def schedule_enable(ref) -> None:
    from .schedules import set_enabled

    with content_ws() as ws:
        set_enabled(ws, ref, True)
        click.echo(ws.tr("Enabled schedule {ref}", ref=ref))


@schedule_group.command("disable")
@click.argument("ref")
def schedule_disable(ref) -> None:
    """Switch a schedule off; what it queued and has not sent is taken back."""
    from .schedules import set_enabled

    with content_ws() as ws:
        set_enabled(ws, ref, False)
        click.echo(ws.tr("Disabled schedule {ref}", ref=ref))


@schedule_group.command("list")
@json_option
def schedule_list(as_json) -> None:
    from .schedules import listing

    with content_ws(read_only=True) as ws:
        rows = listing(ws)
        if as_json:
            emit(rows, as_json=True)
            return
        emit([{**r, "when": r["cron"] or ws.tr("once"), "item": r["item_title"] or f"#{r['pick_tag']}",
               "to": ", ".join(r["targets"]), "state": ws.t("on" if r["enabled"] else "switched off")} for r in rows],
             ["id", "name", "when", "item", "to", "skip_holidays", "next", "state"],
             headers=heads(ws, ("id", "name", "when", "item", "to", "skip_holidays", "next", "state")))


@content_group.command("pause")
@click.argument("group")
@click.option("--schedule", "schedule_ref", help="Only this schedule (id or name); default every one.")
@click.option("--from", "starts", help="YYYY-MM-DD HH:MM; default now.")
@click.option("--until", "ends", help="YYYY-MM-DD HH:MM; default until lifted.")
@click.option("--reason", default="")
def pause_cmd(group, schedule_ref, starts, ends, reason) -> None:
    """Pause scheduled posts in a group (what is queued and not sent is taken back)."""
    from .schedules import find_group, get, pause

    with content_ws() as ws:
        pid = pause(ws, find_group(ws, group), schedule_id=get(ws, schedule_ref)["id"] if schedule_ref else None,
                    starts_at=parse_time(ws, starts, "from") if starts else None,
                    ends_at=parse_time(ws, ends, "until") if ends else None, reason=reason)
        click.echo(ws.tr("Paused: pause {id}", id=pid))


@content_group.command("unpause")
@click.argument("pause_id", type=int)
def unpause_cmd(pause_id) -> None:
    from .schedules import lift

    with content_ws() as ws:
        lift(ws, pause_id)
        click.echo(ws.tr("Lifted pause {id}", id=pause_id))


@content_group.command("pauses")
@json_option
def pauses_cmd(as_json) -> None:
    from .schedules import pauses, when_text

    with content_ws(read_only=True) as ws:
        rows = pauses(ws)
        for r in rows:
            r["from"], r["until"] = when_text(ws, r["starts_at"]), when_text(ws, r["ends_at"]) if r["ends_at"] else ""
        emit(rows, ["id", "group_name", "schedule", "from", "until", "reason"], as_json=as_json,
             headers=heads(ws, ("id", "group_name", "schedule", "from", "until", "reason")))


@content_group.command("preview")
@click.option("--hours", type=click.FloatRange(0.1, 72), default=24.0, show_default=True)
@click.option("--posts", "each", is_flag=True, help="One row per post instead of one per time.")
@click.option("--group", help="Only this group's posts.")
@json_option
def preview_cmd(hours, each, group, as_json) -> None:
    """What goes where in the next hours, and why a post is held back."""
    from .preview import posts, slots
    from .schedules import find_group

    with content_ws(read_only=True) as ws:
        if each or group:
            rows = posts(ws, hours)
            if group:
                gid = find_group(ws, group)
                rows = [r for r in rows if r["group_id"] == gid]
            if as_json:
                emit(rows, as_json=True)
                return
            emit([{**r, "state": state_text(ws, r["state"]), "text": short(r["text"], 30)} for r in rows],
                 ["time", "group", "name", "state", "note", "text"],
                 headers=heads(ws, ("time", "group", "name", "state", "note", "text")))
            return
        rows = slots(ws, hours)
        if as_json:
            emit(rows, as_json=True)
            return
        emit([{**r, "states": ", ".join(f"{state_text(ws, k)} {v:,}" for k, v in r["states"].items()),
               "notes": "; ".join(f"{k} ({v:,})" for k, v in r["notes"].items())} for r in rows],
             ["time", "name", "groups", "states", "spread", "notes"],
             headers=heads(ws, ("time", "name", "groups", "states", "spread", "notes")))


@content_group.command("queue")
def queue_cmd() -> None:
    """Plan now and bring the outbox in line (the content.queue job does this every 5 minutes)."""
    from .queue import sync

    with content_ws() as ws:
        click.echo(ws.tr("Queued {queued}, withdrawn {withdrawn}, tasks {tasks}, skipped {skipped}, missed {missed}",
                         **sync(ws)))


@content_group.command("runs")
@click.option("--limit", type=click.IntRange(1, 1000), default=30, show_default=True)
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@json_option
def runs_cmd(limit, page, as_json) -> None:
    """Scheduled posts by run (a schedule at one time), newest first, with progress."""
    from .runs import runs

    with content_ws(read_only=True) as ws:
        rows = runs(ws, limit=limit, offset=(page - 1) * limit)
        cols = ["id", "time", "name", "progress", "waiting", "failed", "stopped", "task", "skipped"]
        emit(rows, cols, as_json=as_json, headers=heads(ws, cols))


@content_group.command("run")
@click.argument("run_id", type=int)
@click.option("--state", type=click.Choice(["sent", "waiting", "sending", "failed", "stopped", "withdrawn", "task",
                                            "skipped"]))
@json_option
def run_cmd(run_id, state, as_json) -> None:
    """One run's posts: state, the platform's words, attempts."""
    from .preview import note_text
    from .runs import posts
    from .schedules import when_text

    with content_ws(read_only=True) as ws:
        rows = posts(ws, run_id, state=state or "")
        for r in rows:
            r["time"], r["note"] = when_text(ws, r["not_before"]), note_text(ws, r["note"])
        emit(rows if as_json else [{**r, "state": state_text(ws, r["state"])} for r in rows],
             ["time", "group_name", "state", "attempts", "error", "note"], as_json=as_json,
             headers=heads(ws, ("time", "group_name", "state", "attempts", "error", "note")))


@content_group.command("failures")
@click.argument("run_id", type=int, required=False)
@json_option
def failures_cmd(run_id, as_json) -> None:
    """Failed scheduled posts with the platform's words (resume a run to try them again)."""
    from .runs import failures
    from .schedules import when_text

    with content_ws(read_only=True) as ws:
        rows = failures(ws, run_id)
        for r in rows:
            r["time"] = when_text(ws, r["fire_at"])
        emit(rows, ["run_id", "time", "group_name", "attempts", "error"], as_json=as_json,
             headers=heads(ws, ("run_id", "time", "group_name", "attempts", "error")))


@content_group.command("resume")
@click.argument("run_id", type=int)
def resume_cmd(run_id) -> None:
    """Put a run's failed and stopped posts back in the outbox, paced from now."""
    from .runs import resume

    with content_ws() as ws:
        click.echo(ws.tr("Run {id}: resumed {n} of its posts", n=resume(ws, run_id), id=run_id))


@content_group.command("stop")
@click.argument("run_id", type=int)
def stop_cmd(run_id) -> None:
    """Cancel what of a run has not been sent yet (resume brings it back)."""
    from .runs import stop

    with content_ws() as ws:
        click.echo(ws.tr("Run {id}: stopped {n} of its posts", n=stop(ws, run_id), id=run_id))


@content_group.group("holidays")
def holidays_group() -> None:
    """Holidays (public holidays, 618, 双11, 双12) as data you edit."""


@holidays_group.command("list")
@click.option("--year", type=int)
@json_option
def holidays_list(year, as_json) -> None:
    from .holidays import KIND_WORDS, listing

    with content_ws(read_only=True) as ws:
        rows = listing(ws, year)
        emit(rows if as_json else [{**r, "kind": ws.t(KIND_WORDS[r["kind"]])} for r in rows], ["day", "name", "kind"],
             as_json=as_json, headers=heads(ws, ("day", "name", "kind")))


@holidays_group.command("add")
@click.argument("day")
@click.argument("name")
@click.option("--kind", type=click.Choice(["public", "shopping", "custom"]), default="custom", show_default=True)
def holidays_add(day, name, kind) -> None:
    from .holidays import add
    from .queue import sync

    with content_ws() as ws:
        add(ws, day, name, kind)
        sync(ws)
        click.echo(ws.tr("Saved holiday {name} on {day}", name=name, day=day))


@holidays_group.command("remove")
@click.argument("day")
@click.argument("name")
def holidays_remove(day, name) -> None:
    from .holidays import remove
    from .queue import sync

    with content_ws() as ws:
        remove(ws, day, name)
        sync(ws)
        click.echo(ws.tr("Removed holiday {name} on {day}", name=name, day=day))


@holidays_group.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
def holidays_import(path) -> None:
    """Holidays from a CSV: day,name,kind (kind public, shopping or custom). All or nothing."""
    from pathlib import Path

    from .holidays import import_csv
    from .queue import sync

    with content_ws() as ws:
        n = import_csv(ws, Path(path))
        sync(ws)
        click.echo(ws.tr("Holidays imported: {n}", n=n))

