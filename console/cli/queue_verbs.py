"""The host's queues on the command line: ``shequn tasks`` and ``shequn alerts``.

Each lists its queue a page at a time with the true total (``--json`` prints
``{"total", "page", "per_page", "pages", "rows"}``), narrowed by kind, group and age
like the console's filter; ``shequn tasks done ID`` and ``shequn alerts resolve ID``
settle one item (a resolved alert stays resolved until its cause changes).
"""

from __future__ import annotations

import json
import re

import click

from ..words import kind_from_words, kind_text
from .context import fail, workspace
from .output import emit, json_option

PER_PAGE_MAX = 1000


def _filter(kind: str | None, group: str | None, older: str | None, newer: str | None, base: str):
    from ..queues import FilterError, parse_filter

    words = [base]
    if group:
        words.append(f"#{group}" if group.isdigit() else group)
    for sign, value, name in ((">", older, "--older-than"), ("<", newer, "--newer-than")):
        if value:
            if not re.fullmatch(r"\d+[mhd]", value):
                fail(f"{name} {value!r}: expected a whole number and m, h or d, e.g. 2d or 6h")
            words.append(sign + value)
    try:
        return parse_filter(" ".join(words))
    except FilterError as e:
        fail(str(e))


def _kind(ws, table: str, said: str | None) -> str:
    """``--kind`` as a code: the code, or the words the table shows for it (either language)."""
    if not said:
        return ""
    kinds = [r[0] for r in ws.store.execute(f"SELECT DISTINCT kind FROM {table}")]
    return kind_from_words(ws.t, said, kinds)


#: the footer of a page of tasks or alerts, in the workspace's language (zh-CN in console/i18n.py)
FOOTERS = {"task": ("{total} open task; page {page} of {pages}", "{total} open tasks; page {page} of {pages}"),
           "alert": ("{total} open alert; page {page} of {pages}", "{total} open alerts; page {page} of {pages}")}


def _page(ws, src, page: int, per_page: int, as_json: bool, columns: list[str], what: str) -> None:
    total = src.count()
    rows = src.rows((page - 1) * per_page, per_page)
    pages = max(1, -(-total // per_page))
    if as_json:
        click.echo(json.dumps({"total": total, "page": page, "per_page": per_page, "pages": pages, "rows": rows},
                              ensure_ascii=False, indent=2, default=str))
        return
    for r in rows:  # the table in words (--kind takes them too); JSON keeps the codes and the stored text
        for key in ("what", "why"):
            if r.get(key):
                r[key] = ws.shown(r[key])
        if r.get("severity"):
            r["severity"] = ws.t(r["severity"])
        for key in ("task_kind", "alert_kind"):
            if r.get(key):
                r[key] = kind_text(ws.t, r[key])
    emit(rows, columns, max_width=60)
    one, many = FOOTERS[what]
    click.echo(ws.tr(one if total == 1 else many, total=f"{total:,}", page=page, pages=pages)
               + (ws.tr(" (--page {next} for more)", next=page + 1) if page < pages else ""))


def _common(f):
    for opt in reversed([
        click.option("--group", metavar="ID|NAME", help="Only this group (its id, or words of its name)."),
        click.option("--older-than", metavar="AGE", help="Only items older than AGE (e.g. 2d, 6h, 30m)."),
        click.option("--newer-than", metavar="AGE", help="Only items newer than AGE."),
        click.option("--page", type=click.IntRange(min=1), default=1, show_default=True, help="Which page."),
        click.option("--per-page", type=click.IntRange(1, PER_PAGE_MAX), default=50, show_default=True,
                     help="Rows per page."),
        json_option,
    ]):
        f = opt(f)
    return f


@click.group("tasks", invoke_without_command=True)
@_common
@click.option("--kind", metavar="KIND", help="Only tasks of this kind: its code or its words (fix_nickname, 'near capacity', ...).")
@click.pass_context
def tasks_group(ctx: click.Context, group, older_than, newer_than, page, per_page, as_json, kind) -> None:
    """Open tasks for people, newest first, with their true total. Sub-command: done ID."""
    if ctx.invoked_subcommand is not None:
        return
    from .. import queues

    flt = _filter(None, group, older_than, newer_than, "task")
    with workspace(read_only=True) as ws:
        src = queues.tasks(ws, flt, kind=_kind(ws, "tasks", kind))
        _page(ws, src, page, per_page, as_json, ["id", "task_kind", "group_name", "what", "assignee"], "task")


@tasks_group.command("done")
@click.argument("task_id", type=int)
@click.option("--dismiss", is_flag=True, help="Dismiss it (not needed) instead of marking it done.")
def tasks_done(task_id: int, dismiss: bool) -> None:
    """Mark task ID done (or dismissed); audited."""
    status = "dismissed" if dismiss else "done"
    with workspace(read_only=False) as ws:
        row = ws.store.one("SELECT status FROM tasks WHERE id = ?", (task_id,))
        if row is None:
            fail(ws.tr("no task {id}", id=task_id))
        if row["status"] != "open":
            fail(ws.tr("task {id} is already done" if row["status"] == "done" else "task {id} is already dismissed",
                       id=task_id))
        with ws.store.write() as c:
            c.execute("UPDATE tasks SET status = ?, done_at = ? WHERE id = ? AND status = 'open'",
                      (status, ws.now(), task_id))
            ws.audit(f"task_{status}", "task", task_id)
        click.echo(ws.tr("task {id}: done" if status == "done" else "task {id}: dismissed", id=task_id))


@click.group("alerts", invoke_without_command=True)
@_common
@click.option("--kind", metavar="KIND", help="Only alerts of this kind: its code or its words (silent_group, 'churn spike', ...).")
@click.pass_context
def alerts_group(ctx: click.Context, group, older_than, newer_than, page, per_page, as_json, kind) -> None:
    """Open alerts, critical first then newest, with their true total. Sub-command: resolve ID."""
    if ctx.invoked_subcommand is not None:
        return
    from .. import queues

    flt = _filter(None, group, older_than, newer_than, "alert")
    with workspace(read_only=True) as ws:
        src = queues.alerts(ws, flt, kind=_kind(ws, "alerts", kind))
        _page(ws, src, page, per_page, as_json, ["id", "severity", "alert_kind", "group_name", "what", "why"], "alert")


@alerts_group.command("resolve")
@click.argument("alert_id", type=int)
def alerts_resolve(alert_id: int) -> None:
    """Resolve alert ID: it stays resolved until its cause changes; audited."""
    with workspace(read_only=False) as ws:
        row = ws.store.one("SELECT resolved_at FROM alerts WHERE id = ?", (alert_id,))
        if row is None:
            fail(ws.tr("no alert {id}", id=alert_id))
        if not ws.resolve_alert_by_hand(alert_id):
            fail(ws.tr("alert {id} is already resolved", id=alert_id))
        click.echo(ws.tr("alert {id}: resolved (it comes back only if its cause changes)", id=alert_id))
