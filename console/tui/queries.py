"""What the console's screens read, as plain functions over the core tables.

No Textual here: every function takes the workspace, runs in a thread worker and
returns plain rows, so it is tested without Pilot and reused by the benchmark.
Queries stay on indexed paths or small tables (groups, roles, rollups) and page with
LIMIT/OFFSET where a table can be large (people, events, actions, audit, and the
queues of console.queues: alerts, tasks, the owner's queue, never capped).
"""

from __future__ import annotations

from typing import Any

from .. import queues as host_queues
from ..numbers import capacity
from ..workspace import Workspace
# the Activity screen's sources live in activity_sources.py; screens read them as queries.X
from .activity_sources import SqlSource, actions_source, audit_source, events_source, short_data  # noqa: F401

DAY = 86400


# --- live changes ---------------------------------------------------------------------


def change_marks(ws: Workspace) -> tuple[Any, ...]:
    """Cheap fingerprints of what changed: the newest event, message, action update,
    request, case, alert, task and audit row. Each is a max() over a rowid or an
    indexed column, so polling every second costs microseconds."""
    return tuple(ws.store.scalar(sql, (), 0) for sql in (
        "SELECT max(id) FROM events", "SELECT max(id) FROM messages",
        "SELECT max(updated_at) FROM actions", "SELECT count(*) FROM actions WHERE status IN ('pending','running')",
        "SELECT max(coalesce(decided_at, requested_at)) FROM join_requests", "SELECT max(id) FROM join_requests",
        "SELECT max(id) || ':' || coalesce(max(closed_at), 0) FROM cases",
        "SELECT max(id) || ':' || coalesce(max(resolved_at), 0) FROM alerts",
        "SELECT max(id) || ':' || coalesce(max(done_at), 0) FROM tasks", "SELECT max(id) FROM audit_log",
        "SELECT max(updated_at) FROM connections"))


def workspace_is_empty(ws: Workspace) -> bool:
    return not ws.store.scalar("SELECT 1 FROM groups LIMIT 1")


# --- dashboard --------------------------------------------------------------------------


def membership_moves(ws: Workspace, since: int) -> tuple[int, int, int]:
    """(joins, leaves, of which kicks) since ``since``. memberships has no index on the
    times (one would cost every ingest), so each is a scan: two of 500,000 rows take
    about 65 ms, which is why the dashboard recounts them at most every few seconds."""
    s = ws.store
    joins = s.scalar("SELECT count(*) FROM memberships WHERE joined_at >= ?", (since,), 0)
    row = s.one("SELECT count(*) AS n, sum(leave_reason = 'kick') AS k FROM memberships"
                " WHERE status = 'left' AND left_at >= ?", (since,)) or {}
    return int(joins or 0), int(row.get("n") or 0), int(row.get("k") or 0)


def overnight(ws: Workspace, hours: int = 24, moves: tuple[int, int, int] | None = None) -> list[dict[str, Any]]:
    """The dashboard's "what happened" lines, each with where it leads (mode + filter).
    ``moves``: the membership counts of :func:`membership_moves` if already known."""
    now = ws.now()
    since = now - hours * 3600
    s = ws.store
    joins, leaves, kicked = moves if moves is not None else membership_moves(ws, since)
    cases = s.query("SELECT coalesce(step, kind) AS step, count(*) AS n FROM cases WHERE opened_at >= ?"
                    " GROUP BY 1 ORDER BY 2 DESC", (since,))
    # live ones only: a request its platform already forgot is not waiting on anyone
    waiting = host_queues.join_segment(ws, host_queues.QueueFilter(), None).count()
    failed = s.scalar("SELECT count(*) FROM actions WHERE status = 'failed' AND updated_at >= ?", (since,), 0)
    lines: list[dict[str, Any]] = [
        {"text": _one_or_many(joins, "{n} join", "{n} joins"), "n": joins, "mode": "activity", "arg": "join"},
        {"text": _one_or_many(leaves, "{n} leave ({k} removed)", "{n} leaves ({k} removed)"), "n": leaves,
         "k": kicked, "mode": "activity", "arg": "leave"},
    ]
    for c in cases:
        lines.append({"text": _one_or_many(c["n"], "{n} case: {step}", "{n} cases: {step}"), "n": c["n"],
                      "step": c["step"], "mode": "moderation", "arg": ""})
    lines.append({"text": _one_or_many(waiting, "{n} join request waiting", "{n} join requests waiting"),
                  "n": waiting, "mode": "workflows", "arg": ""})
    open_now = queue_counts(ws)
    if open_now["task"]:
        lines.append({"text": _one_or_many(open_now["task"], "{n} open task", "{n} open tasks"),
                      "n": open_now["task"], "mode": "owner", "arg": "task"})
    if open_now["alert"]:
        lines.append({"text": _one_or_many(open_now["alert"], "{n} open alert", "{n} open alerts"),
                      "n": open_now["alert"], "mode": "owner", "arg": "alert"})
    if failed:
        lines.append({"text": _one_or_many(failed, "{n} action failed", "{n} actions failed"), "n": failed,
                      "mode": "activity", "arg": "failed"})
    for g in s.query("SELECT id, name, member_count, capacity FROM groups WHERE status = 'active' AND capacity > 0"
                     " AND member_count * 100 >= capacity * 90 ORDER BY member_count * 1.0 / capacity DESC LIMIT 5"):
        # the one capacity figure (console.numbers.capacity): 199/200 (99.5%), as the kpi task says it
        lines.append({"text": "{name}: {fill} of capacity", "name": g["name"],
                      "fill": capacity(g["member_count"], g["capacity"]), "mode": "group", "arg": g["id"]})
    for g in silent_groups(ws, days=3)[:5]:
        lines.append({"text": "{name} silent for {days} days", "name": g["name"], "days": g["days"],
                      "mode": "group", "arg": g["id"]})
    return lines


def _one_or_many(n: int, one: str, many: str) -> str:
    """The line's text (a translation key) agreeing with its count: "1 case", "2 cases"."""
    return one if n == 1 else many


def silent_groups(ws: Workspace, days: int = 3) -> list[dict[str, Any]]:
    """Active groups with no member message for ``days`` days (from the daily rollups). A
    group with no member message at all is silent since shequn first saw it (created_at),
    not since ever: one first synced today has not been silent for days."""
    today = ws.day(ws.now())
    cutoff = ws.day(ws.now() - days * DAY)
    rows = ws.store.query(
        "SELECT g.id, g.name, g.created_at, (SELECT max(day) FROM rollups_daily r WHERE r.group_id = g.id"
        " AND r.messages > r.messages_insiders) AS last_day FROM groups g WHERE g.status = 'active'")
    out = []
    for r in rows:
        since = r["last_day"] or (ws.day(r["created_at"]) if r["created_at"] else None)
        if since is None or since <= cutoff:
            n = days if since is None else (ws.day_start(today) - ws.day_start(since)) // DAY
            out.append({"id": r["id"], "name": r["name"], "days": int(n)})
    return out


def open_alerts(ws: Workspace, limit: int = 50) -> tuple[int, list[dict[str, Any]]]:
    """(every open alert, the first ``limit`` of them, urgent and newest first)."""
    src = host_queues.alerts(ws)
    return src.count(), src.rows(0, limit)


def queue_counts(ws: Workspace) -> dict[str, int]:
    """Open tasks and open alerts: the true totals for the dashboard's lines."""
    return {"task": host_queues.tasks(ws).count(), "alert": host_queues.alerts(ws).count()}


def daily_series(ws: Workspace, days: int = 30) -> dict[str, list[int]]:
    """Messages, speakers, joins and leaves per day over all groups (rollups, not the log)."""
    start = ws.day(ws.now() - (days - 1) * DAY)
    rows = ws.store.query("SELECT day, sum(messages) m, sum(speakers) s, sum(joins) j, sum(leaves) l"
                          " FROM rollups_daily WHERE day >= ? GROUP BY day ORDER BY day", (start,))
    by_day = {r["day"]: r for r in rows}
    out: dict[str, list[int]] = {"days": [], "messages": [], "speakers": [], "joins": [], "leaves": []}
    for i in range(days):
        d = ws.day(ws.now() - (days - 1 - i) * DAY)
        r = by_day.get(d) or {}
        out["days"].append(d)  # type: ignore[arg-type]
        out["messages"].append(int(r.get("m") or 0))
        out["speakers"].append(int(r.get("s") or 0))
        out["joins"].append(int(r.get("j") or 0))
        out["leaves"].append(int(r.get("l") or 0))
    return out


# --- groups ---------------------------------------------------------------------------------


def groups(ws: Workspace) -> list[dict[str, Any]]:
    """Every group with owner, staffing and today's activity (about 1,000 rows: held in memory)."""
    today = ws.day(ws.now())
    rows = ws.store.query(
        "SELECT g.id, g.name, g.platform, g.connection_id, g.type, g.theme, g.tier, g.family, g.status,"
        " g.member_count, g.capacity,"
        " (SELECT group_concat(p.display_name, ', ') FROM roles r JOIN people p ON p.id = r.person_id"
        "   WHERE r.group_id = g.id AND r.role = 'owner') AS owner,"
        " (SELECT count(*) FROM roles r WHERE r.group_id = g.id AND r.role = 'admin') AS admins,"
        " (SELECT count(*) FROM roles r WHERE r.group_id = g.id AND r.role = 'cheer') AS cheer,"
        " coalesce(d.messages, 0) AS today_messages, coalesce(d.speakers, 0) AS today_speakers,"
        " coalesce(d.joins, 0) AS today_joins, coalesce(d.leaves, 0) AS today_leaves"
        " FROM groups g LEFT JOIN rollups_daily d ON d.group_id = g.id AND d.day = ? ORDER BY g.id", (today,))
    from ..owners import owner_names

    people = owner_names(ws.store)  # a sibling the bot created: its family's owner, who works it
    for r in rows:
        r["owner"] = people.get(r["id"]) or r["owner"] or ""
        r["fill"] = (r["member_count"] / r["capacity"]) if r["capacity"] else 0.0
    return rows


def filter_groups(rows: list[dict[str, Any]], text: str, translate=lambda s: s) -> list[dict[str, Any]]:
    """k9s-style filter: every word must appear in the name, theme, type or platform (either
    language), owner, tier or family."""
    words = [w.lower() for w in text.split() if w]
    if not words:
        return rows
    out = []
    for r in rows:
        hay = " ".join(str(r.get(k) or "") for k in ("name", "theme", "type", "platform", "owner", "tier", "family",
                                                     "status", "connection_id")).lower()
        hay += " " + translate(r.get("type") or "") + " " + translate(r.get("platform") or "")
        if all(w in hay for w in words):
            out.append(r)
    return out


def group_detail(ws: Workspace, group_id: int) -> dict[str, Any]:
    s = ws.store
    g = s.one("SELECT * FROM groups WHERE id = ?", (group_id,)) or {}
    return {
        "group": g,
        "roles": s.query("SELECT r.id, r.role, r.person_id, p.display_name AS person, r.platform_state, r.assigned_by"
                         " FROM roles r JOIN people p ON p.id = r.person_id WHERE r.group_id = ?"
                         " ORDER BY r.role, p.display_name", (group_id,)),
        "policies": s.query("SELECT id, name, kind, plugin, scope_type, scope_value, enabled, dry_run FROM rules"
                            " WHERE scope_type = 'all' OR (scope_type = 'type' AND scope_value = ?)"
                            " OR (scope_type = 'group' AND scope_value = ?) ORDER BY plugin, name",
                            (g.get("type", ""), str(group_id))),
        "events": s.query("SELECT e.id, e.kind, e.ts, e.data, p.display_name AS person FROM events e"
                          " LEFT JOIN people p ON p.id = e.person_id WHERE e.group_id = ? ORDER BY e.id DESC LIMIT 30",
                          (group_id,)) if g else [],
        "cases": s.query("SELECT c.id, c.rule, c.step, c.status, c.opened_at, p.display_name AS person FROM cases c"
                         " LEFT JOIN people p ON p.id = c.person_id WHERE c.group_id = ? ORDER BY c.id DESC LIMIT 30",
                         (group_id,)),
    }


class GroupMembersSource:
    """Members of one group, a page at a time (a group may hold thousands)."""

    def __init__(self, ws: Workspace, group_id: int):
        self.ws, self.group_id = ws, group_id

    def count(self) -> int:
        return self.ws.store.scalar("SELECT count(*) FROM memberships WHERE group_id = ? AND status = 'member'",
                                    (self.group_id,), 0)

    def rows(self, offset: int, limit: int) -> list[dict[str, Any]]:
        return self.ws.store.query(
            "SELECT m.person_id AS id, p.display_name AS name, m.group_nickname, m.platform_role, m.joined_at,"
            " m.last_spoke_at, m.message_count FROM memberships m JOIN people p ON p.id = m.person_id"
            " WHERE m.group_id = ? AND m.status = 'member' ORDER BY m.id LIMIT ? OFFSET ?",
            (self.group_id, limit, offset))


# --- members ---------------------------------------------------------------------------------


# Members and profiles (their labels through console.labels, linked accounts) live in people_queries
from .people_queries import MembersSource, decorate_people, profile  # noqa: E402,F401


# --- connections -----------------------------------------------------------------------------------


def connections(ws: Workspace) -> list[dict[str, Any]]:
    rows = ws.store.query("SELECT c.*, (SELECT count(*) FROM groups g WHERE g.connection_id = c.id) AS groups,"
                          " (SELECT count(*) FROM actions a WHERE a.connection_id = c.id AND a.status = 'failed')"
                          " AS failed FROM connections c ORDER BY c.id")
    for r in rows:
        caps = ws.capabilities(r["id"])
        r["capabilities"] = sorted(str(c) for c in caps)
        cfg = ws.settings.connections.get(r["id"])
        r["enabled"] = bool(cfg and cfg.enabled)
        r["first_sync"] = not ws.store.scalar("SELECT 1 FROM groups WHERE connection_id = ? AND synced_at IS NOT NULL"
                                              " LIMIT 1", (r["id"],))
    return rows


# --- the owner's queue ---------------------------------------------------------------------------------


def owner_queue(ws: Workspace, owner: str, filter_text: str = "") -> host_queues.Stacked:
    """Everything waiting on ``owner`` as a page source with its true total (console.queues
    says in which order); ``filter_text`` narrows it by kind, group and age."""
    return host_queues.owner_queue(ws, owner, host_queues.parse_filter(filter_text))


def owner_queue_page(ws: Workspace, owner: str, filter_text: str = "", limit: int = 100) -> dict[str, Any]:
    """The owner's queue's total, its counts by kind and its first page, read at once in a
    worker (the table then pages through the same source)."""
    src = owner_queue(ws, owner, filter_text)
    return {"source": src, "total": src.count(), "counts": src.counts(), "rows": src.rows(0, limit)}
