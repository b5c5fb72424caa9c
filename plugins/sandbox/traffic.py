"""Traffic: what happens in the groups hour by hour (chat, greetings, ads, floods, joins,
join requests, leaves, nickname changes), following the hour of day."""

from __future__ import annotations

import math
from datetime import datetime
from operator import attrgetter
from typing import Any

from shequn import Event, Kind

from . import content_reactions, texts
from .draws import between, pick
from .model import (ABUSE_PER_ABUSER, DAY, DIURNAL, FLOODS_PER_FLOODER, ADS_PER_POSTER, JOINS_PER_GROUP, LEAVE_PER_MEMBER,
                    MSGS_PER_MEMBER, NICK_PER_MEMBER, REQUESTS_PER_GROUP, TALKER_SHARE_OF_MESSAGES, Group, poisson,
                    poisson_after)

MESSAGE = Kind.MESSAGE
_TS = attrgetter("ts")
#: chat text -> whether it asks something (texts.ASKS): chat comes from a few hundred fixed lines
_ASKING: dict[str, bool] = {}


class Traffic:
    """The part of :class:`~plugins.sandbox.world.World` that generates events."""

    def _local(self, ts: int) -> tuple[int, str]:
        """(local hour, local day) of ``ts`` in the operator's zone (cached by the hour)."""
        key = ts // 3600
        hit = self._hour_cache.get(key)
        if hit is None:
            d = datetime.fromtimestamp(key * 3600, self.tz)
            hit = self._hour_cache[key] = (d.hour, d.date().isoformat())
        return hit

    def _id(self, prefix: str) -> str:
        self.seq += 1
        return f"sb-{prefix}{self.epoch}-{self.seq}"

    def _event(self, kind: str, ts: int, group: str | None, user: str | None, *, nickname: str | None = None,
               text: str | None = None, data: dict[str, Any] | None = None, group_name: str | None = None) -> Event:
        self.seq += 1  # _id's, inlined: a month of 100 groups makes over a million events
        return Event(self.connection, f"sb-{'m' if kind == MESSAGE else 'e'}{self.epoch}-{self.seq}", kind, int(ts),
                     group, user, nickname, text, data or {}, group_name=group_name)

    # --- traffic ----------------------------------------------------------------------------

    def tick(self, now: int, seconds: float, speed: float = 1.0) -> list[Event]:
        """Events of the span [now - seconds, now), oldest first, after the ones actions queued."""
        now = int(now)
        out, self.queue = self.queue, []
        start = max(int(now - seconds), self.clock) if self.clock else int(now - seconds)
        t = start
        while t < now:
            end = min(now, (t // 3600 + 1) * 3600)
            out.extend(self._chunk(t, end, speed))
            t = end
        self.clock = max(self.clock, now)
        self._expire_requests(now)
        out.extend(content_reactions.react(self, out, now))  # members answer greetings, topics, replies (issue 21)
        out.sort(key=_TS)
        return out

    def _chunk(self, t0: int, t1: int, speed: float) -> list[Event]:
        hour, day = self._local(t0)
        if day not in self.days_done:
            self.days_done.add(day)
            self._daily_records(day)
        frac = (t1 - t0) / DAY * DIURNAL[hour] * speed
        out: list[Event] = []
        rng, people = self.rng, self.people
        random_ = rng.random
        # (rate, exp(-rate)) of a rogue's posts this chunk, by conduct (any other conduct floods)
        rogue_rates = {c: (r * frac, math.exp(-r * frac))
                       for c, r in (("ads", ADS_PER_POSTER), ("abuse", ABUSE_PER_ABUSER), ("flood", FLOODS_PER_FLOODER))}
        for g in list(self.groups.values()):
            if g.dismissed:
                continue
            closed = g.closes_at is not None and t0 >= g.closes_at
            talkers, lurkers, rogues = self._member_lists(g)
            n_members = len(talkers) + len(lurkers)
            rate = MSGS_PER_MEMBER[g.type] * (0.1 if closed else 1.0)
            n_chats = poisson(rng, rate * n_members * frac)
            if n_chats:
                self._chats(g, t0, t1, n_chats, talkers, lurkers, out)
            if hour in (8, 21) and t0 % 3600 < 60 and g.owner in g.members:
                ts = t0 + between(rng, 0, max(0, t1 - t0 - 1))
                self._message(g, g.owner, ts, pick(rng, texts.GREETINGS), None, out)
            for uid in rogues:
                # poisson(rng, rate * frac) of the rogue's conduct, its first draw made here: for
                # most rogues in most hours it is all there is (no post), and no call is made
                conduct = people[uid].conduct
                lam, limit = rogue_rates.get(conduct) or rogue_rates["flood"]
                if lam <= 0:
                    continue
                if lam < 30:
                    first = random_()
                    if first <= limit:
                        continue
                    n = poisson_after(rng, first, limit)
                else:
                    n = poisson(rng, lam)
                self._rogue(g, uid, conduct, n, t0, t1, out)
            if not closed:
                for _ in range(poisson(self.rng, JOINS_PER_GROUP[g.type] * frac)):
                    self._organic_join(g, self._rand_ts(t0, t1), out)
                for _ in range(poisson(self.rng, REQUESTS_PER_GROUP * frac)):
                    self._request(g, self._rand_ts(t0, t1), out)
            leave_rate = LEAVE_PER_MEMBER * (15 if closed else 1)
            for _ in range(poisson(self.rng, leave_rate * n_members * frac)):
                self._organic_leave(g, self._rand_ts(t0, t1), lurkers, talkers, out)
            for _ in range(poisson(self.rng, NICK_PER_MEMBER * n_members * frac)):
                self._nick_change(g, self._rand_ts(t0, t1), out)
        self._orders(t1, speed)
        return out

    def _rand_ts(self, t0: int, t1: int) -> int:
        return t0 + int(self.rng.random() * (t1 - t0))

    def _member_lists(self, g: Group) -> tuple[list[str], list[str], list[str]]:
        """(talkers, lurkers, ad posters, flooders and abusers) among a group's members, cached until it changes."""
        hit = self._lists.get(g.gid)
        if hit is None:
            talk, lurk, rogue = [], [], []
            for uid in g.members:
                p = self.people.get(uid)
                if p is None:
                    continue
                (talk if p.activity == "talker" else lurk).append(uid)
                if p.conduct:
                    rogue.append(uid)
            hit = self._lists[g.gid] = (talk, lurk, rogue)
        return hit

    def _changed(self, g: Group) -> None:
        self._lists.pop(g.gid, None)
        self._staff.pop(g.gid, None)

    def _staff_of(self, g: Group) -> list[str]:
        """The group's owner and admins, sorted (cached: a question looks them up, and a
        busy group asks hundreds a day; a join, leave or role change forgets the list)."""
        hit = self._staff.get(g.gid)
        if hit is None:
            hit = self._staff[g.gid] = sorted(u for u, m in g.members.items() if m[2] in ("owner", "admin"))
        return hit

    def _moved(self, g: Group, uid: str, joined: bool) -> None:
        """``uid`` joined (at the end of ``g.members``) or left ``g``: the cached lists are
        replaced by new ones equal to a fresh build (never changed in place: a caller may be
        walking the old ones), without looking every member up again. The staff list is
        forgotten only when an owner or admin moved (a newcomer joins as a member), not rebuilt
        from every member after each of a busy group's joins and leaves."""
        staff = self._staff.get(g.gid)
        if staff is not None and (uid in staff or g.members.get(uid, (0, "", "member"))[2] in ("owner", "admin")):
            self._staff.pop(g.gid, None)
        hit = self._lists.get(g.gid)
        p = self.people.get(uid)
        if hit is None or p is None:
            return
        talk, lurk, rogue = hit
        if joined:
            edit = lambda xs: xs + [uid]  # noqa: E731
        else:
            edit = lambda xs: [x for x in xs if x != uid]  # noqa: E731
        if p.activity == "talker":
            talk = edit(talk)
        else:
            lurk = edit(lurk)
        if p.conduct:
            rogue = edit(rogue)
        self._lists[g.gid] = (talk, lurk, rogue)

    def _can_speak(self, g: Group, uid: str, ts: int) -> bool:
        if g.muted.get(uid, 0) > ts:
            return False  # the platform blocks a muted member's messages
        if g.whole_muted and g.members.get(uid, [0, "", "member"])[2] == "member":
            return False
        return uid in g.members

    def _message(self, g: Group, uid: str, ts: int, text: str, label: str | None, out: list[Event]) -> Event | None:
        if not self._can_speak(g, uid, ts):
            return None
        m = g.members[uid]
        m[3] = ts
        p = self.people.get(uid)
        e = self._event(MESSAGE, ts, g.gid, uid, nickname=p.nick if p else uid, text=text,
                        data={"card": m[1]} if m[1] else {})
        out.append(e)
        if label:
            self.records["truth"].append((e.id, "message", label))
        return e

    def _chats(self, g: Group, t0: int, t1: int, n: int, talkers: list[str], lurkers: list[str],
               out: list[Event]) -> None:
        """``n`` chat messages of ``g`` in [t0, t1): who speaks (talkers most), what (the group's
        theme, small talk, now and then off-topic talk or a tracking link), when, and a staff
        answer to a question. One call per group and hour with its lookups made once: the
        draws and events are those of ``n`` calls of a per-message ``_chat`` (``pick`` is
        ``rng.choice``'s draw, inlined here for the pools), in the same order."""
        rng = self.rng
        random_, getrandbits = rng.random, rng.getrandbits
        n_talk, n_lurk = len(talkers), len(lurkers)
        k_talk, k_lurk = n_talk.bit_length(), n_lurk.bit_length()
        theme, common = texts.CHAT[g.theme_key], texts.CHAT["any"]
        n_theme, n_common = len(theme), len(common)
        k_theme, k_common = n_theme.bit_length(), n_common.bit_length()
        span = t1 - t0
        gid, members, muted, people = g.gid, g.members, g.muted, self.people
        conn, truth, asking = self.connection, self.records["truth"], _ASKING
        for _ in range(n):
            if (random_() < TALKER_SHARE_OF_MESSAGES and talkers) or not lurkers:
                pool, size, k = talkers, n_talk, k_talk
            else:
                pool, size, k = lurkers, n_lurk, k_lurk
            if not size:
                continue
            i = getrandbits(k)
            while i >= size:
                i = getrandbits(k)
            uid = pool[i]
            r = random_()
            label = None
            if r < 0.012:
                text, label = self._fill(pick(rng, texts.NOT_ADS)), "not_ad"
            elif r < 0.035:
                text, label = pick(rng, texts.OFF_TOPIC), "off_topic"
            else:  # pick(rng, theme) under 0.75, else pick(rng, common), inlined
                lines, size, k = (theme, n_theme, k_theme) if r < 0.75 else (common, n_common, k_common)
                i = getrandbits(k)
                while i >= size:
                    i = getrandbits(k)
                text = lines[i]
            ts = t0 + int(random_() * span)
            # _message, inlined: a muted member, or a plain one while the whole group is muted,
            # cannot speak (the platform blocks it), nor can someone no longer in the group
            m = members.get(uid)
            if m is None or muted.get(uid, 0) > ts or (g.whole_muted and m[2] == "member"):
                continue
            m[3] = ts
            p = people.get(uid)
            self.seq = seq = self.seq + 1
            mid = f"sb-m{self.epoch}-{seq}"
            e = Event(conn, mid, MESSAGE, ts, gid, uid, p.nick if p else uid, text, {"card": m[1]} if m[1] else {})
            out.append(e)
            if label:
                truth.append((mid, "message", label))
                continue
            asks = asking.get(text)
            if asks is None:
                asks = asking[text] = texts.ASKS.search(text) is not None
            if asks:
                self._staff_answer(g, e, t1, out)

    def _staff_answer(self, g: Group, q: Event, t1: int, out: list[Event]) -> None:
        """A group's staff answer most members' questions within minutes (that is what an
        owner, admin or cheer squad is for), replying to the question. Drawn from a generator
        of the question's own id, so the world's other events stay as they were."""
        rng = self._reseeded.get("answer", f"answer:{q.id}")
        if rng.random() >= texts.ANSWERED_SHARE:
            return  # left for the owner's queue (content's unanswered questions)
        # the platform's owner and admins: shequn knows them as insiders from the member list
        staff = [u for u in self._staff_of(g) if u != q.user]
        if not staff:
            return
        uid = pick(rng, staff)
        if not self._can_speak(g, uid, q.ts):
            return
        ts = min(t1, q.ts + between(rng, 30, 420))
        m = g.members[uid]
        p = self.people.get(uid)
        out.append(self._event(MESSAGE, ts, g.gid, uid, nickname=p.nick if p else uid,
                               text=pick(rng, texts.STAFF_ANSWERS),
                               data={**({"card": m[1]} if m[1] else {}), "reply_to": q.id}))

    def _rogue(self, g: Group, uid: str, conduct: str, n: int, t0: int, t1: int, out: list[Event]) -> None:
        """``n`` posts of an ad poster, abuser or flooder (``n`` drawn by ``_chunk``)."""
        rng = self.rng
        if conduct == "ads":
            for _ in range(n):
                if rng.random() < 0.25:
                    text, label = pick(rng, texts.POLITE_ADS), "polite_ad"
                else:
                    text, label = self._fill(pick(rng, texts.ADS)), "ad"
                self._message(g, uid, self._rand_ts(t0, t1), text, label, out)
        elif conduct == "abuse":
            for _ in range(n):
                self._message(g, uid, self._rand_ts(t0, t1), pick(rng, texts.ABUSE), "abuse", out)
        else:
            for _ in range(n):
                ts, text = self._rand_ts(t0, t1), pick(rng, texts.FLOOD)
                for _ in range(between(rng, 6, 10)):
                    self._message(g, uid, ts, text, "flood", out)
                    ts += between(rng, 1, 4)

    def _fill(self, template: str) -> str:
        rng = self.rng
        letters = "abcdefghijkmnpqrstuvwxyz"
        return template.format(
            wx="".join(rng.choice(letters) for _ in range(rng.randint(5, 8))) + str(rng.randint(10, 999)),
            code="".join(rng.choice(letters + "0123456789") for _ in range(6)),
            phone=f"1{rng.choice('3578')}{rng.randint(100000000, 999999999)}",
            qq=str(rng.randint(10000000, 999999999)),
            digits=str(rng.randint(10 ** 11, 10 ** 12 - 1)))
