"""``shequn roles``: list, assign, unassign, check, coverage, history, staff, reconcile.

Thin: each verb resolves what was typed (plugins.roles.lookup), calls the same
functions the console calls, and prints a table (or ``--json``). Refusals exit 2 with
the reason and change nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from shequn.cli import emit, fail, json_option, render_table, workspace

from . import assign as ops
from . import guidelines
from .lookup import LookupProblem, resolve_group, resolve_groups, resolve_person, select_groups
from .platform import reconcile
from .words import HEADERS, STATUS_LABELS, tr


def _headers(ws, columns: list[str]) -> dict[str, str]:
    return {c: tr(ws, HEADERS.get(c, c)) for c in columns}


def _when(ws, ts: int | None) -> str:
    return datetime.fromtimestamp(ts, ws.tz).strftime("%Y-%m-%d %H:%M") if ts else ""


def _table(ws, rows: list[dict[str, Any]], columns: list[str], as_json: bool, title: str | None = None) -> None:
    if as_json:
        emit(rows, as_json=True)
        return
    shown = []
    for r in ops.role_label_rows(ws, rows):
        r = dict(r)
        for k in ("assigned_at", "ts"):
            if k in r:
                r[k] = _when(ws, r[k])
        for k in ("source", "assigned_by"):  # where a role came from: 平台 (the member list) or shequn
            if r.get(k) == "platform":
                r[k] = tr(ws, "platform")
        if r.get("status") in STATUS_LABELS:
            r["status"] = tr(ws, STATUS_LABELS[r["status"]])
        for k in ("covered", "new", "is_staff", "is_insider"):
            if isinstance(r.get(k), (bool, int)) and k in r:
                r[k] = tr(ws, "yes" if r[k] else "no")
        if isinstance(r.get("reasons"), list):
            r["reasons"] = "; ".join(r["reasons"])
        shown.append(r)
    if title:
        click.echo(tr(ws, title))
    if not shown:
        click.echo(tr(ws, "(none)"))
        return
    # wider cells than emit()'s default: the "why" column is the point of these tables
    click.echo(render_table(shown, columns, _headers(ws, columns), max_width=120))


def _groups_from(ws, groups: tuple[str, ...], type_: str | None, family: str | None, tier: str | None) -> list[int]:
    picked = resolve_groups(ws, groups)
    if type_ or family or tier:
        extra = select_groups(ws, type=type_, family=family, tier=tier)
        if not extra:
            raise LookupProblem(f"no active group matches type={type_ or '*'} family={family or '*'} tier={tier or '*'}")
        picked += [g for g in extra if g["id"] not in {p["id"] for p in picked}]
    return [g["id"] for g in picked]


def _guard(fn):
    """Refusals (unknown names, bad roles, not a member) become one line and exit 2."""
    import functools

    @functools.wraps(fn)
    def run(*a, **kw):
        try:
            return fn(*a, **kw)
        except (LookupProblem, ops.RoleProblem) as e:
            fail(str(e))
    return run


_selectors = [
    click.option("--type", "type_", type=click.Choice(["traffic", "welfare", "flash"]),
                 help="Also every active group of this type."),
    click.option("--family", help="Also every active group of this family (sibling groups)."),
    click.option("--tier", help="Also every active group of this tier."),
]


def _with_selectors(fn):
    for opt in reversed(_selectors):
        fn = opt(fn)
    return fn


def register(cli: click.Group) -> None:
    @cli.group("roles", invoke_without_command=True)
    @click.pass_context
    def roles(ctx: click.Context) -> None:
        """Team roles: lead, owners, admins, KOLs, cheer squad (气氛组), and staff."""
        if ctx.invoked_subcommand is None:
            ctx.invoke(list_cmd)

    @roles.command("list")
    @click.option("--group", "group", help="Only this group (id, name or platform:id).")
    @click.option("--person", "person", help="Only this person (id, name or platform:user_id).")
    @click.option("--role", "role", help="Only this role (lead, owner, admin, kol, cheer).")
    @json_option
    @_guard
    def list_cmd(group: str | None = None, person: str | None = None, role: str | None = None,
                 as_json: bool = False) -> None:
        """Who holds which role where."""
        with workspace() as ws:
            gid = resolve_group(ws, group)["id"] if group else None
            pid = resolve_person(ws, person)["id"] if person else None
            rows = ops.list_roles(ws, person_id=pid, group_id=gid, role=role)
            _table(ws, rows, ["person_id", "person", "group_id", "group", "role", "source", "platform_state",
                              "assigned_by", "assigned_at"], as_json)

    @roles.command("assign")
    @click.argument("person")
    @click.argument("role")
    @click.argument("groups", nargs=-1)
    @_with_selectors
    @click.option("--replace", is_flag=True, help="For owner/lead: take the role from whoever holds it now.")
    @click.option("--reason", default="", help="Why (kept in the history and the audit log).")
    @json_option
    @_guard
    def assign_cmd(person: str, role: str, groups: tuple[str, ...], type_: str | None, family: str | None,
                   tier: str | None, replace: bool, reason: str, as_json: bool) -> None:
        """Give PERSON the ROLE in GROUPS (none for the lead). All or nothing.

        ROLE is lead, owner, admin, kol or cheer (also 群主, 管理员, 气氛组...). Admins are
        set on the platform too where its connector can; elsewhere they are 'shequn only'."""
        with workspace() as ws:
            pid = resolve_person(ws, person)["id"]
            gids = _groups_from(ws, groups, type_, family, tier)
            rows = ops.assign(ws, pid, gids, role, replace=replace, reason=reason)
            for r in rows:
                r["result"] = tr(ws, {"assigned": "assigned", "unchanged": "already held"}[r["result"]])
            _table(ws, rows, ["group_id", "group", "role", "result", "platform_state"], as_json)

    @roles.command("unassign")
    @click.argument("person")
    @click.argument("role")
    @click.argument("groups", nargs=-1)
    @_with_selectors
    @click.option("--reason", default="", help="Why (kept in the history and the audit log).")
    @json_option
    @_guard
    def unassign_cmd(person: str, role: str, groups: tuple[str, ...], type_: str | None, family: str | None,
                     tier: str | None, reason: str, as_json: bool) -> None:
        """Take ROLE from PERSON in GROUPS (none for the lead)."""
        with workspace() as ws:
            pid = resolve_person(ws, person)["id"]
            gids = _groups_from(ws, groups, type_, family, tier)
            rows = ops.unassign(ws, pid, gids, role, reason=reason)
            for r in rows:
                r["result"] = tr(ws, {"unassigned": "unassigned", "not_held": "not held"}[r["result"]])
            _table(ws, rows, ["group_id", "group", "role", "result", "platform_state"], as_json)

    @roles.command("check")
    @click.option("--problems", is_flag=True, help="Only groups and owners that break a guideline.")
    @json_option
    @_guard
    def check_cmd(problems: bool, as_json: bool) -> None:
        """Staffing of every group and load of every owner against the guidelines ([roles])."""
        with workspace() as ws:
            staff = guidelines.staffing(ws)
            load = guidelines.owner_load(ws)
            if problems:
                staff = [r for r in staff if r["status"] != "ok"]
                load = [r for r in load if r["status"] != "ok"]
            if as_json:
                emit([{"groups": staff, "owners": load}], as_json=True)
                return
            _table(ws, staff, ["group_id", "group", "owner", "admins", "cheer", "kols", "insiders", "members",
                               "status", "reasons"], False, "Staffing")
            click.echo("")
            _table(ws, load, ["person_id", "person", "groups", "status", "reasons", "group_names"], False,
                   "Owner load")

    @roles.command("coverage")
    @click.option("--day", help="YYYY-MM-DD (default: today in the operator's time zone).")
    @click.option("--all", "show_all", is_flag=True, help="Every group, covered or not.")
    @json_option
    @_guard
    def coverage_cmd(day: str | None, show_all: bool, as_json: bool) -> None:
        """Groups where the cheer squad sent no message that day."""
        if day:
            try:
                datetime.strptime(day, "%Y-%m-%d")
            except ValueError:
                fail(f"--day {day!r} is not a date (expected YYYY-MM-DD)")
        with workspace() as ws:
            rows = guidelines.coverage(ws, day, only_missing=not show_all)
            _table(ws, rows, ["group_id", "group", "cheer", "cheer_speakers", "cheer_messages", "covered", "reasons"],
                   as_json)

    @roles.command("history")
    @click.option("--group", "group", help="Only this group.")
    @click.option("--person", "person", help="Only this person.")
    @click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 100_000))
    @json_option
    @_guard
    def history_cmd(group: str | None, person: str | None, limit: int, as_json: bool) -> None:
        """Every role change, newest first: who, what, where, by whom, and the platform's answer."""
        with workspace() as ws:
            gid = resolve_group(ws, group)["id"] if group else None
            pid = resolve_person(ws, person)["id"] if person else None
            rows = ops.history(ws, pid, gid, limit=limit)
            _table(ws, rows, ["ts", "person", "group", "role", "change", "platform_state", "actor", "reason"], as_json)

    @roles.command("staff")
    @click.argument("person")
    @click.option("--off", is_flag=True, help="Remove the staff mark.")
    @click.option("--reason", default="", help="Why (kept in the history and the audit log).")
    @json_option
    @_guard
    def staff_cmd(person: str, off: bool, reason: str, as_json: bool) -> None:
        """Mark PERSON as staff (an insider, left out of KPIs), or --off."""
        with workspace() as ws:
            pid = resolve_person(ws, person)["id"]
            row = ops.set_staff(ws, pid, not off, reason=reason)
            if as_json:
                emit([row], as_json=True)
            else:
                click.echo(row["message"])

    @roles.command("reconcile")
    @click.option("--group", "group", help="Only this group.")
    @_guard
    def reconcile_cmd(group: str | None) -> None:
        """Make roles match the owners/admins the platform listed at the last member sync."""
        with workspace() as ws:
            gid = resolve_group(ws, group)["id"] if group else None
            n = reconcile(ws, gid)
            click.echo(f"{n} role changes")
