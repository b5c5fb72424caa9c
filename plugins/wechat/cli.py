"""``shequn wechat``: join ways for families, welcome templates, WeCom's statistics."""

from __future__ import annotations

from datetime import date

import click

from shequn.cli import emit, fail, workspace


@click.group("wechat")
def wechat_group() -> None:
    """WeCom customer groups: join ways, welcome templates and WeCom's statistics."""


@wechat_group.command("join-way")
@click.argument("connection")
@click.argument("family")
@click.option("--name", "base_name", help="Names of the groups WeCom opens (default: the family), + an index.")
@click.option("--state", default="", help="Channel tag (up to 30 characters) members who join through it carry.")
def join_way_cmd(connection: str, family: str, base_name: str | None, state: str) -> None:
    """Put FAMILY's groups on CONNECTION behind one QR code that opens the next group when they are full."""
    from .hooks import join_way_for

    with workspace(read_only=False) as ws:
        if ws.settings.connections.get(connection) is None or ws.settings.connections[connection].platform != "wechat":
            fail(ws.tr("no WeChat connection named {connection}", connection=connection))
        try:
            aid = join_way_for(ws, connection, family, base_name=base_name, state=state)
        except ValueError as e:
            fail(str(e))
        click.echo(ws.tr("Join way of family {family} queued as action {id}; its QR code shows in "
                         "`shequn wechat join-ways` once WeCom has it", family=family, id=aid))


@wechat_group.command("join-ways")
@click.option("--json", "as_json", is_flag=True)
def join_ways_cmd(as_json: bool) -> None:
    """Every family's join way, its WeCom id and QR code."""
    with workspace() as ws:
        rows = ws.store.query("SELECT connection_id AS connection, family, room_base_name, state, config_id, qr_code"
                              " FROM wechat_join_ways ORDER BY connection_id, family")
        emit([dict(r) for r in rows], ["connection", "family", "room_base_name", "state", "config_id", "qr_code"],
             as_json=as_json)


@wechat_group.command("welcomes")
@click.option("--json", "as_json", is_flag=True)
def welcomes_cmd(as_json: bool) -> None:
    """Queue WeCom welcome templates for the welcome policies that changed, and list them."""
    from .hooks import sync_welcomes

    with workspace(read_only=False) as ws:
        n = sync_welcomes(ws)
        rows = ws.store.query("SELECT connection_id AS connection, rule, template_id, text FROM wechat_welcomes"
                              " ORDER BY connection_id, rule")
        emit([dict(r) for r in rows], ["connection", "rule", "template_id", "text"], as_json=as_json)
        if not as_json:
            click.echo(ws.tr("{n} template changes queued", n=n) if n != 1 else ws.t("1 template change queued"))


@wechat_group.command("stats")
@click.option("--since", default="30d", show_default=True, help="First day: YYYY-MM-DD or Nd.")
def stats_cmd(since: str) -> None:
    """Pull WeCom's daily customer-group statistics (T+1, 180 days kept) into the workspace."""
    from plugins.kpi.window import KpiInputError, make_window

    from .statistics import refresh

    with workspace(read_only=False) as ws:
        try:
            w = make_window(ws, since, "yesterday")
        except KpiInputError as e:
            fail(str(e))
        for line in refresh(ws, date.fromisoformat(w.since), date.fromisoformat(w.until)):
            click.echo(line, err=True)
        n = ws.store.scalar("SELECT count(*) FROM wechat_stats_daily WHERE day BETWEEN ? AND ?", (w.since, w.until))
        click.echo(ws.tr("{n} days of WeCom statistics stored", n=n) if n != 1 else ws.t("1 day of WeCom statistics stored"))


@wechat_group.command("mass-sends")
@click.option("--poll", is_flag=True, help="Read WeCom's progress first (the job wechat.mass_sends does every 5 minutes).")
@click.option("--json", "as_json", is_flag=True)
def mass_sends_cmd(poll: bool, as_json: bool) -> None:
    """Messages to WeChat groups: WeCom mass sends awaiting the owner's confirmation (and when WeCom reminded
    them), sent, not delivered, or expired (never confirmed, stopped in WeCom)."""
    from .mass_sends import listing, poll as read_progress

    with workspace(read_only=not poll) as ws:
        if poll:
            n = read_progress(ws)
            click.echo(ws.tr("{n} mass sends settled", n=n) if n != 1 else ws.t("1 mass send settled"), err=True)
        emit(listing(ws), ["connection", "msgid", "group", "owner", "day", "status", "reminded", "action_id", "error"],
             as_json=as_json)
