"""The workspace: settings, store, plugins and the services every plugin uses.

One object is handed to hooks, CLI verbs, jobs and the console (``ws``). It owns the
clock (the demo back-fill moves it through simulated days), the operator's day
boundaries, and the small shared services: audit log, tasks for people, alerts,
the outbox's ``enqueue`` and capability look-ups.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator
from zoneinfo import ZoneInfo

from .config import ConfigError, Settings, build, load_settings
from .jsonenc import dumps
from .model import Capability, Proposal
from .pluginmanager import PluginProblem, ShequnPluginManager, call_hook, plugin_manager_for, traced_registration
from .registry import Job, KpiSpec, LabelSource, PanelSpec, Registry, RuleKind, ScreenSpec
from .store import Store, open_store

_QUARTER = 900  # seconds: every zone's offset is a whole number of quarter hours, so a day never splits one
_AUDIT_SQL = ("INSERT INTO audit_log(ts, operator, actor, action, target_type, target_id, detail)"
              " VALUES (?,?,?,?,?,?,?)")


class Workspace:
    def __init__(self, settings: Settings, store: Store, pm: ShequnPluginManager, registry: Registry,
                 *, clock: Callable[[], float] | None = None, read_only: bool = False):
        self.settings = settings
        self.store = store
        self.pm = pm
        self.registry = registry
        self.clock: Callable[[], float] = clock or time.time
        self.read_only = read_only
        self.tz = ZoneInfo(settings.operator.timezone)
        self._day_cache: dict[int, str] = {}
        self._group_connection: dict[int, str] = {}  # a group never moves to another connection
        self.operator = settings.operator.name
        pm.on_problem = self._record_problem

    # --- opening ---------------------------------------------------------------------

    @classmethod
    def open(cls, config: str | Path | None = None, *, settings: Settings | None = None, read_only: bool = False,
             clock: Callable[[], float] | None = None, pm: ShequnPluginManager | None = None,
             db_path: str | Path | None = None) -> "Workspace":
        """Read config, load plugins, open and migrate the store, gather registrations."""
        settings = settings or load_settings(config)
        pm = pm or plugin_manager_for(settings)
        registry = gather_registry(pm)
        check_plugin_sections(settings, registry)
        store = open_store(db_path or settings.db_path, plugin_migrations=registry.migrations, read_only=read_only,
                           busy_timeout_ms=settings.database.busy_timeout_ms,
                           check_seconds=settings.database.open_check_seconds)
        ws = cls(settings, store, pm, registry, clock=clock, read_only=read_only)
        if not read_only:
            ws.sync_connections()
            call_hook(pm, "workspace_opened", ws=ws)
        return ws

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # --- time --------------------------------------------------------------------------

    def now(self) -> int:
        return int(self.clock())

    def day(self, ts: float) -> str:
        """The operator's calendar day of unix time ``ts`` (the hot path: cached per quarter
        hour, the finest step of any zone's offset, so Asia/Kolkata's +05:30 midnight is exact)."""
        quarter = int(ts) // _QUARTER
        d = self._day_cache.get(quarter)
        if d is None:
            d = datetime.fromtimestamp(quarter * _QUARTER, self.tz).date().isoformat()
            if len(self._day_cache) > 50_000:
                self._day_cache.clear()
            self._day_cache[quarter] = d
        return d

    def days(self, stamps: list[int]) -> list[str]:
        """``day`` of each time stamp, for a batch: one look-up per quarter hour present,
        then a dict read per stamp (no method call per message)."""
        day = self.day
        of_quarter = {q: day(q * _QUARTER) for q in {t // _QUARTER for t in stamps}}
        return [of_quarter[t // _QUARTER] for t in stamps]

    def day_start(self, day: str) -> int:
        """Unix time of 00:00 of ``day`` in the operator's zone."""
        y, m, d = (int(x) for x in day.split("-"))
        return int(datetime(y, m, d, tzinfo=self.tz).timestamp())

    # --- hooks -------------------------------------------------------------------------

    def call(self, hook: str, *, firstresult: bool = False, savepoint: bool = False, **kwargs: Any) -> list[tuple[str, Any]]:
        wrap = self.store.write if savepoint else None
        return call_hook(self.pm, hook, firstresult=firstresult, wrap=wrap, **kwargs)

    def _record_problem(self, problem: PluginProblem) -> None:
        if self.read_only:
            return
        self.audit("plugin_error", "plugin", problem.plugin, {"hook": problem.hook, "error": problem.error},
                   actor=f"plugin:{problem.plugin}")

    # --- shared services -------------------------------------------------------------------

    def audit(self, action: str, target_type: str | None = None, target_id: Any = None,
              detail: dict[str, Any] | None = None, *, actor: str | None = None) -> None:
        """Record who did what. ``actor`` defaults to the operator at the keyboard."""
        self.store.write_one(_AUDIT_SQL, self._audit_row(action, target_type, target_id, detail, actor))

    def audit_many(self, entries: Iterable[tuple[str, str | None, Any, dict[str, Any] | None, str | None]]) -> None:
        """Several audit rows in one statement: (action, target_type, target_id, detail, actor) each."""
        rows = [self._audit_row(*e) for e in entries]
        if rows:
            with self.store.write() as c:
                c.executemany(_AUDIT_SQL, rows)

    def _audit_row(self, action: str, target_type: str | None, target_id: Any, detail: dict[str, Any] | None,
                   actor: str | None) -> tuple:
        return (self.now(), self.operator, actor or f"operator:{self.operator}", action, target_type,
                None if target_id is None else str(target_id), dumps(detail) if detail else None)

    def add_task(self, kind: str, title: str, *, detail: str = "", group_id: int | None = None,
                 person_id: int | None = None, assignee: str = "", source: str = "",
                 dedupe_key: str | None = None) -> int | None:
        """A task for a person (things the platform cannot do, or that need judgement).
        With ``dedupe_key`` the task is made once, ever: a key a done task holds is not
        asked again (put what changed into the key to ask again). Returns the id."""
        with self.store.write() as c:
            cur = c.execute(
                "INSERT OR IGNORE INTO tasks(kind, title, detail, group_id, person_id, assignee, source, dedupe_key, created_at)"
                " VALUES (?,?,?,?,?,?,?,?,?)",
                (kind, title, detail, group_id, person_id, assignee or self.owner_of(group_id), source, dedupe_key,
                 self.now()),
            )
            if cur.rowcount:
                return cur.lastrowid
        if dedupe_key:
            return self.store.scalar("SELECT id FROM tasks WHERE dedupe_key = ?", (dedupe_key,))
        return None

    def raise_alert(self, kind: str, message: str, *, why: str = "", group_id: int | None = None,
                    severity: str = "warning", dedupe_key: str | None = None, cause: Any = "") -> int | None:
        """Open an alert, one per ``dedupe_key`` and ``cause`` (what made it fire this time).
        A person's resolution holds while the cause is the same: returns None then
        (console.alerts explains the rule)."""
        from .alerts import raise_alert

        return raise_alert(self, kind, message, why=why, group_id=group_id, severity=severity,
                           dedupe_key=dedupe_key, cause=cause)

    def resolve_alert(self, dedupe_key: str) -> None:
        """The alert's cause went away (automatic): resolve it, or end a person's snooze."""
        from .alerts import resolve

        resolve(self, dedupe_key)

    def resolve_alert_by_hand(self, alert_id: int, actor: str | None = None) -> bool:
        """A person resolved the alert: it stays resolved until its cause changes (audited)."""
        from .alerts import resolve_by_hand

        return resolve_by_hand(self, alert_id, actor)

    def alert_keys(self, prefix: str) -> set[str]:
        """Keys under ``prefix`` held by an open or snoozed alert (a checker resolves the
        ones whose cause is gone)."""
        from .alerts import held_keys

        return held_keys(self, prefix)

    def owner_of(self, group_id: int | None) -> str:
        """Display name of the person who owns a group (its owner role; for a sibling the
        operation's own account created, its family's first group's owner), or ''."""
        from .owners import owner_name

        return owner_name(self.store, group_id) if group_id is not None else ""

    def enqueue(self, proposals: Iterable[Proposal], requested_by: str) -> list[int]:
        """Put proposed actions in the outbox (see console.outbox.enqueue)."""
        from .outbox import enqueue

        return enqueue(self, list(proposals), requested_by)

    def enqueue_each(self, items: Iterable[tuple[Proposal, str]]) -> list[int]:
        """Like ``enqueue`` with a requester per proposal (one batch's proposals from several
        rules), stored in one statement; returns the ids in order."""
        from .outbox import enqueue_each

        return enqueue_each(self, list(items))

    # --- connections -----------------------------------------------------------------------

    def connector_class(self, connection_id: str) -> type | None:
        conn = self.settings.connections.get(connection_id)
        if conn is None:
            platform = self.store.scalar("SELECT platform FROM connections WHERE id = ?", (connection_id,))
        else:
            platform = conn.platform
        return self.registry.connectors.get(platform) if platform else None

    def connection_of(self, group_id: int) -> str | None:
        """The connection a group belongs to (cached: it never changes)."""
        conn = self._group_connection.get(group_id)
        if conn is None:
            conn = self.store.scalar("SELECT connection_id FROM groups WHERE id = ?", (group_id,))
            if conn is not None:
                self._group_connection[group_id] = conn
        return conn

    def capabilities(self, connection_id: str) -> frozenset[Capability]:
        cls = self.connector_class(connection_id)
        return getattr(cls, "capabilities", frozenset()) if cls else frozenset()

    def group_capabilities(self, group_id: int) -> frozenset[Capability]:
        conn = self.connection_of(group_id)
        return self.capabilities(conn) if conn else frozenset()

    def sync_connections(self) -> None:
        """Mirror config's connections into the ``connections`` table (no secrets)."""
        with self.store.write() as c:
            for name, conn in self.settings.connections.items():
                c.execute(
                    "INSERT INTO connections(id, platform, state, updated_at) VALUES (?,?,?,?)"
                    " ON CONFLICT(id) DO UPDATE SET platform = excluded.platform,"
                    " state = CASE WHEN ? THEN (CASE WHEN connections.state = 'disabled' THEN 'unknown'"
                    " ELSE connections.state END) ELSE 'disabled' END",
                    (name, conn.platform, "unknown" if conn.enabled else "disabled", self.now(), conn.enabled),
                )

    def set_connection_state(self, connection_id: str, state: str, error: str | None = None) -> None:
        with self.store.write() as c:
            if error:
                c.execute("UPDATE connections SET state = ?, last_error = ?, last_error_at = ?, updated_at = ? WHERE id = ?",
                          (state, error, self.now(), self.now(), connection_id))
            else:
                c.execute("UPDATE connections SET state = ?, updated_at = ? WHERE id = ?",
                          (state, self.now(), connection_id))

    @contextmanager
    def clock_at(self, ts: float) -> Iterator[None]:
        """Run with the clock fixed at ``ts`` (back-fills, tests)."""
        old = self.clock
        self.clock = lambda: ts
        try:
            yield
        finally:
            self.clock = old

    def plugin_state(self, plugin: str) -> dict[str, Any]:
        """``plugin``'s own slot for what it keeps between hooks (parsed settings, a compiled
        rule set): a dict that lives as long as this workspace, so no plugin sets attributes
        on the workspace object (where two plugins' names could meet)."""
        return self.__dict__.setdefault("_plugin_state", {}).setdefault(plugin, {})

    def t(self, text: str) -> str:
        """``text`` in the configured language (plugins' translations included)."""
        lang = self.settings.console.language
        if lang == "en":
            return text
        from .i18n import translate

        return translate(text, lang, self.registry.translations)

    def shown(self, text: Any) -> str:
        """Words the workspace stored (an alert's title, a task, a reason), written in the
        language it had then, read back in the configured one (console/stored_text.py): a
        workspace switched to zh-CN listed its older tasks in English on the command line."""
        state = self.plugin_state("console")
        r = state.get("retranslator")
        if r is None:
            from .i18n import ZH_CN
            from .stored_text import Retranslator

            r = state["retranslator"] = Retranslator({**ZH_CN, **self.registry.translations.get("zh-CN", {})})
        return r.shown(text, self.settings.console.language)

    def tr(self, text: str, **values: Any) -> str:
        """``text`` (a template with named fields) in the configured language, then filled.
        Translating the template, not the filled text, keeps one catalogue entry per
        message; a translation whose fields do not match falls back to the English."""
        template = self.t(text)
        try:
            return template.format(**values) if values else template
        except (KeyError, IndexError, ValueError):
            return text.format(**values) if values else text


def gather_registry(pm: ShequnPluginManager) -> Registry:
    """Ask every plugin to register what it provides; name the plugin on any mistake."""
    reg = Registry()

    def registrar(plugin: str, kind: str) -> Callable[..., None]:
        def register(*args: Any) -> None:
            if kind == "connector":
                (cls,) = args
                platform = getattr(cls, "platform", None)
                if not platform:
                    raise TypeError(f"{cls!r} has no platform name")
                if platform in reg.connectors and reg.connector_plugin[platform] != plugin:
                    # two plugins claim one platform name: the first keeps it, the second is told
                    raise ValueError(f"platform {platform!r} is already registered by plugin "
                                     f"{reg.connector_plugin[platform]!r}; choose another platform name")
                reg.connectors[platform] = cls
                reg.connector_plugin[platform] = plugin
            elif kind == "settings":
                section, cls = args
                reg.settings[section] = cls
            elif kind == "migration":
                name, fn = args
                reg.migrations.append((f"{plugin}.{name}", fn))
            elif kind == "rule_kind":
                (rk,) = args
                if not isinstance(rk, RuleKind):
                    raise TypeError("register_rule_kinds wants a RuleKind")
                reg.rule_kinds[rk.name] = _with_plugin(rk, plugin)
            elif kind == "kpi":
                (k,) = args
                if not isinstance(k, KpiSpec):
                    raise TypeError("register_kpis wants a KpiSpec")
                reg.kpis[k.name] = _with_plugin(k, plugin)
            elif kind == "label":
                (src,) = args
                if not isinstance(src, LabelSource):
                    raise TypeError("register_labels wants a LabelSource")
                reg.labels[src.name] = _with_plugin(src, plugin)
            elif kind == "job":
                (j,) = args
                if not isinstance(j, Job):
                    raise TypeError("register_jobs wants a Job")
                reg.jobs[j.name] = _with_plugin(j, plugin)
            elif kind == "translation":
                lang, strings = args
                reg.translations.setdefault(lang, {}).update(strings)
        return register

    hooks = {"register_connectors": "connector", "register_settings": "settings",
             "register_migrations": "migration", "register_rule_kinds": "rule_kind", "register_kpis": "kpi",
             "register_labels": "label",
             "register_jobs": "job", "register_translations": "translation"}
    for hook, kind in hooks.items():
        caller = getattr(pm.hook, hook)
        for impl in reversed(caller.get_hookimpls()):
            try:
                traced_registration(pm, hook, impl, registrar(impl.plugin_name, kind))
            except Exception as e:
                pm.report(PluginProblem(impl.plugin_name, hook, f"{type(e).__name__}: {e}"))
    return reg


def gather_ui(pm: ShequnPluginManager) -> tuple[dict[str, ScreenSpec], dict[str, PanelSpec]]:
    """Screens and panels (only the console asks)."""
    screens: dict[str, ScreenSpec] = {}
    panels: dict[str, PanelSpec] = {}
    for hook, target in (("register_screens", screens), ("register_panels", panels)):
        for impl in reversed(getattr(pm.hook, hook).get_hookimpls()):
            def register(spec: Any, _plugin: str = impl.plugin_name, _t: dict = target) -> None:
                _t[spec.id] = _with_plugin(spec, _plugin)
            try:
                traced_registration(pm, hook, impl, register)
            except Exception as e:
                pm.report(PluginProblem(impl.plugin_name, hook, f"{type(e).__name__}: {e}"))
    return screens, panels


def _with_plugin(spec: Any, plugin: str) -> Any:
    from dataclasses import replace

    return spec if getattr(spec, "plugin", "") else replace(spec, plugin=plugin)


def check_plugin_sections(settings: Settings, registry: Registry) -> None:
    """Validate every plugin section against the dataclass its plugin registered."""
    for section, cls in registry.settings.items():
        build(cls, settings.section(section), settings.where(), section)
    for name, conn in settings.connections.items():
        if conn.enabled and conn.platform not in registry.connectors:
            raise ConfigError(settings.where(), f"connections.{name}.platform",
                              f"no connector for platform {conn.platform!r} is installed (or its plugin is disabled)",
                              "one of " + ", ".join(sorted(registry.connectors)))
