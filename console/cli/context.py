"""What every CLI verb needs: the workspace for the ``--config`` in force, and errors
that say what and where with exit code 2 (bad config, bad database) instead of a
traceback."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import Iterator

import click

from ..config import ConfigError, Settings, load_settings
from ..store import StoreError


class CliState:
    def __init__(self, config: str | None, read_only: bool = False):
        self.config = config
        self.read_only = read_only
        self._settings: Settings | None = None

    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config)
        return self._settings


def state() -> CliState:
    ctx = click.get_current_context()
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState(None)
    return root.obj


def fail(message: str, code: int = 2) -> "None":
    click.echo(_t("Error: {message}").format(message=message), err=True)
    sys.exit(code)


def language() -> str:
    """The operator's language: console.language once the config is read; for an error in
    the config itself, the file's console.language if it can be read as TOML; else zh-CN
    when the environment's locale is Chinese."""
    try:
        st = state()
    except RuntimeError:  # no click context (called outside a command)
        st = None
    if st is not None and st._settings is not None:
        return st._settings.console.language
    if st is not None:
        try:
            import tomllib

            from ..config import find_config

            lang = tomllib.loads(find_config(st.config).read_text(encoding="utf-8")).get("console", {}).get("language")
            if lang in ("en", "zh-CN"):
                return lang
        except (OSError, ValueError, AttributeError):
            pass
    loc = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    return "zh-CN" if loc.lower().startswith("zh") else "en"


def _t(text: str) -> str:
    from ..i18n import translate

    return translate(text, language())


def said(e: Exception) -> str:
    """An error's message in the operator's language: errors that carry a template
    (the file guard's, the config's range checks) are translated, others said as raised."""
    template = getattr(e, "template", "")
    if not template:
        return str(e)
    values = {k: _t(v) if isinstance(v, str) else v for k, v in getattr(e, "values", {}).items()}
    try:
        return _t(template).format(**values)
    except (KeyError, IndexError, ValueError):
        return str(e)


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Turn config and store errors into one clear line and exit code 2."""
    try:
        yield
    except ConfigError as e:
        fail(said(e))
    except StoreError as e:
        fail(said(e))


def open_workspace(*, read_only: bool | None = None):
    """The workspace for this command (config from --config / $SHEQUN_CONFIG / ./config.toml)."""
    from ..workspace import Workspace

    st = state()
    ro = st.read_only if read_only is None else read_only
    with friendly_errors():
        return Workspace.open(st.config, settings=st.settings(), read_only=ro)


@contextmanager
def workspace(*, read_only: bool | None = None) -> Iterator["object"]:
    ws = open_workspace(read_only=read_only)
    from . import output

    output.ZONE[0] = ws.tz  # times in tables read in the operator's zone
    try:
        with friendly_errors():
            yield ws
    finally:
        ws.close()
