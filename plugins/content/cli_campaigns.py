"""``shequn content campaigns …``: invite campaigns (拉新任务) with a goal, progress per
member, a leaderboard and points as rewards, within the two-level referral limit."""

from __future__ import annotations

import click

from shequn.cli import emit, json_option

from .cli import content_group, content_ws
from .cli_scripts import heads, word


@content_group.group("campaigns")
def campaigns_group() -> None:
    """Invite campaigns (拉新任务): "invite 3 friends this week", rewarded with points."""


@campaigns_group.command("add")
@click.argument("name")
@click.option("--goal", type=int, required=True, help="Friends each member is asked to invite (1 to 100).")
@click.option("--days", type=int, default=7, show_default=True, help="How long it runs (1 to 90 days).")
@click.option("--start", default="", help="The first day, YYYY-MM-DD (default: now).")
@click.option("--scope", default="all", show_default=True, help="Joins into these groups count: all, type:TYPE, "
                                                                "family:NAME or a group.")
@click.option("--reward", type=int, default=50, show_default=True, help="Points for reaching the goal.")
@click.option("--per-invite", type=int, default=0, show_default=True, help="Points per counted invite, up to the goal.")
def campaigns_add(name, goal, days, start, scope, reward, per_invite) -> None:
    """Start an invite campaign."""
    from .campaigns import create, get

    with content_ws() as ws:
        create(ws, name, goal=goal, days=days, start=start, scope=scope, reward=reward, per_invite=per_invite)
        c = get(ws, name)
        click.echo(ws.tr("Campaign {name}: invite {goal} friends by {until}", name=name, goal=goal,
                         until=ws.day(c["ends_at"] - 1)))


@campaigns_group.command("list")
@json_option
def campaigns_list(as_json) -> None:
    """Campaigns with counted invites, inviters and how many reached the goal."""
    from .campaigns import listing

    with content_ws(read_only=True) as ws:
        rows = listing(ws)
        if not as_json:
            rows = [dict(r, status=word(ws, r["status"])) for r in rows]
        cols = ["id", "name", "scope", "goal", "from", "until", "reward", "per_invite", "invites", "inviters",
                "reached", "status"]
        emit(rows, cols, as_json=as_json, headers=heads(ws, cols))


@campaigns_group.command("board")
@click.argument("name")
@click.option("--limit", type=click.IntRange(1, 500), default=20, show_default=True)
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@json_option
def campaigns_board(name, limit, page, as_json) -> None:
    """The leaderboard (排行榜): progress per member towards the goal, points earned."""
    from .campaigns import board

    with content_ws(read_only=True) as ws:
        rows = board(ws, name, limit=limit, offset=(page - 1) * limit)
        if not as_json:
            rows = [dict(r, reached="✓" if r["reached"] else "") for r in rows]
        cols = ["rank", "name", "progress", "invites", "points", "reached", "not_counted"]
        emit(rows, cols, as_json=as_json, headers=heads(ws, cols))


@campaigns_group.command("skipped")
@click.argument("name")
@json_option
def campaigns_skipped(name, as_json) -> None:
    """Joins with an inviter that the campaign did not count, and why."""
    from .campaigns import not_counted
    from .schedules import when_text

    with content_ws(read_only=True) as ws:
        rows = not_counted(ws, name)
        for r in rows:
            r["joined"] = when_text(ws, r["joined_at"])
            kind, _, n = r["note"].partition(":")
            r["reason"] = ws.tr("level {n}, beyond the referral limit", n=n) if kind == "level" else word(ws, kind)
        cols = ["joined", "group_name", "inviter", "invitee", "reason"]
        emit(rows, cols, as_json=as_json, headers=heads(ws, cols))


@campaigns_group.command("end")
@click.argument("name")
def campaigns_end(name) -> None:
    """End a campaign now: later joins no longer count."""
    from .campaigns import end

    with content_ws() as ws:
        end(ws, name)
        click.echo(ws.tr("Ended campaign {name}", name=name))
