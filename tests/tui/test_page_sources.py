"""The console's tables read pages from sources: every page past the first holds the
rows that follow the previous one, in order, none twice and none skipped, with and
without a search.

A workspace small enough to check by hand: 23 people 会员00..会员22 join g1 one a
second, 5 people 路人0..路人4 join g2, then 会员05 leaves g1. Pages are 10 rows.
"""

from __future__ import annotations

import pytest

from console.engine import Engine
from console.model import Event, Kind, Proposal
from console.tui.activity_sources import actions_source, audit_source, events_source
from console.tui.queries import GroupMembersSource, MembersSource
from console.tui.vtable import ListSource
from plugins.moderation import add_to_blacklist, blacklist_page

T0 = 1_750_000_000
PAGE = 10


@pytest.fixture
def pws(ws):
    evs = [Event("sandbox", f"j{i}", Kind.JOIN, T0 + i, "g1", f"u{i}", nickname=f"会员{i:02d}", data={"scene": "qr"})
           for i in range(23)]
    evs += [Event("sandbox", f"k{i}", Kind.JOIN, T0 + 100 + i, "g2", f"v{i}", nickname=f"路人{i}",
                  data={"scene": "qr"}) for i in range(5)]
    evs.append(Event("sandbox", "l5", Kind.LEAVE, T0 + 200, "g1", "u5", data={"reason": "leave"}))
    with ws.clock_at(T0 + 300):
        Engine(ws).ingest(evs)
    return ws


def pages(src, size=PAGE) -> list[list[dict]]:
    """Every page of a source, as the table asks for them, up to its count."""
    n = src.count()
    return [src.rows(off, size) for off in range(0, n, size)]


def test_people_pages_without_a_search(pws):
    src = MembersSource(pws)
    assert src.count() == 28
    got = pages(src)
    assert [len(p) for p in got] == [10, 10, 8]
    names = [r["name"] for p in got for r in p]
    assert names == [f"会员{i:02d}" for i in range(23)] + [f"路人{i}" for i in range(5)]  # people by id


def test_search_pages_past_the_first(pws):
    src = MembersSource(pws, "会员")
    assert src.count() == 23  # 会员05 left g1 but is still a person
    got = pages(src)
    assert [len(p) for p in got] == [10, 10, 3]
    assert [r["name"] for r in got[1]] == [f"会员{i:02d}" for i in range(10, 20)]
    assert [r["name"] for r in got[2]] == ["会员20", "会员21", "会员22"]
    assert src.rows(23, PAGE) == []  # past the end: nothing, not the first page again
    other = MembersSource(pws, "路人")
    assert [r["name"] for r in other.rows(3, PAGE)] == ["路人3", "路人4"]


def test_group_members_pages_skip_who_left(pws):
    g1 = pws.store.scalar("SELECT id FROM groups WHERE platform_group_id = 'g1'")
    src = GroupMembersSource(pws, g1)
    assert src.count() == 22  # 23 joined, 会员05 left
    got = pages(src)
    order = [f"会员{i:02d}" for i in range(23) if i != 5]
    assert [len(p) for p in got] == [10, 10, 2]
    assert [r["name"] for r in got[1]] == order[10:20]  # 会员11..会员20
    assert [r["name"] for p in got for r in p] == order


def test_event_log_pages_newest_first(pws):
    src = events_source(pws)
    assert src.count() == 29  # 28 joins and a leave
    got = pages(src)
    ids = [r["id"] for p in got for r in p]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 29
    assert got[0][0]["kind"] == "leave" and [len(p) for p in got] == [10, 10, 9]
    joins = events_source(pws, "join")
    assert joins.count() == 28 and [r["id"] for r in joins.rows(10, PAGE)] == ids[11:21]  # ids[0] is the leave


@pytest.mark.parametrize("make", [actions_source, audit_source], ids=["actions", "audit"])
def test_outbox_and_audit_pages_follow_on(pws, make):
    g1 = pws.store.scalar("SELECT id FROM groups WHERE platform_group_id = 'g1'")
    pws.enqueue([Proposal("send", f"通知 {i}", group_id=g1, params={"text": f"第{i}条"}) for i in range(15)],
                "operator:tester")  # 15 actions, each audited
    src = make(pws)
    n = src.count()
    assert n >= 15
    everything = [r["id"] for r in src.rows(0, n + 5)]
    paged = [r["id"] for p in pages(src, 7) for r in p]
    assert paged == everything and len(set(paged)) == n
    assert src.rows(7, 7)[0]["id"] == everything[7]


def test_list_source_pages(pws):
    src = ListSource([{"id": i} for i in range(25)])
    assert [r["id"] for r in src.rows(10, PAGE)] == list(range(10, 20))
    assert [r["id"] for r in src.rows(20, PAGE)] == [20, 21, 22, 23, 24]


def test_blacklist_second_page(pws):
    pids = [pws.store.scalar("SELECT person_id FROM identities WHERE platform_user_id = ?", (f"v{i}",))
            for i in range(3)]
    for p in pids:
        add_to_blacklist(pws, p, "刷屏广告")
    first, second = blacklist_page(pws, 2, 0), blacklist_page(pws, 2, 2)
    assert first["total"] == second["total"] == 3
    assert [r["person_id"] for r in first["rows"]] == [pids[2], pids[1]]  # newest first
    assert [r["person_id"] for r in second["rows"]] == [pids[0]]
