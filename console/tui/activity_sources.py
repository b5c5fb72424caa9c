"""The Activity screen's tables as page sources: the event stream, the outbox (actions)
and the audit log, newest first, each with an optional filter and its true count; and
``short_data``, the one-line summary of a JSON column for a table cell. No Textual here
(runs in thread workers)."""

from __future__ import annotations

import json
from typing import Any

from ..workspace import Workspace


class SqlSource:
    """A newest-first table page by page, with an optional WHERE."""

    def __init__(self, ws: Workspace, select: str, count_sql: str, params: tuple = ()):
        self.ws, self.select, self.count_sql, self.params = ws, select, count_sql, params

    def count(self) -> int:
        return self.ws.store.scalar(self.count_sql, self.params, 0)

    def rows(self, offset: int, limit: int) -> list[dict[str, Any]]:
        return self.ws.store.query(self.select + " LIMIT ? OFFSET ?", self.params + (limit, offset))


def events_source(ws: Workspace, kind: str = "") -> SqlSource:
    where, params = ("WHERE e.kind = ?", (kind,)) if kind else ("", ())
    return SqlSource(ws, "SELECT e.id, e.ts, e.kind, e.connection_id, e.group_id, g.name AS group_name, p.display_name AS person,"
                         " e.data FROM events e LEFT JOIN groups g ON g.id = e.group_id"
                         f" LEFT JOIN people p ON p.id = e.person_id {where} ORDER BY e.id DESC",
                     f"SELECT count(*) FROM events e {where}", params)


def actions_source(ws: Workspace, status: str = "") -> SqlSource:
    where, params = ("WHERE a.status = ?", (status,)) if status else ("", ())
    return SqlSource(ws, "SELECT a.id, a.updated_at AS ts, a.kind, a.status, a.attempts, a.requested_by, a.reason,"
                         " a.last_error, a.group_id, g.name AS group_name, p.display_name AS person, a.connection_id"
                         " FROM actions a LEFT JOIN groups g ON g.id = a.group_id"
                         f" LEFT JOIN people p ON p.id = a.person_id {where} ORDER BY a.id DESC",
                     f"SELECT count(*) FROM actions a {where}", params)


def audit_source(ws: Workspace, actor: str = "") -> SqlSource:
    where, params = ("WHERE actor LIKE ?", (f"{actor}%",)) if actor else ("", ())
    return SqlSource(ws, f"SELECT id, ts, actor, action, target_type, target_id, detail FROM audit_log {where}"
                         " ORDER BY id DESC", f"SELECT count(*) FROM audit_log {where}", params)


def short_data(raw: str | None, limit: int = 80) -> str:
    """A one-line summary of a JSON column for a table cell."""
    if not raw:
        return ""
    try:
        d = json.loads(raw)
    except ValueError:
        return raw[:limit]
    if isinstance(d, dict):
        return " ".join(f"{k}={v}" for k, v in d.items() if v not in (None, "", [], {}))[:limit]
    return str(d)[:limit]
