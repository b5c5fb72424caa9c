"""The detail view of any row (``i`` on a table, enter on a queue row): every field in
full, wrapped rather than cut (the whole action error, the request's comment and its
answer, a case's evidence, an alert's cause), and where it leads: enter opens the row's
group, ``p`` its person.

Screens say what a row's view holds with ``ShequnScreen.describe`` (read in a worker);
``field_lines`` lists a row's fields for the tables that need nothing more.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from rich.markup import escape as esc
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from .detail_queries import label

#: row fields a person does not need to read (internal keys, duplicates of the title)
HIDDEN = {"key", "source", "_", "expires_at", "flagged", "waited", "expires_in"}


def value_text(value: Any) -> str:
    """A field's value as a person reads it: JSON objects as ``name: value`` lines, never a repr."""
    if value is None or value == "":
        return "-"
    if isinstance(value, str) and value[:1] in "{[":
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if isinstance(value, dict):
        return "\n".join(f"  {k}: {value_text(v)}" for k, v in value.items()) or "-"
    if isinstance(value, (list, tuple)):
        return ", ".join(value_text(v) for v in value) or "-"
    return str(value)


def field_lines(row: dict[str, Any], t: Callable[[str], str]) -> list[str]:
    """Every field of ``row`` (but the hidden ones) as "name: value" (zh-CN "名称：值"), markup-escaped."""
    out = []
    for k, v in row.items():
        if k in HIDDEN or k.startswith("_"):
            continue
        text = value_text(v)
        out.append(label(t, k, text) if "\n" not in text else label(t, k) + "\n" + esc(text))
    return out


class DetailScreen(ModalScreen[None]):
    """One row in full. Esc closes; enter opens the row's group, p its person."""

    DEFAULT_CSS = """
    DetailScreen { align: center middle; }
    DetailScreen > Vertical { width: 90%; max-width: 110; height: auto; max-height: 90%; border: thick $accent;
                              background: $surface; padding: 0 1; }
    DetailScreen #detail-title { text-style: bold; color: $accent; }
    DetailScreen VerticalScroll { height: auto; max-height: 1fr; }
    DetailScreen #detail-keys { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [Binding("escape,i", "close", "Close", id="detail.close"),
                Binding("enter", "open('group')", "Open the group", id="detail.group"),
                Binding("p", "open('person')", "Open the person", id="detail.person"),
                Binding("down,j", "scroll(1)", show=False, id="detail.down"),
                Binding("up,k", "scroll(-1)", show=False, id="detail.up")]

    def __init__(self, title: str, body: list[str], links: dict[str, int] | None = None):
        super().__init__()
        self.title_text, self.body, self.links = title, body, links or {}

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical():
            yield Label(self.title_text, id="detail-title")
            with VerticalScroll(id="detail-scroll"):
                yield Static("\n".join(self.body) or "-", id="detail-body")
            keys = ["Esc " + t("Close")]
            if "group" in self.links:
                keys.append(t("Enter") + " " + t("Open the group"))
            if "person" in self.links:
                keys.append("p " + t("Open the person"))
            yield Label(" · ".join(keys), id="detail-keys")

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, step: int) -> None:
        self.query_one("#detail-scroll", VerticalScroll).scroll_relative(y=step, animate=False)

    def action_open(self, what: str) -> None:
        target = self.links.get(what)
        if target is None:
            self.app.bell()
            return
        self.dismiss(None)
        if what == "group":
            self.app.open_group(target)
        else:
            self.app.open_person(target)
