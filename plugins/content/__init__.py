"""content: the operator's daily work, planned once and sent safely to every group
(DOMAIN.md, Content 内容规划).

- the library (素材库, library.py, transfer.py): texts and images tagged by purpose, group
  type, product and season, imported and exported as CSV or Markdown;
- scheduled posts (定时发送, schedules.py, planner.py, runs.py): recurring posts in the
  workspace's time zone with exceptions, previewed, queued through the outbox paced per
  account and group, with progress, failures and resume;
- the calendar (内容日历, calendar.py, holidays.py): themes, planned topics, gaps,
  collisions and the purpose mix;
- check-in points (签到/打卡, checkin.py) and keyword replies (关键词回复, keywords.py).

Console-facing functions are plain and take ``ws``; the CLI is ``shequn content``.
"""

from __future__ import annotations

from console.hookspecs import hookimpl
from console.registry import Job

from .migrations import MIGRATIONS
from .settings import SECTION, ContentSettings

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

    seed(ws)


def _queue_job(ws):
    from .queue import sync

    return sync(ws)


def _replies_job(ws):
    from .checkin import flush_replies

    return ws.enqueue(flush_replies(ws), REQUESTER)


def _topics_job(ws):
    from .topics import check

    return check(ws)


JOBS = (
    Job("content.queue", 300, _queue_job, "put the next day's scheduled posts in the outbox, paced; take back what "
                                          "the plan no longer wants"),
    Job("content.replies", 10, _replies_job, "reply to check-ins whose burst has closed"),
    Job("content.topics", 60, _topics_job, "track topics' participation; post the product link at the peak"),
)


@hookimpl
def process_events(events, ws):
    """Check-ins of the batch (points, streaks), replies whose burst has closed, keyword replies;
    messages counted per hour and, after a topic, per minute."""
    from .checkin import flush_replies, note_checkins
    from .keywords import answer
    from .topics import note_messages

    note_checkins(ws, events)
    note_messages(ws, events)
    return flush_replies(ws) + answer(ws, events)


@hookimpl
def action_done(action, result, ws):
    """A calendar topic the platform took starts being tracked."""
    if action["kind"] == "send" and action["status"] == "done" and action["requested_by"] == REQUESTER \
            and (action.get("evidence") or "").startswith("content:calendar:"):
        from .topics import started

        started(ws, action)
    return None


@hookimpl
def register_jobs(register):
    for job in JOBS:
        register(job)


@hookimpl
def register_commands(cli):
    from . import cli_calendar, cli_engage, cli_posts  # noqa: F401  (their verbs join the group)
    from .cli import content_group

    cli.add_command(content_group)


@hookimpl
def register_translations(register):
    from .translations import ZH_CN

    register("zh-CN", ZH_CN)


@hookimpl
def register_screens(register):
    # The console imports the screen only when it opens it (Textual stays out of headless runs).
    from console.registry import ScreenSpec

    register(ScreenSpec(id="content", title="Content", key="C", target="plugins.content.screens:ContentScreen",
                        order=65))


@hookimpl
def register_panels(register):
    from console.registry import PanelSpec

    register(PanelSpec(id="content", title="Content today", screen="dashboard",
                       target="plugins.content.panels:ContentPanel", order=20))
