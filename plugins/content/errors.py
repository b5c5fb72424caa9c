"""Refusals of the content plugin: what is wrong, where (file and line, field) and the limit.

Every bad input (an unknown placeholder, a schedule that never fires, a post longer than a
platform allows, a missing image, a bad import row) is refused with a :class:`ContentError`
when it is saved or imported, so nothing half-written reaches the workspace. The message is
kept as an English template and its values, so the CLI and the console say it in the
operator's language (``said(ws, e)``); ``str(e)`` is the English.
"""

from __future__ import annotations

from typing import Any


class ContentError(ValueError):
    """A refusal. ``template`` names the field and the limit; ``line``/``source`` say where
    in an imported file; several refusals of one import travel together in ``errors``."""

    def __init__(self, template: str, *, line: int | None = None, source: str = "", **values: Any):
        self.template, self.values, self.line, self.source = template, values, line, source
        self.errors: list[ContentError] = [self]
        super().__init__(self.english())

    def at(self, line: int | None, source: str = "") -> "ContentError":
        """The same refusal, placed at ``line`` of ``source`` (an import row)."""
        return ContentError(self.template, line=line, source=source or self.source, **self.values)

    def where(self) -> tuple[str, dict[str, Any]]:
        if self.line is None:
            return ("{source}: " if self.source else "", {"source": self.source})
        return ("{source} line {line}: " if self.source else "line {line}: ", {"source": self.source, "line": self.line})

    def english(self) -> str:
        prefix, pv = self.where()
        return prefix.format(**pv) + self.template.format(**{k: _shown(v) for k, v in self.values.items()})


class ImportRefused(ContentError):
    """An import with bad rows: every row's refusal, and nothing written."""

    def __init__(self, errors: list[ContentError], source: str):
        first = errors[0]
        super().__init__(first.template, line=first.line, source=source, **first.values)
        self.errors = errors

    def english(self) -> str:  # the first refusal; the CLI lists them all
        return super().english()


def _shown(v: Any) -> str:
    if isinstance(v, bool) or v is None:
        return str(v)
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, (list, tuple)):
        return ", ".join(str(x) for x in v)
    return str(v)


def said(ws, e: ContentError) -> str:
    """``e`` in the workspace's language (its place, then the refusal)."""
    prefix, pv = e.where()
    values = {k: (purpose_word(ws.t, ws.settings.console.language, v) if k == "purpose" else ws.t(v))
              if k in WORDS and isinstance(v, str) else _shown(v) for k, v in e.values.items()}
    return ws.tr(prefix, **pv) + ws.tr(e.template, **values)


def purpose_word(t, lang: str, purpose: str) -> str:
    """A purpose in the operator's words: activation, or 促活. Its catalogue key says "(purpose)"
    because the host's "activation" is a lifecycle stage (激活期); English shows the plain word."""
    if lang == "en" or purpose not in ("activation", "conversion", "brand"):
        return purpose
    return t(f"{purpose} (purpose)")


#: values that are words (a unit, a purpose), said in the operator's language
WORDS = ("unit", "purpose", "kind", "period", "example", "field_name")
