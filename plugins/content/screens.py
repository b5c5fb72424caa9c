"""The Content screen (内容): the month's calendar with its gaps and collisions, the next 24
hours of scheduled posts, and runs with progress (stop and resume).

It only reads and asks: the plain functions of the plugin (calendar.month_view,
preview.slots, runs.runs/stop/resume) check, audit and queue; every read runs in a thread
worker. Textual is imported here only, and only the console imports this module.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.markup import escape as esc
from textual.app import ComposeResult
from textual.widgets import Static, TabbedContent, TabPane

from shequn.tui import Column, ListSource, ShequnScreen, VirtualTable, bindings, define, name_list

from .errors import purpose_word

define({"content.calendar": ("1", "tab('tab-calendar')", "calendar", False),
        "content.next": ("2", "tab('tab-next')", "next 24 hours", False),
        "content.runs": ("3", "tab('tab-runs')", "runs", False),
        "content.scripts": ("4", "tab('tab-scripts')", "scripts", False),
        "content.campaigns": ("5", "tab('tab-campaigns')", "invite campaigns", False),
        "content.previous_month": ("left_square_bracket", "month(-1)", "Previous month", True),
        "content.next_month": ("right_square_bracket", "month(1)", "Next month", True),
        "content.resume": ("R", "resume", "Resume", True),
        "content.stop": ("S", "stop", "Stop", True)})

TYPES = ("traffic", "welfare", "flash")
WEEKDAYS = ("", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def cell(t, c: dict[str, Any] | None) -> str:
    if c is None:
        return ""
    if c["gap"]:
        return "—"
    return ("⚠ " if c["collisions"] else "") + "；".join(x["title"] for x in c["topics"])


def month_rows(t, view: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per day: the group types' cells, then the families' in one."""
    families = [s for s in view["scopes"] if s.startswith("family:")]
    rows = []
    for d in view["days"]:
        row = {"id": d["day"], "day": d["day"][5:], "weekday": t(WEEKDAYS[d["weekday"]]),
               "holiday": "、".join(d["holidays"])}
        for gt in TYPES:
            row[gt] = cell(t, d["scopes"].get(f"type:{gt}"))
        row["families"] = families_cell(t, [(f[7:], cell(t, d["scopes"][f])) for f in families])
        rows.append(row)
    return rows


def families_cell(t, cells: list[tuple[str, str]]) -> str:
    """The families' day in one cell, families with the same plan named together: at 100
    groups the family column listed every family's "name: topic" and ran off the screen
    ("7天训练营快闪群: —  会员福利: —  健身打卡群: —  …"), though most share their day."""
    if len(cells) == 1:
        return f"{cells[0][0]}: {cells[0][1]}"
    by: dict[str, list[str]] = {}
    for name, value in cells:
        by.setdefault(value, []).append(name)
    if len(by) == 1:
        value = next(iter(by))
        return t("{cell} (all {n} families)", cell=value, n=len(cells))
    return "  ".join(f"{value}: {name_list(names, 3)}" for value, names in by.items())


def scope_word(t, scope: str) -> str:
    """A calendar view's name: a group type in the operator's words (引流群), a family by its name."""
    kind, _, name = scope.partition(":")
    return t(name) if kind == "type" else name


def summary(t, view: dict[str, Any], lang: str = "en") -> str:
    ahead = view.get("gaps_ahead") or {}
    # views with the same figures named together (at 100 groups one per view wrapped mid-item)
    alike: dict[tuple[int, int], list[str]] = {}
    for s, n in view["gaps"].items():
        alike.setdefault((n, ahead.get(s, n)), []).append(scope_word(t, s))
    gaps = "  ".join(f"{name_list(names, 8)} {n}" + (t(" ({n} from today on)", n=left) if left != n else "")
                     for (n, left), names in alike.items())
    out = [f"[b]{esc(t('Gaps'))}[/]{t(': ')}{esc(gaps) or '—'}"]  # ': ' is the host's (：in Chinese)
    for c in view["collisions"][:3]:
        out.append("⚠ " + esc(t("Collision in {scope}: {title} on {first} and {second} ({days} days apart)",
                                  scope=scope_word(t, c["scope"]), title=c["title"], first=c["first"],
                                  second=c["second"], days=c["days"])))
    mix = view["mix"]
    parts = []
    for p in ("activation", "conversion", "brand"):
        share, target = mix["share"][p], mix["target"][p]
        bar = "█" * int(round(share * 10)) + "░" * (10 - int(round(share * 10)))
        # its own words: the host's "target" is an audit row's object (对象), not an aim
        parts.append(f"{esc(purpose_word(t, lang, p))} {bar} "
                     + esc(t("{share} (target {target})", share=f"{share:.0%}", target=f"{target:.0%}")))
    out.append(f"[b]{esc(t('Purpose mix'))}[/]{t(': ')}" + "   ".join(parts))
    return "\n".join(out)


class ContentScreen(ShequnScreen):
    MODE = "content"
    TITLE_EN = "Content"
    HELP = ("The content calendar of a month per group type and family: each day's topics, gaps (—, no topic "
            "planned) and collisions (⚠, the same library item twice within a few days), holidays and the purpose "
            "mix against its target; [ and ] change the month. The next 24 hours of scheduled posts, one line per "
            "schedule and time, with why posts are held back. Runs with their progress: S stops what has not been "
            "sent, R resumes failed and stopped posts. Scripts tested against each other: each version's posts, trials and "
            "rate, and whether the difference is more than chance. Invite campaigns: progress per member towards the "
            "goal. 1-5 switch tabs; enter opens a row.")
    BINDINGS = bindings("content.calendar", "content.next", "content.runs", "content.scripts", "content.campaigns",
                        "content.previous_month",
                        "content.next_month", "content.resume", "content.stop")
    GUARDED = {"resume": "write", "stop": "write"}
    ACTION_TABLES = {"resume": "runs", "stop": "runs"}
    PALETTE = [("Show the content calendar", "screen.tab('tab-calendar')"),
               ("Show the next 24 hours of scheduled posts", "screen.tab('tab-next')")]
    DEFAULT_CSS = """
    ContentScreen #calendar-summary { height: auto; max-height: 5; padding: 0 1; }
    ContentScreen #slot-notes { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
    ContentScreen #script-statement { height: auto; max-height: 5; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.month = ""
        self.slots: list[dict[str, Any]] = []

    def body(self) -> ComposeResult:
        t = self.t
        with TabbedContent(id="tabs"):
            with TabPane(t("calendar"), id="tab-calendar"):
                yield VirtualTable([Column("day", "day", 6), Column("weekday", "weekday", 7),
                                    Column("holiday", "holiday", 8), Column("traffic", "traffic", 14),
                                    Column("welfare", "welfare", 14), Column("flash", "flash", 12),
                                    Column("families", "families")], id="calendar", empty="No groups yet")
                yield Static("", id="calendar-summary")
            with TabPane(t("next 24 hours"), id="tab-next"):
                yield VirtualTable([Column("time", "time", 17), Column("name", "schedule", 16),
                                    Column("groups", "number of groups", 7, "right"), Column("shown_states", "states"),
                                    Column("spread", "spread over", 11, "right")], key="key", id="next",
                                   empty="Nothing is scheduled in the next 24 hours")
                yield Static("", id="slot-notes")
            with TabPane(t("runs"), id="tab-runs"):
                yield VirtualTable([Column("time", "time", 17), Column("name", "schedule", 16),
                                    Column("progress", "sent", 9, "right"), Column("waiting", "waiting to send", 8, "right"),
                                    Column("failed", "failed", 7, "right"), Column("stopped", "stopped", 7, "right"),
                                    Column("task", "task", 6, "right"), Column("skipped", "skipped", 7, "right")],
                                   id="runs", empty="No scheduled post has run yet")
            with TabPane(t("scripts"), id="tab-scripts"):
                yield VirtualTable([Column("script", "script", 12), Column("label", "version", 9), Column("what", "text"),
                                    Column("exposures", "sent", 6, "right"), Column("trials", "trials", 8, "right"),
                                    Column("rate", "rate", 7, "right")], key="key", id="scripts",
                                   empty="No script is tested yet")
                yield Static("", id="script-statement")
            with TabPane(t("invite campaigns"), id="tab-campaigns"):
                yield VirtualTable([Column("campaign", "invite campaign", 26), Column("rank", "rank", 5, "right"),
                                    Column("name", "name", 16), Column("progress", "progress", 9, "right"),
                                    Column("points", "points", 7, "right"),
                                    Column("not_counted", "not counted", 8, "right")], key="key", id="campaigns",
                                   empty="No invite campaign yet")

    def refresh_data(self) -> None:
        self.load(self._read, self.month, then=self._show)

    def _read(self, month: str) -> dict[str, Any]:
        from .calendar import month_view
        from .preview import slots
        from .runs import runs, state_text

        ws = self.ws
        month = month or ws.day(ws.now())[:7]
        view = month_view(ws, month)
        nxt = slots(ws, 24)
        for s in nxt:
            s["key"] = f"{s['source']}:{s['fire_at']}"
            s["shown_states"] = "  ".join(f"{state_text(ws, k)} {v:,}" for k, v in s["states"].items())
        from .screen_data import campaign_rows, script_rows

        return {"month": month, "view": view, "next": nxt, "runs": runs(ws, limit=200), "scripts": script_rows(ws),
                "campaigns": campaign_rows(ws)}

    def _show(self, d: dict[str, Any]) -> None:
        t = self.t
        self.month = d["month"]
        self.slots = d["next"]
        self.query_one("#calendar", VirtualTable).set_source(ListSource(month_rows(t, d["view"])), keep_cursor=True)
        self.query_one("#calendar-summary", Static).update(summary(t, d["view"], self.app.lang))
        self.query_one("#next", VirtualTable).set_source(ListSource(d["next"]), keep_cursor=True)
        self.query_one("#runs", VirtualTable).set_source(ListSource(d["runs"]), keep_cursor=True)
        self.query_one("#scripts", VirtualTable).set_source(ListSource(d["scripts"]), keep_cursor=True)
        self.query_one("#campaigns", VirtualTable).set_source(ListSource(d["campaigns"]), keep_cursor=True)
        if d["scripts"]:
            self.query_one("#script-statement", Static).update(esc(d["scripts"][0]["statement"]))
        posts = sum(s["groups"] for s in d["next"])
        gaps = sum(d["view"]["gaps_ahead"].values())  # what is left to plan: past days are a record
        self.sub_title = t("{month}: {gaps} gaps from today on; {posts} posts in the next 24 hours", month=d["month"],
                           gaps=f"{gaps:,}", posts=f"{posts:,}")
        self.show_why()

    def action_tab(self, tab: str) -> None:
        self.query_one("#tabs", TabbedContent).active = tab

    def action_month(self, step: int) -> None:
        current = date.fromisoformat((self.month or self.ws.day(self.ws.now())[:7]) + "-01")
        y, m = divmod(current.year * 12 + current.month - 1 + int(step), 12)
        self.month = f"{y:04d}-{m + 1:02d}"
        self.refresh_data()

    def on_virtual_table_moved(self, event: VirtualTable.Moved) -> None:
        if event.table.id == "next" and event.row:
            from .preview import note_text  # noqa: F401  (the notes are words already)

            notes = event.row.get("notes") or {}
            self.query_one("#slot-notes", Static).update(esc("; ".join(f"{k} ({v:,})" for k, v in notes.items())))
        if event.table.id == "scripts" and event.row:
            self.query_one("#script-statement", Static).update(esc(event.row.get("statement") or ""))
        self.show_why()

    def describe(self, table_id: str, row: dict[str, Any]) -> dict[str, Any]:
        from shequn.tui import field_lines

        t = self.t
        if table_id == "runs":
            from .preview import note_text
            from .runs import posts, state_text

            lines = [f"{esc(p['group_name'])}  {esc(state_text(self.ws, p['state']))}"
                     + (f"  {esc(p['error'])}" if p["error"] else "")
                     + (f"  {esc(note_text(self.ws, p['note']))}" if p["note"] else "")
                     for p in posts(self.ws, row["id"])]
            return {"title": f"{row['time']} {row['name']}", "body": lines, "links": {}}
        if table_id == "next":
            from .preview import posts

            lines = [f"{p['time']}  {esc(p['group'])}  {esc(self.t(p['state']))}  {esc(p['text'][:60])}"
                     for p in posts(self.ws, 24) if f"{p['source']}:{p['fire_at']}" == row["key"]]
            return {"title": f"{row['time']} {row['name']}", "body": lines, "links": {}}
        if table_id == "scripts":
            return {"title": f"{row['name']} {row['label']}", "body": [esc(row["what"]), "", esc(row["statement"])],
                    "links": {}}
        return {"title": t("calendar"), "body": field_lines(row, t), "links": {}}

    def _run(self) -> dict[str, Any] | None:
        rows = self.chosen("runs")
        return rows[0] if rows else None

    def action_resume(self) -> None:
        r = self._run()
        if r and self.guard("write", []):
            from .runs import resume

            self.do(lambda: resume(self.ws, r["id"]), done=self.t("Resumed"))

    def action_stop(self) -> None:
        r = self._run()
        if r and self.guard("write", []):
            from .runs import stop

            self.do(lambda: stop(self.ws, r["id"]), done=self.t("Stopped"))
