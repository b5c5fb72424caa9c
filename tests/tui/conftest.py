"""Fixtures for the console: one seeded sandbox workspace per session, copied per test."""

from __future__ import annotations

import pytest

from .world import build, copy, open_ws


@pytest.fixture(scope="session")
def world_config(tmp_path_factory):
    return build(tmp_path_factory.mktemp("world"))


@pytest.fixture
def tui_config(world_config, tmp_path):
    return copy(world_config, tmp_path / "ws")


@pytest.fixture
def tui_ws(tui_config):
    ws = open_ws(tui_config)
    yield ws
    ws.close()
