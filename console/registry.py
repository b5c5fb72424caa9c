"""What plugins hand the host through the ``register_*`` hooks.

Plain dataclasses, importable without Textual. Screens and panels are named by a
``"module:attribute"`` string that only the console imports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True)
class RuleKind:
    """A kind of rule stored in the ``rules`` table (for example ``ads`` or ``admission``)."""

    name: str
    title: str
    validate: Callable[[dict[str, Any]], dict[str, Any]]
    """Checks a rule's config when it is saved; raises ValueError with the reason."""
    describe: Callable[[dict[str, Any]], str] = lambda cfg: ""
    plugin: str = ""


@dataclass(frozen=True)
class KpiSpec:
    """A KPI: its name, lifecycle stage, unit and formula (for reports and help)."""

    name: str
    title: str
    stage: str  # acquisition / activation / retention / monetisation / spread
    unit: str
    formula: str
    compute: Callable[..., Any] | None = None
    plugin: str = ""


@dataclass(frozen=True)
class LabelSource:
    """Per-person labels a plugin computes and keeps in its own tables (the kpi plugin's
    segment): the host reads them through ``console.labels`` for Members and profiles,
    so no screen reads another plugin's tables.

    ``read(ws, person_ids) -> {person_id: console.labels.Label}`` for one page of people
    (about 100 ids: one query, not one per person); ``find(ws, value) -> list[int]``
    (optional) the people whose label has this value (``""``: any value), for the Members
    search ``NAME:VALUE``."""

    name: str
    title: str
    read: Callable[[Any, list[int]], dict[int, Any]]
    find: Callable[[Any, str], list[int]] | None = None
    plugin: str = ""


@dataclass(frozen=True)
class Job:
    """A scheduled job: ``run(ws)`` every ``every`` seconds."""

    name: str
    every: float
    run: Callable[[Any], Any]
    description: str = ""
    plugin: str = ""


@dataclass(frozen=True)
class ScreenSpec:
    """A console screen (a Textual mode) provided by a plugin."""

    id: str
    title: str
    key: str
    target: str  # "plugins.x.screens:MyScreen"
    order: int = 100
    plugin: str = ""


@dataclass(frozen=True)
class PanelSpec:
    """A panel placed on a console screen (``screen`` = dashboard, group_detail, ...)."""

    id: str
    title: str
    screen: str
    target: str  # "plugins.x.panels:MyPanel"
    order: int = 100
    plugin: str = ""


@dataclass
class Registry:
    """Everything plugins registered, gathered once per workspace."""

    connectors: dict[str, type] = field(default_factory=dict)
    connector_plugin: dict[str, str] = field(default_factory=dict)
    rule_kinds: dict[str, RuleKind] = field(default_factory=dict)
    kpis: dict[str, KpiSpec] = field(default_factory=dict)
    labels: dict[str, LabelSource] = field(default_factory=dict)
    jobs: dict[str, Job] = field(default_factory=dict)
    screens: dict[str, ScreenSpec] = field(default_factory=dict)
    panels: dict[str, PanelSpec] = field(default_factory=dict)
    settings: dict[str, type] = field(default_factory=dict)
    migrations: list[tuple[str, Callable]] = field(default_factory=list)
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
