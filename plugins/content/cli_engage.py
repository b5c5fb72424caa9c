"""``shequn content checkin|points|keywords …``: check-in rules, points and the leaderboard,
keyword replies (群助手)."""

from __future__ import annotations

import click

from shequn.cli import emit, json_option

from .cli import content_group, content_ws, heads


@content_group.group("checkin")
def checkin_group() -> None:
    """Check-in (签到/打卡): keywords, points, streaks and a cap, per scope."""


@checkin_group.command("set")
@click.argument("scope")
@click.option("--keywords", default="签到,打卡", show_default=True, help="Comma-separated; the whole message.")
@click.option("--points", type=int, default=10, show_default=True)
@click.option("--streak-bonus", type=int, default=2, show_default=True, help="More per day of an unbroken streak.")
@click.option("--cap", type=int, default=30, show_default=True, help="The most one check-in earns.")
@click.option("--reply", help="{name} {streak} {points} {total} {group}.")
@click.option("--merged-reply", help="A burst's one reply: {names} {count} {group}.")
@click.option("--disabled", is_flag=True)
def checkin_set(scope, keywords, points, streak_bonus, cap, reply, merged_reply, disabled) -> None:
    """Set the check-in rule of a scope (all, type:TYPE, family:NAME or a group)."""
    from .checkin import DEFAULT_MERGED, DEFAULT_REPLY, save_rule

    with content_ws() as ws:
        rid = save_rule(ws, scope, keywords=keywords, points=points, streak_bonus=streak_bonus, cap=cap,
                        reply=reply or DEFAULT_REPLY, merged_reply=merged_reply or DEFAULT_MERGED, enabled=not disabled)
        click.echo(ws.tr("Saved check-in rule {id} for {scope}", id=rid, scope=scope))


@checkin_group.command("rules")
@json_option
def checkin_rules(as_json) -> None:
    from .checkin import rules

    with content_ws(read_only=True) as ws:
        cols = ["id", "scope", "keywords", "points", "streak_bonus", "cap", "reply", "enabled"]
        emit(rules(ws), cols, as_json=as_json, headers=heads(ws, cols))


@checkin_group.command("list")
@click.option("--day", help="YYYY-MM-DD; default today.")
@json_option
def checkin_list(day, as_json) -> None:
    """A day's check-ins: who, where, streak, points, replied."""
    with content_ws(read_only=True) as ws:
        rows = ws.store.query("SELECT c.day, g.name AS group_name, c.name, c.streak, c.points, c.replied FROM"
                              " content_checkins c JOIN groups g ON g.id = c.group_id WHERE c.day = ? ORDER BY c.ts",
                              (day or ws.day(ws.now()),))
        cols = ["day", "group_name", "name", "streak", "points", "replied"]
        emit(rows, cols, as_json=as_json, headers=heads(ws, cols))


@content_group.group("points")
def points_group() -> None:
    """Points: the leaderboard, a person's ledger, spending and resetting."""


@points_group.command("board")
@click.option("--scope", default="all", show_default=True, help="all, type:TYPE, family:NAME or a group.")
@click.option("--limit", type=click.IntRange(1, 500), default=20, show_default=True)
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@json_option
def points_board(scope, limit, page, as_json) -> None:
    """The leaderboard (排行榜): points, streak, check-ins; insiders apart."""
    from .checkin import leaderboard

    with content_ws(read_only=True) as ws:
        cols = ["rank", "name", "points", "streak", "checkins"]
        emit(leaderboard(ws, scope=scope, limit=limit, offset=(page - 1) * limit), cols, as_json=as_json,
             headers=heads(ws, cols))


@points_group.command("show")
@click.argument("person")
@json_option
def points_show(person, as_json) -> None:
    """A person's points ledger, newest first."""
    from .checkin import find_person
    from .schedules import when_text

    with content_ws(read_only=True) as ws:
        p = find_person(ws, person)
        rows = ws.store.query("SELECT ts, delta, reason, note, ref, by FROM content_points WHERE person_id = ?"
                              " ORDER BY ts DESC, id DESC", (p["id"],))
        for r in rows:
            r["time"] = when_text(ws, r["ts"])
        cols = ["time", "delta", "reason", "note", "ref", "by"]
        emit(rows, cols, as_json=as_json, headers=heads(ws, cols))


def _change(person, n, reason, note) -> None:
    from .checkin import change

    with content_ws() as ws:
        left = change(ws, person, n, reason, note or "")
        click.echo(ws.tr("{person} now has {points} points", person=person, points=left))


@points_group.command("spend")
@click.argument("person")
@click.argument("n", type=int)
@click.option("--note", help="What they were spent on.")
def points_spend(person, n, note) -> None:
    """Spend a person's points (refused when they have fewer)."""
    _change(person, n, "spend", note)


@points_group.command("adjust")
@click.argument("person")
@click.argument("n", type=int)
@click.option("--note")
def points_adjust(person, n, note) -> None:
    """Add (or, negative, take) points by hand."""
    _change(person, n, "adjust", note)


@points_group.command("reset")
@click.argument("person")
@click.option("--note")
def points_reset(person, note) -> None:
    """Set a person's points to 0."""
    _change(person, 0, "reset", note)


@content_group.group("keywords")
def keywords_group() -> None:
    """Keyword replies (关键词回复, 群助手): exact, contains or pattern rules with a cooldown per group."""


@keywords_group.command("set")
@click.argument("name")
@click.option("--match", type=click.Choice(["exact", "contains", "pattern"]), required=True)
@click.option("--keyword", required=True, help="Words (comma-separated) or, for pattern, a regular expression.")
@click.option("--reply", required=True, help="The answer; {group} {owner} {date} {name} are filled in.")
@click.option("--scope", default="all", show_default=True, help="all, type:TYPE, family:NAME or a group.")
@click.option("--cooldown", type=int, default=300, show_default=True, help="Seconds per group between two replies.")
@click.option("--priority", type=int, default=100, show_default=True, help="Lower answers first.")
@click.option("--timeout-ms", type=int, default=20, show_default=True, help="A pattern's limit per message.")
@click.option("--disabled", is_flag=True)
def keywords_set(name, match, keyword, reply, scope, cooldown, priority, timeout_ms, disabled) -> None:
    """Add or change a keyword reply (checked: placeholders, the pattern's safety, ranges)."""
    from .keywords import save

    with content_ws() as ws:
        rid = save(ws, name, match=match, keyword=keyword, reply=reply, scope=scope, cooldown_seconds=cooldown,
                   priority=priority, timeout_ms=timeout_ms, enabled=not disabled)
        click.echo(ws.tr("Saved keyword rule {id}: {name}", id=rid, name=name))


@keywords_group.command("list")
@json_option
def keywords_list(as_json) -> None:
    """Rules with how often each replied and was held by its cooldown."""
    from .keywords import rules

    with content_ws(read_only=True) as ws:
        cols = ["id", "name", "match", "keyword", "scope", "cooldown_seconds", "priority", "enabled", "replies", "held",
                "reply"]
        emit(rules(ws), cols, as_json=as_json, headers=heads(ws, cols))


@keywords_group.command("enable")
@click.argument("name")
def keywords_enable(name) -> None:
    from .keywords import set_enabled

    with content_ws() as ws:
        set_enabled(ws, name, True)
        click.echo(ws.tr("Enabled keyword rule {name}", name=name))


@keywords_group.command("disable")
@click.argument("name")
def keywords_disable(name) -> None:
    from .keywords import set_enabled

    with content_ws() as ws:
        set_enabled(ws, name, False)
        click.echo(ws.tr("Disabled keyword rule {name}", name=name))


@keywords_group.command("test")
@click.argument("text")
@click.option("--group", help="As if said in this group (its scope); default any group.")
def keywords_test(text, group) -> None:
    """Which rule would answer TEXT, and with what (cooldowns aside)."""
    from .keywords import test_text

    with content_ws(read_only=True) as ws:
        hit = test_text(ws, text, group)
        click.echo(ws.tr("{rule} ({match}) answers: {reply}", rule=hit["rule"], match=hit["match"], reply=hit["reply"])
                   if hit else ws.tr("No rule answers this"))
