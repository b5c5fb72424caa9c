"""The engine: dedupe, people and groups resolved, memberships and rollups kept current,
unparseable payloads dead-lettered, one transaction per batch."""

from __future__ import annotations

import json

import pytest

from console.engine import Engine
from console.model import DeadLetter, Event, Kind
from console.pluginmanager import get_plugin_manager
from console.workspace import Workspace
from tests.conftest import make_config

T0 = 1_763_776_800  # 2025-11-22 10:00 Asia/Shanghai


@pytest.fixture
def bare_ws(tmp_path):
    """A workspace without the built-in feature plugins: the engine alone."""
    p = make_config(tmp_path)
    pm = get_plugin_manager(["roles", "entry_rules", "moderation", "kpi", "qq"])
    w = Workspace.open(p, pm=pm)
    yield w
    w.close()


def m(i, user="u1", group="g1", ts=None, text="hello"):
    return Event("sandbox", f"m{i}", Kind.MESSAGE, ts or T0 + i, group=group, user=user, nickname=user, text=text)


def test_replays_never_double_count(bare_ws):
    e = Engine(bare_ws)
    batch = [m(1), m(2), m(2), m(3, "u2")]
    r = e.ingest(batch)
    assert (r.stored, r.duplicates) == (3, 1)
    r = Engine(bare_ws).ingest(batch)  # a new engine: no cache, the database dedupes
    assert (r.stored, r.duplicates) == (0, 4)
    s = bare_ws.store
    assert s.scalar("SELECT count(*) FROM messages") == 3
    roll = s.one("SELECT messages, speakers FROM rollups_daily")
    assert roll == {"messages": 3, "speakers": 2}
    assert s.scalar("SELECT message_count FROM memberships m JOIN identities i ON i.person_id = m.person_id"
                    " WHERE i.platform_user_id = 'u1'") == 2


def test_a_cold_engine_finds_stored_people_and_members_in_bulk(bare_ws):
    """After a restart the caches are empty: stored people and memberships are found by
    the batched look-ups (never created twice), and only the truly new are added."""
    Engine(bare_ws).ingest([m(1, "u1"), m(2, "u2"), m(3, "u1", "g2")])
    s = bare_ws.store
    before = {r["platform_group_id"]: r["member_count"] for r in s.query("SELECT platform_group_id, member_count FROM groups")}
    cold = Engine(bare_ws)
    cold.ingest([m(4, "u2", "g1"), m(5, "u1", "g2"), m(6, "u3", "g1"), m(7, "u2", "g2"), m(8, "u3", "g1")])
    assert s.scalar("SELECT count(*) FROM people") == 3 and s.scalar("SELECT count(*) FROM identities") == 3
    pairs = s.query("SELECT g.platform_group_id AS g, i.platform_user_id AS u, m.message_count AS n FROM memberships m"
                    " JOIN groups g ON g.id = m.group_id JOIN identities i ON i.person_id = m.person_id ORDER BY 1, 2")
    assert [(r["g"], r["u"], r["n"]) for r in pairs] == [("g1", "u1", 1), ("g1", "u2", 2), ("g1", "u3", 2),
                                                         ("g2", "u1", 2), ("g2", "u2", 1)]
    after = {r["platform_group_id"]: r["member_count"] for r in s.query("SELECT platform_group_id, member_count FROM groups")}
    assert after == {"g1": before["g1"] + 1, "g2": before["g2"] + 1}  # u3 new in g1, u2 new in g2


def test_speakers_are_distinct_per_day_across_batches(bare_ws):
    e = Engine(bare_ws)
    e.ingest([m(1), m(2)])
    e.ingest([m(3), m(4, "u2")])
    e.ingest([m(5, ts=T0 + 86400)])
    rows = bare_ws.store.query("SELECT day, messages, speakers FROM rollups_daily ORDER BY day")
    assert rows == [{"day": "2025-11-22", "messages": 4, "speakers": 2},
                    {"day": "2025-11-23", "messages": 1, "speakers": 1}]


def test_joins_leaves_and_member_counts(bare_ws):
    e = Engine(bare_ws)
    e.ingest([Event("sandbox", "j1", Kind.JOIN, T0, group="g1", user="a", data={"scene": "invite", "inviter": "b"}),
              Event("sandbox", "j2", Kind.JOIN, T0 + 1, group="g1", user="c", data={"scene": "qr"})])
    e.ingest([Event("sandbox", "l1", Kind.LEAVE, T0 + 5, group="g1", user="c", data={"reason": "kick", "operator": "b"}),
              Event("sandbox", "l2", Kind.LEAVE, T0 + 6, group="g1", user="zzz", data={"reason": "leave"})])
    s = bare_ws.store
    assert s.scalar("SELECT member_count FROM groups") == 1
    roll = s.one("SELECT joins, leaves, leaves_kicked, members_end FROM rollups_daily")
    assert roll == {"joins": 2, "leaves": 1, "leaves_kicked": 1, "members_end": 1}
    a = s.one("SELECT p.referred_by, m.inviter_person_id, m.join_scene FROM people p JOIN identities i ON i.person_id = p.id"
              " JOIN memberships m ON m.person_id = p.id WHERE i.platform_user_id = 'a'")
    b = s.scalar("SELECT person_id FROM identities WHERE platform_user_id = 'b'")
    assert a == {"referred_by": b, "inviter_person_id": b, "join_scene": "invite"}
    c = s.one("SELECT status, leave_reason, leave_operator FROM memberships m JOIN identities i ON i.person_id = m.person_id"
              " WHERE i.platform_user_id = 'c'")
    assert c == {"status": "left", "leave_reason": "kick", "leave_operator": "b"}


def test_admin_mute_nickname_and_unknown_events(bare_ws):
    e = Engine(bare_ws)
    e.ingest([Event("sandbox", "j", Kind.JOIN, T0, group="g1", user="a"),
              Event("sandbox", "ad", Kind.ADMIN, T0 + 1, group="g1", user="a", data={"enable": True}),
              Event("sandbox", "mu", Kind.MUTE, T0 + 2, group="g1", user="a", data={"duration": 600}),
              Event("sandbox", "nk", Kind.NICKNAME, T0 + 3, group="g1", user="a", data={"old": "", "new": "北京-阿明-设计"}),
              Event("sandbox", "??", Kind.UNKNOWN, T0 + 4, group="g1", raw={"post_type": "mystery", "x": 1})])
    row = bare_ws.store.one("SELECT platform_role, muted_until, group_nickname FROM memberships")
    assert row == {"platform_role": "admin", "muted_until": T0 + 2 + 600, "group_nickname": "北京-阿明-设计"}
    raw = bare_ws.store.scalar("SELECT raw FROM events WHERE kind = 'unknown'")
    assert json.loads(raw) == {"post_type": "mystery", "x": 1}  # kept, not dropped


def test_someone_first_seen_without_a_name_is_named_by_the_first_event_with_one(bare_ws):
    """A join notice names nobody (QQ's carries the number only): the person is shown by
    their platform id until an event brings a nickname, then by it, even when that event
    is a repeat, and even in a later engine (a restart). A name already given is kept."""
    s = bare_ws.store

    def name(user):
        return s.one("SELECT p.display_name, i.nickname FROM identities i JOIN people p ON p.id = i.person_id"
                     " WHERE i.platform_user_id = ?", (user,))

    Engine(bare_ws).ingest([Event("sandbox", "j1", Kind.JOIN, T0, group="g1", user="10001"),
                            Event("sandbox", "j2", Kind.JOIN, T0, group="g1", user="10002"),
                            Event("sandbox", "j3", Kind.JOIN, T0, group="g1", user="10003", nickname="老王")])
    assert name("10001") == {"display_name": "10001", "nickname": ""}
    e = Engine(bare_ws)
    e.ingest([Event("sandbox", "m1", Kind.MESSAGE, T0 + 5, group="g1", user="10001", nickname="阿明", text="大家好")])
    assert name("10001") == {"display_name": "阿明", "nickname": "阿明"}
    e.ingest([Event("sandbox", "m2", Kind.MESSAGE, T0 + 6, group="g1", user="10001", nickname="明明", text="hi")])
    assert name("10001")["display_name"] == "阿明"  # named once: a renaming is a nickname event's business
    s.execute("UPDATE people SET display_name = '张三（客户）' WHERE id = (SELECT person_id FROM identities"
              " WHERE platform_user_id = '10002')")  # a name a person gave: kept
    e.ingest([Event("sandbox", "j2", Kind.JOIN, T0, group="g1", user="10002", nickname="小张"),  # a repeat
              Event("sandbox", "m3", Kind.MESSAGE, T0 + 7, group="g1", user="10003", nickname="王五", text="在")])
    assert name("10002") == {"display_name": "张三（客户）", "nickname": "小张"}
    assert name("10003") == {"display_name": "老王", "nickname": "老王"}


def test_heartbeats_update_the_connection_without_storing(bare_ws):
    Engine(bare_ws).ingest([Event("sandbox", "hb1", Kind.HEARTBEAT, T0)])
    assert bare_ws.store.scalar("SELECT count(*) FROM events") == 0
    assert bare_ws.store.one("SELECT state, last_event_at FROM connections WHERE id = 'sandbox'") == {
        "state": "online", "last_event_at": T0}


def test_dead_letters_keep_the_raw_payload(bare_ws):
    Engine(bare_ws).dead_letter(DeadLetter("sandbox", "webhook", "not JSON: Expecting value", b"\xff{oops"))
    row = bare_ws.store.one("SELECT connection_id, source, error, raw FROM dead_letters")
    assert row["raw"] == b"\xff{oops" and "not JSON" in row["error"]


def test_insiders_are_counted_apart(bare_ws):
    e = Engine(bare_ws)
    e.ingest([m(1, "staff")])
    bare_ws.store.execute("UPDATE people SET is_insider = 1")
    e.ingest([m(2, "staff"), m(3, "member")])
    roll = bare_ws.store.one("SELECT messages, messages_insiders, speakers, speakers_insiders FROM rollups_daily")
    assert roll == {"messages": 3, "messages_insiders": 1, "speakers": 2, "speakers_insiders": 0}


def test_insiders_new_to_a_day_count_as_insider_speakers(bare_ws):
    e = Engine(bare_ws)
    e.ingest([m(1, "staff"), m(2, "member")])
    bare_ws.store.execute("UPDATE people SET is_insider = 1 WHERE display_name = 'staff'")
    e.ingest([m(3, "staff", ts=T0 + 86400), m(4, "staff", ts=T0 + 86401), m(5, "member", ts=T0 + 86402)])
    roll = bare_ws.store.one("SELECT messages, messages_insiders, speakers, speakers_insiders FROM rollups_daily"
                             " WHERE day = '2025-11-23'")
    assert roll == {"messages": 3, "messages_insiders": 2, "speakers": 2, "speakers_insiders": 1}


def test_last_spoke_at_is_the_latest_message_even_delivered_out_of_order(bare_ws):
    Engine(bare_ws).ingest([m(3, ts=T0 + 300), m(1, ts=T0 + 100), m(2, "u2", ts=T0 + 50), m(4, ts=T0 + 200)])
    rows = bare_ws.store.query("SELECT i.platform_user_id AS u, m.last_spoke_at, m.message_count FROM memberships m"
                               " JOIN identities i ON i.person_id = m.person_id ORDER BY u")
    assert rows == [{"u": "u1", "last_spoke_at": T0 + 300, "message_count": 3},
                    {"u": "u2", "last_spoke_at": T0 + 50, "message_count": 1}]


def test_a_failing_batch_leaves_nothing_behind(bare_ws, monkeypatch):
    e = Engine(bare_ws)

    def boom(*a, **k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(e, "_count_messages", boom)  # after the messages and the join are stored
    with pytest.raises(RuntimeError):
        e.ingest([m(1), Event("sandbox", "j", Kind.JOIN, T0, group="g1", user="a")])
    assert bare_ws.store.scalar("SELECT count(*) FROM messages") == 0
    assert bare_ws.store.scalar("SELECT count(*) FROM events") == 0
    assert bare_ws.store.scalar("SELECT count(*) FROM memberships") == 0


def test_a_batch_mixing_stored_and_new_events_counts_only_the_new(bare_ws):
    Engine(bare_ws).ingest([m(1), m(2), Event("sandbox", "j1", Kind.JOIN, T0, group="g1", user="u9")])
    r = Engine(bare_ws).ingest([m(1), m(3), m(2), m(4, "u2"),
                                Event("sandbox", "j1", Kind.JOIN, T0, group="g1", user="u9"),
                                Event("sandbox", "j2", Kind.JOIN, T0 + 9, group="g1", user="u8")])
    assert (r.stored, r.duplicates) == (3, 3)
    assert [e.id for e in r.events] == ["m3", "m4", "j2"]
    s = bare_ws.store
    assert s.one("SELECT messages, speakers, joins FROM rollups_daily") == {"messages": 4, "speakers": 2, "joins": 2}
    assert s.scalar("SELECT message_count FROM memberships m JOIN identities i ON i.person_id = m.person_id"
                    " WHERE i.platform_user_id = 'u1'") == 3


def test_days_follow_half_hour_zones(tmp_path):
    p = make_config(tmp_path)
    text = p.read_text(encoding="utf-8").replace('timezone = "Asia/Shanghai"', 'timezone = "Asia/Kolkata"')
    p.write_text(text, encoding="utf-8")
    w = Workspace.open(p, pm=get_plugin_manager(["roles", "entry_rules", "moderation", "kpi", "qq"]))
    try:
        assert str(w.tz) == "Asia/Kolkata"
        midnight = 1_763_749_800  # 2025-11-22 00:00 in Kolkata (18:30 UTC the day before)
        assert w.day(midnight - 60) == "2025-11-21" and w.day(midnight + 60) == "2025-11-22"
        assert w.day(midnight - 1) == "2025-11-21"  # the same clock hour as the next day's first minute
    finally:
        w.close()


def _request(ws, conn="sandbox", flag="f1", ts=T0):
    if conn != "sandbox":
        with ws.store.write() as c:
            c.execute("INSERT OR IGNORE INTO connections(id, platform) VALUES (?, 'wecom')", (conn,))
    with ws.clock_at(ts):
        Engine(ws).ingest([Event(conn, f"r-{flag}", Kind.JOIN_REQUEST, ts, group="g1", user=flag, nickname=flag,
                                 data={"flag": flag, "comment": ""})])
    return ws.store.one("SELECT r.*, g.platform_group_id FROM join_requests r LEFT JOIN groups g ON g.id = r.group_id"
                        " WHERE platform_request_id = ?", (flag,))


def test_a_decision_reads_in_progress_until_the_platform_answers(bare_ws):
    """approve -> approving with its action pending; hold -> held, no action; a platform
    that cannot approve (no connector: a task for a person) records the decision at once."""
    from console.engine import apply_decision
    from console.model import Decision

    with bare_ws.clock_at(T0 + 5):
        assert apply_decision(bare_ws, _request(bare_ws, flag="a"), Decision("approve", "ok", rule="r"), "rule:r") == 1
        assert apply_decision(bare_ws, _request(bare_ws, flag="h"), Decision("hold", "wait"), "rule:r") == 0
        assert apply_decision(bare_ws, _request(bare_ws, "wc1", flag="w"), Decision("reject", "no"), "rule:r") == 1
    got = {r["platform_request_id"]: r["status"] for r in bare_ws.store.query("SELECT * FROM join_requests")}
    assert got == {"a": "approving", "h": "held", "w": "rejected"}
    acts = {json.loads(a["params"])["flag"]: a["status"] for a in bare_ws.store.query("SELECT * FROM actions")}
    assert acts == {"a": "pending", "w": "unsupported"}


def test_decide_expires_a_request_past_its_lifetime_instead(bare_ws):
    from console.join_requests import RequestExpired, apply_decision, expires_at
    from console.model import Decision

    req = _request(bare_ws, flag="old")
    assert expires_at(bare_ws, req) == T0 + 3 * 86400  # the sandbox's lifetime
    with bare_ws.clock_at(T0 + 3 * 86400 - 1):
        assert Engine(bare_ws).decide(req["id"]) == 0  # no plugin answers: still pending
    assert bare_ws.store.scalar("SELECT status FROM join_requests WHERE id = ?", (req["id"],)) == "pending"
    with bare_ws.clock_at(T0 + 3 * 86400):
        assert Engine(bare_ws).decide(req["id"]) == 0
        with pytest.raises(RequestExpired, match="expired at 2025-11-25 10:00"):
            apply_decision(bare_ws, dict(req, status="pending"), Decision("approve", "ok"), "operator:x")
    assert bare_ws.store.one("SELECT status, decided_at, decided_by FROM join_requests WHERE id = ?", (req["id"],)) == {
        "status": "expired", "decided_at": T0 + 3 * 86400, "decided_by": "engine"}
    assert bare_ws.store.scalar("SELECT count(*) FROM actions") == 0
