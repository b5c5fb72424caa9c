"""Schedule an announcement (群公告) from the keyboard: ``B`` on Groups (the marked groups, or
the one under the cursor) or on a group's page (that group), or "Schedule announcement"
in the palette.

One dialog asks for the title, the text and the time; everything is checked there
(an empty title or text, a text over the entry_rules limit, a time that cannot be read,
has passed or is more than 90 days ahead are said under the box, naming the field and
what it expects) before the confirmation, which names the groups and the time in the
operator's zone. Saving calls the entry_rules plugin's own code (``api.draft_announcement``
then ``api.publish_announcement(..., at=)``, as ``shequn entry announce publish --at``
does): one ``announce`` action per group with its time (``not_before``), which the outbox
holds until then; a platform that cannot post announcements gets a do-by-hand task from
the outbox. ``z`` takes it back while the time has not come (the actions are cancelled).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from .dialogs import MODAL_CSS

#: how far ahead an announcement can be scheduled
MAX_DAYS = 90
_FORMS = "HH:MM, MM-DD HH:MM, YYYY-MM-DD HH:MM, +30m, +2h or +1d"


class WhenProblem(ValueError):
    """A time that cannot be used, in words with their values (translated when shown)."""

    def __init__(self, template: str, **values: Any):
        super().__init__(template.format(**values))
        self.template, self.values = template, values


def parse_when(text: str, now: int, tz: Any) -> int:
    """The time typed, as a unix time: ``21:30`` (today, or tomorrow once it has passed),
    ``11-19 09:00``, ``2024-11-19 09:00``, ``明天 09:00`` / ``tomorrow 09:00``, or ``+30m``
    ``+2h`` ``+1d`` from now. Refused (WhenProblem) when unreadable, past or too far ahead."""
    s = (text or "").strip().replace("：", ":").replace("T", " ")
    if not s:
        raise WhenProblem("time: give a time ({forms})", forms=_FORMS)
    base = datetime.fromtimestamp(now, tz)
    at: datetime | None = None
    m = re.fullmatch(r"\+\s*(\d{1,4})\s*([mhd])", s)
    if m:
        n, unit = int(m.group(1)), m.group(2)
        at = base + timedelta(**{{"m": "minutes", "h": "hours", "d": "days"}[unit]: n})
    else:
        day_word = None
        for words, days in ((("tomorrow", "明天"), 1), (("today", "今天"), 0)):
            for w in words:
                if s.lower().startswith(w):
                    day_word, s = days, s[len(w):].strip()
        try:
            if re.fullmatch(r"\d{1,2}:\d{2}", s):
                hh, mm = (int(x) for x in s.split(":"))
                at = base.replace(hour=hh, minute=mm, second=0, microsecond=0)
                if day_word is not None:  # "today 11:00" at noon has passed: said so below
                    at += timedelta(days=day_word)
                elif at <= base:
                    at += timedelta(days=1)  # 09:00 typed at noon: tomorrow's
            elif day_word is None and re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{2}", s):
                at = datetime.strptime(s, "%Y-%m-%d %H:%M").replace(tzinfo=tz)
            elif day_word is None and re.fullmatch(r"\d{1,2}-\d{1,2} \d{1,2}:\d{2}", s):
                at = datetime.strptime(f"{base.year}-{s}", "%Y-%m-%d %H:%M").replace(tzinfo=tz)
                if at <= base - timedelta(days=1):  # 01-05 typed in December: next year's
                    at = at.replace(year=base.year + 1)
        except ValueError:
            at = None
    if at is None:
        raise WhenProblem("time: {typed!r} is not a time; expected {forms}", typed=text.strip(), forms=_FORMS)
    ts = int(at.timestamp())
    if ts <= now:
        raise WhenProblem("time: {when} has passed (it is {now} now)", when=at.strftime("%Y-%m-%d %H:%M"),
                          now=base.strftime("%Y-%m-%d %H:%M"))
    if ts > now + MAX_DAYS * 86400:
        raise WhenProblem("time: {when} is more than {days} days ahead", when=at.strftime("%Y-%m-%d %H:%M"),
                          days=MAX_DAYS)
    return ts


def when_words(ts: int, now: int, tz: Any, t: Any) -> str:
    """"2024-11-19 09:00 (tomorrow)" in the operator's zone."""
    at, base = datetime.fromtimestamp(ts, tz), datetime.fromtimestamp(now, tz)
    days = (at.date() - base.date()).days
    rel = {0: t("today"), 1: t("tomorrow")}.get(days, t("in {n} days", n=days))
    return f"{at.strftime('%Y-%m-%d %H:%M')} ({rel})"


def check(ws: Any, title: str, text: str, when: str) -> int:
    """Everything the entry_rules plugin would refuse, and the time; the unix time when all is well."""
    from plugins.entry_rules.announcements import MAX_LENGTH

    if not title.strip():
        raise WhenProblem("title: give the announcement a title")
    if not text.strip():
        raise WhenProblem("text: the announcement has no text")
    if len(text.strip()) > MAX_LENGTH:
        raise WhenProblem("text: {n} characters; the limit is {max}", n=len(text.strip()), max=MAX_LENGTH)
    return parse_when(when, ws.now(), ws.tz)


def publish(ws: Any, title: str, text: str, group_ids: list[int], at: int) -> list[dict[str, Any]]:
    """(In a worker) draft and publish through the entry_rules plugin: one action per group, held until ``at``."""
    from plugins.entry_rules import api

    aid = api.draft_announcement(ws, title.strip(), text.strip())
    rows = api.publish_announcement(ws, aid, [str(g) for g in group_ids], at=at)
    for r in rows:
        r["announcement_id"] = aid
    return rows


def unschedule(ws: Any, action_id: int) -> str:
    """Undo one group's scheduled announcement: its action cancelled while it still waits."""
    with ws.store.write() as c:
        row = c.execute("SELECT status FROM actions WHERE id = ?", (action_id,)).fetchone()
        if row is None:
            raise ValueError(f"action {action_id} does not exist")
        if row[0] != "pending":
            raise ValueError(f"action {action_id} is {row[0]} now: it was published, and cannot be taken back")
        c.execute("UPDATE actions SET status = 'cancelled', last_error = ?, updated_at = ? WHERE id = ? AND status ="
                  " 'pending'", (f"cancelled: operator:{ws.operator} undid the schedule", ws.now(), action_id))
        ws.audit("announcement_unscheduled", "action", action_id)
    return ""


class ScheduleScreen(ModalScreen[tuple[str, str, int] | None]):
    """Title, text, time; Enter moves to the next box and, in the last, checks everything.
    A problem is said under the boxes and the dialog stays; Esc cancels."""

    DEFAULT_CSS = MODAL_CSS % (("ScheduleScreen",) * 5) + """
    ScheduleScreen #problem { color: $error; height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="schedule.cancel")]

    def __init__(self, ws: Any, question: str):
        super().__init__()
        self.ws, self.question = ws, question

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical():
            yield Label(self.question)
            yield Input(placeholder=t("title"), id="title", name="title")
            yield Input(placeholder=t("announcement text"), id="text", name="text")
            yield Input(placeholder=t("time: 21:30, 11-19 09:00, tomorrow 09:00, +2h"), id="when", name="time")
            yield Static("", id="problem")
            yield Static("✎ " + t("Enter: next box, then check · Esc cancels"), classes="muted", markup=False)

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        order = ["title", "text", "when"]
        i = order.index(event.input.id or "title")
        if i < len(order) - 1:
            self.query_one(f"#{order[i + 1]}", Input).focus()
            return
        title, text, when = (self.query_one(f"#{k}", Input).value for k in order)
        try:
            at = check(self.ws, title, text, when)
        except WhenProblem as e:
            values = {k: (self.app.t(v) if k == "forms" else v) for k, v in e.values.items()}
            self.query_one("#problem", Static).update(escape(self.app.t(e.template, **values)))
            field = e.template.split(":", 1)[0]
            self.query_one("#" + {"title": "title", "text": "text"}.get(field, "when"), Input).focus()
            return
        self.dismiss((title.strip(), text.strip(), at))

    def action_cancel(self) -> None:
        self.dismiss(None)


def schedule(screen: Any, groups: list[dict[str, Any]]) -> None:
    """Ask, check, confirm naming the groups and the time, publish, say it (and let z take it back)."""
    from .decide import names
    from .dialogs import ConfirmScreen

    app, ws, t = screen.app, screen.ws, screen.t
    if not groups:
        return
    if ws.pm.get_plugin("entry_rules") is None:
        app.notify(t("Scheduling announcements needs the entry_rules plugin"), severity="warning")
        return
    label = names([g["name"] for g in groups])
    n = len(groups)
    question = t("Schedule an announcement in {group}", group=groups[0]["name"]) if n == 1 else t(
        "Schedule an announcement in {n} groups", n=n)

    def chosen(answer: tuple[str, str, int] | None) -> None:
        if not answer:
            return
        title, text, at = answer
        when = when_words(at, ws.now(), ws.tz, t)
        q = t("Publish “{title}” in {group} at {when}?", title=title, group=groups[0]["name"], when=when) if n == 1 \
            else t("Publish “{title}” in {n} groups at {when}?", title=title, n=n, when=when)
        detail = t("groups: {names}", names=label) + "\n" + text

        def run() -> list[dict[str, Any]]:
            rows = publish(ws, title, text, [g["id"] for g in groups], at)
            by_id = {g["id"]: g["name"] for g in groups}
            app.call_from_thread(app.record, "schedule an announcement in {n} groups",
                                 [(by_id.get(r["group_id"], "?"), r["action_id"]) for r in rows],
                                 lambda aid: unschedule(ws, aid))
            return rows

        done = t("Announcement scheduled in {group} for {when}", group=groups[0]["name"], when=when) if n == 1 else \
            t("Announcement scheduled in {n} groups for {when}", n=n, when=when)
        app.push_screen(ConfirmScreen(q, detail, yes=t("Schedule"), no=t("Cancel")),
                        lambda ok: ok and screen.do(run, done=done))

    app.push_screen(ScheduleScreen(ws, question), chosen)
