"""How the sandbox's members answer the content plugin's posts, so greetings, topics,
check-ins and keyword replies show live in the demo (issue 21).

The world calls :func:`react` once per tick with the tick's events. A message of the bot
(``BOT``) that begins as a morning greeting gets members checking in (签到/打卡), greeting back and
now and then asking where the link is (which a keyword reply answers); an evening greeting
gets a few good-nights; a topic (今日话题) gets a discussion over the next hour, fastest at
first; a keyword reply of the starter set gets a thank-you. Welcomes, warnings and other
posts of the bot get nothing: they begin otherwise. Reactions come minutes after the post, so they are
kept in the world (``_content_pending``, not saved: a restart forgets what was about to be
said) and released by later ticks.

Nothing here draws from the world's own random generator or its event counter: each post's
reactions come from a generator seeded by the world's seed and the post's id, and their ids
have their own counter, so a world without content posts makes exactly the events it made
before.
"""

from __future__ import annotations

import heapq
import random
from typing import Any

from shequn import Event, Kind

from .model import BOT

#: how a content post begins (a welcome or a warning never does), and the starter set's keyword replies
MORNING = ("早安", "早上好")
EVENING = ("晚安",)
TOPIC = ("今日话题",)
KEYWORD_REPLY = ("下单链接在群公告里", "客服在线时间")
CHECKINS = ("签到", "签到", "打卡")
MORNING_BACK = ("早安～", "早上好呀", "早！今天也加油", "早安☀️")
EVENING_BACK = ("晚安～", "晚安好梦", "晚安晚安", "明天见🌙")
ASKS = ("今天的链接在哪", "这个怎么买？", "链接发一下呗", "怎么下单啊")
TOPIC_BACK = ("我先来：每天记账，月底一看省了不少", "上周买的空气炸锅，真香", "学到了学到了", "哈哈同感",
              "晒一下我的，性价比超高", "这个话题好，收藏了", "我一般等会员日再买", "蹲一个推荐")
THANKS = ("谢谢～", "收到，谢谢群主", "好的谢谢")
#: a morning greeting calling for a chain (接龙) draws more members than a plain one (a script's B version)
CHAIN = ("接龙",)
#: a post asking for a self-introduction (the content plugin's prompt begins 欢迎新朋友); a newcomer
#: asked in their own welcome (a welcome script's B version) answers more often
INTRO = ("自我介绍",)
HOBBIES = ("烘焙", "跑步", "看书", "旅行", "追剧", "做饭", "摄影", "养花")


def _introductions(world, e: Event, rng: random.Random) -> list[tuple[int, str, str]]:
    """Newcomers (joined in the last two hours, named in the post when it names any) introduce
    themselves: 30% when the group's prompt asks them, 60% when their own welcome does; each
    kind of ask is answered once, and someone who introduced themselves does not again (so
    the order a welcome and a prompt arrive in does not matter: 72% of those asked both ways)."""
    g = world.groups[e.group]
    state = world.__dict__.setdefault("_content_pending", {"heap": [], "n": 0})
    prompt = (e.text or "").startswith("欢迎新朋友")
    asked: set = state.setdefault("intro_prompted" if prompt else "intro_welcomed", set())
    done: set = state.setdefault("intro_done", set())
    since = e.ts - 7200  # tested first: a big group's members are listed for each welcome
    fresh = [u for u, m in g.members.items() if m[0] >= since and u != BOT and (e.group, u) not in asked
             and (e.group, u) not in done and (world.people.get(u) is None or not world.people[u].staff)]
    named = [u for u in fresh if any(n and n in (e.text or "") for n in (g.members[u][1],
                                                                        getattr(world.people.get(u), "nick", "")))]
    out = []
    for u in sorted(named or fresh):
        asked.add((e.group, u))
        p = world.people.get(u)
        if p is not None and rng.random() < (0.3 if prompt else 0.6):
            done.add((e.group, u))
            out.append((e.ts + rng.randint(60, 1800), u, f"大家好，我是{p.city}的{p.job}，平时喜欢{rng.choice(HOBBIES)}～"))
    return out


def _members(world, gid: str) -> list[str]:
    g = world.groups[gid]
    return [u for u in g.members if u != BOT and (world.people.get(u) is None or not world.people[u].staff)]


def _plan(world, e: Event) -> list[tuple[int, str, str]]:
    """(time, member, text) of the reactions to one post of the bot."""
    text = e.text or ""
    # a welcome, a warning or another post gets nothing and an ask for introductions reads only the
    # newcomers, so both are known before the members are listed: most of the bot's posts are
    # welcomes, and listing a big group's members for each was a tenth of operator_day's time
    if any(w in text for w in INTRO):  # (no members: no newcomers either, so nothing, as before)
        return _introductions(world, e, world._reseeded.get("reaction", f"{world.seed}:{e.id}"))
    if not (text.startswith((*MORNING, *EVENING, *TOPIC)) or any(w in text for w in KEYWORD_REPLY)):
        return []
    members = _members(world, e.group)
    if not members:
        return []
    rng = world._reseeded.get("reaction", f"{world.seed}:{e.id}")
    out: list[tuple[int, str, str]] = []
    if text.startswith(MORNING):
        many = max(2, len(members) // 12) * (5 if any(w in text for w in CHAIN) else 2) // 2
        for u in rng.sample(members, min(len(members), many)):
            roll = rng.random()
            said = rng.choice(CHECKINS) if roll < 0.6 else rng.choice(MORNING_BACK)
            out.append((e.ts + rng.randint(20, 1500), u, said))
        if rng.random() < 0.4:
            out.append((e.ts + rng.randint(300, 2400), rng.choice(members), rng.choice(ASKS)))
    elif text.startswith(EVENING):
        for u in rng.sample(members, min(len(members), max(1, len(members) // 25))):
            out.append((e.ts + rng.randint(20, 900), u, rng.choice(EVENING_BACK)))
    elif text.startswith(TOPIC):
        for u in rng.sample(members, min(len(members), max(3, len(members) // 10))):
            out.append((e.ts + int(rng.expovariate(1 / 900)) + 15, u, rng.choice(TOPIC_BACK)))
    elif any(w in text for w in KEYWORD_REPLY):
        out.append((e.ts + rng.randint(30, 300), rng.choice(members), rng.choice(THANKS)))
    return out


def react(world, events: list[Event], now: int) -> list[Event]:
    """The members' reactions due before ``now``, after noting the bot's new posts in ``events``."""
    state: dict[str, Any] = world.__dict__.setdefault("_content_pending", {"heap": [], "n": 0})
    heap = state["heap"]
    for e in events:
        if e.user == BOT and e.kind == Kind.MESSAGE and e.group in world.groups:  # the bot's: a few of thousands
            for ts, uid, text in _plan(world, e):
                state["n"] += 1
                heapq.heappush(heap, (ts, state["n"], e.group, uid, text))
    out: list[Event] = []
    while heap and heap[0][0] < now:
        ts, n, gid, uid, text = heapq.heappop(heap)
        g = world.groups.get(gid)
        if g is None or g.dismissed or not world._can_speak(g, uid, ts):
            continue  # left, muted or the group is gone since
        p = world.people.get(uid)
        card = g.members[uid][1]
        out.append(Event(world.connection, f"sb-m{world.epoch}-cr{n}", Kind.MESSAGE, ts, gid, uid,
                         p.nick if p else uid, text, {"card": card} if card else {}))
    return out


def starter_content(ws) -> bool:
    """Give a demo workspace the content plugin's starter set (greetings, a nightly class, a
    recap, topics, check-in, keyword replies) when that plugin is installed and enabled."""
    if ws.pm.get_plugin("content") is None:
        return False
    from plugins.content.starter import seed_starter

    return seed_starter(ws)
