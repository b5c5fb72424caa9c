"""The sandbox connector: a simulated platform behind the ordinary connector contract.

Nothing here is special-cased by the host: the runtime polls it like any ``poll``
connector, the outbox hands it actions like any other, and ``console.sync`` reads its
groups and members. What makes it a sandbox is the :class:`~plugins.sandbox.world.World`
behind it, and that it keeps that world in the workspace (``attach``), so the
simulation carries on where it stopped after a restart.
"""

from __future__ import annotations

import random
import time
from typing import TYPE_CHECKING, Any

from shequn import (ActionRequest, ActionResult, Capability, ConnectionCheck, Connector, ConnectorError, Event,
                    GroupInfo, Kind, MemberInfo, Option, Pacing, Status)

from . import store as sbstore

if TYPE_CHECKING:
    from .world import World

# The world (the simulator, its dataclasses and tables) is imported when a connector is
# attached or asked something, not when the plugin is registered: a read-only console
# never needs it, and its import was a tenth of the console's start-up.

#: a gap longer than this (the console was closed) is caught up at natural speed, at most CATCH_UP
LIVE_GAP = 60
CATCH_UP = 6 * 3600
#: how often live state is written back (seconds of wall time); also on stop, and before a poll
#: hands out joins or leaves (_moves_members)
SAVE_EVERY = 15.0


class SandboxConnector(Connector):
    platform = "sandbox"
    title = "Sandbox (simulated platform)"
    options = (
        Option("seed", "seed of the generator: the same seed gives the same groups, people and traffic", int,
               default=42),
        Option("groups", "how many groups the simulated platform has", int, default=12, minimum=1),
        Option("members", "how many people the simulated platform has", int, default=3000, minimum=1),
        Option("speed", "activity multiplier of live traffic: 60 means an hour of activity every real minute",
               float, default=60.0, minimum=0.01),
        Option("faults", "share of action calls the simulated platform fails, as real ones do now and then "
                         "(rate limits, busy servers, an expired token), so the outbox's retries show; "
                         "0.05 fails one call in twenty, 0 never", float, default=0.0, minimum=0.0, maximum=0.5),
    )
    capabilities = frozenset(c for c in Capability if c not in (Capability.WELCOME_TEMPLATE, Capability.JOIN_WAY,
                                                                 Capability.STATISTICS))
    intake = frozenset({"poll"})
    pacing = Pacing(rate=20.0, burst=20)
    poll_interval = 1.0
    join_request_lifetime = 3 * 86400  # model.REQUEST_TTL: the world forgets a request after 3 days (a test pins it)

    def __init__(self, name: str, options: dict[str, Any] | None = None, *, sink=None):
        super().__init__(name, options, sink=sink)
        self.ws = None
        self._world: World | None = None
        self._results: dict[str, ActionResult] = {}  # idempotency when not attached to a workspace
        self._saved_at = 0.0
        self._dirty = False
        self.new_world = False
        self.calls = 0  # action calls that reached the simulated platform
        self._forced: list[str] = []  # faults asked for by fail_next, in order
        self._token_expired = False
        self._fault_rng = random.Random(f"faults-{self.config['seed']}")  # the same seed fails the same calls
        #: keep answers in memory and write them with the next flush_records or save, in one
        #: transaction, not one each: the demo's back-fill sets it (its world is saved only at
        #: the end anyway; a month answers ~50,000 actions). Live, each answer is written at once.
        self.batch_results = False
        self._unwritten: list[tuple] = []
        self._none_kept: bool | None = None  # batching began with no answer of this connection kept

    # --- the world and where it is kept ----------------------------------------------------------

    def now(self) -> int:
        return self.ws.now() if self.ws is not None else int(time.time())

    def _tz(self) -> str:
        return self.ws.settings.operator.timezone if self.ws is not None else "Asia/Shanghai"

    def make_world(self, start: int, anchor: int | None = None) -> World:
        from .world import World

        c = self.config
        return World(c["seed"], c["groups"], c["members"], start, anchor=anchor, connection=self.name, tz=self._tz())

    @property
    def world(self) -> World:
        if self._world is None:
            self._world = self.make_world(self.now())
            self.new_world = True
        return self._world

    def attach(self, ws, *, start: int | None = None, anchor: int | None = None) -> None:
        """Load the world kept in ``ws`` (a new one, beginning at ``start``, when there is none).

        The runtime calls this for connectors that define it. A new world is listed into
        the workspace by :meth:`start` (or by the demo), so groups carry their type,
        theme, capacity and family from the first moment."""
        self.ws = ws
        state = sbstore.load_state(ws, self.name)
        if state is not None:
            from .world import World

            self._world = World.from_state(state)
            self._world.epoch += 1  # ids made from here on cannot collide with those of an unsaved past run
            self._world.connection = self.name
            self.new_world = False
        else:
            self._world = self.make_world(start if start is not None else ws.now(), anchor)
            self.new_world = True

    def _write_results(self) -> None:
        if self._unwritten and self.ws is not None:
            sbstore.record_results(self.ws, self.name, self._unwritten)
            self._unwritten = []

    def save(self, undelivered: list[Event] = ()) -> None:
        """Keep the world in the workspace; ``undelivered``: events being handed out now,
        kept queued in the saved state (``World.to_state``)."""
        self._write_results()
        if self.ws is not None and self._world is not None and not self.ws.read_only:
            sbstore.save_state(self.ws, self.name, self._world.to_state(undelivered))
            self._saved_at = time.monotonic()
            self._dirty = False

    def flush_records(self) -> dict[str, int]:
        """Write orders, costs, exposure and truth the world generated since the last call, and
        the answers kept since (``batch_results``), in one transaction."""
        if self.ws is None or self._world is None:
            return {}
        counts = sbstore.write_records(self.ws, self.name, self.platform, self._world, self._unwritten)
        self._unwritten = []
        return counts

    async def first_sync(self) -> None:
        """List the world's groups and members into the workspace (once, for a new world)."""
        from shequn.connections import sync_connection

        await sync_connection(self.ws, self)
        self.flush_records()
        self.save()
        self.new_world = False

    # --- lifecycle ---------------------------------------------------------------------------------

    async def start(self) -> None:
        if self.ws is not None and self.new_world:
            await self.first_sync()

    async def stop(self) -> None:
        self.flush_records()
        self.save()

    async def check(self) -> ConnectionCheck:
        from .world import BOT

        w = self.world
        return ConnectionCheck(True, account=BOT, detail=f"simulated platform: {len(w.groups)} groups, "
                                                         f"{len(w.people)} people, seed {w.seed}")

    # --- reading -------------------------------------------------------------------------------------

    async def list_groups(self) -> list[GroupInfo]:
        w = self.world
        return [GroupInfo(g.gid, g.name, len(g.members), g.capacity, data=w.group_data(g))
                for g in w.groups.values() if not g.dismissed]

    async def list_members(self, group: str) -> list[MemberInfo]:
        from .world import BOT

        w = self.world
        g = w.groups.get(group)
        if g is None or g.dismissed:
            raise ConnectorError(f"{self.name}: 群不存在 (group {group} not found)")
        out = []
        now = self.now()
        for uid, (joined, card, role, spoke) in g.members.items():
            p = w.people.get(uid)
            until = g.muted.get(uid)
            inviter = g.inviters.get(uid)
            out.append(MemberInfo(uid, p.nick if p else ("群助手" if uid == BOT else uid), card, role, joined, spoke,
                                  until if until and until > now else None,
                                  data={"inviter": inviter} if inviter else {}))
        return out

    async def poll(self) -> list[Event]:
        w = self.world
        now = self.now()
        self.flush_records()  # last poll's orders: by now the engine knows their buyers
        gap = now - w.clock
        if gap > LIVE_GAP:
            events = w.tick(now, min(gap, CATCH_UP), 1.0)
        else:
            events = w.tick(now, max(gap, 0), self.config["speed"])
        self._dirty = self._dirty or bool(events)
        if self._dirty and (time.monotonic() - self._saved_at > SAVE_EVERY or _moves_members(events)):
            self.save(undelivered=events)
        return events

    # --- acting ----------------------------------------------------------------------------------------

    def fail_next(self, kind: str) -> None:
        """Fail the next action call with ``kind`` (tests and the conformance kit):
        ``auth`` (the token expires until :meth:`refresh_auth`), ``rate_limit``,
        ``transient`` (server busy), ``permanent`` (no permission) or ``down`` (the
        platform cannot be reached)."""
        if kind not in _FAULTS:
            raise ValueError(f"unknown fault {kind!r}: expected one of {', '.join(_FAULTS)}")
        self._forced.append(kind)

    def clear_faults(self) -> None:
        """Forget the faults asked for and renew the token."""
        self._forced.clear()
        self._token_expired = False

    async def refresh_auth(self) -> None:
        """The simulated platform's token refresh: always works."""
        self._token_expired = False

    def _fault(self) -> ActionResult | None:
        """The failure this call meets, if any. It comes before the world is touched, as a
        platform's error does, and is not remembered against the idempotency key, so the
        outbox's retry can succeed."""
        if self._forced:
            kind = self._forced.pop(0)
        elif self._token_expired:
            kind = "auth"
        elif self.config["faults"] and self._fault_rng.random() < self.config["faults"]:
            kind = self._fault_rng.choice(_RANDOM_FAULTS)
        else:
            return None
        if kind == "auth":
            self._token_expired = True
        return _FAULTS[kind]()

    def _all_in_memory(self) -> bool:
        """While batching (the demo's back-fill of a new world), every answer kept is one this
        connector gave, so in ``_results``: when none was kept as batching began, an unknown
        key is not looked up in the table (a month's ~50,000 queries that found nothing)."""
        if not self.batch_results or self.ws is None:
            return False
        if self._none_kept is None:
            self._none_kept = not self.ws.store.scalar("SELECT 1 FROM sandbox_actions WHERE connection_id = ? LIMIT 1",
                                                       (self.name,))
        return self._none_kept

    def _seen(self, key: str) -> ActionResult | None:
        hit = self._results.get(key)
        if hit is None and self.ws is not None and not self._all_in_memory():
            row = sbstore.recorded_result(self.ws, self.name, key)
            if row is not None:
                import json

                data = json.loads(row["data"]) if row["data"] else {}
                hit = ActionResult(Status(row["status"]), row["message"], data=data)
                self._results[key] = hit
        return hit

    async def act(self, request: ActionRequest) -> ActionResult:
        """Apply the action to the world, once per idempotency key: a key seen before gets
        the first answer again and no second effect (as platforms with request ids do)."""
        self.calls += 1
        fault = self._fault()
        if fault is not None:
            return fault
        seen = self._seen(request.key)
        if seen is not None:
            return seen
        outcome = self.world.apply(request.kind, request.group, request.user, dict(request.params), self.now())
        result = ActionResult.done(outcome.message, **outcome.data) if outcome.ok else \
            ActionResult.failed(outcome.message, **outcome.data)  # gone="request": the outbox's in-doubt rule
        self._results[request.key] = result
        self._dirty = True
        if self.ws is not None and not self.ws.read_only:
            row = sbstore.result_row(self.ws, request.key, request.kind, result.status.value, result.message,
                                     result.data)
            if self.batch_results:
                self._unwritten.append(row)
            else:
                sbstore.record_results(self.ws, self.name, [row])
            if request.kind == "create_group" and outcome.ok:
                from shequn.connections import sync_connection

                await sync_connection(self.ws, self, groups=[outcome.data["group"]])
        return result

    async def reconcile(self, request: ActionRequest) -> ActionResult | None:
        seen = self._seen(request.key)
        if seen is not None:
            return seen
        shown = self.world.was_applied(request.kind, request.group, request.user, dict(request.params))
        if shown:
            return ActionResult.done("the platform already shows this change")
        return None


def _moves_members(events: list[Event]) -> bool:
    """Someone joined or left: the world is saved before such events are handed out. Saved
    only every SAVE_EVERY seconds, a world loaded after the process ended without ``stop``
    (killed, the console's engine thread not joined in time) was older than the memberships
    the workspace had stored: ``shequn sync`` then closed the joins since as "no longer
    listed" and silently reopened the leaves."""
    return any(e.kind == Kind.JOIN or e.kind == Kind.LEAVE for e in events)


# How the simulated platform fails, in its own words (PROTOCOLS.md's codes in spirit).
_FAULTS = {
    "auth": lambda: ActionResult(Status.AUTH_EXPIRED, "access_token 已过期 (simulated: the token expired)"),
    "rate_limit": lambda: ActionResult(Status.RATE_LIMITED, "操作过于频繁 (simulated: rate limited)", retry_after=2.0),
    "transient": lambda: ActionResult.retry("服务器繁忙，请稍后再试 (simulated: server busy)"),
    "permanent": lambda: ActionResult.failed("权限不足 (simulated: the bot lacks the permission)"),
    "down": lambda: ActionResult.retry("simulated outage: the platform cannot be reached"),
}
#: the mix of random faults: rate limits most often, as on real platforms; never permanent,
#: so a fault never loses an action the world would have accepted
_RANDOM_FAULTS = ("rate_limit", "rate_limit", "transient", "down", "auth")
