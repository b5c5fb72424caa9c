"""What every CLI verb needs: the workspace for the ``--config`` in force, and errors
that say what and where with exit code 2 (bad config, bad database) instead of a
traceback."""

from __future__ import annotations

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
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Turn config and store errors into one clear line and exit code 2."""
    try:
        yield
    except ConfigError as e:
        fail(str(e))
    except StoreError as e:
        fail(str(e))


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
    try:
        with friendly_errors():
            yield ws
    finally:
        ws.close()
