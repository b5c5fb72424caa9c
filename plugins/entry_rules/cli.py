"""CLI verbs: ``shequn entry`` (entry policies, families, referral tree, announcements,
flash groups); ``shequn joins`` (the join queue) is in joins_cli.py. Tables by default, --json too.
Every error says what and where, exits 2, and leaves nothing half-applied."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import click

from shequn.cli import emit, fail, json_option, scope_text, workspace

from . import api
from .policies import PolicyError, find_group, parse_scope
from .referrals import flatten
from .templates import TemplateError
from .words import group_names, policy_words, state_words


def _run(fn, ws, *args, **kwargs):
    """``fn(ws, ...)``; a refusal said in the workspace's language when it carries its
    template (PolicyError.of), else as raised."""
    try:
        return fn(ws, *args, **kwargs)
    except (PolicyError, TemplateError) as e:
        template = getattr(e, "template", "")
        fail(ws.tr(template, **e.values) if template else str(e))


def _ago(seconds: int | None) -> str:
    """One duration format for console and CLI (console.numbers.duration: 12m, 5h05m, 29d16h)."""
    from shequn.numbers import duration

    return duration(seconds)


def _parse_time(ws, text: str) -> int:
    for f in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            return int(datetime.strptime(text, f).replace(tzinfo=ws.tz).timestamp())
        except ValueError:
            continue
    fail(ws.tr("time {value!r}: expected YYYY-MM-DD HH:MM in {zone}", value=text, zone=ws.tz.key))
    return 0


# --- shequn entry ---------------------------------------------------------------------


@click.group("entry")
def entry_group() -> None:
    """Entry rules: admission policies, nickname format, welcome, families, referrals."""


@entry_group.command("show")
@click.option("--kind", type=click.Choice(["admission", "nickname", "welcome", "overflow"]), default=None)
@json_option
def entry_show(kind: str | None, as_json: bool) -> None:
    """Show entry policies (group over type over all: the most specific enabled one wins)."""
    from .policies import describe_policy

    with workspace(read_only=True) as ws:
        rows = [r for r in api.policies(ws) if kind is None or r["kind"] == kind]
        t, names = ws.tr, group_names(ws)
    if as_json:
        emit(rows, as_json=True)  # JSON keeps the codes and the English summary, for scripts
        return
    # kind, scope and state in the Policies tab's words; the name stays the code, over a header
    # that says so (代号): it is what `entry toggle NAME` takes, and for a default policy its
    # words would only repeat the kind and scope beside it
    for r in rows:
        r["summary"] = describe_policy(r["kind"], r["config"], t)  # the console's words, as on the Policies tab
        r["kind"], r["scope"] = t(r["kind"]), scope_text(t, r["scope"], names)
        r["state"] = state_words(t, r["enabled"], r["dry_run"])
    emit(rows, ["name", "kind", "scope", "state", "summary"], headers={"name": t("policy code")})


@entry_group.command("check")
@json_option
def entry_check(as_json: bool) -> None:
    """Re-check every policy and group (capacity, closing dates); exit 2 on problems."""
    with workspace(read_only=True) as ws:  # JSON in English, for scripts; the table and the ok in words
        problems = api.check_policies(ws, None if as_json else ws.tr)
        ok, heads = ws.tr("entry policies: ok"), {"problem": ws.tr("problem")}
    if as_json:
        emit(problems, as_json=True)
    elif problems:
        emit(problems, ["what", "problem"], headers=heads)
    else:
        click.echo(ok)
    if problems:
        raise SystemExit(2)


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


@entry_group.command("set")
@click.argument("kind", type=click.Choice(["admission", "nickname", "welcome", "overflow"]))
@click.option("--scope", default="all", show_default=True, help="all, type:traffic|welfare|flash, or group:<id|name>.")
@click.option("--name", default=None, help="Policy name (default: kind:scope). Several welcomes need names.")
@click.option("--config", "config_json", default=None, help="The whole config as JSON.")
@click.option("--set", "pairs", multiple=True, metavar="KEY=VALUE",
              help="Change one key (JSON value or text; lists as a,b). Repeatable. Starts from the saved config.")
@click.option("--enable/--disable", default=True, help="Enabled (default) or saved switched off.")
@click.option("--dry-run/--live", default=False, help="Dry-run: record what it would have done, without acting.")
@json_option
def entry_set(kind: str, scope: str, name: str | None, config_json: str | None, pairs: tuple[str, ...],
              enable: bool, dry_run: bool, as_json: bool) -> None:
    """Save a policy, checked before anything is written."""
    with workspace(read_only=False) as ws:
        st, sv = _run(parse_scope, ws, scope)
        pname = name or (f"{kind}:{st}" if st == "all" else f"{kind}:{st}:{sv}")
        config: dict[str, Any] = {}
        if config_json:
            try:
                config = json.loads(config_json)
            except json.JSONDecodeError as e:
                fail(ws.tr("--config is not valid JSON: {error}", error=e))
        else:
            existing = ws.store.one("SELECT config FROM rules WHERE name = ?", (pname,))
            config = json.loads(existing["config"]) if existing else {}
        for pair in pairs:
            key, eq, val = pair.partition("=")
            if not eq or not key.strip():
                fail(ws.tr("--set {pair!r}: expected KEY=VALUE", pair=pair))
            config[key.strip()] = _value(val)
        saved = _run(api.save_policy, ws, kind, config, scope=scope, name=pname, enabled=enable, dry_run=dry_run)
        said = _said(ws, saved["name"])
    if as_json:
        emit([saved], as_json=True)
    else:
        click.echo(said("saved {code} ({words})"))


@entry_group.command("toggle")
@click.argument("name")
@click.option("--enable/--disable", default=None)
@click.option("--dry-run/--live", "dry_run", default=None)
def entry_toggle(name: str, enable: bool | None, dry_run: bool | None) -> None:
    """Switch a policy on or off, or between dry-run and live."""
    with workspace(read_only=False) as ws:  # open first, to say the error in the workspace's language
        if enable is None and dry_run is None:
            fail(ws.tr("say what to change: --enable/--disable and/or --dry-run/--live"))
        _run(api.set_enabled, ws, name, enabled=enable, dry_run=dry_run)
        said = _said(ws, name)
    click.echo(said("updated {code} ({words})"))


def _said(ws, name: str):
    """A message naming a saved policy: its code (what the verbs take) and, in words, its
    kind, scope and state as they now are ("saved admission:all (入群审核 · 所有群 · 已启用)")."""
    p = next(r for r in api.policies(ws) if r["name"] == name)
    words = policy_words(ws.tr, p["kind"], p["scope"], group_names(ws)) + " · " + state_words(
        ws.tr, p["enabled"], p["dry_run"])
    return lambda template: ws.tr(template, code=name, words=words)


@entry_group.command("preview")
@click.argument("template")
@click.option("--merged", is_flag=True, help="Check it as a merged welcome (nicknames, count).")
def entry_preview(template: str, merged: bool) -> None:
    """Check a welcome template and show it with sample values."""
    with workspace(read_only=True) as ws:
        click.echo(_run(api.preview_welcome, ws, template, merged=merged))


@entry_group.command("families")
@json_option
def entry_families(as_json: bool) -> None:
    """Group families (群矩阵): fill of each sibling and whether a new one is on its way."""
    with workspace(read_only=True) as ws:
        rows = api.families(ws) if as_json else api.family_rows(ws)
    if as_json:
        emit(rows, as_json=True)
    else:
        emit(rows, ["family", "group_id", "name", "platform", "status", "members", "capacity", "fill", "full",
                    "sibling_requested"])


@entry_group.command("family")
@click.argument("group")
@click.argument("family")
@click.option("--template", default=None, help="Group to copy type, theme, tier and capacity from.")
def entry_family(group: str, family: str, template: str | None) -> None:
    """Put GROUP into FAMILY (registers a new sibling; gives it a cheer-squad task)."""
    with workspace(read_only=False) as ws:
        gid = _run(find_group, ws, group)
        tpl = _run(find_group, ws, template) if template else None
        g = _run(api.register_sibling, ws, gid, family, template_group_id=tpl)
        said = ws.tr("group {id} {name} is in family {family}", id=g["id"], name=g["name"], family=g["family"])
    click.echo(said)


@entry_group.command("capacity")
@click.argument("group")
@click.argument("capacity", type=int)
def entry_capacity(group: str, capacity: int) -> None:
    """Set a group's capacity (群上限); refused below its member count."""
    with workspace(read_only=False) as ws:
        g = _run(api.set_capacity, ws, group, capacity)
        said = ws.tr("group {id} {name}: capacity {capacity} ({members} members)", id=g["id"], name=g["name"],
                     capacity=g["capacity"], members=g["member_count"])
    click.echo(said)


@entry_group.command("tree")
@click.argument("person_id", type=int)
@json_option
def entry_tree(person_id: int, as_json: bool) -> None:
    """The referral tree (邀请关系) below a person, and who referred them."""
    with workspace(read_only=True) as ws:
        try:
            tree = api.referral_tree(ws, person_id)
        except ValueError as e:
            fail(str(e))
        heads = {"level": ws.tr("referral level"), "referred": ws.tr("people referred")}  # not the host's words
        referred_by = ws.tr("referred by: {chain}", chain=" <- ".join(f"{r['name']} (#{r['id']})"
                                                                      for r in tree["referred_by"]))
    if as_json:
        emit([tree], as_json=True)
        return
    if tree["referred_by"]:
        click.echo(referred_by)
    emit(flatten(tree), ["person", "level", "referred"], headers=heads)


@entry_group.command("flash")
@click.argument("group")
@click.option("--closes", required=True, help="Closing time, YYYY-MM-DD HH:MM in the operator's zone.")
def entry_flash(group: str, closes: str) -> None:
    """Give a flash group (快闪群) its closing time."""
    with workspace(read_only=False) as ws:
        g = _run(api.set_closing, ws, group, _parse_time(ws, closes))
        said = ws.tr("flash group {name} closes at {when}", name=g["name"], when=closes)
    click.echo(said)


@entry_group.command("activity")
@click.argument("activity")
@click.argument("person_ids", nargs=-1, type=int, required=True)
def entry_activity(activity: str, person_ids: tuple[int, ...]) -> None:
    """Record people who took part in ACTIVITY (activity entry admits them)."""
    with workspace(read_only=False) as ws:
        n = _run(api.add_participants, ws, activity, list(person_ids))
        said = ws.tr("{activity}: {n} added", activity=activity, n=n)
    click.echo(said)


@entry_group.group("announce")
def announce_group() -> None:
    """Announcements (群公告): draft once, publish to many groups."""


@announce_group.command("draft")
@click.argument("title")
@click.argument("text")
@click.option("--id", "announcement_id", type=int, default=None, help="Edit this draft instead of a new one.")
def announce_draft(title: str, text: str, announcement_id: int | None) -> None:
    with workspace(read_only=False) as ws:
        aid = _run(api.draft_announcement, ws, title, text, announcement_id=announcement_id)
        said = ws.tr("announcement {id} saved", id=aid)
    click.echo(said)


@announce_group.command("publish")
@click.argument("announcement_id", type=int)
@click.argument("targets", nargs=-1, required=True)
@click.option("--at", "at", default=None, help="Publish at YYYY-MM-DD HH:MM (default: now).")
@json_option
def announce_publish(announcement_id: int, targets: tuple[str, ...], at: str | None, as_json: bool) -> None:
    """Publish to TARGETS: all, type:welfare, family:NAME, or groups."""
    with workspace(read_only=False) as ws:
        when = _parse_time(ws, at) if at else None
        rows = _run(api.publish_announcement, ws, announcement_id, list(targets), at=when)
    emit(rows, ["group_id", "action_id", "status", "not_before"], as_json=as_json)


@announce_group.command("list")
@json_option
def announce_list(as_json: bool) -> None:
    with workspace(read_only=True) as ws:
        emit(api.announcements(ws), as_json=as_json)
