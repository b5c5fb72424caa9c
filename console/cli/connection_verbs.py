"""``shequn connections``: every connection (platform account) with its state and health.

Health (账号健康 / 风控, console/account_health.py): messages sent, refused and timed out in
the last hour and 24 hours, the back-off level and why, how often the platform pushed
the account offline, its last heartbeat, and this hour's messages per group (the five
busiest). ``--json`` prints ``{"total", "rows"}``, each row with a ``health`` object.
"""

from __future__ import annotations

import json
from datetime import datetime

import click

from .. import account_health
from .context import workspace
from .output import emit, json_option


@click.command("connections")
@json_option
def connections_cmd(as_json: bool) -> None:
    """Connections (accounts): state, last event, last error, and account health (风控)."""
    from ..tui.queries import connections

    with workspace(read_only=True) as ws:
        rows = account_health.with_health(ws, connections(ws))
        if as_json:
            click.echo(json.dumps({"total": len(rows), "rows": rows}, ensure_ascii=False, indent=2, default=str))
            return
        def when(ts):
            return datetime.fromtimestamp(ts, ws.tz).strftime("%Y-%m-%d %H:%M") if ts else ""

        table = [{"connection": r["id"], "platform": ws.t(r["platform"]), "state": ws.t("switched off" if r["state"] == "disabled" else r["state"] or ""),
                  "account": r["account"] or "", "sent_1h": r["health"]["sent_1h"],
                  "refused_1h": r["health"]["refused_1h"], "timed_out_1h": r["health"]["timed_out_1h"],
                  "backoff": r["health"]["backoff_level"], "last_event": when(r.get("last_event_at")),
                  "last_error": " ".join(f"{when(r.get('last_error_at'))} {r.get('last_error') or ''}".split())}
                 for r in rows]
        emit(table, ["connection", "platform", "state", "account", "sent_1h", "refused_1h", "timed_out_1h",
                     "backoff", "last_event", "last_error"])
        for r in rows:
            lines = account_health.health_lines(r["health"], ws.tr, when)
            if r["health"]["backoff_level"] or r["health"]["forced_offline"]:
                click.echo(f"{r['id']}{ws.t(': ')}" + ws.t("; ").join(lines[1:]))
        click.echo(ws.tr("1 connection") if len(rows) == 1 else ws.tr("{n} connections", n=len(rows)))
