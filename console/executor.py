"""The outbox's executor: carries out pending actions through the running connectors.

Paced per connection (:class:`TokenBucket`: rate and burst from the connector,
overridable per connection), retrying transient and rate-limited failures with
exponential backoff and jitter, refreshing credentials once on an auth-expired result,
and giving up with a recorded reason on permanent errors.

Exactly once across crashes: an action is claimed (``running``, attempts + 1) and
committed before the connector is called, and its result is committed before the next
call (with the next action's claim). A crash in between leaves it ``running``; on the
next start :meth:`Executor.recover` marks it *in doubt* (``in_doubt_since``, kept until
the action ends), and before acting again the executor asks the connector's
``reconcile`` whether the platform already shows the effect. When the platform cannot
tell, idempotent kinds (kick, mute, approve...) are re-run, applying them twice has one
effect, and a re-run whose platform answers that the target is gone (the member left,
the message or the join request no longer exists: a result with ``gone``) is done, since
the earlier attempt is what removed it. Others (a message) are not re-sent: a task asks a
person to check, because a duplicate post in a member group is worse than a late one.

Serve's event loop never waits on SQLite (issue 16): every read and write of the
executor runs in a worker thread (``asyncio.to_thread``), so webhooks are answered and
connector calls go on while an ingest batch holds the store; only the connector's own
call runs on the loop. A back-fill (``off_loop=False``) has a loop that serves nothing else: there
they run in place.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from .account_health import AccountHealth
from .connector import Connector, NotSupported
from .model import IDEMPOTENT_ACTIONS, ActionRequest, ActionResult, Status
from .workspace import Workspace

#: What a kind's effect removes on the platform: an in-doubt re-run answered "that is
#: gone" (``ActionResult.data["gone"]``) means the earlier attempt took effect.
GONE_BY_EFFECT = {"kick": "member", "mute": "member", "unmute": "member", "recall": "message",
                  "approve_join": "request", "reject_join": "request"}
DOUBT_NOTE = "in doubt: the previous run stopped while this action was under way"


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


def in_doubt_result(kind: str, result: ActionResult) -> ActionResult:
    """An in-doubt re-run's answer as it should be recorded: a refusal saying the target is
    gone, for a kind whose effect removes that target, is done (the earlier attempt did it)."""
    gone = result.data.get("gone") if result.data else None
    if result.status == Status.FAILED and gone and GONE_BY_EFFECT.get(kind) == gone:
        return ActionResult.done(f"in doubt after a crash; the platform no longer knows the {gone}, so the earlier "
                                 f"attempt took effect: {result.message}", gone=gone, in_doubt=True)
    return result


class Executor:
    """Carries out pending actions through the running connectors."""

    def __init__(self, ws: Workspace, connectors: dict[str, Connector], *, pacing: bool = True,
                 max_attempts: int = 6, base_backoff: float = 2.0, max_backoff: float = 900.0,
                 monotonic: Callable[[], float] = time.monotonic, off_loop: bool = True):
        self.ws = ws
        self.connectors = connectors
        self.pacing = pacing
        self.off_loop = off_loop  # False: a back-fill, whose loop serves nothing else (console/offline.py)
        self.max_attempts = max_attempts
        self.base_backoff = base_backoff
        self.max_backoff = max_backoff
        self.monotonic = monotonic
        self.buckets: dict[str, TokenBucket] = {}
        self.health = AccountHealth(ws, connectors, monotonic)  # messages paced per group, back-off (风控)
        self.stats = ExecutorStats()
        self.stop: asyncio.Event | None = None  # set: take no further action (the current one ends)

    def bucket(self, connection: str) -> TokenBucket:
        b = self.buckets.get(connection)
        if b is None:
            conn = self.connectors[connection]
            cfg = self.ws.settings.connections.get(connection)
            rate = (cfg.rate if cfg and cfg.rate else None) or conn.pacing.rate
            burst = (cfg.burst if cfg and cfg.burst else None) or conn.pacing.burst
            b = self.buckets[connection] = TokenBucket(rate, burst, self.monotonic)
        return b

    def group_bucket(self, connection: str, group_id: int | None) -> TokenBucket | None:
        """The pace of one group's actions where the platform limits groups one by one
        (the connector's ``group_pacing``); None where it does not, or for no group."""
        pace = self.connectors[connection].group_pacing
        if pace is None or group_id is None:
            return None
        key = f"{connection}/{group_id}"
        b = self.buckets.get(key)
        if b is None:
            b = self.buckets[key] = TokenBucket(pace.rate, pace.burst, self.monotonic)
        return b

    def recover(self) -> list[int]:
        """Actions left ``running`` by a crash: pending again, and in doubt until they end."""
        ws = self.ws
        with ws.store.write() as c:
            ids = [r[0] for r in c.execute("SELECT id FROM actions WHERE status = 'running' ORDER BY id")]
            now = ws.now()
            c.executemany("UPDATE actions SET status = 'pending', in_doubt_since = ?, last_error = ?, updated_at = ?"
                          " WHERE id = ?", [(now, DOUBT_NOTE, now, aid) for aid in ids])
            ws.audit_many([("action_in_doubt", "action", aid, {"note": "recovered after a crash"}, "outbox")
                           for aid in ids])
        return ids

    async def _off(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` in a worker thread, so serve's loop never waits on SQLite; run in place
        when ``off_loop`` is False (two thread hand-offs an action; operator_day's day has ~1,900)."""
        return await asyncio.to_thread(fn, *args) if self.off_loop else fn(*args)

    def due(self, limit: int = 200) -> list[dict[str, Any]]:
        return self.ws.store.query(
            "SELECT * FROM actions WHERE status = 'pending' AND not_before <= ? ORDER BY id LIMIT ?",
            (self.ws.now(), limit))

    async def run_once(self, limit: int = 200) -> int:
        """Carry out what is due now, as pacing allows. Returns how many were attempted."""
        rows = await self._off(self.due, limit)
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
            waiting: set[int] = set()  # groups whose own pace holds their actions this round
            for row in rows:
                if self.stop is not None and self.stop.is_set():
                    break
                if self.pacing and self.health.hold(connection, row)[0] > 0:
                    self.stats.skipped += 1  # account health (console/account_health.py): this message waits,
                    continue  # later ones of its group and account too, other groups' and moderation go on
                group = self.group_bucket(connection, row["group_id"]) if self.pacing else None
                if group is not None and (row["group_id"] in waiting or group.wait_time() > 0):
                    waiting.add(row["group_id"])  # keep order within the group; other groups go on
                    self.stats.skipped += 1
                    continue
                if self.pacing and not self.bucket(connection).take():
                    self.stats.skipped += 1
                    break  # keep order: later actions of this connection wait too
                if group is not None:
                    group.take()
                last, held = held, None
                req = await self._off(self._claim, row, last)
                if req is None:
                    continue
                n += 1
                held = await self._execute(row, req)
        finally:
            if held is not None:  # shielded: a stop's cancel must not lose a result the platform gave
                await asyncio.shield(self._off(self._commit, held))
        return n

    async def drain(self, *, max_rounds: int = 1000) -> int:
        """Run until nothing is due (tests, back-fills). Pacing still applies if on."""
        total = 0
        for _ in range(max_rounds):
            n = await self.run_once()
            total += n
            if n == 0:
                if not self.pacing or not await self._off(self.due, 1):
                    break
                await asyncio.sleep(min(b.wait_time() for b in self.buckets.values()) if self.buckets else 0.05)
        return total

    async def run_forever(self, stop: asyncio.Event, *, idle: float = 0.25) -> None:
        """The outbox loop of a runtime. An error of one round is counted and the loop goes
        on; the runtime's supervisor restarts it should it end any other way."""
        self.stop = stop
        await asyncio.to_thread(self.recover)
        while not stop.is_set():
            try:
                n = await self.run_once()
                if n == 0 and self.health.accounts:  # idle: a recovered account's state without a message
                    await asyncio.to_thread(self.health.flush)
            except Exception as e:  # noqa: BLE001 - a round's error (a store fault): the next round retries
                self.stats.errors[:] = [*self.stats.errors[-99:], f"{type(e).__name__}: {e}"]
                n = 0
            if n == 0:
                try:
                    await asyncio.wait_for(stop.wait(), timeout=idle)
                except asyncio.TimeoutError:
                    pass

    # --- one action (the methods without ``async`` run in a worker thread) ---------------------

    def _claim(self, row: dict[str, Any], held: "_Outcome | None" = None) -> ActionRequest | None:
        """Mark the action running (attempts + 1), with ``held`` (the last result) in the same
        commit, then announce that result; the request to send, or None if it was taken."""
        with self.ws.store.write() as c:
            if held is not None:
                self._write(c, held)
            claimed = c.execute("UPDATE actions SET status = 'running', attempts = attempts + 1, updated_at = ?"
                                " WHERE id = ? AND status = 'pending'", (self.ws.now(), row["id"])).rowcount == 1
        if held is not None:
            self._after(held)
        return self.request_for(row) if claimed else None

    def _commit(self, out: "_Outcome") -> None:
        self._record(out)
        self._after(out)

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

    async def _execute(self, row: dict[str, Any], req: ActionRequest) -> "_Outcome | None":
        """Carry out one claimed action: its outcome to record (None if settled here, in doubt)."""
        connector = self.connectors[row["connection_id"]]
        attempts = row["attempts"] + 1
        doubt = row.get("in_doubt_since") is not None
        try:
            result = await connector.reconcile(req) if doubt else None
            if doubt and result is None and row["kind"] not in IDEMPOTENT_ACTIONS:
                await self._off(self._doubt_to_person, row, attempts)
                return None
            if result is None:
                result = await connector.perform(req)
            if result.status == Status.AUTH_EXPIRED:
                await connector.refresh_auth()
                result = await connector.perform(req)
                if result.status == Status.AUTH_EXPIRED:
                    result = ActionResult.failed(f"credentials expired and a refresh did not help: {result.message}")
                    await self._off(self.ws.set_connection_state, row["connection_id"], "error", result.message)
            if doubt:
                result = in_doubt_result(row["kind"], result)
        except NotSupported as e:
            result = ActionResult.failed(str(e))
        except Exception as e:  # network errors, connector bugs: transient from our side
            result = ActionResult.retry(f"{type(e).__name__}: {e}")
        return self._settle(row, result, attempts)

    def _doubt_to_person(self, row: dict[str, Any], attempts: int) -> None:
        """A non-idempotent action (a message) in doubt that the platform cannot confirm: not
        repeated (a duplicate would be worse), failed with a task asking a person to check."""
        self._commit(self._settle(row, ActionResult.failed(
            "in doubt after a crash: the platform cannot tell whether it happened, so it was not "
            "repeated (a duplicate would be worse); a task asks a person to check"), attempts))
        self.ws.add_task("check_action", f"Check whether {row['kind'].replace('_', ' ')} went out",
                         detail=f"Action {row['id']} was under way when shequn stopped. {row['reason']}",
                         group_id=row["group_id"], person_id=row["person_id"], source="outbox",
                         dedupe_key=f"doubt:{row['id']}")

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
        self.health.note(row["connection_id"], row, result)
        return _Outcome(row, result, status, attempts, self.ws.now(), delay)

    def _record(self, out: "_Outcome") -> None:
        with self.ws.store.write() as c:
            self._write(c, out)

    def _write(self, c, out: "_Outcome") -> None:
        """The action's row and its audit entry, inside the caller's transaction."""
        ws, row, result, status, now, aid = self.ws, out.row, out.result, out.status, out.now, out.row["id"]
        self.health.write(c, row["connection_id"])
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
