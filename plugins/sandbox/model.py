"""What the simulated platform is made of: its constants, people, groups and answers.

The numbers here (templates, rates per day, the hour-of-day curve) shape every world the
sandbox builds; the dataclasses are what ``World.to_state`` keeps. Plain data, no logic
beyond the Poisson draw every generator uses.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

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
ABUSE_PER_ABUSER = 0.3
#: shares of people by conduct (the rest behave): ad posters, flooders, abusers
CONDUCT_SHARES = (("ads", 0.02), ("flood", 0.01), ("abuse", 0.01))
#: share of join requests sent on purpose by someone of bad conduct (more come by chance,
#: as bad-conduct people are among the random candidates too: about 15% in all)
SPAM_SHARE_OF_REQUESTS = 0.12
#: of those, the share that comes from someone the platform already kicked or muted in a
#: group of the operation (a door check can catch them; the others only probation can)
SPAM_PENALISED_FIRST = 0.5
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
    conduct: str = ""  # '' / ads / flood / abuse
    staff: str = ""  # '' / owner / admin / cheer
    referrer: str | None = None
    orders: int = 0
    #: groups where the platform kicked or muted this person (a door check's evidence)
    penalised: list[str] = field(default_factory=list)


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
    #: uid -> who brought them (a member's, staff's or the bot's uid), as the member list
    #: reports it (WeCom's ``invitor``): a world saved before this field loads with none
    inviters: dict[str, str] = field(default_factory=dict)
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


def poisson_after(rng: random.Random, first: float, limit: float) -> int:
    """The rest of :func:`poisson` for a small ``lam`` (``limit = math.exp(-lam)``) whose first
    uniform ``first`` a caller drew and found above ``limit``: the same count from the same
    draws. A hot loop tests the first draw itself, as most of its draws come out 0."""
    k, p = 0, first
    while p > limit:
        k += 1
        p *= rng.random()
    return k
