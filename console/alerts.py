"""Alerts for people: one alert per cause.

An alert is raised under a key (what it is about: ``kpi.silent_group:12``) with a
*cause*, the fingerprint of what made it fire this time (the silent group's last
message day, the overdue count's threshold, the capacity band). The key is held by at
most one row, which is either

- open: raising it again updates its words and cause;
- snoozed: a person resolved it. Raising it again with the *same* cause does nothing
  (a resolved alert does not come back four minutes later because the check ran again);
  a *changed* cause opens a new alert;

and a key no row holds opens a new alert. When the cause goes away the checker calls
:func:`resolve` (automatic): an open alert is resolved by ``auto`` and a snoozed one
stops holding its key, so the condition's return is a new cause and alerts again.
Callers that give no cause mean "this alert's cause is the condition itself": a person's
resolution holds until the condition has gone away once.
"""

from __future__ import annotations

from typing import Any

AUTO = "auto"  # resolved_by of an alert whose cause went away


def raise_alert(ws: Any, kind: str, message: str, *, why: str = "", group_id: int | None = None,
                severity: str = "warning", dedupe_key: str | None = None, cause: str = "") -> int | None:
    """Open (or update) the alert under ``dedupe_key``. Returns its id, or None while a
    person's resolution of the same cause holds (the alert stays resolved)."""
    key = dedupe_key or f"{kind}:{group_id}"
    cause = str(cause)
    with ws.store.write() as c:
        row = c.execute("SELECT id, resolved_at, cause FROM alerts WHERE dedupe_key = ?", (key,)).fetchone()
        if row and row[1] is None:
            c.execute("UPDATE alerts SET message = ?, why = ?, severity = ?, cause = ? WHERE id = ?",
                      (message, why, severity, cause, row[0]))
            return row[0]
        if row and row[2] == cause:
            return None  # snoozed: a person resolved this very cause
        if row:
            c.execute("UPDATE alerts SET dedupe_key = NULL WHERE id = ?", (row[0],))  # the cause changed
        cur = c.execute(
            "INSERT INTO alerts(kind, group_id, severity, message, why, dedupe_key, opened_at, cause)"
            " VALUES (?,?,?,?,?,?,?,?)", (kind, group_id, severity, message, why, key, ws.now(), cause))
        return cur.lastrowid


def resolve(ws: Any, dedupe_key: str) -> None:
    """The cause went away: resolve the open alert (by ``auto``), or end a person's snooze."""
    with ws.store.write() as c:
        c.execute("UPDATE alerts SET resolved_at = ?, resolved_by = ?, dedupe_key = NULL"
                  " WHERE dedupe_key = ? AND resolved_at IS NULL", (ws.now(), AUTO, dedupe_key))
        c.execute("UPDATE alerts SET dedupe_key = NULL WHERE dedupe_key = ?", (dedupe_key,))


def resolve_by_hand(ws: Any, alert_id: int, actor: str | None = None) -> bool:
    """A person resolved alert ``alert_id``: it stays resolved while its cause is the same
    (audited). False when it was not open."""
    who = actor or f"operator:{ws.operator}"
    with ws.store.write() as c:
        done = c.execute("UPDATE alerts SET resolved_at = ?, resolved_by = ? WHERE id = ? AND resolved_at IS NULL",
                         (ws.now(), who, alert_id)).rowcount
        if done:
            ws.audit("alert_resolved", "alert", alert_id, actor=who)
    return bool(done)


def held_keys(ws: Any, prefix: str) -> set[str]:
    """Keys starting with ``prefix`` that an alert holds, open or snoozed: what a checker
    passes to :func:`resolve` once their cause is gone."""
    return {r[0] for r in ws.store.execute("SELECT dedupe_key FROM alerts WHERE dedupe_key LIKE ? ESCAPE '\\'",
                                           (prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                                            + "%",)).fetchall()}
