"""A connection from a verb, outside the running ``serve`` (public API).

- ``build_connector(ws, connection)``: the connector of a configured connection, attached
  to the workspace, for one-off calls (a verb that reads a platform's statistics); raises
  ``ConfigError`` naming the connection when it is not configured or its platform is not
  installed.
- ``await sync_connection(ws, connector, groups=None)``: list the connection's groups (and
  members, where it can) into the store, as ``shequn sync`` does; returns a summary.
  ``await refresh_group(ws, connector, group)``: one group's ``group_info`` written to its row
  (name, capacity; the head count where the connector lists no members).
- ``forced_offline(ws, connection, ts, words)``: the platform pushed the connection's account
  offline (QQ's ``bot_offline``): counted in the account's health with the platform's words.
- ``carry_out_now(ws, action_id)``: one queued action carried out now through its connection
  when no serve or console runs (``served`` when one does and will); returns a word and the
  action's row (see ``console/offline.py``).
- ``record_account(ws, connection, account)``: the account the platform answers as (its
  ``check``), as the runtime records it when a connection starts; the account's person is
  then an insider (console/owners.py), not a member the KPIs count.
- ``Backfill(ws, connector)``: history (simulated or imported) through the engine:
  ``ingest(events)``, ``await drain()`` (the actions the plugins proposed, through that
  connector, unpaced), ``run_jobs(skip)``; set the clock with ``ws.clock_at(ts)``.
"""

from __future__ import annotations

from console.account_health import forced_offline
from console.offline import Backfill, carry_out_now
from console.owners import record_account
from console.sync import build_connector, refresh_group, sync_connection

__all__ = ["build_connector", "sync_connection", "refresh_group", "forced_offline", "carry_out_now", "Backfill",
           "record_account"]
