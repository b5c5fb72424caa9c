"""A table that draws only what is on screen and asks its source for one page at a time.

Why not Textual's DataTable: loading 100,000 rows into it stalls the event loop for
about 12 s, and textual-fastdatatable needs 8 s and 430 MB for 500,000 (NOTES.md).
A page of 100 rows straight from SQLite takes well under a millisecond, so this
widget keeps only a few pages in memory, fetches missing ones in a thread worker
(the event loop never waits on SQLite) and redraws when they arrive.

Cells are fitted with rows.fit (CJK-aware); marks (space, ``*``) select rows for bulk actions.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual import events, work
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from .keymap import bindings
# the parts of a table that are not a widget live in rows.py; imported from here as before
from .rows import KEEP_PAGES, MARK_LIMIT, PAGE, Column, ListSource, TableSource, all_rows, column_widths, fit, one_line  # noqa: F401,E501


class VirtualTable(ScrollView, can_focus=True):
    """Rows from a :class:`TableSource`, one page at a time. Space marks rows for bulk actions."""

    DEFAULT_CSS = """
    VirtualTable { height: 1fr; scrollbar-size-horizontal: 0; scrollbar-gutter: stable; }
    VirtualTable > .vtable--header { text-style: bold; background: $panel; }
    VirtualTable > .vtable--cursor { background: $accent 40%; }
    VirtualTable:focus > .vtable--cursor { background: $accent; color: $text; }
    VirtualTable > .vtable--marked { color: $warning; }
    VirtualTable > .vtable--loading { color: $text-muted; }
    """
    COMPONENT_CLASSES = {"vtable--header", "vtable--cursor", "vtable--marked", "vtable--loading"}
    # the same keys in every table (console.tui.keymap: table.*); no screen binds them
    BINDINGS = bindings("table.up", "table.down", "table.page_up", "table.page_down", "table.first", "table.last",
                        "table.open", "table.detail", "table.mark", "table.mark_all")

    class Opened(Message):
        """The operator opened a row (enter or a second click)."""

        def __init__(self, table: "VirtualTable", row: dict[str, Any]):
            super().__init__()
            self.table, self.row = table, row

    class Moved(Message):
        def __init__(self, table: "VirtualTable", row: dict[str, Any] | None):
            super().__init__()
            self.table, self.row = table, row

    class DetailAsked(Message):
        """The operator asked for the row's detail view (``i``)."""

        def __init__(self, table: "VirtualTable", row: dict[str, Any]):
            super().__init__()
            self.table, self.row = table, row

    class Marked(Message):
        """The marks changed (the screen shows their count in the key bar)."""

        def __init__(self, table: "VirtualTable"):
            super().__init__()
            self.table = table

    class Loaded(Message):
        """Count known and first page drawn (tests and benchmarks wait for it)."""

        def __init__(self, table: "VirtualTable", total: int):
            super().__init__()
            self.table, self.total = table, total

    def __init__(self, columns: list[Column], *, key: str = "id", markable: bool = False,
                 empty: str = "Nothing here", id: str | None = None):
        super().__init__(id=id)
        self.columns = columns
        self.key = key
        self.markable = markable
        self.empty = empty
        self.total = 0
        self.cursor = 0
        self.marked: dict[Any, dict[str, Any]] = {}
        self.source: TableSource | None = None
        self._pages: OrderedDict[int, list[dict[str, Any]]] = OrderedDict()
        self._pending: set[int] = set()
        self._gen = 0
        self.fetching = True
        # while a reload is on its way, the rows shown before (no "Loading…" flash)
        self._stale: dict[int, list[dict[str, Any]]] | None = None
        self._stale_total = 0

    # --- data ----------------------------------------------------------------------------

    def set_source(self, source: TableSource, *, keep_cursor: bool = False,
                   preloaded: tuple[int, list[dict[str, Any]]] | None = None) -> None:
        """Show rows from ``source``; old pages are dropped, marks kept only with keep_cursor.

        With keep_cursor (a live refresh, coming back to the screen) the old rows stay on
        screen until the new ones are there, and every page on screen is read at once, so
        the table never flashes "Loading…" or a line of "…". ``preloaded`` (count, first
        page) read a moment ago, e.g. while the operator looked at another screen, is shown
        at once the same way until the fresh read arrives."""
        self._gen += 1
        self.source = source
        if preloaded is not None:
            self._stale, self._stale_total = {0: preloaded[1]}, preloaded[0]
        elif keep_cursor and not self.fetching and self._pages:
            self._stale, self._stale_total = dict(self._pages), self.total
        elif not keep_cursor:
            self._stale = None
        self._pages = OrderedDict()
        self._pending.clear()
        if not keep_cursor:
            self.cursor = 0
            self.marked.clear()
            self.scroll_to(y=0, animate=False)
        self.fetching = True
        top = int(self.scroll_offset.y) if keep_cursor else 0
        body = max(1, self.size.height - 1)
        pages = sorted({self.cursor // PAGE, top // PAGE, (top + body - 1) // PAGE})
        self._load_first(self._gen, source, pages)

    def reload(self) -> None:
        """Fetch again (new data arrived) without moving the cursor."""
        if self.source is not None:
            self.set_source(self.source, keep_cursor=True)

    @work(thread=True, group="vtable-first")
    def _load_first(self, gen: int, source: TableSource, pages: list[int]) -> None:
        total = source.count()
        got = {p: source.rows(p * PAGE, PAGE) for p in pages if p * PAGE < max(total, 1)}
        self.app.call_from_thread(self._first_loaded, gen, total, got)

    def _first_loaded(self, gen: int, total: int, got: dict[int, list[dict[str, Any]]]) -> None:
        if gen != self._gen:
            return
        self.total = total
        self.fetching = False
        self._stale = None
        for page, rows in got.items():
            self._store_page(page, rows)
        self.cursor = min(self.cursor, max(0, total - 1))
        self.virtual_size = Size(self.size.width, total + 1)
        self.refresh()
        self.paint_now()
        self.post_message(self.Loaded(self, total))
        self.post_message(self.Moved(self, self.current_row))

    @work(thread=True, group="vtable-page")
    def _load_page(self, gen: int, source: TableSource, page: int) -> None:
        rows = source.rows(page * PAGE, PAGE)
        self.app.call_from_thread(self._page_loaded, gen, page, rows)

    def _page_loaded(self, gen: int, page: int, rows: list[dict[str, Any]]) -> None:
        self._pending.discard(page)
        if gen != self._gen:
            return
        self._store_page(page, rows)
        self.refresh()
        if self._on_screen(page):
            self.paint_now()
        if page == self.cursor // PAGE:
            self.post_message(self.Moved(self, self.current_row))

    def _on_screen(self, page: int) -> bool:
        top = int(self.scroll_offset.y)
        return page * PAGE < top + self.size.height and (page + 1) * PAGE > top

    def paint_now(self) -> None:
        """Draw the screen now rather than on Textual's next frame tick.

        Textual paints on a 60 Hz timer that, once it has ticked, sleeps one to two
        periods before it looks again: rows that arrive just after a tick waited up to
        about 40 ms to be seen. Rows arrive a few times per keypress at most, so this
        asks the screen for its update at once (what Textual's own Pilot does)."""
        try:
            screen = self.screen
            if not screen.is_current or self.app._batch_count:
                return
            if self in screen._compositor:
                # what the idle handler and Screen._on_update would do, then the tick itself
                screen._dirty_widgets.add(self)
            else:  # the screen was not laid out yet (just opened): all of it
                screen._repaint_required = True
            screen._on_timer_update()
        except Exception:  # Textual internals moved: the next tick paints it anyway
            pass

    def _store_page(self, page: int, rows: list[dict[str, Any]]) -> None:
        self._pages[page] = rows
        self._pages.move_to_end(page)
        while len(self._pages) > KEEP_PAGES:
            self._pages.popitem(last=False)

    def row_at(self, index: int) -> dict[str, Any] | None:
        """The row at ``index`` if its page is loaded; otherwise asks for the page."""
        if index < 0 or index >= self.total:
            return None
        page = index // PAGE
        rows = self._pages.get(page)
        if rows is None:
            if page not in self._pending and self.source is not None and not self.fetching:
                self._pending.add(page)
                self._load_page(self._gen, self.source, page)
            return None
        off = index - page * PAGE
        return rows[off] if off < len(rows) else None

    @property
    def current_row(self) -> dict[str, Any] | None:
        return self.row_at(self.cursor)

    @property
    def chosen(self) -> list[dict[str, Any]]:
        """Marked rows, or the cursor's row when none are marked (what an action touches)."""
        if self.marked:
            return list(self.marked.values())
        row = self.current_row
        return [row] if row else []

    # --- drawing ---------------------------------------------------------------------------

    def _widths(self, width: int) -> list[int]:  # rows.column_widths, kept per width and language
        key = (width, getattr(self.app, "lang", None))
        if getattr(self, "_widths_for", (None,))[0] != key:
            self._widths_for = (key, column_widths(self.columns, [self.app_t(c.title) for c in self.columns], width))
        return self._widths_for[1]

    def _line(self, cells: list[str], widths: list[int], mark: str) -> str:
        parts = [fit(text, w, col.align) for text, w, col in zip(cells, widths, self.columns)]
        return mark + " " + " ".join(parts)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        widths = self._widths(width)
        if y == 0:
            style = self.get_component_rich_style("vtable--header")
            text = self._line([self.app_t(c.title) for c in self.columns], widths, " ")
            return Strip([Segment(fit(text, width), style)]).simplify()
        index = int(self.scroll_offset.y) + y - 1
        if self.fetching and self._stale is not None:
            return self._draw_row(self.shown_row(index), index, width, widths)
        if self.fetching:
            if y == 1:
                return Strip([Segment(fit(" " + self.app_t("Loading…"), width),
                                      self.get_component_rich_style("vtable--loading"))])
            return Strip.blank(width)
        if self.total == 0:
            if y == 1:
                return Strip([Segment(fit(" " + self.app_t(self.empty), width),
                                      self.get_component_rich_style("vtable--loading"))])
            return Strip.blank(width)
        if index >= self.total:
            return Strip.blank(width)
        return self._draw_row(self.row_at(index), index, width, widths)

    def shown_row(self, index: int) -> dict[str, Any] | None:
        """The row drawn at ``index`` now: while a reload is on its way, the one from before."""
        if not self.fetching:
            return self.row_at(index)
        if index < 0 or index >= self._stale_total or self._stale is None:
            return None
        rows = self._stale.get(index // PAGE) or []
        off = index % PAGE
        return rows[off] if off < len(rows) else None

    def _draw_row(self, row: dict[str, Any] | None, index: int, width: int, widths: list[int]) -> Strip:
        if row is None:
            if index >= max(self.total, self._stale_total if self._stale is not None else 0):
                return Strip.blank(width)
            return Strip([Segment(fit("  …", width), self.get_component_rich_style("vtable--loading"))])
        cells = []
        for c in self.columns:
            v = row.get(c.key)
            cells.append(one_line(c.fmt(v) if c.fmt else v))
        marked = row.get(self.key) in self.marked
        text = self._line(cells, widths, "●" if marked else " ")
        style = Style()
        if marked:
            style += self.get_component_rich_style("vtable--marked")
        if index == self.cursor:
            style += self.get_component_rich_style("vtable--cursor")
        return Strip([Segment(fit(text, width), style)])

    def app_t(self, text: str) -> str:
        t = getattr(self.app, "t", None)
        return t(text) if t else text

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.total + 1)

    # --- moving ------------------------------------------------------------------------------

    def _move_to(self, index: int) -> None:
        if self.total == 0:
            return
        self.cursor = max(0, min(self.total - 1, index))
        body = max(1, self.size.height - 1)
        top = int(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + body:
            self.scroll_to(y=self.cursor - body + 1, animate=False)
        self.refresh()
        self.post_message(self.Moved(self, self.current_row))

    def action_cursor(self, step: int) -> None:
        self._move_to(self.cursor + step)

    def action_page(self, step: int) -> None:
        body = max(1, self.size.height - 1)
        self.scroll_to(y=max(0, int(self.scroll_offset.y) + step * body), animate=False)
        self._move_to(self.cursor + step * body)

    def action_jump(self, where: int) -> None:
        self._move_to(self.total - 1 if where < 0 else where)

    def action_open(self) -> None:
        row = self.current_row
        if row is not None:
            self.post_message(self.Opened(self, row))

    def action_detail(self) -> None:
        row = self.current_row
        if row is not None:
            self.post_message(self.DetailAsked(self, row))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("mark", "mark_all") and not self.markable:
            return False  # not offered in a table without bulk actions
        return True

    def _marks_changed(self) -> None:
        self.refresh()
        self.post_message(self.Marked(self))

    def action_mark(self) -> None:
        if not self.markable:
            return
        row = self.current_row
        if row is None:
            return
        k = row.get(self.key)
        if k in self.marked:
            del self.marked[k]
        else:
            self.marked[k] = row
        self._marks_changed()
        self._move_to(self.cursor + 1)

    def clear_marks(self) -> bool:
        """Drop every mark; True when there were some."""
        had = bool(self.marked)
        self.marked.clear()
        if had:
            self._marks_changed()
        return had

    def action_mark_all(self) -> None:
        """Mark every row the table shows now (after a filter: every match), read in a
        worker page by page; when all of them are marked already, clear the marks."""
        if not self.markable or self.source is None:
            return
        if self.marked and len(self.marked) >= self.total:
            self.clear_marks()
            return
        self._mark_all(self._gen, self.source)

    @work(thread=True, group="vtable-mark-all", exclusive=True)
    def _mark_all(self, gen: int, source: TableSource) -> None:
        total, rows = all_rows(source)
        self.app.call_from_thread(self._all_marked, gen, total, rows)

    def _all_marked(self, gen: int, total: int, rows: list[dict[str, Any]]) -> None:
        if gen != self._gen:
            return  # the table shows something else now
        self.marked = {r.get(self.key): r for r in rows}
        if total > len(rows):
            self.app.notify(self.app_t("Marked the first {n} of {total} rows").format(
                n=f"{len(rows):,}", total=f"{total:,}"), severity="warning")
        self._marks_changed()

    async def _on_click(self, event: events.Click) -> None:
        if event.y < 1:
            return
        index = int(self.scroll_offset.y) + event.y - 1
        if index >= self.total:
            return
        if index == self.cursor or event.chain > 1:
            self.cursor = index
            self.action_open()
        else:
            self._move_to(index)
