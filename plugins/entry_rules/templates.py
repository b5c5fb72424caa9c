"""Safe text templates for welcomes, reminders and countdowns.

Templates use ``{name}`` fields only. They are checked when saved (string.Formatter's
own parser, so what is checked is exactly what will be rendered): every field must be
one of the allowed variables, with no attribute or index access (``{group.__class__}``
would otherwise reach into Python objects), no conversion and no format spec. Rendering
substitutes plain strings, so a nickname containing ``{`` cannot inject anything.

Text for members (:func:`render_for_members`) never goes out with a hole where a value
was missing: a sentence (up to 。！？!? ; or a line break) whose variable has no value is
left out, so "欢迎 {nickname}！" without a known name drops that greeting rather than
greeting nobody (or a QQ number); what is left may be nothing, and nothing is not sent.
"""

from __future__ import annotations

import re
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


_SENTENCE = re.compile(r"(?<=[。！？!?；;\n])|(?<=\.)(?=\s)")


def render_for_members(template: str, values: dict[str, object]) -> str:
    """Fill a checked template for members: each sentence whose variable has no value
    (None or blank) is left out. Returns the text stripped; "" when nothing is left."""
    kept = []
    for sentence in _SENTENCE.split(template):
        if not sentence:
            continue
        names = [name for _literal, name, _spec, _conv in _F.parse(sentence) if name is not None]
        if any(values.get(n) is None or not str(values.get(n)).strip() for n in names):
            continue
        kept.append(render(sentence, values))
    return "".join(kept).strip()
