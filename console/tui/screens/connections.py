"""Connections (连接 / 账号): state, last event, errors, capabilities; test and first sync.

``t`` tests the selected connection (the connector's ``check``: who we are logged in
as), ``s`` runs a sync of its groups and members with a progress bar. Both run in a
thread worker; the sync writes one group per transaction (console.sync), so stopping
half-way leaves whole groups.
"""

from __future__ import annotations

import asyncio
from typing import Any

from rich.markup import escape as esc
from textual.app import ComposeResult
from textual.widgets import ProgressBar, Static

from .. import queries
from ... import account_health
from ..base import ShequnScreen
from ..dialogs import ConfirmScreen
from ..keymap import bindings
from ..vtable import Column, ListSource, VirtualTable
from .group_detail import when


class ConnectionsScreen(ShequnScreen):
    MODE = "connections"
    TITLE_EN = "Connections"
    HELP = ("Each connection (platform account): state, last event, last error, what its platform can do. "
            "t tests it (reaches the platform once), s syncs its groups and members (first sync or after "
            "shequn was offline).")
    BINDINGS = bindings("connections.test", "connections.sync")
    GUARDED = {"sync": "write"}
    PALETTE = [("Test the connection", "screen.test"), ("Sync groups and members", "screen.sync")]
    DEFAULT_CSS = """
    ConnectionsScreen #conns { height: 8; }
    ConnectionsScreen #detail { height: 1fr; padding: 0 1; }
    ConnectionsScreen #progress { display: none; padding: 0 1; }
    ConnectionsScreen #progress.shown { display: block; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []

    def body(self) -> ComposeResult:
        t = self.t
        yield VirtualTable([Column("id", "connection"), Column("platform", "platform", 9, fmt=t),
                            Column("state", "state", 9, fmt=self.state), Column("last_event", "last event", 11),
                            Column("groups", "groups", 6, "right"), Column("failed", "failed", 6, "right")],
                           id="conns", empty="No connections configured")
        yield ProgressBar(id="progress", show_eta=False)
        yield Static("", id="detail")

    def state(self, value: str) -> str:
        """A connection's state: a switched-off one is not "disabled" (an action's word: not available)."""
        return self.t("switched off") if value == "disabled" else self.t(value or "")

    def refresh_data(self) -> None:
        self.load(lambda ws: account_health.with_health(ws, queries.connections(ws)), self.ws, then=self._show)

    def _show(self, rows: list[dict[str, Any]]) -> None:
        for r in rows:
            r["last_event"] = when(r["last_event_at"]) or "-"
        self.rows = rows
        self.query_one("#conns", VirtualTable).set_source(ListSource(rows), keep_cursor=True)
        self._detail(self.query_one("#conns", VirtualTable).current_row)

    def on_virtual_table_moved(self, event: VirtualTable.Moved) -> None:
        self._detail(event.row)

    def _detail(self, r: dict[str, Any] | None) -> None:
        t = self.t
        if r is None:
            self.query_one("#detail", Static).update("")
            return
        lines = [f"[b]{esc(r['id'])}[/] ({r['platform']}) · {self.state(r['state'])}"
                 + ("" if r["enabled"] else f" · {t('switched off in config.toml')}"),
                 f"{t('account')}{t(': ')}{esc(r['account'] or '-')}",
                 f"{t('last error')}{t(': ')}{esc(self.app.shown(r['last_error'] or '-'))} {when(r['last_error_at'])}",
                 f"{t('platform can')}{t(': ')}{t(', ').join(t(c) for c in r['capabilities']) or '-'}",
                 *(esc(x) for x in account_health.health_lines(r.get("health"), t, when))]  # 风控
        if r["first_sync"]:
            lines.append(t("Not synced yet: press s for the first sync."))
        self.query_one("#detail", Static).update("\n".join(lines))
        self.show_why()

    def _current(self) -> dict[str, Any] | None:
        row = self.query_one("#conns", VirtualTable).current_row
        if row is None:
            self.app.notify(self.t("No connection selected"), severity="warning")
        return row

    def action_test(self) -> None:
        row = self._current()
        if row is None:
            return
        from ...sync import build_connector

        def test() -> str:
            conn = build_connector(self.ws, row["id"])
            res = asyncio.run(conn.check())
            return (self.t("OK") if res.ok else self.t("Failed")) + f": {res.account} {res.detail}".rstrip()

        self.do(test, then=lambda msg: self.app.notify(msg, title=row["id"]))

    def action_sync(self) -> None:
        row = self._current()
        if row is None or not self.guard("write", []):
            return
        if not row["enabled"]:
            self.app.notify(self.t("This connection is disabled in config.toml"), severity="warning")
            return
        self.app.push_screen(ConfirmScreen(self.t("Sync groups and members of {name}?", name=row["id"]),
                                           yes=self.t("Confirm"), no=self.t("Cancel")),
                             lambda ok: ok and self._sync(row["id"]))

    def _sync(self, name: str) -> None:
        from ...sync import build_connector, sync_connection_blocking

        bar = self.query_one("#progress", ProgressBar)
        bar.add_class("shown")
        bar.update(total=None, progress=0)

        def progress(done: int, total: int, what: str) -> None:
            self.app.call_from_thread(bar.update, total=max(total, 1), progress=done)

        def run() -> str:
            conn = build_connector(self.ws, name)
            s = sync_connection_blocking(self.ws, conn, progress=progress)
            line = self.t("{groups} groups ({new} new)", groups=s.groups, new=s.groups_new)
            if s.members_listed:
                line += self.t(", {members} members ({new} new, {left} no longer listed)", members=s.members,
                               new=s.members_new, left=s.members_left)
            return line + "".join("\n✗ " + self.app.shown(e) for e in s.errors[:5])

        def finished(summary: str) -> None:
            bar.remove_class("shown")
            self.app.notify(summary, title=name)

        self.do(run, then=finished)
