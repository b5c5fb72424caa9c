"""Nickname format (群名片格式): a template such as ``{city}-{name}-{role}`` as a checker.

Each ``{field}`` becomes a named group. By default a field is one or more characters
that are not the template's own separators (so ``{city}-{name}`` splits on ``-``);
``fields`` may give a field its own pattern (``"role": "学生|老师|宝妈"``). When a
format is saved we build its shortest example and require that it matches and fits the
platform's length: that catches formats that can never match (a field pattern that
cannot be satisfied, one that swallows the separator, a format longer than the limit).
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where a format is compiled: regex costs start-up time
    import regex

_TIMEOUT = 0.05  # seconds per match: a bad field pattern cannot hang ingest


class FormatError(ValueError):
    pass


@dataclass
class NicknameFormat:
    template: str
    fields: dict[str, str] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)
    literals: list[str] = field(default_factory=list)
    pattern: "regex.Pattern | None" = None
    example: str = ""

    def matches(self, nickname: str) -> bool:
        try:
            return self.pattern.fullmatch(nickname.strip(), timeout=_TIMEOUT) is not None
        except TimeoutError:
            return False

    def parse(self, nickname: str) -> dict[str, str] | None:
        try:
            m = self.pattern.fullmatch(nickname.strip(), timeout=_TIMEOUT)
        except TimeoutError:
            return None
        return m.groupdict() if m else None

    def build(self, values: dict[str, str]) -> str | None:
        """A nickname in this format from ``values``; None when a field has no usable value."""
        out = []
        for literal, name in zip(self.literals, self.names + [None]):
            out.append(literal)
            if name is None:
                continue
            v = clean_value(values.get(name) or "", self.separators())
            if not v:
                return None
            out.append(v)
        text = "".join(out)
        return text if self.matches(text) else None

    def separators(self) -> str:
        return "".join(sorted({ch for lit in self.literals for ch in lit}))


def clean_value(value: str, separators: str) -> str:
    """Strip separators and spaces out of a value, so it stays inside its field."""
    return "".join(ch for ch in str(value) if ch not in separators and not ch.isspace())


def compile_format(template: str, fields: dict[str, str] | None = None, *, example: str = "",
                   max_length: int = 30) -> NicknameFormat:
    """Turn a template into a checker; raises FormatError saying why it cannot be used."""
    import regex

    fields = dict(fields or {})
    if not isinstance(template, str) or not template.strip():
        raise FormatError("the nickname format is empty; write one such as {city}-{name}")
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as e:
        raise FormatError(f"nickname format {template!r}: {e}") from None
    names: list[str] = []
    literals: list[str] = []
    for literal, name, spec, conv in parsed:
        literals.append(literal)
        if name is None:
            continue
        if not name.isidentifier() or spec or conv:
            raise FormatError(f"nickname format {template!r}: {{{name}}} is not a plain field name")
        if name in names:
            raise FormatError(f"nickname format {template!r}: field {{{name}}} appears twice")
        names.append(name)
    if len(literals) == len(names):
        literals.append("")
    if not names:
        raise FormatError(f"nickname format {template!r} has no fields; use fields such as {{city}} and {{name}}")
    for n in fields:
        if n not in names:
            raise FormatError(f"nickname format {template!r}: fields names {n!r}, which is not in the format")
    seps = "".join(sorted({ch for lit in literals for ch in lit}))
    default = f"[^{regex.escape(seps)}\\s]+" if seps else "\\S+?"
    parts = []
    for lit, name in zip(literals, names + [None]):
        parts.append(regex.escape(lit))
        if name is None:
            continue
        sub = fields.get(name) or default
        try:
            regex.compile(sub)
        except regex.error as e:
            raise FormatError(f"nickname format: the pattern of field {name!r} ({sub!r}) is not valid: {e}") from None
        parts.append(f"(?P<{name}>{sub})")
    pattern = regex.compile("".join(parts))
    fmt = NicknameFormat(template, fields, names, literals, pattern)
    sample = example or _shortest_example(fmt)
    if sample is None:
        raise FormatError(f"nickname format {template!r}: cannot build an example for fields with custom "
                          "patterns; give an example nickname that should match")
    if not fmt.matches(sample):
        raise FormatError(f"nickname format {template!r} cannot match: its example {sample!r} does not fit "
                          f"(check the field patterns: {fields or 'default'})")
    if len(sample) > max_length:
        raise FormatError(f"nickname format {template!r} cannot match: its shortest form {sample!r} has "
                          f"{len(sample)} characters, over the platform's limit of {max_length}")
    fmt.example = sample
    return fmt


def _shortest_example(fmt: NicknameFormat) -> str | None:
    """An example nickname: 'x' for default fields, the shortest alternative of a literal list."""
    import regex

    out = []
    for lit, name in zip(fmt.literals, fmt.names + [None]):
        out.append(lit)
        if name is None:
            continue
        pat = fmt.fields.get(name)
        if not pat:
            out.append("x")
            continue
        alts = [a for a in pat.split("|")]
        plain = [a for a in alts if a and regex.escape(a) == a or (a and a.isalnum())]
        if not plain:
            return None
        out.append(min(plain, key=len))
    return "".join(out)
