"""The outbox: every effect on a platform is an ``actions`` row, carried out safely.

``enqueue`` stores proposals (idempotency key unique, so proposing twice stores once).
An action the connection's platform cannot do is stored as ``unsupported`` and becomes
a task for a person, with the reason, instead of failing later on the wire.

:class:`Executor` (console/executor.py, imported from here as before) carries them out:
paced, retried with backoff, exactly once across crashes (in-doubt actions are
reconciled with the platform), its SQLite work off the event loop.
"""

from __future__ import annotations

from .executor import Executor, ExecutorStats, TokenBucket  # noqa: F401  (where callers import them)
from .jsonenc import dumps
from .model import ACTION_CAPABILITY, Proposal
from .store import rows_in
from .workspace import Workspace

FINAL = ("done", "failed", "cancelled", "unsupported", "dry_run")


_INSERT_ACTION = (
    "INSERT OR IGNORE INTO actions(connection_id, kind, group_id, person_id, params, requested_by, reason,"
    " rule, case_id, evidence, idempotency_key, status, last_error, not_before, created_at, updated_at)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")


def enqueue(ws: Workspace, proposals: list[Proposal], requested_by: str) -> list[int]:
    """Store proposals as actions; returns the ids (existing ones for repeated keys)."""
    return enqueue_each(ws, [(p, requested_by) for p in proposals])


def enqueue_each(ws: Workspace, items: list[tuple[Proposal, str]]) -> list[int]:
    """Store proposals, each with its own requester (a batch's penalties come from several
    rules), in one ``executemany``; returns their ids in order.

    A key already stored (or repeated in ``items``) inserts nothing and gives the existing
    id. The new rows are found by id: we hold the write lock, so every row this insert
    adds has an id above the table's max before it, whatever rows the key skipped."""
    if not items:
        return []
    for p, by in items:  # check all first: nothing half-applied
        if p.kind not in ACTION_CAPABILITY:
            raise ValueError(f"{by} proposed an unknown action kind {p.kind!r}; "
                             f"known: {', '.join(sorted(ACTION_CAPABILITY))}")
    now = ws.now()
    rows: list[tuple] = []
    plans: list[tuple[Proposal, str, str, str, str | None]] = []  # (proposal, requester, key, status, error)
    for p, by in items:
        conn_id = p.connection
        if conn_id is None and p.group_id is not None:
            conn_id = ws.connection_of(p.group_id)
        if conn_id is None:
            raise ValueError(f"{by} proposed {p.kind} with neither a group nor a connection")
        p.connection = conn_id
        key = p.key or p.derive_key()
        status, error = "pending", None
        if p.dry_run:
            status = "dry_run"
        elif ACTION_CAPABILITY[p.kind] not in ws.capabilities(conn_id):
            platform = ws.connector_class(conn_id)
            pname = getattr(platform, "platform", conn_id)
            status, error = "unsupported", f"the {pname} platform cannot {p.kind.replace('_', ' ')}"
        rows.append((conn_id, p.kind, p.group_id, p.person_id, dumps(p.params), by, p.reason, p.rule, p.case_id,
                     p.evidence, key, status, error, p.not_before or 0, now, now))
        plans.append((p, by, key, status, error))
    ids: list[int] = []
    audits: list[tuple] = []
    tasks: list[tuple[Proposal, str, int, str | None]] = []
    with ws.store.write() as c:
        before = c.execute("SELECT max(id) FROM actions").fetchone()[0] or 0
        inserted = c.executemany(_INSERT_ACTION, rows).rowcount
        new = dict(c.execute("SELECT idempotency_key, id FROM actions WHERE id > ?", (before,))) if inserted > 0 else {}
        stored = {} if inserted == len(rows) else dict(rows_in(  # keys stored before (or repeated here)
            c, "SELECT idempotency_key, id FROM actions WHERE idempotency_key IN ({marks})",
            [k for _, _, k, _, _ in plans if k not in new]))
        for p, by, key, status, error in plans:
            aid = new.pop(key, None)  # popped: a key repeated in this call is new only the first time
            if aid is None:
                aid = stored.get(key)
                if aid is None:
                    raise ValueError(f"{by} proposed a {p.kind} the outbox could not store "
                                     f"(group {p.group_id}, person {p.person_id}): a required field is missing")
                ids.append(aid)
                continue
            stored[key] = aid
            ids.append(aid)
            audits.append(("action_" + ("proposed" if status == "pending" else status), "action", aid,
                           {"kind": p.kind, "group_id": p.group_id, "person_id": p.person_id, "reason": p.reason,
                            "rule": p.rule, **({"error": error} if error else {})}, by))
            if status == "unsupported":
                tasks.append((p, by, aid, error))
        ws.audit_many(audits)
        for p, by, aid, error in tasks:
            words = getattr(ws.connector_class(p.connection), "by_hand", None)  # the platform's own words, if any
            ws.add_task("do_by_hand", (words and words(ws, p.kind, p.group_id, p.person_id))
                        or f"Do by hand: {p.kind.replace('_', ' ')}",
                        detail=f"{error}. Asked by {by}: {p.reason}", group_id=p.group_id,
                        person_id=p.person_id, source=by, dedupe_key=f"action:{aid}")
    return ids
