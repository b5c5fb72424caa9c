"""What every console screen does with its tables: focus, Esc, the row under the cursor,
marks, the detail view and bulk acts (a mixin of ``ShequnScreen``).

The screen opens with its table focused (the table of the active tab on a tabbed
screen, again after every tab switch and language switch), so j/k and the arrows move
at once. Esc always goes back to normal mode: out of a filter or search box, then it
drops the marks, then the screen's own ``escape_more`` (clear a filter, go back). An
action acts on the focused, visible table only (``chosen``; ``ACTION_TABLES`` hides an
action while another tab shows).
"""

from __future__ import annotations

from typing import Any, Callable

from textual.widgets import Input, TabbedContent

from .keybar import KeyBar
from .vtable import VirtualTable


class TableKeys:
    """Tables, focus and marks for a screen (see the module's docstring)."""

    # --- focus, the visible table, Esc ------------------------------------------------------

    def main_table(self) -> VirtualTable | None:
        """The table shown now: on a tabbed screen the active tab's, else the first one."""
        try:
            tabs = self.query_one(TabbedContent)
        except Exception:
            tabs = None
        if tabs is not None and tabs.active:
            try:
                return tabs.get_pane(tabs.active).query(VirtualTable).first()
            except Exception:
                return None
        try:
            return self.query(VirtualTable).first()
        except Exception:
            return None

    def focus_main(self) -> None:
        table = self.main_table()
        if table is not None:
            table.focus()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """A tab switch puts the focus in that tab's table (arrows and j/k move there)."""
        self.call_later(self.focus_main)
        self.call_later(self.refresh_bindings)

    def active_table(self, table_id: str) -> VirtualTable | None:
        """The table ``table_id`` when it is the one shown, else None."""
        table = self.main_table()
        return table if table is not None and table.id == table_id else None

    def action_normal(self) -> None:
        """Esc: out of a filter or prompt box, then drop the marks, then the screen's own."""
        focused = self.focused
        if isinstance(focused, Input):
            self.leave_input(focused)
            self.focus_main()
            return
        table = self.main_table()
        if table is not None and table.clear_marks():
            return
        self.escape_more()

    def leave_input(self, box: Input) -> None:
        """Esc in a text box (override: hide a filter box)."""

    def escape_more(self) -> None:
        """Esc in normal mode with nothing marked (override: clear a filter, go back)."""
        if len(self.app.screen_stack) > 1 and not self.MODE:
            self.app.pop_screen()

    def typing_in(self) -> str:
        """What the focused text box is for ("filter"), or "" in normal mode (the key bar says it)."""
        focused = self.focused
        if isinstance(focused, Input):
            return focused.name or focused.id or "text"
        return ""

    # --- rows: open, detail, marks ------------------------------------------------------------

    def on_virtual_table_opened(self, event: VirtualTable.Opened) -> None:
        self.open_row(event.table, event.row)

    def on_virtual_table_detail_asked(self, event: VirtualTable.DetailAsked) -> None:
        self.show_detail(event.table, event.row)

    def on_virtual_table_marked(self, event: VirtualTable.Marked) -> None:
        try:
            self.query_one(KeyBar).refresh()
        except Exception:
            pass
        self.show_why()

    def open_row(self, table: VirtualTable, row: dict[str, Any]) -> None:
        """Enter on a row (override): by default its detail view."""
        self.show_detail(table, row)

    def show_detail(self, table: VirtualTable, row: dict[str, Any]) -> None:
        """The row's detail view: ``describe`` reads it in a worker, then it is shown."""
        from .detail import DetailScreen

        self.load(self.describe, table.id or "", dict(row), then=lambda d: self.app.push_screen(DetailScreen(**d)),
                  group="detail")

    def describe(self, table_id: str, row: dict[str, Any]) -> dict[str, Any]:
        """(In a worker) what the detail view of a row shows: ``title``, ``body`` lines and
        ``links`` ({"group": id, "person": id}). Override per table; this lists the fields."""
        from .detail import field_lines

        return {"title": self.t(self.TITLE_EN), "body": field_lines(row, self.t), "links": _links(row)}

    def action_export(self) -> None:
        """ctrl+e: the table shown, every row its filter keeps, to CSV, JSON or Markdown (console.tui.export)."""
        from .export import export_table

        table = self.main_table()
        export_table(self, table, self.export_columns(table) if table is not None else None, self.export_name())

    def export_name(self) -> str:
        """The file's name before its date (default: the screen and the table)."""
        return ""

    def export_columns(self, table: VirtualTable) -> list[Any] | None:
        """The columns an export of ``table`` writes (override: raw fields instead of a combined cell); None: the table's."""
        return None

    def marked_count(self) -> int:
        table = self.main_table()
        return len(table.marked) if table is not None else 0

    def bulk(self, title: str, items: list[tuple[str, Any]], fn: Callable[[Any], Any], *, done: str,
             then: Callable[[Any], None] | None = None, **words: str) -> None:
        """Run ``fn`` on each item with progress and a result that lists failures (console.tui.bulk);
        then clear the marks, read again and hand the result to ``then``."""
        from .bulk import BulkScreen

        def finished(result: Any) -> None:
            table = self.main_table()
            if table is not None:
                table.clear_marks()
            if then is not None and result is not None:
                then(result)
            self.refresh_data()

        self.app.push_screen(BulkScreen(title, items, fn, done=done, **words), finished)

    def chosen(self, table_id: str, kinds: tuple[str, ...] = (), kind_key: str = "kind") -> list[dict[str, Any]]:
        """What an action on ``table_id`` touches: its marked rows (of ``kinds``, when given), or
        the row under the cursor; empty (and said why) when that table is not the one shown."""
        table = self.active_table(table_id)
        if table is None:
            self.app.notify(self.t("That acts on another tab's rows: switch to it first"), severity="warning")
            return []
        rows = table.chosen
        if kinds:
            rows = [r for r in rows if r.get(kind_key) in kinds]
        if not rows:
            self.app.notify(self.t("Nothing selected: move to a row or mark some with space"), severity="warning")
        return rows


def _links(row: dict[str, Any]) -> dict[str, int]:
    """Where a row's detail view can lead: its group and its person, when it names them."""
    out = {}
    for key, name in (("group", "group_id"), ("person", "person_id")):
        if isinstance(row.get(name), int):
            out[key] = row[name]
    return out
