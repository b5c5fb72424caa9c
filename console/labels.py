"""Per-person labels through the host: the core ``tags`` table and what plugins register
with ``register_labels`` (the kpi plugin's segment, kept in its own ``kpi_segments``).

Members and profiles read people's labels here and nowhere else, so a screen never
reads another plugin's tables and a plugin's label shows without the console knowing
the plugin (issue 18, item 6). A registered source is the authority for its name: a
core tag of the same name is left out, so a label never shows twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Label:
    """One label of one person, with where it came from (DOMAIN.md, Members and tags)."""

    name: str
    value: str = ""
    kind: str = "dynamic"        # static / dynamic
    provenance: str = "rule"     # fact / rule / predicted
    source: str = ""             # the plugin (or its part) that computed it
    why: str = ""                # the rule or method, in the workspace's language
    confidence: float | None = None


def _core(ws, ids: list[int], skip: set[str]) -> dict[int, list[Label]]:
    from .store import rows_in

    out: dict[int, list[Label]] = {}
    for r in rows_in(ws.store, "SELECT person_id, tag, value, kind, provenance, source, confidence, method FROM tags"
                     " WHERE person_id IN ({marks}) ORDER BY tag", ids):
        if r["tag"] in skip:
            continue
        out.setdefault(r["person_id"], []).append(Label(r["tag"], r["value"] or "", r["kind"], r["provenance"],
                                                        r["source"], r["method"] or "", r["confidence"]))
    return out


def labels(ws, person_ids: list[int]) -> dict[int, list[Label]]:
    """Every label of these people: core tags, then each registered source's (a source
    that raises is reported as a plugin problem and left out; the page still shows)."""
    ids = list(dict.fromkeys(person_ids))
    if not ids:
        return {}
    sources = ws.registry.labels
    out = _core(ws, ids, set(sources))
    for name, src in sorted(sources.items()):
        try:
            got = src.read(ws, ids) or {}
        except Exception as e:
            _report(ws, src, "read", e)
            continue
        for pid, lab in got.items():
            if isinstance(lab, Label):  # named for the source, whatever the plugin put in .name
                out.setdefault(pid, []).append(lab if lab.name == name else Label(name, **_rest(lab)))
    return out


def _rest(lab: Label) -> dict[str, Any]:
    return {"value": lab.value, "kind": lab.kind, "provenance": lab.provenance, "source": lab.source,
            "why": lab.why, "confidence": lab.confidence}


def one(found: list[Label], name: str) -> Label | None:
    """The label called ``name`` among one person's, or None."""
    return next((lab for lab in found if lab.name == name), None)


def find(ws, text: str) -> list[int]:
    """People whose registered label matches ``NAME`` or ``NAME:VALUE`` (the Members search);
    core tags are searched by the caller's own query."""
    name, _, value = text.partition(":")
    src = ws.registry.labels.get(name.strip())
    if src is None or src.find is None:
        return []
    try:
        return list(src.find(ws, value.strip()))
    except Exception as e:
        _report(ws, src, "find", e)
        return []


def _report(ws, src, what: str, e: Exception) -> None:
    from .pluginmanager import PluginProblem

    report = getattr(getattr(ws, "pm", None), "report", None)
    if callable(report):
        report(PluginProblem(src.plugin or src.name, f"register_labels ({src.name}.{what})",
                             f"{type(e).__name__}: {e}"))
