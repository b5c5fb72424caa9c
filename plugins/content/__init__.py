"""content: the operator's daily work, planned once and sent safely to every group
(DOMAIN.md, Content 内容规划).

- the library (素材库, library.py, transfer.py): texts and images tagged by purpose, group
  type, product and season, imported and exported as CSV or Markdown;
- scheduled posts (定时发送, schedules.py, planner.py, runs.py): recurring posts in the
  workspace's time zone with exceptions, previewed, queued through the outbox paced per
  account and group, with progress, failures and resume;
- the calendar (内容日历, calendar.py, holidays.py): themes, planned topics, gaps,
  collisions and the purpose mix;
- check-in points (签到/打卡, checkin.py) and keyword replies (关键词回复, keywords.py);
- scripts tested against each other (话术 A/B, scripts.py, script_results.py, abstats.py);
- the entry ritual (self-introductions, intros.py) and unanswered questions in the owner's
  queue (questions.py); invite campaigns (拉新任务, campaigns.py).

Console-facing functions are plain and take ``ws``; the CLI is ``shequn content``.
"""

from __future__ import annotations

from shequn import Job, hookimpl

from .migrations import MIGRATIONS
from .settings import SECTION, ContentSettings, state_of

__version__ = "0.1.0"
PLUGIN = "content"
REQUESTER = f"plugin:{PLUGIN}"


@hookimpl
def register_settings(register):
    register(SECTION, ContentSettings)


@hookimpl
def register_migrations(register):
    for name, fn in MIGRATIONS:
        register(name, fn)


@hookimpl
def workspace_opened(ws):
    from .holidays import seed
    from .scripts import hook_welcome

    seed(ws)
    hook_welcome()  # welcome scripts: the entry rules ask choose_welcome for each single welcome


def _queue_job(ws):
    from .queue import sync

    return sync(ws)


def _replies_job(ws):
    from .checkin import flush_replies

    return ws.enqueue(flush_replies(ws), REQUESTER)


def _topics_job(ws):
    from .topics import check

    return check(ws)


def _ritual_job(ws):
    from .intros import flush_prompts
    from .questions import check
    from .script_results import close

    close(ws)
    check(ws)
    state_of(ws)["prompt_due"] = None  # read again: another process may have noted newcomers
    return ws.enqueue(flush_prompts(ws), REQUESTER)


JOBS = (
    Job("content.queue", 300, _queue_job, "put the next day's scheduled posts in the outbox, paced; take back what "
                                          "the plan no longer wants"),
    Job("content.replies", 10, _replies_job, "reply to check-ins whose burst has closed"),
    Job("content.topics", 60, _topics_job, "track topics' participation; post the product link at the peak"),
    Job("content.ritual", 60, _ritual_job, "self-introduction prompts after welcomes; unanswered questions into the "
                                           "owner's queue; close scripts' measuring hours"),
)


@hookimpl
def process_events(events, ws):
    """Check-ins of the batch (points, streaks), replies whose burst has closed, keyword replies;
    messages counted per hour and, after a topic or a script's post, per minute; newcomers,
    their introductions and invite campaigns' joins; questions and insiders' answers."""
    from . import campaigns, intros, questions, script_results
    from .checkin import flush_replies, note_checkins
    from .keywords import answer
    from .topics import note_messages

    note_checkins(ws, events)
    note_messages(ws, events)
    script_results.note_messages(ws, events)
    intros.note_joins(ws, events)
    intros.note_messages(ws, events)
    campaigns.note_joins(ws, events)
    replies = answer(ws, events)
    questions.note(ws, events, replies)
    return flush_replies(ws) + replies + intros.flush_prompts(ws)


@hookimpl
def action_done(action, result, ws):
    """A calendar topic the platform took starts being tracked; a post script's version the
    platform took starts being measured."""
    if action["kind"] == "send" and action["status"] == "done" and action["requested_by"] == REQUESTER:
        evidence = action.get("evidence") or ""
        if evidence.startswith("content:calendar:"):
            from .topics import started

            started(ws, action)
        if evidence.startswith(("content:calendar:", "content:schedule:")):
            from .scripts import record_post

            record_post(ws, action)
    return None


@hookimpl
def register_jobs(register):
    for job in JOBS:
        register(job)


@hookimpl
def register_commands(cli):
    from . import cli_calendar, cli_campaigns, cli_engage, cli_posts, cli_scripts  # noqa: F401  (verbs join the group)
    from .cli import content_group

    cli.add_command(content_group)


@hookimpl
def register_translations(register):
    from .translations import ZH_CN

    register("zh-CN", ZH_CN)


@hookimpl
def register_screens(register):
    # The console imports the screen only when it opens it (Textual stays out of headless runs).
    from shequn import ScreenSpec

    register(ScreenSpec(id="content", title="Content", key="C", target="plugins.content.screens:ContentScreen",
                        order=65))


@hookimpl
def register_panels(register):
    from shequn import PanelSpec

    register(PanelSpec(id="content", title="Content today", screen="dashboard",
                       target="plugins.content.panels:ContentPanel", order=20))
