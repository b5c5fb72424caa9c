"""The dashboard's silent groups (console/tui/queries.silent_groups): a group with no member
message is silent since shequn first saw it, so one first synced today is not "silent for
3 days"; one seen four days ago with no word since is, for four days."""

from __future__ import annotations

from console.tui.queries import silent_groups

DAY = 86400
NOW = 1_800_000_000


def test_silence_counts_from_the_last_member_message_or_from_first_seen(ws):
    ws.clock = lambda: NOW
    with ws.store.write() as c:
        c.executemany("INSERT INTO groups(id, connection_id, platform, platform_group_id, name, created_at)"
                      " VALUES (?, 'sandbox', 'sandbox', ?, ?, ?)",
                      [(1, "g1", "今天新同步", NOW - 3600), (2, "g2", "四天前见到", NOW - 4 * DAY),
                       (3, "g3", "五天前发言", NOW - 30 * DAY), (4, "g4", "昨天发言", NOW - 30 * DAY)])
        c.executemany("INSERT INTO rollups_daily(group_id, day, messages, messages_insiders) VALUES (?, ?, ?, 0)",
                      [(3, ws.day(NOW - 5 * DAY), 4), (4, ws.day(NOW - DAY), 2)])
    got = {g["name"]: g["days"] for g in silent_groups(ws, days=3)}
    assert got == {"四天前见到": 4, "五天前发言": 5}
