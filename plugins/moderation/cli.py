"""``shequn rules`` and ``shequn cases``: tables by default, --json for tools."""

from __future__ import annotations

import json
import re
from datetime import datetime

import click

from shequn.cli import emit, fail, json_option, scope_text, step_text, workspace

from .cli_more import page_line


def _when(ws, ts):
    return datetime.fromtimestamp(ts, ws.tz).strftime("%Y-%m-%d %H:%M") if ts else ""


def _since(ws, value: str) -> int:
    from .dryrun import parse_since

    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return ws.day_start(value.strip())
    return parse_since(value, ws.now())


def _group(cli: click.Group, name: str, help_text: str) -> click.Group:
    """Our group, or the one another plugin already registered under the same name."""
    existing = cli.commands.get(name)
    if isinstance(existing, click.Group):
        return existing
    grp = click.Group(name, help=help_text, invoke_without_command=True)

    @click.pass_context
    def default(ctx: click.Context) -> None:
        # `shequn cases` alone is `shequn cases list`: the queue, one page, with its true total
        if ctx.invoked_subcommand is None:
            if "list" in grp.commands:
                ctx.invoke(grp.commands["list"])
            else:
                click.echo(ctx.get_help())

    grp.callback = default
    cli.add_command(grp)
    return grp


def register(cli: click.Group) -> None:
    rules = _group(cli, "rules", "Conduct rules (言行规则): list, show, enable, disable, test on history.")
    cases = _group(cli, "cases", "Cases (处理记录): the review queue, detail, undo, notes.")

    @rules.command("list")
    @json_option
    def rules_list(as_json: bool) -> None:
        """Every moderation rule: kind, scope, live / dry-run / off, cases, and its measured precision
        (settled or confirmed against overturned); a rule below [moderation] precision_bar stops settling."""
        from .rulestore import list_rules

        from .kinds import describe

        with workspace(read_only=True) as ws:
            rows = list_rules(ws)
            t = ws.tr
            names = {g["id"]: g["name"] for g in ws.store.query("SELECT id, name FROM groups")}
        if as_json:
            emit(rows, as_json=True)  # JSON keeps the codes and the English summary, for scripts
        else:
            for r in rows:  # the name stays the code `rules enable NAME` takes; the rest in words, as on the Rules tab
                r["settles"] = t("yes" if r["settles"] else "no (below the bar)")
                r["summary"] = describe(r["kind"], r["config"], t)
                r["kind"], r["scope"], r["mode"] = t(r["kind"]), scope_text(t, r["scope"], names), t(r["mode"])
            emit(rows, ["name", "kind", "scope", "mode", "cases", "open_cases", "settled", "confirmed", "overturned",
                        "measured", "settles", "summary"],
                 headers={"open_cases": "queue", "measured": "precision"})

    @rules.command("show")
    @click.argument("name")
    @json_option
    def rules_show(name: str, as_json: bool) -> None:
        """One rule with its full config."""
        from .rulestore import get_rule

        with workspace(read_only=True) as ws:
            row = get_rule(ws, name)
        if row is None:
            fail(f"no moderation rule named {name!r} (see `shequn rules list`)")
        if as_json:
            emit([row], as_json=True)
            return
        for k in ("name", "kind", "scope_type", "scope_value", "enabled", "dry_run", "summary", "updated_by"):
            click.echo(f"{k:12} {row[k]}")
        click.echo("config:")
        click.echo(json.dumps(row["config"], ensure_ascii=False, indent=2))

    def _switch(name: str, enabled: bool) -> None:
        from .rulestore import set_rule_enabled

        with workspace(read_only=False) as ws:
            try:
                row = set_rule_enabled(ws, name, enabled)
            except ValueError as e:
                fail(str(e))
        click.echo(f"rule {name}: {'enabled' if enabled else 'disabled'}" + (" (dry-run)" if row["dry_run"] else ""))
        for n in row["notes"]:
            click.echo(f"note: {n}")

    @rules.command("enable")
    @click.argument("name")
    @click.option("--dry-run/--live", "dry", default=None, help="Run it without acting (cases marked dry_run), or live.")
    def rules_enable(name: str, dry: bool | None) -> None:
        """Switch a rule on (its ladder is re-checked against the platforms in scope)."""
        if dry is not None:
            from .rulestore import set_rule_dry_run

            with workspace(read_only=False) as ws:
                try:
                    set_rule_dry_run(ws, name, dry)
                except ValueError as e:
                    fail(str(e))
        _switch(name, True)

    @rules.command("disable")
    @click.argument("name")
    def rules_disable(name: str) -> None:
        """Switch a rule off."""
        _switch(name, False)

    @rules.command("save")
    @click.argument("name")
    @click.option("--kind", required=True, type=click.Choice(["ads", "abuse", "flood", "off_topic", "custom", "scam"]))
    @click.option("--config", "config_json", required=True, help="The rule's config as JSON (see docs/moderation.md).")
    @click.option("--scope", default="all", help="all, type:welfare[,flash], or group:ID[,ID]")
    @click.option("--enable", is_flag=True, help="Switch it on at once.")
    @click.option("--dry-run", "dry", is_flag=True, help="Run it in dry-run mode.")
    def rules_save(name: str, kind: str, config_json: str, scope: str, enable: bool, dry: bool) -> None:
        """Create or replace a rule; a bad rule is refused with the reason and nothing is stored."""
        from .rulestore import save_rule

        try:
            cfg = json.loads(config_json)
        except json.JSONDecodeError as e:
            fail(f"--config is not valid JSON: {e}")
        stype, _, svalue = scope.partition(":")
        with workspace(read_only=False) as ws:
            try:
                row = save_rule(ws, name, kind, cfg, scope_type=stype, scope_value=svalue,
                                enabled=enable or None, dry_run=dry or None)
            except ValueError as e:
                fail(f"rule {name!r} not saved: {e}")
        click.echo(f"rule {name} saved: {row['summary']}")
        for n in row["notes"]:
            click.echo(f"note: {n}")

    @rules.command("test")
    @click.argument("name")
    @click.option("--since", default="7d", show_default=True, help="How far back: 7d, 24h, 2w or a date YYYY-MM-DD.")
    @click.option("--config", "config_json", default=None, help="Try a changed config (JSON) instead of the stored one.")
    @json_option
    def rules_test(name: str, since: str, config_json: str | None, as_json: bool) -> None:
        """Dry-run a rule on stored messages: who it would have warned, muted or kicked, for which messages."""
        from .dryrun import dry_run

        cfg = None
        if config_json:
            try:
                cfg = json.loads(config_json)
            except json.JSONDecodeError as e:
                fail(f"--config is not valid JSON: {e}")
        with workspace(read_only=True) as ws:
            try:
                rows = dry_run(ws, name, _since(ws, since), config=cfg)
            except ValueError as e:
                fail(str(e))
        if as_json:
            emit(rows, as_json=True)
            return
        emit(rows, ["time", "group", "person", "offence", "step", "matched", "text"])
        people = {r["person_id"] for r in rows if r.get("message_id")}
        click.echo(f"{sum(1 for r in rows if r.get('message_id'))} message(s), {len(people)} member(s) would be caught")

    @cases.command("list")
    @click.option("--status", type=click.Choice(["queue", "all", "open", "appealed", "settled", "reviewed", "overturned",
                                                  "undone"]), default="queue", show_default=True,
                  help="queue = what waits for a person (open and appealed), in the order to take it.")
    @click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10000))
    @click.option("--offset", default=0, show_default=True, type=click.IntRange(0, None), help="Skip this many (paging).")
    @click.option("--rule", default=None, help="Only this rule's cases.")
    @click.option("--kind", type=click.Choice(["penalty", "blacklist", "dry_run", "any"]), default="penalty",
                  show_default=True)
    @click.option("--group", "group_id", type=int, default=None, help="Only this group (id).")
    @click.option("--days", type=click.FloatRange(0, None, min_open=True), default=None,
                  help="Only cases opened in the last N days.")
    @json_option
    def cases_list(status: str, limit: int, offset: int, rule: str | None, kind: str, group_id: int | None,
                   days: float | None, as_json: bool) -> None:
        """Cases, one page at a time, with the true total ("1-50 of 812")."""
        from .cases import list_cases

        with workspace(read_only=True) as ws:
            page = list_cases(ws, None if status == "all" else status, limit, offset,
                              kind=None if kind == "any" else kind, group_id=group_id, rule=rule, max_age_days=days)
            for r in page["rows"]:
                r["opened"] = _when(ws, r["opened_at"])
        if as_json:
            click.echo(json.dumps(page, ensure_ascii=False, indent=2, default=str))
            return
        for r in page["rows"]:  # the words the Moderation screen shows (JSON above keeps the codes)
            status = r["status"] or ""
            r["status"] = ws.t("to review" if status == "open" else status)  # its rule's action is done
            r["category"], r["rule"], r["step"] = ws.t(r["category"] or ""), ws.t(r["rule"] or ""), step_text(ws.tr, r["step"])
        emit(page["rows"], ["id", "opened", "rule", "step", "status", "group_name", "person", "category", "groups_touched"],
             headers={"group_name": "group", "groups_touched": "groups"})
        click.echo(page_line(ws, offset, len(page["rows"]), page["total"]))

    @cases.command("show")
    @click.argument("case_id", type=int)
    @json_option
    def cases_show(case_id: int, as_json: bool) -> None:
        """A case: rule, evidence, actor, every action in every group, notes."""
        from .cases import case_detail

        with workspace(read_only=True) as ws:
            try:
                c = case_detail(ws, case_id)
            except ValueError as e:
                fail(str(e))
            opened = _when(ws, c["opened_at"])
        if as_json:
            emit([c], as_json=True)
            return
        ev = c["evidence"]
        click.echo(f"case {c['id']} ({c['kind']}, {c['status']}) opened {opened} by {c['actor']}")
        click.echo(f"rule {c['rule']}  step {c['step']}  group {c['group_name']}  member {c['person']}")
        click.echo(f"evidence: [{ev.get('category', '')}] {ev.get('text') or ''}")
        click.echo("")
        emit(c["actions"], ["purpose", "kind", "group_name", "platform", "action_status", "task_title", "note"])
        if c["notes"]:
            click.echo("")
            emit(c["notes"], ["kind", "author", "text"])

    @cases.command("undo")
    @click.argument("case_id", type=int)
    @click.option("--note", default="", help="Why (kept with the case).")
    @click.option("--allow-text", "allow_text", is_flag=True, help="Teach the rule: add the matched text (a link's domain) to its allow_text.")
    @click.option("--text", "text", default=None, help="With --allow-text: the text to allow instead of the matched one.")
    @click.option("--allow-person", "allow_person", is_flag=True, help="Teach the rule: add this member to its allow_people.")
    def cases_undo(case_id: int, note: str, allow_text: bool, text: str | None, allow_person: bool) -> None:
        """Undo a case in every group it touched (unmute, invite back or a task, blacklist removal);
        a rule's case becomes overturned and counts against the rule's precision."""
        from .cases import undo_case

        if allow_text and allow_person:
            fail("choose --allow-text or --allow-person, not both")
        teach = "text" if allow_text or text else "person" if allow_person else None
        with workspace(read_only=False) as ws:
            try:
                c = undo_case(ws, case_id, note=note, teach=teach, allow=text)
            except ValueError as e:
                fail(str(e))
        click.echo(f"case {case_id} {c['status']} in {len(c['groups_touched'])} group(s):")
        for line in c["undo"]:
            click.echo(f"  - {line}")

    @cases.command("note")
    @click.argument("case_id", type=int)
    @click.argument("text")
    @click.option("--appeal", is_flag=True, help="Record it as the member's appeal (申诉).")
    def cases_note(case_id: int, text: str, appeal: bool) -> None:
        """Add a note (or the member's appeal) to a case."""
        from .cases import add_note

        with workspace(read_only=False) as ws:
            try:
                add_note(ws, case_id, text, appeal=appeal)
            except ValueError as e:
                fail(str(e))
        click.echo(f"case {case_id}: {'appeal' if appeal else 'note'} added")

    @cases.command("review")
    @click.argument("case_id", type=int)
    @click.option("--note", default="")
    def cases_review(case_id: int, note: str) -> None:
        """Confirm a case: it leaves the review queue."""
        from .cases import review_case

        with workspace(read_only=False) as ws:
            try:
                review_case(ws, case_id, note=note)
            except ValueError as e:
                fail(str(e))
        click.echo(f"case {case_id}: reviewed")

    @cases.command("report")
    @click.argument("message")
    @click.option("--kind", "kind", required=True, type=click.Choice(["ads", "scam", "abuse"]),
                  help="What the message was.")
    @click.option("--note", default="")
    def cases_report(message: str, kind: str, note: str) -> None:
        """Report a message the rules missed (举报), by its id or CONNECTION:PLATFORM_MSG_ID: recorded as a
        case of yours (no action taken) and taught to the second opinion at its next learning."""
        from .report import report_message

        with workspace(read_only=False) as ws:
            try:
                c = report_message(ws, message, kind, note)
            except ValueError as e:
                fail(str(e))
        click.echo(f"case {c['id']}: message reported as {kind}")

    from .cli_more import register as register_more

    register_more(cli, _group)
