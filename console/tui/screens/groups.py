"""Groups (社群): every group across platforms; filter as you type, sort, act in bulk.

``/`` opens the filter (k9s-style: every word must match name, theme, type, platform,
owner, tier or family; the key bar says typing goes there, Esc or Enter goes back to
the table); ``s`` cycles the sort column and ``S`` reverses it; space marks groups and
``*`` marks every group shown (after a filter: every match); bulk actions (send,
announce, set type) ask for confirmation naming the groups and how many members they
touch, then run in a worker with a progress bar. Enter opens a group's detail
(members, roles, policies, recent events, cases).
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input, ProgressBar

from .. import queries
from ..base import ShequnScreen
from ..decide import names
from ..dialogs import ConfirmScreen, PromptScreen
from ..keymap import bindings
from ..vtable import Column, ListSource, VirtualTable

SORTS = [("id", "added"), ("name", "name"), ("member_count", "members"), ("fill", "fill"),
         ("today_messages", "messages today"), ("platform", "platform"), ("type", "type")]


def staffing(row: dict[str, Any]) -> str:
    return f"A{row['admins']} C{row['cheer']}"


class GroupsScreen(ShequnScreen):
    MODE = "groups"
    TITLE_EN = "Groups"
    HELP = ("Every group across platforms. / filters as you type (all words must match; Enter or Esc goes back to "
            "the table), s sorts, S reverses, space marks groups for a bulk action and * marks every group shown, "
            "e sets their theme, tier and capacity, B schedules an announcement, enter opens a group. Bulk actions ask "
            "for confirmation naming the groups and show progress; actions a platform cannot do are disabled with the "
            "reason. Esc drops the marks, then clears the filter.")
    BINDINGS = bindings("groups.filter", "groups.sort", "groups.reverse", "groups.send", "groups.announce",
                        "groups.set_type", "groups.edit", "groups.schedule")
    GUARDED = {"send": "send", "announce": "announce", "set_type": "write", "edit_group": "write", "schedule": "write"}
    PALETTE = [("Filter groups", "screen.filter"), ("Send a message to the marked groups", "screen.send"),
               ("Announce in the marked groups", "screen.announce"), ("Set the group type", "screen.set_type")]
    DEFAULT_CSS = """
    GroupsScreen #filter { height: 3; display: none; }
    GroupsScreen #filter.shown { display: block; }
    GroupsScreen #progress { display: none; height: 1; padding: 0 1; }
    GroupsScreen #progress.shown { display: block; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.all: list[dict[str, Any]] = []
        self.sort_i = 0
        self.desc = False
        self.text = ""

    def body(self) -> ComposeResult:
        t = self.t
        yield Input(self.text, placeholder=t("filter: words in name, theme, type, platform, owner"), id="filter",
                    name="filter")
        yield VirtualTable([
            Column("name", "group"), Column("platform", "platform", 9, fmt=t),
            Column("type", "type", 7, fmt=t),
            Column("members", "members", 11, "right"),
            Column("owner", "owner", 10), Column("staff", "staffing", 8),
            Column("today_messages", "today", 6, "right"), Column("today_speakers", "speakers", 8, "right"),
        ], markable=True, id="table", empty="No groups match")
        yield ProgressBar(id="progress", show_eta=False)

    def refresh_data(self) -> None:
        self.load(queries.groups, self.ws, then=self._loaded)

    def _loaded(self, rows: list[dict[str, Any]]) -> None:
        for r in rows:
            r["members"] = f"{r['member_count']}/{r['capacity']}" if r["capacity"] else str(r["member_count"])
            r["staff"] = staffing(r)
        self.all = rows
        self._apply(keep=True)

    def _apply(self, keep: bool = False) -> None:
        rows = queries.filter_groups(self.all, self.text, self.t)
        key = SORTS[self.sort_i][0]
        rows = sorted(rows, key=lambda r: (r.get(key) is None, r.get(key) or 0 if key not in ("name", "platform", "type")
                                           else str(r.get(key) or "")), reverse=self.desc)
        table = self.query_one("#table", VirtualTable)
        table.set_source(ListSource(rows), keep_cursor=keep)
        self.sub_title = (f"{len(rows)}/{len(self.all)} · {self.t('sorted by')} {self.t(SORTS[self.sort_i][1])}"
                          f"{' ↓' if self.desc else ''}" + (f" · {self.t('filter')}{self.t(': ')}{self.text}" if self.text else ""))
        self.show_why()

    def group_ids_for_guard(self) -> list[int]:
        try:
            return [r["id"] for r in self.query_one("#table", VirtualTable).chosen]
        except Exception:
            return []

    def on_virtual_table_moved(self, event: VirtualTable.Moved) -> None:
        self.show_why()

    def open_row(self, table: VirtualTable, row: dict[str, Any]) -> None:
        self.app.open_group(row["id"])

    def export_columns(self, table: VirtualTable) -> list[Column]:
        """An export has the numbers apart (members, capacity, fill as a fraction), not "180/200"."""
        t = self.t
        return [Column("id", "id"), Column("name", "group"), Column("platform", "platform"),
                Column("type", "type", fmt=t), Column("theme", "theme"), Column("tier", "tier"),
                Column("family", "family"), Column("member_count", "members"), Column("capacity", "capacity"),
                Column("fill", "fill"), Column("owner", "owner"), Column("admins", "admin"),
                Column("cheer", "cheer"), Column("today_messages", "today"), Column("today_speakers", "speakers")]

    # --- filter and sort -----------------------------------------------------------------

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.add_class("shown")
        box.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.text = event.value
            self._apply()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.query_one("#table").focus()

    def leave_input(self, box: Input) -> None:
        if not box.value:
            box.remove_class("shown")

    def escape_more(self) -> None:
        """Esc with nothing marked: clear the filter."""
        box = self.query_one("#filter", Input)
        if self.text:
            box.value = ""
        box.remove_class("shown")

    def focus_on(self, text: Any) -> None:
        """Open the screen filtered (from the dashboard or palette)."""
        box = self.query_one("#filter", Input)
        box.add_class("shown")
        box.value = str(text)

    def action_sort(self) -> None:
        self.sort_i = (self.sort_i + 1) % len(SORTS)
        self._apply()

    def action_reverse(self) -> None:
        self.desc = not self.desc
        self._apply()

    # --- bulk actions ------------------------------------------------------------------------

    def action_edit_group(self) -> None:
        """e: theme, tier and capacity of the marked groups or the one under the cursor (console.tui.group_edit)."""
        from ..group_edit import edit_groups

        rows = self._chosen()
        if rows and self.guard("write", []):
            edit_groups(self, rows)

    def action_schedule(self) -> None:
        """B: an announcement at a time, in the marked groups or the one under the cursor (schedule_dialog)."""
        from ..schedule_dialog import schedule

        rows = self._chosen()
        if rows and self.guard("write", []):
            schedule(self, rows)

    def _chosen(self) -> list[dict[str, Any]]:
        rows = self.query_one("#table", VirtualTable).chosen
        if not rows:
            self.app.notify(self.t("No group selected"), severity="warning")
        return rows

    def action_send(self) -> None:
        self._bulk_text("send", "Message to send")

    def action_announce(self) -> None:
        self._bulk_text("announce", "Announcement to publish")

    def _bulk_text(self, kind: str, question: str) -> None:
        rows = self._chosen()
        if not rows or not self.guard(kind, [r["id"] for r in rows]):
            return

        def got_text(text: str | None) -> None:
            if not text:
                return
            people = sum(r["member_count"] for r in rows)
            q = self.t("{what} in {groups} groups ({people} members)?", what=self.t(kind), groups=len(rows),
                       people=people)
            detail = self.t("groups: {names}", names=names([r["name"] for r in rows])) + "\n" + text
            self.app.push_screen(ConfirmScreen(q, detail, yes=self.t("Confirm"), no=self.t("Cancel")),
                                 lambda ok: ok and self._run_bulk(kind, [r["id"] for r in rows], text))

        self.app.push_screen(PromptScreen(self.t(question)), got_text)

    def _run_bulk(self, kind: str, ids: list[int], text: str) -> None:
        from ..ops import act_on_groups

        bar = self.query_one("#progress", ProgressBar)
        bar.add_class("shown")
        bar.update(total=len(ids), progress=0)

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(bar.update, progress=done)

        def finished(_: Any) -> None:
            bar.remove_class("shown")
            self.query_one("#table", VirtualTable).marked.clear()

        params = {"text": text} if kind == "send" else {"content": text}
        self.do(act_on_groups, self.ws, kind, ids, self.t("by hand from the console"), params, progress,
                done=self.t("{n} actions queued", n=len(ids)), then=finished)

    def action_set_type(self) -> None:
        rows = self._chosen()
        if not rows or not self.guard("write", []):
            return

        def got(value: str | None) -> None:
            if not value:
                return
            mapping = {"traffic": "traffic", "welfare": "welfare", "flash": "flash", "引流群": "traffic",
                       "福利群": "welfare", "快闪群": "flash"}
            kind = mapping.get(value.strip())
            if kind is None:
                self.app.notify(self.t("Group type must be traffic, welfare or flash"), severity="error")
                return
            from ..ops import set_group_fields

            q = self.t("Set {n} groups to {type}?", n=len(rows), type=self.t(kind))
            was = {r["id"]: r["type"] for r in rows}

            def run() -> None:
                set_group_fields(self.ws, list(was), type=kind)
                self.app.call_from_thread(self.app.record, "set the type of {n} groups",
                                          [(r["name"], r["id"]) for r in rows],
                                          lambda gid: set_group_fields(self.ws, [gid], type=was[gid]) and "")

            self.app.push_screen(ConfirmScreen(q, self.t("groups: {names}", names=names([r["name"] for r in rows])),
                                               yes=self.t("Confirm"), no=self.t("Cancel")),
                                 lambda ok: ok and self.do(run, done=self.t("{n} groups set to {type}", n=len(rows),
                                                                            type=self.t(kind))))

        self.app.push_screen(PromptScreen(self.t("New group type (traffic, welfare, flash)")), got)
