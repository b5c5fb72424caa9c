"""Who comes and goes: candidates, referrers, joins, leaves, nickname changes (join requests:
``applicants``)."""

from __future__ import annotations

from typing import Any

from shequn import Event, Kind

from . import texts
from .model import BOT, Group


class Membership:
    """The part of :class:`~plugins.sandbox.world.World` that moves people in and out of groups."""

    def _full(self, g: Group) -> bool:
        return len(g.members) >= g.capacity

    def _candidate(self, g: Group) -> str | None:
        """Someone who might join ``g``: not in it, not staff, not banned, usually not in a sibling."""
        rng = self.rng
        uids = self._uids()
        siblings = self._siblings(g)
        for _ in range(25):
            uid = uids[int(rng.random() * len(uids))]
            p = self.people[uid]
            if uid in g.members or p.staff or uid in g.blacklist:
                continue
            if siblings and rng.random() > 0.05 and any(uid in s.members for s in siblings):
                continue  # a few slip through, so de-duplication has something to catch
            return uid
        return None

    def _uids(self) -> list[str]:
        """Everyone's id in the order they were made (cached: people are only ever added)."""
        hit = getattr(self, "_uid_list", None)
        if hit is None or len(hit) != len(self.people):
            hit = self._uid_list = list(self.people)
        return hit

    def _referrer(self, g: Group) -> str | None:
        """A member who brings a friend: loyal members most, and some who were referred themselves
        (so chains grow to three levels, which entry rules must stop). A bargain hunter never
        refers (DOMAIN.md: 羊毛型 "never refers"), so the truth agrees with the definition."""
        rng = self.rng
        talkers, lurkers, _ = self._member_lists(g)
        pool = talkers + lurkers
        if not pool:
            return None
        best, best_w = None, -1.0
        for _ in range(8):
            uid = pool[int(rng.random() * len(pool))]
            p = self.people[uid]
            w = (0 if p.segment == "bargain" else 5 if p.segment == "loyal" else 1) * (3 if p.referrer else 1) * rng.random()
            if w > best_w:
                best, best_w = uid, w
        return best if best_w > 0 else None

    def _organic_join(self, g: Group, ts: int, out: list[Event]) -> None:
        if self._full(g):
            return  # the platform refuses joins to a full group
        uid = self._candidate(g)
        if uid is None:
            return
        r = self.rng.random()
        if r < 0.4:
            self._join(g, uid, ts, "qr", None, out, channel=g.channel)
        elif r < 0.65:
            staff = [u for u, m in g.members.items() if m[2] in ("owner", "admin") and u != BOT]
            self._join(g, uid, ts, "invite", self.rng.choice(staff) if staff else BOT, out)
        else:
            self._join(g, uid, ts, "invite", self._referrer(g), out)

    def _join(self, g: Group, uid: str, ts: int, scene: str, inviter: str | None, out: list[Event],
              channel: str | None = None) -> Event:
        p = self.people.get(uid)
        card = p.card if p else ""
        new = uid not in g.members
        g.members[uid] = [ts, card, "member", None]
        g.muted.pop(uid, None)
        if new:
            self._moved(g, uid, True)
            g.inviters.pop(uid, None)  # a member list names who brought this membership, not an old one
        if inviter:
            g.inviters[uid] = inviter
        if p and inviter and inviter != BOT and p.referrer is None and inviter in self.people \
                and not self.people[inviter].staff:
            p.referrer = inviter
        data: dict[str, Any] = {"scene": scene, "card": card}
        if inviter:
            data["inviter"] = inviter
        if channel:
            data["channel"] = channel
        e = self._event(Kind.JOIN, ts, g.gid, uid, nickname=p.nick if p else uid, data=data, group_name=g.name)
        out.append(e)
        return e

    def _organic_leave(self, g: Group, ts: int, lurkers: list[str], talkers: list[str], out: list[Event]) -> None:
        rng = self.rng
        pool = lurkers if (rng.random() < 0.75 and lurkers) or not talkers else talkers
        if not pool:
            return
        uid = rng.choice(pool)
        if uid not in g.members or g.members[uid][2] != "member" or self.people[uid].staff:
            return
        self._leave(g, uid, ts, "leave", None, out)

    def _leave(self, g: Group, uid: str, ts: int, reason: str, operator: str | None, out: list[Event]) -> Event:
        del g.members[uid]
        g.muted.pop(uid, None)
        self._moved(g, uid, False)
        data: dict[str, Any] = {"reason": reason}
        if operator:
            data["operator"] = operator
        p = self.people.get(uid)
        e = self._event(Kind.LEAVE, ts, g.gid, uid, nickname=p.nick if p else uid, data=data)
        out.append(e)
        return e

    def _nick_change(self, g: Group, ts: int, out: list[Event]) -> None:
        talkers, lurkers, _ = self._member_lists(g)
        pool = talkers + lurkers
        if not pool:
            return
        uid = self.rng.choice(pool)
        p = self.people[uid]
        if p.staff:
            return
        name = self.rng.choice(texts.SURNAMES) + self.rng.choice(texts.GIVEN)
        new = f"{p.city}-{name}-{p.job}" if self.rng.random() < 0.5 else self.rng.choice(texts.FREE_NICKS)
        self._set_card(g, uid, new, ts, out)

    def _set_card(self, g: Group, uid: str, new: str, ts: int, out: list[Event]) -> Event:
        m = g.members[uid]
        old, m[1] = m[1], new
        p = self.people.get(uid)
        e = self._event(Kind.NICKNAME, ts, g.gid, uid, nickname=new, data={"old": old, "new": new})
        out.append(e)
        if p is not None:
            p.card = new
        return e
