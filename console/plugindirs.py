"""One-file plugins from folders named in config (``[plugins] dirs = ["plugins.d"]``).

Like datasette's ``--plugins-dir``: every ``NAME.py`` in those folders (not starting with
``_``) is imported as the plugin ``NAME`` and registered as an entry point's module would
be, with its file remembered for ``shequn plugins``. A file that cannot be imported (a
syntax error, an exception at import, a name another plugin already has) is a plugin
problem naming the file and the reason, never a crash: the host carries on without it.
"""

from __future__ import annotations

import importlib.util
import sys
import traceback
from pathlib import Path
from typing import Any

MODULE_PREFIX = "shequn_plugins_dir_"  # kept apart from any installed package's name


def _reason(e: BaseException, path: Path) -> str:
    """What went wrong, with the line of the plugin's file where it did."""
    if isinstance(e, SyntaxError):
        return f"SyntaxError: {e.msg} (line {e.lineno})"
    lines = [f.lineno for f in traceback.extract_tb(e.__traceback__) if Path(f.filename).resolve() == path.resolve()]
    at = f" (line {lines[-1]})" if lines else ""
    return f"{type(e).__name__}: {e}{at}"


def load_plugin_dirs(pm: Any, dirs: list[Path] | tuple, disabled: Any, only: set[str] | None) -> None:
    """Import and register each one-file plugin of ``dirs`` into ``pm``."""
    from .pluginmanager import PluginProblem

    for folder in dirs:
        folder = Path(folder)
        if not folder.is_dir():
            key = str(folder)
            pm.load_errors[key] = f"{folder}: no such folder (named in [plugins] dirs)"
            pm.report(PluginProblem(key, "load", pm.load_errors[key]))
            continue
        for path in sorted(folder.glob("*.py")):
            name = path.stem
            if name.startswith("_") or name in disabled:
                continue
            if only is not None and name not in only:
                pm.not_selected.append(name)
                continue
            pm.paths[name] = str(path)
            if pm.has_plugin(name) or name in pm.load_errors:
                _fail(pm, name, path, f"a plugin named {name!r} is already loaded")
                continue
            module_name = MODULE_PREFIX + name
            try:
                spec = importlib.util.spec_from_file_location(module_name, path)
                module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
                sys.modules[module_name] = module
                spec.loader.exec_module(module)  # type: ignore[union-attr]
                pm.register(module, name=name)
            except Exception as e:  # a broken file must not take the host down
                sys.modules.pop(module_name, None)
                _fail(pm, name, path, _reason(e, path))
                continue
            pm.versions[name] = str(getattr(module, "__version__", ""))


def _fail(pm: Any, name: str, path: Path, reason: str) -> None:
    from .pluginmanager import PluginProblem

    pm.load_errors[name] = f"{path}: {reason}"
    pm.report(PluginProblem(name, "load", pm.load_errors[name]))
