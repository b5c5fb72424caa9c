"""What ``shequn config get`` shows of a settings section: each field's value, its
default and the docstring under it, for the core sections and every plugin's alike.

A plugin registers its ``[section]`` as a dataclass (``register_settings``); a field not
yet written in config.toml still shows, with its default, so an operator can find
``checkin.streak_cap`` before setting it.
"""

from __future__ import annotations

import ast
import inspect
import json
from dataclasses import MISSING, asdict, fields, is_dataclass
from typing import Any


def field_docs(cls: type) -> dict[str, str]:
    """The docstring under each field of a settings dataclass, read from its source."""
    try:
        tree = ast.parse(inspect.getsource(cls))
    except (OSError, TypeError, SyntaxError):
        return {}
    body = tree.body[0].body  # type: ignore[attr-defined]
    out: dict[str, str] = {}
    for a, b in zip(body, body[1:]):
        if isinstance(a, ast.AnnAssign) and isinstance(a.target, ast.Name):
            if isinstance(b, ast.Expr) and isinstance(getattr(b, "value", None), ast.Constant):
                out[a.target.id] = str(b.value.value)
    return out


def _plain(value: Any) -> Any:
    return asdict(value) if is_dataclass(value) and not isinstance(value, type) else value


def field_default(f: Any) -> Any:
    """A dataclass field's default (its factory called), or MISSING."""
    if f.default is not MISSING:
        return _plain(f.default)
    if f.default_factory is not MISSING:  # type: ignore[misc]
        return _plain(f.default_factory())  # type: ignore[misc]
    return MISSING


def section_rows(section: str, cls: type, obj: Any, key: str | None, written: dict[str, Any]) -> list[dict]:
    """One row per field of ``section`` matching ``key`` (all without it, or the whole
    section): key, value (secrets masked), default, whether the file sets it, meaning."""
    from .config_checks import masked

    docs = field_docs(cls)
    rows = []
    for f in fields(cls):
        dotted = f"{section}.{f.name}"
        if key and key not in (dotted, section):
            continue
        default = field_default(f)
        rows.append({"key": dotted,
                     "value": json.dumps(masked(_plain(getattr(obj, f.name)), key=f.name), ensure_ascii=False,
                                         default=str),
                     "default": "" if default is MISSING else json.dumps(masked(default, key=f.name),
                                                                         ensure_ascii=False, default=str),
                     "in_file": f.name in written,
                     "meaning": docs.get(f.name, "")})
    return rows


def setting_names(cls: type) -> list[str]:
    return sorted(f.name for f in fields(cls))
