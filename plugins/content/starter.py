"""A starter set for a new operation (``shequn demo`` calls it on the sandbox): library items
for greetings, a nightly class, a weekly recap and daily topics; schedules for morning and
evening greetings, the class at 22:00 and the recap; a check-in rule; two keyword replies;
a month of planned topics with a gap or two and one collision; a morning greeting and a
welcome each tested in two versions; an invite campaign of the last six days, so every part
of the Content screen has something to show. Written once (meta ``content.starter_seeded``);
an operator's later edits are never overwritten. Schedules target ``all`` or a group type,
resolved when the planner runs, so the set can be written before the groups are listed.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from . import checkin, keywords, library
from .cron import parse

ITEMS = [  # title, text, purpose, tags, group type (and a topic's product and link, posted at its peak)
    ("早安·元气", "早安☀️ {group}的朋友们，新的一天开始啦！回复「签到」领今日积分～", "activation", "早安", ""),
    ("早安·福利", "早上好！{date}，{group}今天10点有福利，记得来签到打卡哦", "activation", "早安", ""),
    ("早安·话题", "早安～ 今天也要好好吃早餐！签到的朋友说说早餐吃了啥", "activation", "早安", ""),
    ("晚安·好梦", "晚安🌙 今天辛苦啦，{owner}祝大家好梦", "activation", "晚安", ""),
    ("晚安·预告", "晚安～ 明天早上见，明天的福利更大哦", "activation", "晚安", ""),
    ("夜课", "22:00 夜课开始：今晚聊聊怎么挑会员专享好物，有问题直接在群里问～", "conversion", "夜课", "welfare"),
    ("周回顾", "本周回顾：{group}这周最热的讨论和大家的晒单，下周继续！", "brand", "周回顾", ""),
    ("话题·省钱", "今日话题：分享一个你的省钱小妙招？", "activation", "话题", ""),
    ("话题·好物", "今日话题：你最近买过最值的东西是什么？", "activation", "话题", "", "空气炸锅",
     "https://shop.example/air-fryer"),
    ("话题·晒单", "今日话题：晒出你最近的好物，抽三位送小礼品", "conversion", "话题", "", "坚果礼盒",
     "https://shop.example/nuts"),
    ("话题·早餐", "今日话题：你的早餐一般吃什么？", "activation", "话题", "", "咖啡豆", "https://shop.example/coffee"),
    ("话题·周末", "今日话题：周末有什么好去处推荐？", "activation", "话题", ""),
    ("话题·宝藏店", "今日话题：分享一家你私藏的宝藏小店", "activation", "话题", ""),
    ("话题·新人", "今日话题：新来的朋友说说是怎么找到我们的？", "activation", "话题", ""),
    ("品牌故事", "我们的故事：从一家小店到今天，感谢{group}每一位朋友的支持", "brand", "品宣", ""),
    ("早安·接龙", "早安☀️ {group}的朋友们！今天来接龙：回复「签到+今天的小目标」，看看谁最早～", "activation", "早安接龙", ""),
]
#: two welcomes tested against each other in traffic groups: B asks for the self-introduction itself
#: (no {rules}: a sentence whose placeholder has no value is left out, and the group rules are often unset)
WELCOMES = ["欢迎 {nickname} 加入「{group}」！先看看群公告，有问题随时问～",
            "欢迎 {nickname} 加入「{group}」！先做个自我介绍吧：城市-职业-爱好，群友都很友好～"]
SEED = 2026  # the scripts' assignment seed, fixed so every demo splits the groups the same way
SCHEDULES = [  # name, cron, tag, targets, skip holidays
    ("早安", "30 7 * * *", "早安", ["all"], ""),
    ("晚安", "30 21 * * *", "晚安", ["all"], ""),
    ("夜课", "0 22 * * *", "夜课", ["type:welfare"], "public"),
    ("周回顾", "0 20 * * sun", "周回顾", ["all"], "public"),
]


def seed_starter(ws) -> bool:
    """Write the starter set once; False when it was written before."""
    if ws.read_only or ws.store.get_meta("content.starter_seeded"):
        return False
    ids = {}
    for title, text, purpose, tags, gtype, *shop in ITEMS:
        product, link = shop or ("", "")
        ids[title] = library.save(ws, {"title": title, "text": text, "purpose": purpose, "tags": tags,
                                       "group_type": gtype, "product": product, "link": link})
    now = ws.now()
    with ws.store.write() as c:
        for name, cron, tag, targets, skip in SCHEDULES:
            parse(cron)  # the same check a saved schedule gets; the targets are resolved when planned
            c.execute("INSERT OR IGNORE INTO content_schedules(name, cron, pick_tag, targets, skip_holidays, enabled,"
                      " created_by, created_at, updated_at) VALUES (?,?,?,?,?,1,?,?,?)",
                      (name, cron, tag, json.dumps(targets, ensure_ascii=False), skip, "plugin:content", now, now))
        start = date.fromisoformat(ws.day(now)) - timedelta(days=12)
        topics = ["话题·省钱", "话题·好物", "话题·晒单", "话题·早餐", "话题·周末", "品牌故事", "话题·宝藏店", "话题·新人"]
        rows = []
        for k in range(0, 24):
            if k % 5 == 4:
                continue  # a gap every fifth day
            title = topics[k % 8] if k != 10 else "话题·周末"  # day 12 posts it again two days on: one collision
            day = (start + timedelta(days=k)).isoformat()
            rows.append((day, "", "all", ids[title], "", "", "", "", "plugin:content", now, now))
        c.executemany("INSERT INTO content_calendar(day, time, scope, item_id, title, purpose, holiday, note,"
                      " created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
        c.execute("INSERT INTO meta(key, value) VALUES ('content.starter_seeded', ?) ON CONFLICT(key) DO UPDATE"
                  " SET value = excluded.value", (str(now),))
    checkin.save_rule(ws, "all", keywords="签到,打卡", points=10, streak_bonus=2, cap=30)
    keywords.save(ws, "下单链接", match="contains", keyword="链接,怎么买,怎么下单", reply="{name} 你好～下单链接在群公告里，"
                  "有问题随时问群主哦", cooldown_seconds=900)
    keywords.save(ws, "客服", match="exact", keyword="客服,人工", reply="客服在线时间 9:00-21:00，{owner}会尽快回复你",
                  cooldown_seconds=600)
    from . import campaigns, scripts

    # the morning greeting 早安·元气 against a chain call (接龙) in every group it goes to; welcomes per newcomer
    scripts.create(ws, "早安话术", "post", [str(ids["早安·元气"]), str(ids["早安·接龙"])], seed=SEED)
    scripts.create(ws, "欢迎语·自我介绍", "welcome", WELCOMES, scope="type:traffic", seed=SEED)
    campaigns.create(ws, "邀请3位好友", goal=3, days=7, start=(date.fromisoformat(ws.day(now)) - timedelta(days=6))
                     .isoformat(), reward=50, per_invite=5)
    ws.audit("content_starter_seeded", "plugin", "content", {"items": len(ITEMS), "schedules": len(SCHEDULES)},
             actor="plugin:content")
    return True
