"""CLI verbs: ``shequn kpi`` (the panel and its sub-reports) and
``shequn import orders|costs|exposure FILE.csv``."""

from __future__ import annotations

import click

from shequn.cli import emit, fail, json_option, workspace

from .window import KpiInputError, Window, make_window, scope_from

FORMATS = click.Choice(["table", "csv", "json", "md"])


def _scope_options(f):
    for opt in reversed([
        click.option("--group", help="One group: its id, name or platform group id."),
        click.option("--type", "type_", help="Groups of one type: traffic, welfare or flash."),
        click.option("--owner", help="Groups whose owner has this display name (or person id)."),
        click.option("--platform", help="Groups on one platform (qq, wechat, douyin, sandbox)."),
        click.option("--family", help="Sibling groups of one family."),
        click.option("--since", help="First day: YYYY-MM-DD, today, yesterday or Nd (default: 7d)."),
        click.option("--until", help="Last day (default: today)."),
        click.option("--period", type=click.Choice(["day", "week", "month"]), help="This day, week or month so far."),
        click.option("--with-insiders", is_flag=True, help="Count insiders (staff, owners, admins, cheer squad) too."),
        click.option("--format", "fmt_name", type=FORMATS, default="table", show_default=True),
    ]):
        f = opt(f)
    return f


def _context(ws, group, type_, owner, platform, family, since, until, period):
    try:
        scope = scope_from(group, type_, owner, platform, family)
        scope.check(ws)
        return scope, make_window(ws, since, until, period)
    except KpiInputError as e:
        fail(str(e))


def _refresh(ws) -> None:
    from .jobs import refresh

    if not ws.read_only:
        refresh(ws)


def attach(cli: click.Group) -> None:
    from .crosscheck import crosscheck  # the platform's own statistics held against ours (crosscheck.py)

    kpi_group.add_command(crosscheck)
    cli.add_command(kpi_group)
    imp = cli.commands.get("import")
    if imp is None:
        imp = click.Group("import", help="Bring in data from outside the chat platforms.")
        cli.add_command(imp)
    for cmd in (import_orders, import_costs, import_exposure):
        imp.add_command(cmd)


@click.group("kpi", invoke_without_command=True)
@_scope_options
@click.option("--by-group", is_flag=True, help="One row per group instead of one row per KPI.")
@json_option
@click.pass_context
def kpi_group(ctx, group, type_, owner, platform, family, since, until, period, with_insiders, fmt_name, by_group,
              as_json):
    """The KPI panel: every KPI of the domain for a scope and window, with the previous
    window and the change, and the KPIs other plugins register. Sub-commands: cohorts,
    segments, member, tags, leaves, alerts, refresh."""
    if ctx.invoked_subcommand is not None:
        return
    fmt_name = "json" if as_json else fmt_name
    from .metrics import KPIS, STAGES, by_group as by_group_fn, others, panel
    from .segments import SEGMENTS

    with workspace() as ws:
        scope, window = _context(ws, group, type_, owner, platform, family, since, until, period)
        _refresh(ws)
        inc = True if with_insiders else None
        if by_group:
            rows = by_group_fn(ws, scope, window, include_insiders=inc)
            if fmt_name == "csv":  # numbers as numbers for a spreadsheet; no data: an empty cell
                for r in rows:
                    mix = r.pop("segment_mix") or {}
                    r.update({f"segment_mix_{s}": mix.get(s) for s in SEGMENTS})
                    r.pop("notes")
            elif fmt_name != "json":
                from .metrics import format_value
                for r in rows:
                    for k in KPIS:
                        r[k.name] = format_value(k.name, r[k.name]) if r[k.name] is not None else ws.t("no data")
                    r.pop("notes")
            emit(rows, fmt_name=fmt_name)
            return
        # other plugins' KPIs (console.kpis) each in its lifecycle stage among ours
        rows = panel(ws, scope, window, include_insiders=inc) + others(ws, scope, window)
        rows.sort(key=lambda r: STAGES.index(r["stage"]) if r["stage"] in STAGES else len(STAGES))
        if fmt_name == "json":  # the note in English; its template is for the screens
            emit([{k: v for k, v in r.items() if k != "note_words"} for r in rows], fmt_name="json")
            return
        if fmt_name == "csv":
            emit(_csv_rows(rows), fmt_name="csv")
            return
        from shequn.kpis import shown
        from shequn.numbers import percent, signed_change

        from .metrics import BY_NAME, format_value

        out = []
        for r in rows:
            prev = r["previous"]
            words, params = r.get("note_words") or [r["note"], {}]
            value = r["shown"]
            if r["name"] == "segment_mix" and isinstance(r["value"], dict):  # the segments' names in the operator's words
                value = " / ".join(f"{ws.t(s.replace('_', '-'))} {percent(v)}" for s, v in r["value"].items())
            out.append({"stage": ws.t(r["stage"]), "KPI": ws.t(r["title"]), "value": value,
                        "previous": format_value(r["name"], prev) if r["name"] in BY_NAME else shown(prev, r["unit"]),
                        "change": signed_change(r["change"]), "note": ws.tr(words, **params) if words else ""})
        if fmt_name in ("md", "table"):
            where = (ws.t(str(scope)) if scope.kind == "all" else f"{ws.t(scope.kind)} "
                     + (ws.t(scope.value) if scope.kind in ("platform", "type") else scope.value))
            head = f"{ws.t('KPIs')}: {where}, {window} ({ws.t('previous')}: {window.previous()})"
            click.echo(f"## {head}\n" if fmt_name == "md" else head)
        emit(out, fmt_name=fmt_name)


def _csv_rows(rows: list[dict]) -> list[dict]:
    """The panel for a spreadsheet: numbers as numbers (a rate as its fraction, 0.000416;
    no data as an empty cell, never "—" or "0.0%"), the segment mix one row per segment."""
    out = []
    for r in rows:
        base = {"stage": r["stage"], "name": r["name"], "title": r["title"], "unit": r["unit"], "note": r["note"] or ""}
        if isinstance(r["value"], dict):
            out += [{**base, "name": f"{r['name']}.{k}", "value": v, "previous": None, "change": None}
                    for k, v in r["value"].items()]
        else:
            out.append({**base, "value": r["value"], "previous": r["previous"], "change": r["change"]})
    return [{k: row[k] for k in ("stage", "name", "title", "value", "previous", "change", "unit", "note")} for row in out]


@kpi_group.command("cohorts")
@_scope_options
def kpi_cohorts(group, type_, owner, platform, family, since, until, period, with_insiders, fmt_name):
    """Retention cohorts: join week by the share still in the group after 1, 7 and 30 days."""
    from .cohorts import cohorts
    from .settings import kpi_settings

    with workspace() as ws:
        scope, window = _context(ws, group, type_, owner, platform, family, since or "90d", until, period)
        _refresh(ws)
        inc = with_insiders or kpi_settings(ws).include_insiders
        rows = cohorts(ws, scope, window, inc)
        if fmt_name not in ("json", "csv"):  # CSV keeps the fractions (no data: empty)
            from shequn.numbers import percent

            for r in rows:
                for n in (1, 7, 30):
                    r[f"day_{n}"] = percent(r[f"day_{n}"], ws.t("no data"))
                    r.pop(f"eligible_{n}")
        emit(rows, fmt_name=fmt_name)


@kpi_group.command("segments")
@click.option("--group", "group_id", type=int, help="One group's mix (by id).")
@click.option("--with-insiders", is_flag=True)
@click.option("--format", "fmt_name", type=FORMATS, default="table", show_default=True)
def kpi_segments(group_id, with_insiders, fmt_name):
    """The segment mix per group, with the domain's advice."""
    from .segments import SEGMENTS, segments

    with workspace() as ws:
        _refresh(ws)
        rows = segments(ws, group_id, with_insiders)
        if fmt_name not in ("json", "csv"):
            from shequn.numbers import percent

            for r in rows:
                for s in SEGMENTS:
                    r[s] = percent(r[s], ws.t("no data"))
                r["advice"] = ws.t(r["advice"]) if r["advice"] else ""
        emit(rows, fmt_name=fmt_name)


@kpi_group.command("member")
@click.argument("person_id", type=int)
@click.option("--format", "fmt_name", type=FORMATS, default="table", show_default=True)
def kpi_member(person_id, fmt_name):
    """A member's segment, the signals behind it, and their tags."""
    from .segments import member_segment
    from .tags import tags

    with workspace() as ws:
        seg = member_segment(ws, person_id)
        if seg is None:
            fail(f"no person with id {person_id}")
        if fmt_name == "json":
            emit([{**seg, "tags": tags(ws, person_id)}], fmt_name="json")
            return
        click.echo(f"{ws.t('segment')}: {ws.t(seg['title'])} ({seg['why']})")
        rows = [{"kind": kind, **t} for kind, lst in tags(ws, person_id).items() for t in lst]
        if fmt_name in ("table", "md"):  # the words the profile shows; CSV keeps the codes for scripts
            for r in rows:
                r.update(kind=ws.t(r["kind"]), tag=ws.t(r["tag"].replace("_", " ")), provenance=ws.t(r["provenance"]))
        emit(rows, ["kind", "tag", "value", "provenance", "source", "confidence", "method"], fmt_name=fmt_name)


@kpi_group.command("leaves")
@_scope_options
def kpi_leaves(group, type_, owner, platform, family, since, until, period, with_insiders, fmt_name):
    """When and why people leave: by reason and by time in the group."""
    from .leaves import leaves

    with workspace() as ws:
        scope, window = _context(ws, group, type_, owner, platform, family, since, until, period)
        emit(leaves(ws, scope, window.since, window.until), fmt_name=fmt_name)


@kpi_group.command("alerts")
def kpi_alerts():
    """Check the alert conditions now and list the open KPI alerts."""
    from .alerts import check

    with workspace() as ws:
        check(ws)
        emit(ws.store.query("SELECT id, kind, group_id, message, why FROM alerts WHERE resolved_at IS NULL"
                            " AND dedupe_key LIKE 'kpi.%' ORDER BY id"))


@kpi_group.command("refresh")
def kpi_refresh():
    """Recompute cohorts, segments and tags now (the hourly jobs)."""
    from .jobs import refresh

    with workspace() as ws:
        click.echo("recomputed: " + ", ".join(refresh(ws, force=True)))


def _import(kind: str, path: str, skip_bad: bool) -> None:
    from .imports import ImportProblem, error_lines, import_csv

    with workspace() as ws:
        try:
            res = import_csv(ws, kind, path, skip_bad=skip_bad)
        except ImportProblem as e:
            fail(str(e))
        for line in error_lines(ws, res, path):
            click.echo(line, err=True)
        bad = len({line for line, _ in res.errors})
        if res.errors and not skip_bad:
            fail(ws.tr("1 bad row; nothing imported (fix it, or use --skip-bad)" if bad == 1 else
                       "{n} bad rows; nothing imported (fix them, or use --skip-bad)", n=bad))
        said = ws.tr("imported 1 row of {kind}" if res.stored == 1 else "imported {n} rows of {kind}",
                     n=res.stored, kind=ws.t(kind))
        if res.skipped:
            said += ws.tr(", skipped 1 bad row" if res.skipped == 1 else ", skipped {n} bad rows", n=res.skipped)
        click.echo(said)


@click.command("orders")
@click.argument("file", required=False, type=click.Path())
@click.option("--skip-bad", is_flag=True, help="Import the good rows and report the bad ones.")
@click.option("--from-plugins", is_flag=True, help="Fetch orders from shop plugins (hook fetch_orders) instead.")
def import_orders(file, skip_bad, from_plugins):
    """Orders: order_id, amount, ordered_at, person_id or platform+platform_user_id, [group_id|platform_group_id], [product]."""
    if from_plugins:
        from .imports import fetch_orders_from_plugins

        with workspace() as ws:
            got = fetch_orders_from_plugins(ws)
            click.echo("fetched: " + (", ".join(f"{k} {v}" for k, v in got.items()) or "no shop plugin answered"))
        return
    if not file:
        fail("give FILE.csv, or --from-plugins")
    _import("orders", file, skip_bad)


@click.command("costs")
@click.argument("file", type=click.Path())
@click.option("--skip-bad", is_flag=True, help="Import the good rows and report the bad ones.")
def import_costs(file, skip_bad):
    """Costs: day, amount, [group_id|platform_group_id], [category], [note]."""
    _import("costs", file, skip_bad)


@click.command("exposure")
@click.argument("file", type=click.Path())
@click.option("--skip-bad", is_flag=True, help="Import the good rows and report the bad ones.")
def import_exposure(file, skip_bad):
    """Channel exposure: day, channel, impressions, [group_id|platform_group_id]."""
    _import("exposure", file, skip_bad)


__all__ = ["attach", "Window"]
