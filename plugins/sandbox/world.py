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
"""

from __future__ import annotations

import heapq
import math
import random
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from console.model import Event, Kind

from . import texts

BOT = "sb-bot"
DAY = 86400

#: activity over the day (index: local hour), mean 1: quiet nights, peaks at lunch and 20-22h
_HOURLY = [0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.8, 1.2, 1.3, 1.4, 1.3,
           1.6, 1.4, 1.1, 1.0, 1.0, 1.1, 1.3, 1.6, 2.0, 2.2, 1.8, 0.8]
DIURNAL = [w * 24 / sum(_HOURLY) for w in _HOURLY]

#: group templates, interleaved so that a small world (tests: 6 groups) still has every type
#: name, type, theme, theme key (texts.CHAT), capacity, tier, family, target fill
TEMPLATES = [
    ("好物分享引流①群", "traffic", "每日好物 · 新人福利", "deals", 500, "", None, 0.72),
    ("会员福利1群", "welfare", "会员专享低价 · 复购返券", "deals", 500, "高消费", "会员福利", 0.97),
    ("双11快闪群", "flash", "双11大促 · 晒单返红包", "flash", 500, "", None, 0.6),
    ("会员福利2群", "welfare", "会员专享低价 · 复购返券", "deals", 500, "高消费", "会员福利", 0.55),
    ("宝妈育儿交流群", "traffic", "育儿经验 · 母婴好物", "parenting", 500, "", None, 0.66),
    ("低价秒杀福利群", "welfare", "每天10点秒杀 · 9.9包邮", "deals", 500, "低消费", None, 0.8),
    ("健身打卡群", "traffic", "每日打卡 · 减脂互助", "fitness", 200, "", None, 0.7),
    ("会员福利3群", "welfare", "会员专享低价 · 复购返券", "deals", 500, "高消费", "会员福利", 0.3),
    ("7天训练营快闪群", "flash", "7天减脂训练营 · 结营抽奖", "flash", 200, "", None, 0.75),
    ("高端会员服务群", "welfare", "一对一顾问 · 新品优先", "vip", 200, "高消费", None, 0.6),
    ("读书会引流群", "traffic", "每周共读 · 好书推荐", "books", 200, "", None, 0.65),
    ("同城吃喝玩乐群", "traffic", "本地美食 · 周末活动", "local", 500, "", None, 0.6),
]

#: rates per day (multiplied by the hour's weight and, live, by ``speed``)
MSGS_PER_MEMBER = {"traffic": 0.9, "welfare": 0.7, "flash": 1.6}
JOINS_PER_GROUP = {"traffic": 5.0, "welfare": 3.0, "flash": 6.0}
REQUESTS_PER_GROUP = 2.0
LEAVE_PER_MEMBER = 0.003
NICK_PER_MEMBER = 0.002
ADS_PER_POSTER = 0.4
FLOODS_PER_FLOODER = 0.3
TALKER_SHARE_OF_MESSAGES = 0.88
REQUEST_TTL = 3 * DAY


@dataclass
class Person:
    uid: str
    nick: str
    city: str
    job: str
    card: str
    activity: str  # talker / lurker (the 20/80 rule)
    segment: str  # loyal / bargain / need / low_need ('' for staff)
    conduct: str = ""  # '' / ads / flood
    staff: str = ""  # '' / owner / admin / cheer
    referrer: str | None = None
    orders: int = 0


@dataclass
class Group:
    gid: str
    name: str
    type: str
    theme: str
    theme_key: str
    capacity: int
    tier: str
    family: str | None
    channel: str
    created_at: int
    closes_at: int | None = None
    owner: str = ""
    #: uid -> [joined_at, card, role, last_spoke_at]
    members: dict[str, list] = field(default_factory=dict)
    muted: dict[str, int] = field(default_factory=dict)
    whole_muted: bool = False
    notice: str = ""
    blacklist: list[str] = field(default_factory=list)
    dismissed: bool = False


class Outcome:
    """How the platform answered an action: ``ok``, its words, and data to hand back."""

    __slots__ = ("ok", "message", "data")

    def __init__(self, ok: bool, message: str = "", data: dict[str, Any] | None = None):
        self.ok, self.message, self.data = ok, message, data or {}


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam < 30:
        limit, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= rng.random()
            if p <= limit:
                return k
            k += 1
    return max(0, int(rng.gauss(lam, math.sqrt(lam)) + 0.5))


class World:
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
        self.order_heap: list[tuple[int, str]] = []
        self._hour_cache: dict[int, tuple[int, str]] = {}
        self._lists: dict[str, tuple[list[str], list[str], list[str]]] = {}
        self._build(groups, members, int(start), int(anchor if anchor is not None else start))

    # --- building ---------------------------------------------------------------------------

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
            pool = [u for u in customers if not any(u in s.members for s in siblings)]
            want = min(int(cap * fill), int(len(customers) * 0.45)) - len(g.members)
            for uid in rng.sample(pool, max(0, min(want, len(pool)))):
                joined = rng.randint(max(created, start - 120 * DAY), start - 3600)
                g.members[uid] = [joined, self.people[uid].card, "member", None]
        for uid, p in self.people.items():
            first = self._next_order(p, start, 1.0, first=True)
            if first is not None:
                heapq.heappush(self.order_heap, (first, uid))

    def _new_person(self, uid: str) -> Person:
        rng = self.rng
        name = rng.choice(texts.SURNAMES) + rng.choice(texts.GIVEN)
        city, job = rng.choice(texts.CITIES), rng.choice(texts.JOBS)
        nick = rng.choice(texts.FREE_NICKS) if rng.random() < 0.5 else name
        card = f"{city}-{name}-{job}" if rng.random() < 0.45 else nick
        r = rng.random()
        segment = "loyal" if r < 0.15 else "bargain" if r < 0.45 else "need" if r < 0.65 else "low_need"
        activity = "talker" if rng.random() < 0.2 else "lurker"
        r = rng.random()
        conduct = "ads" if r < 0.02 else "flood" if r < 0.03 else ""
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

    # --- time ------------------------------------------------------------------------------

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
               text: str | None = None, data: dict[str, Any] | None = None) -> Event:
        prefix = "m" if kind == Kind.MESSAGE else "e"
        return Event(self.connection, self._id(prefix), kind, int(ts), group, user, nickname, text, data or {})

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
        out.sort(key=lambda e: e.ts)
        return out

    def _chunk(self, t0: int, t1: int, speed: float) -> list[Event]:
        hour, day = self._local(t0)
        if day not in self.days_done:
            self.days_done.add(day)
            self._daily_records(day)
        frac = (t1 - t0) / DAY * DIURNAL[hour] * speed
        out: list[Event] = []
        for g in list(self.groups.values()):
            if g.dismissed:
                continue
            closed = g.closes_at is not None and t0 >= g.closes_at
            talkers, lurkers, rogues = self._member_lists(g)
            n_members = len(talkers) + len(lurkers)
            rate = MSGS_PER_MEMBER[g.type] * (0.1 if closed else 1.0)
            for _ in range(poisson(self.rng, rate * n_members * frac)):
                self._chat(g, t0, t1, talkers, lurkers, out)
            if hour in (8, 21) and t0 % 3600 < 60 and g.owner in g.members:
                ts = t0 + self.rng.randint(0, max(0, t1 - t0 - 1))
                self._message(g, g.owner, ts, self.rng.choice(texts.GREETINGS), None, out)
            for uid in rogues:
                self._rogue(g, uid, t0, t1, frac, out)
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
        """(talkers, lurkers, ad posters and flooders) among a group's members, cached until it changes."""
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
        e = self._event(Kind.MESSAGE, ts, g.gid, uid, nickname=p.nick if p else uid, text=text,
                        data={"card": m[1]} if m[1] else {})
        out.append(e)
        if label:
            self.records["truth"].append((e.id, "message", label))
        return e

    def _chat(self, g: Group, t0: int, t1: int, talkers: list[str], lurkers: list[str], out: list[Event]) -> None:
        rng = self.rng
        pool = talkers if (rng.random() < TALKER_SHARE_OF_MESSAGES and talkers) or not lurkers else lurkers
        if not pool:
            return
        uid = rng.choice(pool)
        r = rng.random()
        label = None
        if r < 0.012:
            text, label = self._fill(rng.choice(texts.NOT_ADS)), "not_ad"
        elif r < 0.035:
            text, label = rng.choice(texts.OFF_TOPIC), "off_topic"
        elif r < 0.75:
            text = rng.choice(texts.CHAT[g.theme_key])
        else:
            text = rng.choice(texts.CHAT["any"])
        self._message(g, uid, self._rand_ts(t0, t1), text, label, out)

    def _rogue(self, g: Group, uid: str, t0: int, t1: int, frac: float, out: list[Event]) -> None:
        rng = self.rng
        p = self.people[uid]
        if p.conduct == "ads":
            for _ in range(poisson(rng, ADS_PER_POSTER * frac)):
                if rng.random() < 0.25:
                    text, label = rng.choice(texts.POLITE_ADS), "polite_ad"
                else:
                    text, label = self._fill(rng.choice(texts.ADS)), "ad"
                self._message(g, uid, self._rand_ts(t0, t1), text, label, out)
        else:
            for _ in range(poisson(rng, FLOODS_PER_FLOODER * frac)):
                ts, text = self._rand_ts(t0, t1), rng.choice(texts.FLOOD)
                for _ in range(rng.randint(6, 10)):
                    self._message(g, uid, ts, text, "flood", out)
                    ts += rng.randint(1, 4)

    def _fill(self, template: str) -> str:
        rng = self.rng
        letters = "abcdefghijkmnpqrstuvwxyz"
        return template.format(
            wx="".join(rng.choice(letters) for _ in range(rng.randint(5, 8))) + str(rng.randint(10, 999)),
            code="".join(rng.choice(letters + "0123456789") for _ in range(6)),
            phone=f"1{rng.choice('3578')}{rng.randint(100000000, 999999999)}",
            qq=str(rng.randint(10000000, 999999999)),
            digits=str(rng.randint(10 ** 11, 10 ** 12 - 1)))

    def _full(self, g: Group) -> bool:
        return len(g.members) >= g.capacity

    def _candidate(self, g: Group) -> str | None:
        """Someone who might join ``g``: not in it, not staff, not banned, usually not in a sibling."""
        rng = self.rng
        uids = list(self.people)
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

    def _referrer(self, g: Group) -> str | None:
        """A member who brings a friend: loyal members most, and some who were referred themselves
        (so chains grow to three levels, which entry rules must stop)."""
        rng = self.rng
        talkers, lurkers, _ = self._member_lists(g)
        pool = talkers + lurkers
        if not pool:
            return None
        best, best_w = None, -1.0
        for _ in range(8):
            uid = pool[int(rng.random() * len(pool))]
            p = self.people[uid]
            w = (5 if p.segment == "loyal" else 1) * (3 if p.referrer else 1) * rng.random()
            if w > best_w:
                best, best_w = uid, w
        return best

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
        g.members[uid] = [ts, card, "member", None]
        g.muted.pop(uid, None)
        self._changed(g)
        if p and inviter and inviter != BOT and p.referrer is None and inviter in self.people \
                and not self.people[inviter].staff:
            p.referrer = inviter
        data: dict[str, Any] = {"scene": scene, "card": card, "group_name": g.name}
        if inviter:
            data["inviter"] = inviter
        if channel:
            data["channel"] = channel
        e = self._event(Kind.JOIN, ts, g.gid, uid, nickname=p.nick if p else uid, data=data)
        out.append(e)
        return e

    def _request(self, g: Group, ts: int, out: list[Event]) -> None:
        uid = self._candidate(g)
        if uid is None:
            return
        rng = self.rng
        inviter = None
        if rng.random() < 0.4:
            inviter = self._referrer(g)
            comment = rng.choice(["朋友推荐的", "老会员推荐", "我朋友拉我来的"])
        else:
            comment = rng.choice(texts.REQUEST_COMMENTS)
        flag = self._id("r")
        self.requests[flag] = {"group": g.gid, "user": uid, "inviter": inviter, "comment": comment, "ts": ts}
        data: dict[str, Any] = {"flag": flag, "sub_type": "add", "comment": comment, "group_name": g.name}
        if inviter:
            data["inviter"] = inviter
        out.append(self._event(Kind.JOIN_REQUEST, ts, g.gid, uid, nickname=self.people[uid].nick, data=data))

    def _expire_requests(self, now: int) -> None:
        for flag in [f for f, r in self.requests.items() if now - r["ts"] > REQUEST_TTL]:
            del self.requests[flag]

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
        self._changed(g)
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

    # --- orders, costs, exposure -------------------------------------------------------------

    def _next_order(self, p: Person, after: int, speed: float, first: bool = False) -> int | None:
        rng = self.rng
        if p.staff:
            return None
        if p.segment == "loyal":
            days = rng.uniform(0, 30) if first else rng.uniform(25, 35)
        elif p.segment == "bargain":
            days = rng.uniform(0, 12) if first else rng.uniform(8, 15)
        elif p.segment == "need":
            if not first:
                return None  # strong need, one big order, no repeat within months
            days = rng.uniform(0, 60)
        else:
            if not first or rng.random() > 0.3:
                return None
            days = rng.uniform(0, 90)
        return int(after + days * DAY / max(speed, 1e-6))

    def _orders(self, until: int, speed: float) -> None:
        heap = self.order_heap
        while heap and heap[0][0] < until:
            ts, uid = heapq.heappop(heap)
            p = self.people[uid]
            groups = [g for g in self.groups.values() if uid in g.members and not g.dismissed]
            if groups:
                groups.sort(key=lambda g: g.type == "traffic")  # welfare and flash groups sell
                g = groups[0]
                product, price = self._product(p)
                qty = 1 if price > 100 else self.rng.randint(1, 3)
                p.orders += 1
                self.records["orders"].append({"order_id": self._id("o"), "user": uid, "group": g.gid,
                                               "amount": round(price * qty, 2), "ordered_at": ts,
                                               "product": product})
            nxt = self._next_order(p, ts, speed)
            if nxt is not None:
                heapq.heappush(heap, (nxt, uid))

    def _product(self, p: Person) -> tuple[str, float]:
        ps = texts.PRODUCTS
        if p.segment == "bargain":
            pool = [x for x in ps if x[1] < 50]
        elif p.segment == "need":
            pool = [x for x in ps if x[1] >= 800]
        elif p.segment == "loyal":
            pool = [x for x in ps if 60 <= x[1] <= 400]
        else:
            pool = [x for x in ps if x[1] < 130]
        return self.rng.choice(pool)

    def _daily_records(self, day: str) -> None:
        rng = self.rng
        costs, exposure = self.records["costs"], self.records["exposure"]
        costs.append({"day": day, "group": None, "amount": 300.0, "category": "人力", "note": "运营团队日均"})
        for g in self.groups.values():
            if g.dismissed:
                continue
            if g.type == "traffic":
                costs.append({"day": day, "group": g.gid, "amount": float(rng.randint(100, 300)),
                              "category": "投放", "note": g.channel})
            else:
                costs.append({"day": day, "group": g.gid, "amount": float(rng.randint(20, 120)),
                              "category": "红包", "note": ""})
            lo, hi = next((c[1], c[2]) for c in texts.CHANNELS if c[0] == g.channel)
            exposure.append({"day": day, "channel": g.channel, "group": g.gid, "impressions": rng.randint(lo, hi)})

    def take_records(self) -> dict[str, list]:
        """Side records generated since the last call (the caller writes them)."""
        out = self.records
        self.records = {"orders": [], "costs": [], "exposure": [], "truth": []}
        return out

    # --- answering actions ----------------------------------------------------------------------

    def adopt(self, gid: str | None, uid: str | None, *, as_member: bool = True) -> None:
        """Ids this world did not generate (tests, hand-fed events) are taken as groups and
        members that always existed, so actions on them behave as on a platform."""
        if gid and not gid.startswith("sb-") and gid not in self.groups:
            self.groups[gid] = Group(gid, gid, "traffic", "", "any", 500, "", None, texts.CHANNELS[0][0], self.clock)
            self.groups[gid].members[BOT] = [self.clock, "群助手", "admin", None]
        if uid and not uid.startswith("sb-") and gid in self.groups:
            if uid not in self.people:
                self.people[uid] = Person(uid, uid, "", "", "", "lurker", "")
            g = self.groups[gid]
            if as_member and uid not in g.members and uid not in g.blacklist:
                g.members[uid] = [self.clock, "", "member", None]
                self._changed(g)

    def apply(self, kind: str, gid: str | None, uid: str | None, params: dict[str, Any], now: int) -> Outcome:
        """Carry out an action as the platform would; resulting events go to the queue."""
        self.adopt(gid, uid, as_member=kind not in ("invite", "approve_join"))
        handler = getattr(self, f"_act_{kind}", None)
        if handler is None:
            return Outcome(False, f"不支持的操作 (the sandbox does not know action {kind!r})")
        if kind == "create_group":
            return handler(gid, params, now)
        g = self.groups.get(gid or "")
        if g is None or g.dismissed:
            return Outcome(False, f"群不存在 (group {gid} not found)")
        return handler(g, uid, params, now)

    def _target(self, g: Group, uid: str | None, verb: str) -> Outcome | None:
        if not uid or uid not in g.members:
            return Outcome(False, f"{verb}失败：对方不在群内 (user {uid} is not a member of {g.gid})")
        role = g.members[uid][2]
        if role == "owner":
            return Outcome(False, f"{verb}失败：不能对群主操作 (the target is the group owner)")
        if role == "admin" and verb in ("踢出", "禁言"):
            return Outcome(False, f"{verb}失败：权限不足，对方是管理员 (the target is an admin; the bot is an admin too)")
        return None

    def _act_kick(self, g: Group, uid, params, now) -> Outcome:
        bad = self._target(g, uid, "踢出")
        if bad:
            return bad
        if params.get("reject_add_request") or params.get("blacklist"):
            g.blacklist.append(uid)
        e = self._leave(g, uid, now, "kick", BOT, self.queue)
        return Outcome(True, "已踢出", {"event": e.id})

    def _act_mute(self, g: Group, uid, params, now) -> Outcome:
        bad = self._target(g, uid, "禁言")
        if bad:
            return bad
        duration = int(params.get("duration") or params.get("seconds") or 600)
        if duration <= 0:
            return self._act_unmute(g, uid, params, now)
        g.muted[uid] = now + duration
        self.queue.append(self._event(Kind.MUTE, now, g.gid, uid, data={"duration": duration, "operator": BOT}))
        return Outcome(True, f"已禁言 {duration} 秒", {"until": now + duration})

    def _act_unmute(self, g: Group, uid, params, now) -> Outcome:
        if not uid or uid not in g.members:
            return Outcome(False, f"解除禁言失败：对方不在群内 (user {uid} is not a member of {g.gid})")
        g.muted.pop(uid, None)
        self.queue.append(self._event(Kind.MUTE, now, g.gid, uid, data={"duration": 0, "operator": BOT}))
        return Outcome(True, "已解除禁言")

    def _act_whole_mute(self, g: Group, uid, params, now) -> Outcome:
        enable = bool(params.get("enable", True))
        g.whole_muted = enable
        self.queue.append(self._event(Kind.GROUP, now, g.gid, BOT, data={"change": "whole_mute", "value": enable}))
        return Outcome(True, "全员禁言已开启" if enable else "全员禁言已关闭")

    def _admin(self, g: Group, uid, enable: bool, now) -> Outcome:
        if not uid or uid not in g.members:
            return Outcome(False, f"设置管理员失败：对方不在群内 (user {uid} is not a member of {g.gid})")
        if g.members[uid][2] == "owner":
            return Outcome(False, "设置管理员失败：对方是群主 (the target is the group owner)")
        g.members[uid][2] = "admin" if enable else "member"
        self.queue.append(self._event(Kind.ADMIN, now, g.gid, uid, data={"enable": enable, "role": "admin"}))
        return Outcome(True, "已设为管理员" if enable else "已取消管理员")

    def _act_set_admin(self, g: Group, uid, params, now) -> Outcome:
        return self._admin(g, uid, True, now)

    def _act_unset_admin(self, g: Group, uid, params, now) -> Outcome:
        return self._admin(g, uid, False, now)

    def _act_set_card(self, g: Group, uid, params, now) -> Outcome:
        if not uid or uid not in g.members:
            return Outcome(False, f"修改群名片失败：对方不在群内 (user {uid} is not a member of {g.gid})")
        card = str(params.get("card") or params.get("nickname") or "")
        if len(card) > 60:
            return Outcome(False, "修改群名片失败：名片过长 (a group nickname holds at most 60 characters)")
        self._set_card(g, uid, card, now, self.queue)
        return Outcome(True, "群名片已修改")

    def _act_approve_join(self, g: Group, uid, params, now) -> Outcome:
        flag = str(params.get("flag") or "")
        req = self.requests.get(flag)
        if req is None and flag.startswith("sb-"):
            return Outcome(False, f"操作失败：申请不存在或已处理 (request {flag} is unknown, expired or already handled)")
        target = req["user"] if req else uid
        if not target:
            return Outcome(False, "操作失败：没有申请人 (no applicant)")
        if target in g.blacklist:
            return Outcome(False, "操作失败：对方已被拉黑 (the applicant is on this group's blacklist)")
        if self._full(g):
            return Outcome(False, f"操作失败：群已满 ({len(g.members)}/{g.capacity}) (the group is full)")
        self.requests.pop(flag, None)
        if target in g.members:
            return Outcome(True, "对方已在群内")
        e = self._join(g, target, now, "approve", req["inviter"] if req else None, self.queue)
        return Outcome(True, "已同意入群", {"event": e.id})

    def _act_reject_join(self, g: Group, uid, params, now) -> Outcome:
        flag = str(params.get("flag") or "")
        if flag not in self.requests and flag.startswith("sb-"):
            return Outcome(False, f"操作失败：申请不存在或已处理 (request {flag} is unknown, expired or already handled)")
        self.requests.pop(flag, None)
        return Outcome(True, "已拒绝")

    def _act_send(self, g: Group, uid, params, now) -> Outcome:
        text = str(params.get("text") or params.get("message") or "")
        if not text.strip():
            return Outcome(False, "发送失败：消息为空 (the message is empty)")
        e = self._event(Kind.MESSAGE, now, g.gid, BOT, nickname="群助手", text=text)
        self.queue.append(e)
        g.members.setdefault(BOT, [now, "群助手", "admin", None])[3] = now
        return Outcome(True, "已发送", {"message_id": e.id})

    def _act_recall(self, g: Group, uid, params, now) -> Outcome:
        mid = str(params.get("message_id") or "")
        if not mid:
            return Outcome(False, "撤回失败：没有消息编号 (no message_id)")
        self.queue.append(self._event(Kind.RECALL, now, g.gid, uid, data={"message_id": mid, "operator": BOT}))
        return Outcome(True, "已撤回")

    def _act_announce(self, g: Group, uid, params, now) -> Outcome:
        text = str(params.get("text") or params.get("content") or "")
        if not text.strip():
            return Outcome(False, "发布公告失败：公告为空 (the announcement is empty)")
        g.notice = text
        self.queue.append(self._event(Kind.GROUP, now, g.gid, BOT, data={"change": "notice", "value": text}))
        return Outcome(True, "公告已发布")

    def _act_set_group_name(self, g: Group, uid, params, now) -> Outcome:
        name = str(params.get("name") or "").strip()
        if not name:
            return Outcome(False, "修改群名失败：群名为空 (the name is empty)")
        g.name = name
        self.queue.append(self._event(Kind.GROUP, now, g.gid, BOT, data={"change": "name", "value": name}))
        return Outcome(True, "群名已修改")

    def _act_invite(self, g: Group, uid, params, now) -> Outcome:
        if not uid:
            return Outcome(False, "邀请失败：没有被邀请人 (no user to invite)")
        if uid in g.members:
            return Outcome(False, "邀请失败：对方已在群内 (already a member)")
        if uid in g.blacklist:
            return Outcome(False, "邀请失败：对方已被拉黑 (on this group's blacklist)")
        if self._full(g):
            return Outcome(False, f"邀请失败：群已满 ({len(g.members)}/{g.capacity})")
        inviter = str(params.get("inviter") or BOT)
        e = self._join(g, uid, now, "invite", inviter, self.queue)
        return Outcome(True, "已邀请入群", {"event": e.id})

    def _act_create_group(self, gid, params, now) -> Outcome:
        """A new group, made like ``params['template']`` (a platform group id) or ``gid``."""
        name = str(params.get("name") or "").strip()
        if not name:
            return Outcome(False, "建群失败：群名为空 (the name is empty)")
        like = self.groups.get(str(params.get("template") or gid or ""))
        new_id = f"sb-g{len(self.groups) + 1}"
        while new_id in self.groups:
            new_id += "x"
        g = Group(new_id, name, str(params.get("type") or (like.type if like else "welfare")),
                  str(params.get("theme") or (like.theme if like else "")), like.theme_key if like else "any",
                  int(params.get("capacity") or (like.capacity if like else 500)),
                  str(params.get("tier") or (like.tier if like else "")),
                  params.get("family") or (like.family if like else None),
                  like.channel if like else texts.CHANNELS[0][0], now)
        if g.type not in MSGS_PER_MEMBER:
            return Outcome(False, f"建群失败：未知群类型 {g.type!r} (traffic, welfare or flash)")
        g.members[BOT] = [now, "群助手", "owner", None]
        g.owner = BOT
        self.groups[new_id] = g
        self.queue.append(self._event(Kind.GROUP, now, new_id, BOT,
                                      data={"change": "create", "value": name, "group_name": name}))
        return Outcome(True, "群已创建", {"group": new_id})

    def was_applied(self, kind: str, gid: str | None, uid: str | None, params: dict[str, Any]) -> bool | None:
        """Does the world show the effect of this action? None when it cannot tell."""
        g = self.groups.get(gid or "")
        if g is None:
            return None
        if kind == "kick":
            return uid not in g.members
        if kind == "mute":
            return g.muted.get(uid or "", 0) > self.clock
        if kind == "unmute":
            return (uid or "") not in g.muted
        if kind in ("approve_join", "invite"):
            return uid in g.members
        if kind == "set_card":
            return uid in g.members and g.members[uid][1] == str(params.get("card") or "")
        return None

    # --- listing ----------------------------------------------------------------------------------

    def group_data(self, g: Group) -> dict[str, Any]:
        return {"type": g.type, "theme": g.theme, "family": g.family, "tier": g.tier, "closes_at": g.closes_at,
                "created_at": g.created_at}

    # --- keeping ---------------------------------------------------------------------------------

    def to_state(self) -> dict[str, Any]:
        """Everything needed to carry on later, as JSON-ready data."""
        version, internal, gauss = self.rng.getstate()
        return {
            "seed": self.seed, "connection": self.connection, "tz": self.tz_name, "clock": self.clock,
            "epoch": self.epoch, "seq": self.seq, "rng": [version, list(internal), gauss],
            "people": [asdict(p) for p in self.people.values()],
            "groups": [asdict(g) for g in self.groups.values()],
            "requests": self.requests, "days_done": sorted(self.days_done), "order_heap": self.order_heap,
            "queue": [{f.name: getattr(e, f.name) for f in fields(Event) if f.name in
                       ("connection", "id", "kind", "ts", "group", "user", "nickname", "text", "data")}
                      for e in self.queue],
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
        w.order_heap = [tuple(x) for x in state["order_heap"]]  # type: ignore[misc]
        heapq.heapify(w.order_heap)
        w.queue = [Event(**e) for e in state["queue"]]
        w.records = {k: [tuple(x) if k == "truth" else x for x in v] for k, v in state["records"].items()}
        w._hour_cache, w._lists = {}, {}
        return w
