"""Finding, loading and calling plugins.

Built-in plugins and third parties' come through the same ``shequn`` entry-point group.
``get_plugin_manager()`` builds a fresh manager each call (tests get their own).
Set ``SHEQUN_TRACE_HOOKS=1`` to print every hook call and its outcome to stderr, the
registration hooks included (``traced_registration``): a plugin whose migration or
settings fail to register otherwise leaves no trace. ``SHEQUN_LOAD_PLUGINS=a,b`` loads
only the entry points named (the test suite loads only shequn's own, not every
``shequn`` entry point installed beside it).

Hooks are called through :func:`call_hook`, which calls each implementation on its own
so that one plugin raising is reported by name and the others still run.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pluggy

from . import hookspecs

ENTRY_POINT_GROUP = "shequn"
TRACE_ENV = "SHEQUN_TRACE_HOOKS"
LOAD_ENV = "SHEQUN_LOAD_PLUGINS"


def own_plugin_names() -> list[str]:
    """The entry points the ``shequn`` distribution itself declares (its built-in plugins)."""
    try:
        dist = importlib.metadata.distribution("shequn")
    except importlib.metadata.PackageNotFoundError:
        return []
    return sorted(ep.name for ep in dist.entry_points if ep.group == ENTRY_POINT_GROUP)


def only_loaded() -> set[str] | None:
    """The plugin names ``SHEQUN_LOAD_PLUGINS`` allows, or None (unset or empty: all)."""
    names = {n.strip() for n in os.environ.get(LOAD_ENV, "").split(",") if n.strip()}
    return names or None


@dataclass
class PluginProblem:
    plugin: str
    hook: str
    error: str
    when: float = field(default_factory=time.time)

    def __str__(self) -> str:
        return f"plugin {self.plugin!r} failed in {self.hook}: {self.error}"


class ShequnPluginManager(pluggy.PluginManager):
    """A pluggy manager that remembers load errors, blocked names and hook failures."""

    def __init__(self) -> None:
        super().__init__("shequn")
        self.add_hookspecs(hookspecs)
        self.load_errors: dict[str, str] = {}
        self.blocked_names: list[str] = []
        self.unknown_disabled: list[str] = []
        self.not_selected: list[str] = []  # installed, left out by SHEQUN_LOAD_PLUGINS
        self.unknown_selected: list[str] = []  # named in SHEQUN_LOAD_PLUGINS, not installed
        self.paths: dict[str, str] = {}  # one-file plugins: name -> file
        self.problems: list[PluginProblem] = []
        self.versions: dict[str, str] = {}
        self.on_problem: Callable[[PluginProblem], None] | None = None

    def plugin_names(self) -> list[str]:
        return sorted(name for name, p in self.list_name_plugin() if p is not None)

    def report(self, problem: PluginProblem) -> None:
        self.problems.append(problem)
        del self.problems[:-200]  # keep the latest
        print(f"shequn: {problem}", file=sys.stderr)
        if self.on_problem:
            try:
                self.on_problem(problem)
            except Exception:
                pass


def get_plugin_manager(disabled: list[str] | tuple[str, ...] = (), *, load_entrypoints: bool = True,
                       extra: list[tuple[str, Any]] | tuple = (),
                       dirs: list[Path] | tuple = ()) -> ShequnPluginManager:
    """A fresh plugin manager with every installed plugin that is not disabled.

    ``extra`` registers additional plugin objects by name (tests, one-off plugins);
    ``dirs`` are folders of one-file plugins (``[plugins] dirs``, see :mod:`.plugindirs`)."""
    pm = ShequnPluginManager()
    for name in disabled:
        pm.set_blocked(name)
        pm.blocked_names.append(name)
    only = only_loaded()
    if load_entrypoints:
        seen = set()
        for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            seen.add(ep.name)
            if ep.name in disabled:
                continue
            if only is not None and ep.name not in only:
                pm.not_selected.append(ep.name)
                continue
            try:
                module = ep.load()
            except Exception as e:  # a broken plugin must not take the host down
                pm.load_errors[ep.name] = f"{type(e).__name__}: {e}"
                print(f"shequn: plugin {ep.name!r} could not be loaded: {e}", file=sys.stderr)
                continue
            if pm.is_registered(module):
                continue
            pm.register(module, name=ep.name)
            dist = getattr(ep, "dist", None)
            pm.versions[ep.name] = getattr(module, "__version__", None) or (dist.version if dist else "")
        pm.unknown_disabled = [n for n in disabled if n not in seen and n not in dict(extra)]
        pm.unknown_selected = sorted(n for n in (only or ()) if n not in seen and n not in dict(extra))
    for name, obj in extra:
        if name in disabled:
            continue
        pm.register(obj, name=name)
        pm.versions[name] = getattr(obj, "__version__", "")
    if dirs:
        from .plugindirs import load_plugin_dirs

        load_plugin_dirs(pm, dirs, disabled, only)
    if os.environ.get(TRACE_ENV):
        _enable_tracing(pm)
    return pm


def plugin_manager_for(settings: Any) -> ShequnPluginManager:
    """The plugin manager a workspace or verb with these settings uses: entry points not
    disabled, plus the one-file plugins of ``[plugins] dirs`` (relative to config.toml)."""
    return get_plugin_manager(settings.plugins.disabled,
                              dirs=[settings.resolve_path(d) for d in settings.plugins.dirs])


def _enable_tracing(pm: pluggy.PluginManager) -> None:
    def before(hook_name, hook_impls, kwargs):
        names = [i.plugin_name for i in hook_impls]
        print(f"[hook] {hook_name} -> {names} args={sorted(kwargs)}", file=sys.stderr)

    def after(outcome, hook_name, hook_impls, kwargs):
        exc = outcome.exception
        state = f"raised {type(exc).__name__}: {exc}" if exc else "ok"
        print(f"[hook] {hook_name} {state}", file=sys.stderr)

    pm.add_hookcall_monitoring(before, after)
    pm.tracing_on = True  # type: ignore[attr-defined]


def traced_registration(pm: pluggy.PluginManager, hook: str, impl: Any, *args: Any) -> Any:
    """Call one plugin's registration hook (``register_*``) with ``args``, traced like
    every other hook under ``SHEQUN_TRACE_HOOKS``. The host calls these implementations
    one by one (to name the plugin in an error), so pluggy's own monitoring never sees them."""
    tracing = getattr(pm, "tracing_on", False)
    if tracing:
        print(f"[hook] {hook} -> {impl.plugin_name}", file=sys.stderr)
    try:
        result = impl.function(*args)
    except Exception as e:
        if tracing:
            print(f"[hook] {hook} {impl.plugin_name} raised {type(e).__name__}: {e}", file=sys.stderr)
        raise
    if tracing:
        print(f"[hook] {hook} {impl.plugin_name} ok", file=sys.stderr)
    return result


def call_hook(pm: ShequnPluginManager, name: str, *, firstresult: bool = False,
              wrap: Callable[[], Any] | None = None, **kwargs: Any) -> list[tuple[str, Any]]:
    """Call hook ``name`` on each plugin separately; returns ``[(plugin, result), ...]``.

    A plugin that raises is reported (by name) and skipped. ``wrap`` is a context
    manager factory (for example a savepoint) entered around each plugin's call, so a
    failing plugin's writes are undone without touching the others'. With
    ``firstresult`` the first non-None result ends the call, as pluggy would."""
    caller = getattr(pm.hook, name)
    impls = list(reversed(caller.get_hookimpls()))  # pluggy's own call order
    tracing = getattr(pm, "tracing_on", False)
    timings: dict[tuple[str, str], float] | None = getattr(pm, "timings", None)  # benchmarks set it
    out: list[tuple[str, Any]] = []
    for impl in impls:
        args = [kwargs[a] for a in impl.argnames]
        if tracing:
            print(f"[hook] {name} -> {impl.plugin_name}", file=sys.stderr)
        began = time.perf_counter() if timings is not None else 0.0
        try:
            if wrap is not None:
                with wrap():
                    result = impl.function(*args)
            else:
                result = impl.function(*args)
        except Exception as e:
            tb = traceback.extract_tb(e.__traceback__)[-1]
            where = f"{os.path.basename(tb.filename)}:{tb.lineno}"
            pm.report(PluginProblem(impl.plugin_name, name, f"{type(e).__name__}: {e} ({where})"))
            continue
        finally:
            if timings is not None:  # seconds per (hook, plugin), savepoint included
                key = (name, impl.plugin_name)
                timings[key] = timings.get(key, 0.0) + time.perf_counter() - began
        if result is None:
            continue
        out.append((impl.plugin_name, result))
        if firstresult:
            break
    return out


def hook_implementations(pm: pluggy.PluginManager) -> dict[str, list[str]]:
    """plugin name -> sorted hook names it implements."""
    out: dict[str, list[str]] = {}
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            continue
        out[name] = sorted(h.name for h in pm.get_hookcallers(plugin) or [])
    return out
