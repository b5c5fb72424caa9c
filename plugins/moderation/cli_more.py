"""``shequn blacklist``, ``shequn probation`` and ``shequn raid``: the blacklist by hand,
silent newcomers, and the raid response (lift, extend, hold or remove the latest joiners)."""

from __future__ import annotations

import json
from datetime import datetime

import click

from shequn.cli import emit, fail, json_option, workspace


def _when(ws, ts):
    return datetime.fromtimestamp(ts, ws.tz).strftime("%Y-%m-%d %H:%M") if ts else ""


def page_line(ws, offset: int, n: int, total: int) -> str:
    """Which rows of how many a page shows, in the workspace's language."""
    if not n:
        return ws.tr("none of {total}", total=f"{total:,}")
    return ws.tr("{first}-{last} of {total}", first=f"{offset + 1:,}", last=f"{offset + n:,}", total=f"{total:,}")


def register(cli: click.Group, group_of) -> None:
    bl = group_of(cli, "blacklist", "The operation's blacklist (全局黑名单): add, remove, list, with reason, who and when.")
    prob = group_of(cli, "probation", "Newcomer probation (新人观察期): newcomers still silent after joining.")
    raid = group_of(cli, "raid", "Raid response: lift or extend a join-burst hold; hold or remove the latest joiners.")
    rules = group_of(cli, "rules", "Conduct rules (言行规则): list, show, enable, disable, test on history.")

    @rules.command("learn")
    @json_option
    def rules_learn(as_json: bool) -> None:
        """Teach the second opinion (第二意见) again now from the operation's judged cases and recent
        chat (the job moderation.learn does it daily); prints what each kind learned from."""
        from .second_opinion import learn
        from .settings import settings_of

        with workspace(read_only=False) as ws:
            summary = learn(ws)
            need = settings_of(ws).second_opinion_min_cases
        rows = [{"kind": k, "confirmed": v["bad"], "ordinary_or_overturned": v["good"],
                 "speaks": "yes" if v["bad"] >= need else f"no (needs {need} confirmed)"} for k, v in summary.items()]
        emit(rows, ["kind", "confirmed", "ordinary_or_overturned", "speaks"], as_json=as_json)

    @bl.command("list")
    @click.option("--all", "show_all", is_flag=True, help="Include removed entries.")
    @click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10000))
    @click.option("--offset", default=0, show_default=True, type=click.IntRange(0, None))
    @json_option
    def bl_list(show_all: bool, limit: int, offset: int, as_json: bool) -> None:
        """Who is blacklisted, where (scope), why, who added them and when."""
        from .door import blacklist_page

        with workspace(read_only=True) as ws:
            page = blacklist_page(ws, limit, offset, active=not show_all)
            for r in page["rows"]:
                r["added"], r["removed"] = _when(ws, r["added_at"]), _when(ws, r["removed_at"])
        if as_json:
            click.echo(json.dumps(page, ensure_ascii=False, indent=2, default=str))
            return
        emit(page["rows"], ["id", "person_id", "person", "scope", "reason", "added_by", "added"]
             + (["removed_by", "removed"] if show_all else []))
        click.echo(page_line(ws, offset, len(page["rows"]), page["total"]))

    @bl.command("add")
    @click.argument("person_id", type=int)
    @click.option("--reason", required=True, help="Why (kept with the entry, shown to whoever reads it later).")
    @click.option("--scope", default="all", show_default=True, help="all (the operation), family:NAME or group:ID")
    def bl_add(person_id: int, reason: str, scope: str) -> None:
        """Blacklist a person: refused at the door and removed from the groups in scope they are in."""
        from .door import add_to_blacklist

        with workspace(read_only=False) as ws:
            try:
                row = add_to_blacklist(ws, person_id, reason, scope=scope)
            except ValueError as e:
                fail(str(e))
        click.echo(f"blacklist entry {row['id']}: person {person_id} ({scope}); "
                   f"removal from {row['kicks']} group(s) queued; case {row['case_id']}")

    @bl.command("remove")
    @click.argument("entry_id", type=int)
    @click.option("--note", default="", help="Why (kept in the audit log).")
    def bl_remove(entry_id: int, note: str) -> None:
        """Take an entry off the blacklist (no re-invite: undo its case for that)."""
        from .door import remove_from_blacklist

        with workspace(read_only=False) as ws:
            try:
                row = remove_from_blacklist(ws, entry_id, note=note)
            except ValueError as e:
                fail(str(e))
        click.echo(f"blacklist entry {entry_id} removed (person {row['person_id']})")

    @prob.command("silent")
    @click.option("--group", "group_id", type=int, default=None)
    @click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10000))
    @click.option("--offset", default=0, show_default=True, type=click.IntRange(0, None))
    @json_option
    def prob_silent(group_id: int | None, limit: int, offset: int, as_json: bool) -> None:
        """Newcomers who have not said a word [moderation] probation_silent_days after joining."""
        from .probation import silent_newcomers

        with workspace(read_only=True) as ws:
            page = silent_newcomers(ws, limit, offset, group_id=group_id)
            for r in page["rows"]:
                r["joined"] = _when(ws, r["joined_at"])
        if as_json:
            click.echo(json.dumps(page, ensure_ascii=False, indent=2, default=str))
            return
        emit(page["rows"], ["group_name", "person_id", "person", "joined", "silent_days", "join_scene"],
             headers={"group_name": "group", "silent_days": "days"})
        click.echo(page_line(ws, offset, len(page["rows"]), page["total"]))

    @raid.command("list")
    @json_option
    def raid_list(as_json: bool) -> None:
        """Groups whose join requests are held after a join burst, and until when."""
        from .raid import raid_groups

        with workspace(read_only=True) as ws:
            rows = raid_groups(ws)
            for r in rows:
                r["since"], r["held_until"] = _when(ws, r["started_at"]), _when(ws, r["until"])
        emit(rows, ["group_id", "group_name", "joins", "since", "held_until"], as_json=as_json)

    @raid.command("lift")
    @click.argument("group_id", type=int)
    def raid_lift(group_id: int) -> None:
        """End a group's join-burst hold now."""
        from .raid import end_cooling

        with workspace(read_only=False) as ws:
            ended = end_cooling(ws, group_id, actor=f"operator:{ws.operator}")
        if not ended:
            fail(f"group {group_id} is not holding join requests")
        click.echo(f"group {group_id}: join requests are decided by the rules again")

    @raid.command("extend")
    @click.argument("group_id", type=int)
    @click.option("--minutes", default=30, show_default=True, type=int)
    def raid_extend(group_id: int, minutes: int) -> None:
        """Hold a group's join requests longer (or start a hold by hand)."""
        from .raid import extend_cooling

        with workspace(read_only=False) as ws:
            try:
                row = extend_cooling(ws, group_id, minutes)
            except ValueError as e:
                fail(str(e))
            until = _when(ws, row["until"])
        click.echo(f"group {group_id}: join requests held until {until}")

    def _act(what: str, group_id: int, minutes: int, mute_minutes: int | None) -> None:
        from .raid import act_on_recent
        from .settings import settings_of

        with workspace(read_only=False) as ws:
            try:
                ids = act_on_recent(ws, group_id, minutes, what,
                                    mute_minutes=mute_minutes or settings_of(ws).raid_hold_minutes)
            except ValueError as e:
                fail(str(e))
        verb = "muted" if what == "hold" else "removed"
        click.echo(f"group {group_id}: {len(ids)} member(s) who joined in the last {minutes} minutes {verb}"
                   f" (one case each{', ' + str(ids[0]) + '-' + str(ids[-1]) if ids else ''})")

    @raid.command("hold")
    @click.argument("group_id", type=int)
    @click.option("--minutes", required=True, type=int, help="Everyone who joined in the last N minutes.")
    @click.option("--mute-minutes", type=click.IntRange(1, 43200), default=None,
                  help="How long to mute them ([moderation] raid_hold_minutes).")
    def raid_hold(group_id: int, minutes: int, mute_minutes: int | None) -> None:
        """Mute everyone who joined the group in the last N minutes, in one step (a case each)."""
        _act("hold", group_id, minutes, mute_minutes)

    @raid.command("remove")
    @click.argument("group_id", type=int)
    @click.option("--minutes", required=True, type=int, help="Everyone who joined in the last N minutes.")
    def raid_remove(group_id: int, minutes: int) -> None:
        """Remove everyone who joined the group in the last N minutes, in one step (a case each)."""
        _act("remove", group_id, minutes, None)
