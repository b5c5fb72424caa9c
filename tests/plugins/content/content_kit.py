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


def local(ws, text: str) -> int:
    """Unix time of 'YYYY-MM-DD HH:MM' in the workspace's zone."""
    from datetime import datetime

    return int(datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=ws.tz).timestamp())


def item(ws, text="早安 {group}，今天是{date}", **kw) -> int:
    from plugins.content import library

    with ws.clock_at(T0):
        return library.save(ws, {"title": kw.pop("title", text[:10]), "text": text,
                                 "purpose": kw.pop("purpose", "activation"), **kw})


def schedule(ws, name="早安", at=None, **kw) -> int:
    from plugins.content import schedules

    sched = {"name": name, "cron": "30 7 * * *", "targets": ["all"], **kw}
    with ws.clock_at(at or T0):
        return schedules.save(ws, sched)


def owner(ws, group_id: int, name: str) -> None:
    pid = ws.store.execute("INSERT INTO people(display_name) VALUES (?)", (name,)).lastrowid
    ws.store.execute("INSERT INTO roles(person_id, group_id, role) VALUES (?, ?, 'owner')", (pid, group_id))
