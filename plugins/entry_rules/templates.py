"""Safe text templates for welcomes, reminders and countdowns.

Templates use ``{name}`` fields only. They are checked when saved (string.Formatter's
own parser, so what is checked is exactly what will be rendered): every field must be
one of the allowed variables, with no attribute or index access (``{group.__class__}``
would otherwise reach into Python objects), no conversion and no format spec. Rendering
substitutes plain strings, so a nickname containing ``{`` cannot inject anything.
"""

from __future__ import annotations

import string
from typing import Iterable

WELCOME_VARS = frozenset({"nickname", "group", "rules", "referrer", "theme", "owner"})
MERGED_VARS = frozenset({"nicknames", "count", "group", "rules", "theme", "owner"})
REMINDER_VARS = frozenset({"nickname", "format", "example", "group", "grace_minutes"})
COUNTDOWN_VARS = frozenset({"group", "hours", "closes_at"})

_F = string.Formatter()


class TemplateError(ValueError):
    """A template that cannot be saved: says which variable or character and why."""


def fields_of(template: str, allowed: Iterable[str], what: str = "template") -> list[str]:
    """The variable names in ``template``; raises TemplateError on anything unsafe or unknown."""
    if not isinstance(template, str) or not template.strip():
        raise TemplateError(f"{what} is empty")
    allowed = frozenset(allowed)
    names: list[str] = []
    try:
        parsed = list(_F.parse(template))
    except ValueError as e:  # unbalanced braces
        raise TemplateError(f"{what} {template!r}: {e}; write {{{{ and }}}} for literal braces") from None
    for _literal, name, spec, conv in parsed:
        if name is None:
            continue
        if name == "" or name.isdigit():
            raise TemplateError(f"{what} {template!r}: positional field {{{name}}}; use a named variable: "
                                + ", ".join(sorted(allowed)))
        if not name.isidentifier():
            raise TemplateError(f"{what} {template!r}: {{{name}}} uses attribute or index access, which is not "
                                "allowed; use a plain variable: " + ", ".join(sorted(allowed)))
        if conv or spec:
            raise TemplateError(f"{what} {template!r}: {{{name}}} has a conversion or format spec; write {{{name}}}")
        if name not in allowed:
            raise TemplateError(f"{what} {template!r}: unknown variable {{{name}}}; allowed: "
                                + ", ".join(sorted(allowed)))
        names.append(name)
    return names


def render(template: str, values: dict[str, object]) -> str:
    """Fill a checked template. Missing values become empty strings (never an error at send time)."""
    out: list[str] = []
    for literal, name, _spec, _conv in _F.parse(template):
        out.append(literal)
        if name is not None:
            v = values.get(name)
            out.append("" if v is None else str(v))
    return "".join(out)
