"""``shequn config set``: change one key of config.toml without losing its comments.

The default config.toml is documented line by line, and a full rewrite through a TOML
writer would drop every comment. So the value is serialised with tomli-w and spliced
into the existing line (or added under its table); the result is parsed and validated
before it replaces the file atomically. Nothing is written when validation fails.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import tomli_w

from .config import ConfigError, build, parse_settings


def parse_cli_value(text: str) -> Any:
    """`true`, `3`, `2.5`, `["a","b"]` are TOML values; anything else is a string."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _dump_value(key: str, value: Any) -> str:
    return tomli_w.dumps({key: value}).strip()


_HEADER = re.compile(r"^\s*\[([^\[\]]+)\]\s*(#.*)?$")


def set_key(path: Path, dotted: str, value: Any, sections: dict[str, type] | None = None) -> str:
    """Set ``dotted`` (e.g. ``console.language``) to ``value`` in the file at ``path``.

    ``sections`` are the plugins' registered settings dataclasses (section -> class): their
    tables are validated too, so ``checkin.streak_cap = "five"`` is refused naming the key
    and the type rather than written into a number field. Returns the new text. Raises
    ConfigError (and writes nothing) if the result is invalid.
    """
    if "." not in dotted:
        raise ConfigError(path, dotted, "names no table", 'a dotted key such as "console.language"')
    table, key = dotted.rsplit(".", 1)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    lines = text.splitlines()
    new_line = _dump_value(key, value)
    start = None
    for i, line in enumerate(lines):
        m = _HEADER.match(line)
        if m and m.group(1).strip() == table:
            start = i
            break
    if start is None:
        lines += ["", f"[{table}]", new_line]
    else:
        end = len(lines)
        for j in range(start + 1, len(lines)):
            if _HEADER.match(lines[j]) or lines[j].lstrip().startswith("[["):
                end = j
                break
        key_re = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for j in range(start + 1, end):
            if key_re.match(lines[j]):
                lines[j] = new_line
                break
        else:
            insert_at = end
            while insert_at > start + 1 and not lines[insert_at - 1].strip():
                insert_at -= 1
            lines.insert(insert_at, new_line)
    new_text = "\n".join(lines) + "\n"
    try:
        data = tomllib.loads(new_text)
    except tomllib.TOMLDecodeError as e:  # a multi-line value we could not splice
        raise ConfigError(path, dotted, f"could not be written in place ({e})", "a simple key = value line") from None
    parse_settings(data, path)  # raises ConfigError with the key
    for section, cls in (sections or {}).items():
        table = data.get(section, {})
        if isinstance(table, dict):  # not a table: parse_settings refused it already
            build(cls, table, path, section)
    _atomic_write(path, new_text)
    return new_text


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".toml")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def get_key(data: dict[str, Any], dotted: str) -> Any:
    cur: Any = data
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            raise KeyError(dotted)
        cur = cur[part]
    return cur
