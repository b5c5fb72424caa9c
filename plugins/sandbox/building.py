"""Building a world from its seed: people with hidden traits, staff, groups filled from templates."""

from __future__ import annotations

import heapq
import math

from . import texts
from .draws import between, pick
from .model import BOT, CONDUCT_SHARES, DAY, TEMPLATES, Group, Person


class Building:
    """The part of :class:`~plugins.sandbox.world.World` that makes its people and groups."""

    def _build(self, n_groups: int, n_people: int, start: int, anchor: int) -> None:
        rng = self.rng
        for i in range(1, n_people + 1):
            self._new_person(f"sb-u{i}")
        uids = list(self.people)
        n_owner = max(1, math.ceil(n_groups / 3))
        n_admin = max(2, n_groups // 2)
        n_cheer = max(4, n_groups)
        staff = rng.sample(uids, min(len(uids) // 5, n_owner + n_admin + n_cheer))
        owners, admins, cheer = staff[:n_owner], staff[n_owner:n_owner + n_admin], staff[n_owner + n_admin:]
        for role, pool in (("owner", owners), ("admin", admins), ("cheer", cheer)):
            for uid in pool:
                p = self.people[uid]
                p.staff, p.activity, p.segment, p.conduct = role, "talker", "", ""
                p.card = f"{'群主' if role == 'owner' else '管理' if role == 'admin' else ''}{p.nick}"
        for p in self.people.values():
            self._truth_person(p)
        customers = [u for u in uids if not self.people[u].staff]
        for i in range(n_groups):
            name, gtype, theme, key, cap, tier, family, fill = TEMPLATES[i % len(TEMPLATES)]
            if i >= len(TEMPLATES):
                name = f"{name}({i // len(TEMPLATES) + 1})"
                family = f"{family}{i // len(TEMPLATES) + 1}" if family else None
            gid = f"sb-g{i + 1}"
            created = start - (3 * DAY if gtype == "flash" else rng.randint(30, 200) * DAY)
            g = Group(gid, name, gtype, theme, key, cap, tier, family, texts.CHANNELS[i % len(texts.CHANNELS)][0],
                      created, closes_at=(anchor + (3 + 3 * (i % 2)) * DAY) if gtype == "flash" else None)
            self.groups[gid] = g
            g.members[BOT] = [created, "群助手", "admin", None]
            g.owner = owners[i % len(owners)]
            g.members[g.owner] = [created, self.people[g.owner].card, "owner", None]
            for uid in rng.sample(admins, min(len(admins), 1 + i % 2)):
                g.members[uid] = [created + DAY, self.people[uid].card, "admin", None]
            for uid in rng.sample(cheer, min(len(cheer), 2 + i % 2)):
                g.members[uid] = [created + DAY, self.people[uid].card, "member", None]
            siblings = self._siblings(g)
            taken = set().union(*(s.members for s in siblings))  # nobody lands in two siblings
            pool = [u for u in customers if u not in taken] if taken else customers
            want = min(int(cap * fill), int(len(customers) * 0.45)) - len(g.members)
            for uid in rng.sample(pool, max(0, min(want, len(pool)))):
                joined = between(rng, max(created, start - 120 * DAY), start - 3600)
                g.members[uid] = [joined, self.people[uid].card, "member", None]
        joined: dict[str, tuple[int, list[Group]]] = {}
        for g in self.groups.values():
            for uid, m in g.members.items():
                if uid in self.people and not self.people[uid].staff:
                    when, gs = joined.get(uid, (m[0], []))
                    joined[uid] = (min(when, m[0]), gs + [g])
        for uid, p in self.people.items():
            # a member since before the first day has bought since joining, as their segment
            # buys: the shop's history an operator imports (Commerce._history)
            first = (self._history(p, joined[uid][0], start, joined[uid][1]) if uid in joined
                     else self._next_order(p, start, 1.0, first=True))
            if first is not None:
                heapq.heappush(self.order_heap, (first, uid))

    def _new_person(self, uid: str) -> Person:
        rng = self.rng  # pick: rng.choice's draws in one frame (20,000 people x 5)
        name = pick(rng, texts.SURNAMES) + pick(rng, texts.GIVEN)
        city, job = pick(rng, texts.CITIES), pick(rng, texts.JOBS)
        nick = pick(rng, texts.FREE_NICKS) if rng.random() < 0.5 else name
        card = f"{city}-{name}-{job}" if rng.random() < 0.45 else nick
        r = rng.random()
        segment = "loyal" if r < 0.15 else "bargain" if r < 0.45 else "need" if r < 0.65 else "low_need"
        activity = "talker" if rng.random() < 0.2 else "lurker"
        r = rng.random()
        conduct, edge = "", 0.0
        for kind, share in CONDUCT_SHARES:
            edge += share
            if r < edge:
                conduct = kind
                break
        if conduct == "ads":
            activity = "lurker"  # ad posters rarely chat: they come to post
        p = Person(uid, nick, city, job, card, activity, segment, conduct)
        self.people[uid] = p
        return p

    def _truth_person(self, p: Person) -> None:
        truth = self.records["truth"]
        if p.segment:
            truth.append((p.uid, "segment", p.segment))
        truth.append((p.uid, "activity", p.activity))
        if p.conduct:
            truth.append((p.uid, "conduct", p.conduct))
        if p.staff:
            truth.append((p.uid, "staff", p.staff))

    def _siblings(self, g: Group) -> list[Group]:
        return [s for s in self.groups.values() if g.family and s.family == g.family and s.gid != g.gid]
