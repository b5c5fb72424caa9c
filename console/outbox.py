"""The outbox: every effect on a platform is an ``actions`` row, carried out safely.

``enqueue`` stores proposals (idempotency key unique, so proposing twice stores once).
An action the connection's platform cannot do is stored as ``unsupported`` and becomes
a task for a person, with the reason, instead of failing later on the wire.

:class:`Executor` carries them out: paced per connection (token bucket: rate and
burst from the connector, overridable per connection), retrying transient and
rate-limited failures with exponential backoff and jitter, refreshing credentials once
on an auth-expired result, and giving up with a recorded reason on permanent errors.

Exactly once across crashes: an action is claimed (``running``, attempts + 1) and
committed before the connector is called, and its result is committed before the next
call (with the next action's claim). A crash in between leaves it ``running``; on the next start
:meth:`Executor.recover` marks it *in doubt*, and before acting again the executor asks
the connector's ``reconcile`` whether the platform already shows the effect. When the
platform cannot tell, idempotent kinds (kick, mute, approve...) are re-run — applying
them twice has one effect — and others (a message) are not re-sent: a task asks a
person to check, because a duplicate post in a member group is worse than a late one.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from .connector import Connector, NotSupported
from .jsonenc import dumps
from .model import ACTION_CAPABILITY, IDEMPOTENT_ACTIONS, ActionRequest, ActionResult, Proposal, Status
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
            ws.add_task("do_by_hand", f"Do by hand: {p.kind.replace('_', ' ')}",
                        detail=f"{error}. Asked by {by}: {p.reason}", group_id=p.group_id,
                        person_id=p.person_id, source=by, dedupe_key=f"action:{aid}")
    return ids


class TokenBucket:
    """Rate and burst per connection; ``pause`` after a rate-limit answer."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic):
        self.rate, self.burst, self.clock = rate, burst, clock
        self.tokens = float(burst)
        self.updated = clock()
        self.paused_until = 0.0

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def take(self) -> bool:
        if self.clock() < self.paused_until:
            return False
        self._refill()
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False

    def wait_time(self) -> float:
        now = self.clock()
        if now < self.paused_until:
            return self.paused_until - now
        self._refill()
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def pause(self, seconds: float) -> None:
        self.paused_until = max(self.paused_until, self.clock() + seconds)


@dataclass
class ExecutorStats:
    done: int = 0
    failed: int = 0
    retried: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


class Executor:
    """Carries out pending actions through the running connectors."""

    def __init__(self, ws: Workspace, connectors: dict[str, Connector], *, pacing: bool = True,
                 max_attempts: int = 6, base_backoff: float = 2.0, max_backoff: float = 900.0,
                 monotonic: Callable[[], float] = time.monotonic):
        self.ws = ws
        self.connectors = connectors
        self.pacing = pacing
        self.max_attempts = max_attempts
        self.base_backoff = base_backoff
        self.max_backoff = max_backoff
        self.monotonic = monotonic
        self.buckets: dict[str, TokenBucket] = {}
        self.in_doubt: set[int] = set()
        self.stats = ExecutorStats()

    def bucket(self, connection: str) -> TokenBucket:
        b = self.buckets.get(connection)
        if b is None:
            conn = self.connectors[connection]
            cfg = self.ws.settings.connections.get(connection)
            rate = (cfg.rate if cfg and cfg.rate else None) or conn.pacing.rate
            burst = (cfg.burst if cfg and cfg.burst else None) or conn.pacing.burst
            b = self.buckets[connection] = TokenBucket(rate, burst, self.monotonic)
        return b

    def recover(self) -> list[int]:
        """Actions left ``running`` by a crash: mark them in doubt and pending again."""
        rows = self.ws.store.query("SELECT id FROM actions WHERE status = 'running'")
        ids = [r["id"] for r in rows]
        if ids:
            with self.ws.store.write() as c:
                for aid in ids:
                    c.execute("UPDATE actions SET status = 'pending', last_error = ?, updated_at = ? WHERE id = ?",
                              ("in doubt: the previous run stopped while this action was under way",
                               self.ws.now(), aid))
                    self.ws.audit("action_in_doubt", "action", aid, {"note": "recovered after a crash"}, actor="outbox")
            self.in_doubt.update(ids)
        # the ones a previous recover marked (attempts > 0, pending, doubt noted) are in doubt too
        for r in self.ws.store.query("SELECT id FROM actions WHERE status = 'pending' AND last_error LIKE 'in doubt:%'"):
            self.in_doubt.add(r["id"])
        return ids

    def due(self, limit: int = 200) -> list[dict[str, Any]]:
        return self.ws.store.query(
            "SELECT * FROM actions WHERE status = 'pending' AND not_before <= ? ORDER BY id LIMIT ?",
            (self.ws.now(), limit))

    async def run_once(self, limit: int = 200) -> int:
        """Carry out what is due now, as pacing allows. Returns how many were attempted."""
        rows = self.due(limit)
        by_conn: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            if row["connection_id"] not in self.connectors:
                continue  # its connection is not running here: leave it pending
            by_conn.setdefault(row["connection_id"], []).append(row)
        results = await asyncio.gather(*(self._run_connection(c, acts) for c, acts in by_conn.items()))
        return sum(results)

    async def _run_connection(self, connection: str, rows: list[dict[str, Any]]) -> int:
        """A connection's due actions in order. A result is committed with the next claim, still
        before the next connector call: the crash guarantees hold at one commit an action, not two."""
        n = 0
        held: _Outcome | None = None  # the last action's result, committed with the next claim
        try:
            for row in rows:
                if self.pacing and not self.bucket(connection).take():
                    self.stats.skipped += 1
                    break  # keep order: later actions of this connection wait too
                claimed = self._claim(row["id"], held)
                if held is not None:
                    self._after(held)
                    held = None
                if not claimed:
                    continue
                n += 1
                held = await self._execute(row)
        finally:
            if held is not None:
                self._record(held)
                self._after(held)
        return n

    async def drain(self, *, max_rounds: int = 1000) -> int:
        """Run until nothing is due (tests, back-fills). Pacing still applies if on."""
        total = 0
        for _ in range(max_rounds):
            n = await self.run_once()
            total += n
            if n == 0:
                if not self.pacing or not self.due(1):
                    break
                await asyncio.sleep(min(b.wait_time() for b in self.buckets.values()) if self.buckets else 0.05)
        return total

    async def run_forever(self, stop: asyncio.Event, *, idle: float = 0.25) -> None:
        self.recover()
        while not stop.is_set():
            try:
                n = await self.run_once()
            except Exception as e:  # the loop must survive anything
                self.stats.errors.append(str(e))
                n = 0
            if n == 0:
                try:
                    await asyncio.wait_for(stop.wait(), timeout=idle)
                except asyncio.TimeoutError:
                    pass

    # --- one action -----------------------------------------------------------------

    def _claim(self, action_id: int, held: "_Outcome | None" = None) -> bool:
        """Mark the action running (attempts + 1); ``held`` (the last result) in the same commit."""
        with self.ws.store.write() as c:
            if held is not None:
                self._write(c, held)
            cur = c.execute("UPDATE actions SET status = 'running', attempts = attempts + 1, updated_at = ?"
                            " WHERE id = ? AND status = 'pending'", (self.ws.now(), action_id))
            return cur.rowcount == 1

    def request_for(self, row: dict[str, Any]) -> ActionRequest:
        store = self.ws.store
        group = user = None
        if row["group_id"] is not None:
            group = store.scalar("SELECT platform_group_id FROM groups WHERE id = ?", (row["group_id"],))
        if row["person_id"] is not None:
            user = store.scalar("SELECT i.platform_user_id FROM identities i JOIN connections c ON c.platform = i.platform"
                                " WHERE i.person_id = ? AND c.id = ? ORDER BY i.id LIMIT 1",
                                (row["person_id"], row["connection_id"]))
        return ActionRequest(action_id=row["id"], kind=row["kind"], key=row["idempotency_key"], group=group,
                             user=user, params=json.loads(row["params"] or "{}"))

    async def _execute(self, row: dict[str, Any]) -> "_Outcome | None":
        """Carry out one claimed action: its outcome to record (None if settled here, in doubt)."""
        aid = row["id"]
        connector = self.connectors[row["connection_id"]]
        req = self.request_for(row)
        attempts = row["attempts"] + 1
        try:
            if aid in self.in_doubt:
                self.in_doubt.discard(aid)
                result = await connector.reconcile(req)
                if result is None and row["kind"] not in IDEMPOTENT_ACTIONS:
                    self._finish(row, ActionResult.failed(
                        "in doubt after a crash: the platform cannot tell whether it happened, so it was not "
                        "repeated (a duplicate would be worse); a task asks a person to check"), attempts)
                    self.ws.add_task("check_action", f"Check whether {row['kind'].replace('_', ' ')} went out",
                                     detail=f"Action {aid} was under way when shequn stopped. {row['reason']}",
                                     group_id=row["group_id"], person_id=row["person_id"], source="outbox",
                                     dedupe_key=f"doubt:{aid}")
                    return None
                if result is None:
                    result = await connector.perform(req)
            else:
                result = await connector.perform(req)
            if result.status == Status.AUTH_EXPIRED:
                await connector.refresh_auth()
                result = await connector.perform(req)
                if result.status == Status.AUTH_EXPIRED:
                    result = ActionResult.failed(f"credentials expired and a refresh did not help: {result.message}")
                    self.ws.set_connection_state(row["connection_id"], "error", result.message)
        except NotSupported as e:
            result = ActionResult.failed(str(e))
        except Exception as e:  # network errors, connector bugs: transient from our side
            result = ActionResult.retry(f"{type(e).__name__}: {e}")
        return self._settle(row, result, attempts)

    def _finish(self, row: dict[str, Any], result: ActionResult, attempts: int) -> None:
        """Settle, record (in its own transaction) and announce one action's result."""
        out = self._settle(row, result, attempts)
        self._record(out)
        self._after(out)

    def _settle(self, row: dict[str, Any], result: ActionResult, attempts: int) -> "_Outcome":
        """Done, failed (also after too many attempts) or pending after a backoff. A rate limit
        pauses the bucket now, before the next action is taken (the row is written later)."""
        status = result.status
        if status in (Status.RETRY, Status.RATE_LIMITED) and attempts >= self.max_attempts:
            result = ActionResult.failed(f"gave up after {attempts} attempts: {result.message}")
            status = Status.FAILED
        delay = 0.0
        if status not in (Status.DONE, Status.FAILED):
            delay = result.retry_after if result.retry_after is not None else min(
                self.max_backoff, self.base_backoff * 2 ** (attempts - 1))
            delay *= random.uniform(1.0, 1.25)  # jitter: retries from many actions do not align
            if status == Status.RATE_LIMITED and self.pacing and row["connection_id"] in self.connectors:
                self.bucket(row["connection_id"]).pause(delay)
        return _Outcome(row, result, status, attempts, self.ws.now(), delay)

    def _record(self, out: "_Outcome") -> None:
        with self.ws.store.write() as c:
            self._write(c, out)

    def _write(self, c, out: "_Outcome") -> None:
        """The action's row and its audit entry, inside the caller's transaction."""
        ws, row, result, status, now, aid = self.ws, out.row, out.result, out.status, out.now, out.row["id"]
        if status == Status.DONE:
            c.execute("UPDATE actions SET status = 'done', result = ?, last_error = NULL, updated_at = ? WHERE id = ?",
                      (json.dumps(result.data, ensure_ascii=False, default=str) if result.data else None, now, aid))
            ws.audit("action_done", "action", aid, {"kind": row["kind"], "message": result.message}, actor="outbox")
            self.stats.done += 1
        elif status == Status.FAILED:
            c.execute("UPDATE actions SET status = 'failed', last_error = ?, updated_at = ? WHERE id = ?",
                      (result.message, now, aid))
            ws.audit("action_failed", "action", aid, {"kind": row["kind"], "error": result.message}, actor="outbox")
            self.stats.failed += 1
        else:
            c.execute("UPDATE actions SET status = 'pending', last_error = ?, not_before = ?, updated_at = ?"
                      " WHERE id = ?", (f"{status.value}: {result.message}", now + max(1, int(out.delay)), now, aid))
            ws.audit("action_retry", "action", aid, {"kind": row["kind"], "status": status.value,
                                                     "error": result.message, "in_seconds": round(out.delay, 1)},
                     actor="outbox")
            self.stats.retried += 1

    def _after(self, out: "_Outcome") -> None:
        """Once a final result is committed: ``action_done``, and what plugins propose in answer."""
        if out.status not in (Status.DONE, Status.FAILED):
            return
        ws = self.ws
        final = dict(out.row, status=out.status.value, attempts=out.attempts)
        for plugin, follow in ws.call("action_done", action=final, result=out.result, ws=ws):
            try:
                ws.enqueue(follow if isinstance(follow, list) else [follow], f"plugin:{plugin}")
            except ValueError as e:
                ws.audit("plugin_error", "plugin", plugin, {"hook": "action_done", "error": str(e)},
                         actor=f"plugin:{plugin}")


@dataclass
class _Outcome:
    """One carried-out action's result, settled but maybe not yet written."""
    row: dict[str, Any]
    result: ActionResult
    status: Status
    attempts: int
    now: int
    delay: float  # seconds until a retry (0 when final)
