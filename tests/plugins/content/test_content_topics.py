"""Daily topics: tracked after the platform takes them (messages per minute and speakers
against the group's usual level at that hour), the product link at the peak or at the
latest time, a task for a group that asks first, and results with the next day's orders."""

from __future__ import annotations

import asyncio
import json

import pytest

from content_kit import T0, add_group, item, local
from console.engine import Engine
from console.model import Event, Kind
from console.outbox import Executor
from plugins.content import calendar, queue, topics
from plugins.sandbox.connector import SandboxConnector

_n = [0]


def msgs(ws, group, at, count, users=None, clock=None):
    evs = []
    for i in range(count):
        _n[0] += 1
        user = (users or [f"m{_n[0]}"])[i % len(users or [1])] if users else f"m{_n[0]}"
        evs.append(Event("sandbox", f"t{_n[0]}", Kind.MESSAGE, at + i, group=group, user=user, nickname=user,
                         text="说得好"))
    with ws.clock_at(clock or at + count):
        Engine(ws).ingest(evs)


def post_topic(ws, gid_text, item_id, at="2025-06-16 20:00"):
    with ws.clock_at(T0):
        calendar.plan_topic(ws, {"day": at[:10], "time": at[11:], "item": str(item_id), "scope": "all"})
    conn = SandboxConnector("sandbox", {"seed": 7, "groups": 2, "members": 20})
    conn.attach(ws, start=T0)
    with ws.clock_at(local(ws, at)):
        queue.sync(ws)
        asyncio.run(Executor(ws, {"sandbox": conn}, pacing=False).drain())
    return ws.store.one("SELECT * FROM content_topics ORDER BY id DESC LIMIT 1")


def job(ws, ts):
    with ws.clock_at(ts):
        return topics.check(ws)


@pytest.fixture
def tws(ws):
    msgs(ws, "g", local(ws, "2025-06-09 19:59"), 1)  # the group exists before anything is planned
    for d in range(9, 16):  # the week before: 10 messages in the 20:00 hour each day
        msgs(ws, "g", local(ws, f"2025-06-{d:02d} 20:10"), 10)
    ws.gid = ws.store.scalar("SELECT id FROM groups WHERE platform_group_id = 'g'")
    return ws


def test_the_link_goes_out_at_the_peak(tws):
    i = item(tws, "今日话题：你最近买过最值的东西是什么？", product="空气炸锅", link="https://shop.example/af")
    t = post_topic(tws, "g", i)
    at = t["posted_at"]
    assert t["posted_at"] == local(tws, "2025-06-16 20:00") and t["baseline"] == pytest.approx(70 / 420)
    for minute, n in enumerate([1] * 5 + [4] * 5 + [1] * 5):  # a burst in minutes 5 to 9
        msgs(tws, "g", at + minute * 60, n, users=["a", "b", "c", "d"])
    assert job(tws, at + 12 * 60) == []  # the burst has not settled yet
    (p,) = job(tws, at + 15 * 60)
    assert p.params["text"] == "空气炸锅 戳这里 👉 https://shop.example/af"
    got = tws.store.one("SELECT * FROM content_topics WHERE id = ?", (t["id"],))
    assert (got["link_how"], got["link_at"], got["peak_at"], got["peak_rate"]) == ("peak", at + 900, at + 600, 4.0)
    assert (got["messages"], got["speakers"]) == (30, 4)
    assert job(tws, at + 20 * 60) == []  # once
    assert tws.store.scalar("SELECT count(*) FROM actions WHERE evidence = ?", (f"content:topic:{t['id']}",)) == 1


def test_no_peak_then_the_link_at_the_latest_time_and_the_topic_closes(tws):
    i = item(tws, "今日话题：晒单", product="纸巾", link="https://shop.example/z")
    t = post_topic(tws, "g", i)
    at = t["posted_at"]
    for minute in range(0, 70, 2):
        msgs(tws, "g", at + minute * 60, 1)  # a trickle: never twice the usual
    assert job(tws, at + 59 * 60) == []
    assert len(job(tws, at + 60 * 60)) == 1
    assert tws.store.scalar("SELECT link_how FROM content_topics") == "fallback"
    job(tws, at + 120 * 60)
    done = tws.store.one("SELECT * FROM content_topics")
    assert (done["status"], done["messages"], done["speakers"]) == ("done", 35, 35)


def test_a_group_that_asks_first_gets_a_task(tws):
    topics.set_mode(tws, tws.gid, True)
    i = item(tws, "今日话题：周末去哪", product="露营灯", link="https://shop.example/l")
    t = post_topic(tws, "g", i)
    assert job(tws, t["posted_at"] + 60 * 60) == []
    task = tws.store.one("SELECT * FROM tasks WHERE kind = 'content_topic_link'")
    assert task["title"] == "Post the link of 露营灯 in g now?" and "https://shop.example/l" in task["detail"]
    assert tws.store.scalar("SELECT link_how FROM content_topics") == "asked"


def test_results_with_the_next_days_orders_per_topic_and_product(tws):
    i = item(tws, "今日话题：好物", product="坚果", link="https://shop.example/n")
    t = post_topic(tws, "g", i)
    at = t["posted_at"]
    msgs(tws, "g", at + 60, 3, users=["a", "b"])
    tws.store.executemany("INSERT INTO orders(order_id, group_id, amount, ordered_at, product, source) VALUES"
                          " (?,?,?,?,?,'test')", [("o1", tws.gid, 128.0, at + 3600, "坚果"),
                                                  ("o2", tws.gid, 99.0, at + 7200, "纸巾"),  # another product
                                                  ("o3", tws.gid, 128.0, at + 90000, "坚果")])  # after 24 h
    job(tws, at + 120 * 60)
    (r,) = topics.results(tws)
    assert (r["messages"], r["speakers"], r["orders"], r["revenue"], r["link_how"]) == (3, 2, 1, 128.0, "peak")
    assert r["vs_usual"] == round((3 / 120) / (70 / 420), 1)
    assert topics.by_product(tws) == [{"product": "坚果", "topics": 1, "messages": 3, "speakers": 2, "orders": 1,
                                       "revenue": 128.0}]


def test_messages_are_counted_per_group_and_hour(tws):
    rows = tws.store.query("SELECT hour, messages FROM content_hours WHERE group_id = ? ORDER BY hour", (tws.gid,))
    assert len(rows) == 8 and rows[0]["messages"] == 1 and {r["messages"] for r in rows[1:]} == {10}
    assert topics.peak({5: 4, 6: 4, 7: 4, 8: 4, 9: 4, 12: 1}, 15) == (20, 10, 1)


def test_the_cli(tws, config_path):
    from content_kit import cli

    i = item(tws, "今日话题：好物", product="坚果", link="https://shop.example/n")
    post_topic(tws, "g", i)
    r = cli(config_path, "content", "topics", "list", "--json")
    assert [x["product"] for x in json.loads(r.output)] == ["坚果"]
    r = cli(config_path, "content", "topics", "ask-first", "g")
    assert r.exit_code == 0 and r.output.strip() == "Links in g wait for a person"


def test_a_bump_within_the_usual_level_is_no_peak_and_insiders_do_not_count(tws):
    for d in range(9, 16):  # a busy group: 70 messages in the 20:00 hour each day, one a minute all told
        msgs(tws, "g", local(tws, f"2025-06-{d:02d} 20:20"), 50)
    msgs(tws, "g", local(tws, "2025-06-16 10:00"), 1, users=["boss"])
    tws.store.execute("UPDATE people SET is_insider = 1 WHERE display_name = 'boss'")
    i = item(tws, "今日话题：周末", product="帐篷", link="https://shop.example/t")
    t = post_topic(tws, "g", i)
    at = t["posted_at"]
    assert t["baseline"] == pytest.approx(420 / 420)
    msgs(tws, "g", at + 60, 8)  # 8 in five minutes: below twice the usual 5
    msgs(tws, "g", at + 600, 30, users=["boss"])  # the cheer squad's talk is not the members' participation
    assert job(tws, at + 30 * 60) == []
    assert tws.store.scalar("SELECT messages FROM content_topics") == 8
