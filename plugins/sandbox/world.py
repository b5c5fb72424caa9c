"""The simulated platform: groups, people and their traffic, from one seed.

A :class:`World` is plain Python (no database): ``tick(now, seconds)`` returns the
events of that span, ``apply(...)`` answers an action the way a platform would and
queues the events it causes, and ``to_state()``/``from_state()`` let the connector keep
it in the workspace so it survives restarts. Everything random comes from one
``random.Random(seed)``, so the same seed and the same sequence of calls give the same
events (tests and the demo rely on it).

The world also keeps *side records* the chat platforms do not carry (orders, daily
costs, channel exposure) and the *truth* of what it generated (this message is an ad,
this person is a bargain hunter), which the connector writes apart from the events so
rules' precision and segments' accuracy can be measured.

The class is assembled from parts named for what they hold: ``building`` (people and
groups from the seed), ``traffic``, ``membership`` and ``applicants`` (the events,
join requests with their truth), ``commerce`` (orders,
costs, exposure), ``answers`` (actions); the data classes and rates live in ``model``.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import fields
from typing import Any
from zoneinfo import ZoneInfo

from shequn import Event

from .answers import Answers
from .applicants import Applicants
from .building import Building
from .commerce import Commerce
from .draws import Reseeded
from .membership import Membership
from .model import (ADS_PER_POSTER, BOT, DAY, DIURNAL, FLOODS_PER_FLOODER, JOINS_PER_GROUP, LEAVE_PER_MEMBER,
                    MSGS_PER_MEMBER, NICK_PER_MEMBER, REQUEST_TTL, REQUESTS_PER_GROUP, TALKER_SHARE_OF_MESSAGES,
                    TEMPLATES, Group, Outcome, Person, poisson)
from .traffic import Traffic

__all__ = ["ADS_PER_POSTER", "BOT", "DAY", "DIURNAL", "FLOODS_PER_FLOODER", "JOINS_PER_GROUP", "LEAVE_PER_MEMBER",
           "MSGS_PER_MEMBER", "NICK_PER_MEMBER", "REQUEST_TTL", "REQUESTS_PER_GROUP", "TALKER_SHARE_OF_MESSAGES",
           "TEMPLATES", "Group", "Outcome", "Person", "World", "poisson"]


class World(Building, Traffic, Membership, Applicants, Commerce, Answers):
    def __init__(self, seed: int = 42, groups: int = 12, members: int = 3000, start: int = 0, *,
                 anchor: int | None = None, connection: str = "sandbox", tz: str = "Asia/Shanghai"):
        if groups < 1 or members < 10:
            raise ValueError(f"a sandbox world needs at least 1 group and 10 people (got {groups}, {members})")
        self.seed, self.connection, self.tz_name = seed, connection, tz
        self.tz = ZoneInfo(tz)
        self.rng = random.Random(seed)
        self.clock = int(start)
        self.epoch = 0
        self.seq = 0
        self.people: dict[str, Person] = {}
        self.groups: dict[str, Group] = {}
        self.requests: dict[str, dict[str, Any]] = {}
        self.queue: list[Event] = []
        self.records: dict[str, list] = {"orders": [], "costs": [], "exposure": [], "truth": []}
        self.days_done: set[str] = set()
        self.recalled: set[str] = set()  # message ids recalled (a second recall finds them gone)
        self.order_heap: list[tuple[int, str]] = []
        self._hour_cache: dict[int, tuple[int, str]] = {}
        self._lists: dict[str, tuple[list[str], list[str], list[str]]] = {}
        self._staff: dict[str, list[str]] = {}  # group id -> its owner and admins (Traffic._staff_of)
        self._reseeded = Reseeded()  # generators of a staff answer, an order (draws.Reseeded)
        self._build(groups, members, int(start), int(anchor if anchor is not None else start))

    # --- listing ----------------------------------------------------------------------------------

    def group_data(self, g: Group) -> dict[str, Any]:
        return {"type": g.type, "theme": g.theme, "family": g.family, "tier": g.tier, "closes_at": g.closes_at,
                "created_at": g.created_at}

    # --- keeping ---------------------------------------------------------------------------------

    def to_state(self, undelivered: list[Event] = ()) -> dict[str, Any]:
        """Everything needed to carry on later, as JSON-ready data. ``undelivered``: events
        handed out that the workspace may not have stored yet, kept at the head of the queue
        so a world loaded from this state hands them out again (the engine drops the ones it
        stored already by id), and never shows changes whose events were lost."""
        version, internal, gauss = self.rng.getstate()
        return {
            "seed": self.seed, "connection": self.connection, "tz": self.tz_name, "clock": self.clock,
            "epoch": self.epoch, "seq": self.seq, "rng": [version, list(internal), gauss],
            # copies made by hand: dataclasses.asdict's deep copy was most of a 20,000-people save
            "people": [{**vars(p), "penalised": list(p.penalised)} for p in self.people.values()],
            "groups": [{**vars(g), "members": {u: list(m) for u, m in g.members.items()}, "muted": dict(g.muted),
                        "inviters": dict(g.inviters),
                        "blacklist": list(g.blacklist)} for g in self.groups.values()],
            "requests": self.requests, "days_done": sorted(self.days_done), "recalled": sorted(self.recalled),
            "order_heap": self.order_heap,
            "queue": [{f.name: getattr(e, f.name) for f in fields(Event) if f.name in
                       ("connection", "id", "kind", "ts", "group", "user", "nickname", "text", "data")}
                      for e in [*undelivered, *self.queue]],
            "records": self.records,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> "World":
        w = cls.__new__(cls)
        w.seed, w.connection, w.tz_name = state["seed"], state["connection"], state["tz"]
        w.tz = ZoneInfo(w.tz_name)
        w.rng = random.Random()
        version, internal, gauss = state["rng"]
        w.rng.setstate((version, tuple(internal), gauss))
        w.clock, w.epoch, w.seq = state["clock"], state["epoch"], state["seq"]
        w.people = {p["uid"]: Person(**p) for p in state["people"]}
        w.groups = {g["gid"]: Group(**g) for g in state["groups"]}
        w.requests = state["requests"]
        w.days_done = set(state["days_done"])
        w.recalled = set(state.get("recalled", ()))
        w.order_heap = [tuple(x) for x in state["order_heap"]]  # type: ignore[misc]
        heapq.heapify(w.order_heap)
        w.queue = [Event(**e) for e in state["queue"]]
        w.records = {k: [tuple(x) if k == "truth" else x for x in v] for k, v in state["records"].items()}
        w._hour_cache, w._lists, w._staff, w._reseeded = {}, {}, {}, Reseeded()
        return w
