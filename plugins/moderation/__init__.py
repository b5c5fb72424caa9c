"""moderation: conduct rules (言行规则), the penalty ladder (惩罚规则), cases, the
blacklist and the join-burst guard. Acts only through the host's outbox.

The hooks below are thin: the work lives in modules named for it (``matcher`` compiles
rules, ``live`` runs batches, ``penalize`` opens cases, ``cases`` reviews and undoes,
``dryrun`` replays history, ``raid`` guards joins, ``rulestore`` saves rules).
Console-facing functions are re-exported here.
"""

from __future__ import annotations

from shequn import Decision, Job, hookimpl

from .cases import add_note, blacklist_rows, case_detail, list_cases, review_case, undo_case
from .door import add_to_blacklist, blacklist_page, remove_from_blacklist
from .i18n import ZH_CN, tr
from .kinds import rule_kinds
from .raid import cooling, end_cooling, raid_groups
from .rulestore import get_rule, list_rules, save_rule, seed_builtin, set_rule_dry_run, set_rule_enabled
from .schema import MIGRATIONS
from .settings import SECTION, ModerationSettings, settings_of

__version__ = "0.1.0"

__all__ = ["list_cases", "case_detail", "undo_case", "add_note", "review_case", "blacklist_rows", "list_rules",
           "get_rule", "save_rule", "set_rule_enabled", "set_rule_dry_run", "dry_run", "raid_groups", "end_cooling",
           "add_to_blacklist", "remove_from_blacklist", "blacklist_page"]


def dry_run(ws, rule_name: str, since_ts: int, until_ts: int | None = None, *, config=None):
    """See :func:`plugins.moderation.dryrun.dry_run` (imported on first use: the matcher and
    its patterns are not needed to open the console)."""
    from .dryrun import dry_run as run

    return run(ws, rule_name, since_ts, until_ts, config=config)


@hookimpl
def register_settings(register):
    register(SECTION, ModerationSettings)


@hookimpl
def register_migrations(register):
    for name, fn in MIGRATIONS:
        register(name, fn)


@hookimpl
def register_rule_kinds(register):
    for rk in rule_kinds():
        register(rk)


@hookimpl
def register_translations(register):
    register("zh-CN", ZH_CN)


@hookimpl
def register_jobs(register):
    register(Job(name="moderation.raid_cooling", every=60.0, run=lambda ws: end_cooling(ws),
                 description="End join-burst cooling periods that are over and resolve their alerts."))
    register(Job(name="moderation.learn", every=86400.0, run=_learn,
                 description="Teach the second opinion again from the day's confirmed and overturned cases."))
    register(Job(name="moderation.second_look", every=300.0, run=_second_look,
                 description="Ask a person about new messages the rules let through that the second opinion doubts."))


def _second_look(ws) -> int:
    from .second_opinion import second_look
    from .settings import settings_of

    return second_look(ws, settings_of(ws))


def _learn(ws) -> int:
    from .second_opinion import learn
    from .settings import settings_of

    if not settings_of(ws).second_opinion:
        return 0
    return sum(v["bad"] for v in learn(ws).values())


@hookimpl
def register_commands(cli):
    from .cli import register

    register(cli)


@hookimpl
def workspace_opened(ws):
    seed_builtin(ws)


@hookimpl
def process_events(events, ws):
    from .live import process

    process(ws, events)
    return None  # actions are queued by penalize_all() itself under rule:NAME, linked to their case


@hookimpl(tryfirst=True)
def decide_join_request(request, ws):
    """The door check (入群前核查) before anyone is admitted: ``tryfirst``, so it answers
    before entry_rules' admission (firstresult: the first answer wins). A blacklisted
    applicant, or one with a standing penalty case anywhere in the operation within
    ``door_days``, is rejected or held as configured (the reason shown to them gives no
    details); a group cooling after a join burst holds every other request for a person."""
    gid, pid = request.get("group_id"), request.get("person_id")
    if gid is None or pid is None:
        return None
    from .door import door_check

    decision = door_check(ws, pid, gid, settings_of(ws))
    if decision is not None:
        return decision
    if cooling(ws, gid):
        return Decision("hold", tr(ws, "Joins are on manual approval for now; an admin will look at your request."),
                        rule="raid_guard")
    return None


@hookimpl
def action_done(action, result, ws):
    """An undo's invite that the platform refused (a platform-side blacklist, a full group)
    becomes a task for the owner, so the member is not silently left out."""
    if action.get("kind") != "invite" or action.get("status") != "failed" or not action.get("case_id"):
        return None
    if not str(action.get("evidence") or "").endswith(":undo"):
        return None
    from .cases import readmit_task_after_failed_invite

    readmit_task_after_failed_invite(ws, action, result.message)
    return None


@hookimpl
def register_screens(register):
    # The console imports the screen only when it opens it (Textual stays out of headless runs).
    from shequn import ScreenSpec

    register(ScreenSpec(id="moderation", title="Moderation", key="o", target="plugins.moderation.screens:ModerationScreen", order=60))
