"""entry_rules: who gets in and how they are received (拉新规则 / 入群规则).

Admission modes and the join queue, nickname format, welcome messages merged for
bursts, announcements, group families with overflow into siblings, the referral tree
with its depth limit, and flash groups' closing workflow. Policies are rows of the core
``rules`` table (see policies.py); the plugin's own tables are in migrations.py.

Console-facing functions (plain, take ``ws``) are re-exported from ``plugins.entry_rules.api``.
"""

from __future__ import annotations

from shequn import Event, Job, Kind, hookimpl, others_of

from . import flash, nickname, outcomes, overflow, welcome
from .admission import decide_request
from .migrations import MIGRATIONS
from .policies import PLUGIN, rule_kinds
from .queue import flag_waiting
from .seed import seed_defaults
from .settings import SECTION, EntryRulesSettings

__version__ = "0.1.0"


@hookimpl
def register_settings(register):
    register(SECTION, EntryRulesSettings)


@hookimpl
def register_migrations(register):
    for name, fn in MIGRATIONS:
        register(name, fn)


@hookimpl
def register_rule_kinds(register):
    for rk in rule_kinds():
        register(rk)


def _welcome_job(ws):
    return ws.enqueue(welcome.flush_due(ws), f"plugin:{PLUGIN}")


def _nickname_job(ws):
    return ws.enqueue(nickname.fix_due(ws), f"plugin:{PLUGIN}")


def _flash_job(ws):
    return ws.enqueue(flash.run(ws), f"plugin:{PLUGIN}")


JOBS = (
    Job("entry_rules.welcome", 5, _welcome_job, "send welcomes whose burst window has closed"),
    Job("entry_rules.nickname", 60, _nickname_job, "fix group nicknames whose grace period is over"),
    Job("entry_rules.flash", 60, _flash_job, "flash groups: countdown, closing, archiving"),
    Job("entry_rules.expiry", 60, outcomes.expire_due, "mark join requests the platform has forgotten expired"),
    Job("entry_rules.queue", 60, flag_waiting, "flag join requests waiting too long"),
)


@hookimpl
def register_jobs(register):
    for job in JOBS:
        register(job)


@hookimpl
def register_commands(cli):
    from .cli import entry_group
    from .joins_cli import joins_group

    cli.add_command(joins_group)
    cli.add_command(entry_group)


@hookimpl
def register_translations(register):
    from .i18n_audit import ZH_CN_AUDIT
    from .translations import ZH_CN

    register("zh-CN", ZH_CN)
    register("zh-CN", ZH_CN_AUDIT)  # audit-log actions (console/tui/audit_words.action_words)


@hookimpl
def workspace_opened(ws):
    seed_defaults(ws)


@hookimpl
def process_events(events, ws):
    proposals = []
    groups: dict[int, dict] = {}
    welcomes: list[tuple[dict, Event]] = []
    for e in others_of(events):  # joins, nickname changes and leaves: never a message
        if e.group_id is None or e.person_id is None or e.kind not in (Kind.JOIN, Kind.NICKNAME, Kind.LEAVE):
            continue
        g = groups.get(e.group_id)
        if g is None:
            g = groups[e.group_id] = ws.store.one("SELECT * FROM groups WHERE id = ?", (e.group_id,))
        evidence = f"{e.connection}:{e.id}"
        if e.kind == Kind.JOIN:
            if g["status"] == "active":
                welcomes.append((g, e))
                shown = e.data.get("card") or e.nickname or ""
                proposals += nickname.check_member(ws, g, e.person_id, shown, e.ts, evidence)
            _after_join(ws, g, e.person_id, evidence)
        elif e.kind == Kind.NICKNAME:
            new = e.data.get("new", e.nickname) or ""
            proposals += nickname.check_member(ws, g, e.person_id, new, e.ts, evidence)
        elif e.kind == Kind.LEAVE:
            ws.store.execute("UPDATE entry_nickname_checks SET status = 'left', resolved_at = ? WHERE group_id = ?"
                             " AND person_id = ? AND status IN ('reminded', 'fixing')", (e.ts, e.group_id, e.person_id))
    welcome.note_joins(ws, welcomes)  # reads memberships only: after the loop, in one go
    proposals += welcome.flush_due(ws)
    return proposals


def _after_join(ws, g, person_id, evidence):
    """A join made a group full: make sure its family has somewhere for the next newcomer;
    someone (not an insider) who joined a second sibling directly (not through a request) gets a task."""
    from .i18n import tr

    twin = overflow.sibling_member_of(ws, g, person_id)
    if twin is not None and not ws.store.scalar("SELECT is_insider FROM people WHERE id = ?", (person_id,), 0):
        # insiders (owner, admins, cheer squad, staff) serve every sibling: a new one is staffed with them
        name = ws.store.scalar("SELECT display_name FROM people WHERE id = ?", (person_id,), "")
        ws.add_task("duplicate_in_family", tr(ws, "{name} is in two groups of family {family}", name=name,
                                              family=g["family"]),
                    detail=tr(ws, "Member of {a} and {b}; remove them from one", a=twin["name"], b=g["name"]),
                    group_id=g["id"], person_id=person_id, source=f"plugin:{PLUGIN}",
                    dedupe_key=f"duplicate_in_family:{g['family']}:{person_id}")
    pol = overflow.policy_for(ws, g, "overflow")
    if g.get("family") and overflow.is_full(ws, ws.store.one("SELECT * FROM groups WHERE id = ?", (g["id"],)), pol):
        if overflow.next_with_room(ws, g) is None:
            overflow.ensure_sibling(ws, g, pol, evidence=evidence)


@hookimpl
def decide_join_request(request, ws):
    return decide_request(request, ws)


@hookimpl
def action_done(action, result, ws):
    if action["kind"] == "create_group":
        overflow.sibling_created(ws, action, result)
    elif action["kind"] == "set_card":
        nickname.set_card_done(ws, action)
    elif action["kind"] in ("approve_join", "reject_join"):
        outcomes.action_done(ws, action, result)  # the request's outcome is the platform's answer
    return None


@hookimpl
def register_screens(register):
    # The console imports the screen only when it opens it (Textual stays out of headless runs).
    from shequn import ScreenSpec

    register(ScreenSpec(id="workflows", title="Workflows", key="w", target="plugins.entry_rules.screens:WorkflowsScreen", order=50))
