"""Members (群成员): search 500,000 people by name, nickname, platform id or tag, with no stall.

The table is a :class:`VirtualTable` over :class:`queries.MembersSource`: only the page
on screen is read (LIMIT/OFFSET on the primary key), in a thread worker. Typing in the
search box waits 250 ms for the next key before searching, so a fast typist triggers
one search, not ten. Enter opens a person's profile.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input

from .. import people_queries as queries
from ..base import ShequnScreen
from ..keymap import bindings
from ..link_flow import start_link, start_unlink
from ..vtable import PAGE, Column, VirtualTable


class MembersScreen(ShequnScreen):
    MODE = "members"
    TITLE_EN = "Members"
    HELP = ("Everyone in your groups, across platforms. / searches by name, nickname, group nickname, platform id "
            "(exact), tag (e.g. churned) or person id; enter opens the profile: identities, groups, roles, tags "
            "with provenance, segment and why, orders, cases, referral tree. L links the person with another account "
            "of theirs (suggestions: the same phone in orders, the same nickname in one family), U unlinks one, z "
            "undoes. Esc leaves the search box, then clears the search.")
    BINDINGS = bindings("members.search", "members.link", "members.unlink")
    GUARDED = {"link": "write", "unlink": "write"}
    PALETTE = [("Search members", "screen.search"), ("Link accounts", "screen.link"), ("Unlink account", "screen.unlink")]
    DEFAULT_CSS = "MembersScreen #search { height: 3; }"

    def __init__(self) -> None:
        super().__init__()
        self.search = ""
        self._timer = None

    def body(self) -> ComposeResult:
        yield Input(self.search, placeholder=self.t("search: name, nickname, platform id, tag"), id="search",
                    name="search")
        yield VirtualTable([Column("id", "id", 7, "right"), Column("name", "member"),
                            Column("identities", "platform ids"), Column("groups", "groups", 6, "right"),
                            Column("segment", "segment", 9, fmt=self.t), Column("city", "city", 8)],
                           id="table", empty="Nobody matches")

    @staticmethod
    def prefetch(ws) -> tuple[int, list]:
        """The count and first page, read while the operator is still on another screen
        (the app does it once, in a thread, soon after start-up): the screen then opens
        with its rows in the first frame, and reads them again at once."""
        source = queries.MembersSource(ws, "")
        return source.count(), source.rows(0, PAGE)

    def refresh_data(self) -> None:
        table = self.query_one("#table", VirtualTable)
        if table.source is None:
            pre = self.app.prefetched.pop(self.MODE, None) if not self.search else None
            table.set_source(queries.MembersSource(self.ws, self.search), preloaded=pre)
        elif getattr(table.source, "search", None) != self.search:
            table.set_source(queries.MembersSource(self.ws, self.search))
        else:
            table.set_source(queries.MembersSource(self.ws, self.search), keep_cursor=True)

    def live_changed(self) -> None:
        """New people arrive all the time; re-reading the page under the cursor is enough."""
        self.refresh_data()

    def on_virtual_table_loaded(self, event: VirtualTable.Loaded) -> None:
        count = self.t("1 person") if event.total == 1 else self.t("{n} people", n=f"{event.total:,}")
        self.sub_title = count + (f" · “{self.search}”" if self.search else "")

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        value = event.value.strip()
        self._timer = self.set_timer(0.25, lambda: self._search(value))

    def _search(self, value: str) -> None:
        if value != self.search:
            self.search = value
            self.refresh_data()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._search(event.value.strip())
        self.query_one("#table").focus()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def escape_more(self) -> None:
        """Esc in the table with nothing marked: clear the search."""
        if self.search or self.query_one("#search", Input).value:
            self.query_one("#search", Input).value = ""
            self._search("")

    def focus_on(self, text) -> None:
        self.query_one("#search", Input).value = str(text)
        self._search(str(text))

    def open_row(self, table: VirtualTable, row: dict[str, Any]) -> None:
        self.app.open_person(row["id"])

    def _person(self) -> int | None:
        row = self.query_one("#table", VirtualTable).current_row
        if row is None:
            self.app.notify(self.t("Select a person first"), severity="warning")
        return row["id"] if row else None

    def action_link(self) -> None:
        if (pid := self._person()) is not None:
            start_link(self, pid)

    def action_unlink(self) -> None:
        if (pid := self._person()) is not None:
            start_unlink(self, pid)
