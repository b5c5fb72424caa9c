"""Breaking prose into lines the way Chinese is set: anywhere between two Chinese
characters, never inside a Latin word or number, never with a closing mark (，。；：、
？！）」』》…) at the start of a line nor an opening one (（「『《) at its end (kinsoku).

Textual wraps a paragraph at spaces, which Chinese has few of: a help text broke in
odd places and a line began with "；". ``wrap`` gives the lines for a width in
terminal cells (a Chinese character is two); ``Prose`` is a widget drawing its text so
wrapped for whatever width it has. Text in backticks (what to type) is shown bold.
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.markup import escape as esc
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

CLOSING = set("，。；：、？！）」』》…,.;:!?)]%")
OPENING = set("（「『《([")
#: a unit that is never split: a Latin word or number with what sticks to it, or one other character
UNIT = re.compile(r"`[^`]*`|[A-Za-z0-9_@#/<>.+\-=:'\"*?]+|\s+|.", re.S)


def _cells(unit: str) -> int:
    return cell_len(unit.replace("`", ""))


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells, no line starting with a closing mark
    (the character before it goes down with it) nor ending with an opening one."""
    if width <= 0:
        return [text]
    lines: list[str] = []
    for para in text.split("\n"):
        line: list[str] = []
        n = 0
        for u in UNIT.findall(para):
            w = _cells(u)
            if n + w <= width or not line or (u in CLOSING and all(x in CLOSING for x in line[1:])):
                # fits; or the first unit; or closing marks after a lone word as wide as the line: they hang
                line.append(u)
                n += w
                continue
            if u.isspace():  # a break at a space: the space goes
                lines.append("".join(line).rstrip())
                line, n = [], 0
                continue
            down = [u]
            if u in CLOSING:  # never first on a line: the closing marks before it and one more unit go along
                while len(line) > 1 and line[-1] in CLOSING:
                    down.insert(0, line.pop())
                if len(line) > 1:
                    down.insert(0, line.pop())
            while len(line) > 1 and line[-1] in OPENING:  # an opening mark goes down with what it opens
                down.insert(0, line.pop())
            lines.append("".join(line).rstrip())
            line = [x for x in down if not (x.isspace() and x is down[0])]
            n = sum(_cells(x) for x in line)
        lines.append("".join(line).rstrip())
    return lines


def markup(line: str) -> str:
    """One wrapped line as rich markup: escaped, backticked words bold."""
    parts = line.split("`")
    return "".join(f"[b]{esc(p)}[/b]" if i % 2 else esc(p) for i, p in enumerate(parts))


class Prose(Widget):
    """A paragraph set for its width (see the module); its height is its lines."""

    DEFAULT_CSS = "Prose { height: auto; }"

    def __init__(self, text: str, **kwargs):
        super().__init__(**kwargs)
        self.text = text

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(wrap(self.text, width))

    def render(self) -> Text:
        width = self.content_size.width or self.size.width
        return Text.from_markup("\n".join(markup(line) for line in wrap(self.text, width)))
