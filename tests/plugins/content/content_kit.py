"""Helpers for the content tests: a fixed clock, groups made by hand, the CLI."""

from __future__ import annotations

from click.testing import CliRunner

from console.cli import build_cli

T0 = 1_750_000_000  # 2025-06-15 23:06:40 in Asia/Shanghai: tests never read the wall clock
DAY = 86400


def add_group(ws, gid: str, gtype: str = "traffic", family: str | None = None, name: str | None = None,
              connection: str = "sandbox", platform: str = "sandbox") -> int:
    ws.store.execute("INSERT INTO connections(id, platform, state, updated_at) VALUES (?, ?, 'unknown', 0)"
                     " ON CONFLICT(id) DO NOTHING", (connection, platform))
    ws.store.execute("INSERT INTO groups(connection_id, platform, platform_group_id, name, type, family)"
                     " VALUES (?,?,?,?,?,?)", (connection, platform, gid, name or gid, gtype, family))
    return ws.store.scalar("SELECT id FROM groups WHERE platform_group_id = ?", (gid,))


def cli(config_path, *args: str):
    return CliRunner().invoke(build_cli(), ["--config", str(config_path), *args])
