"""No member list on Douyin: the platform's head count at a sync is the start, joins and
leaves move it, a member first seen speaking is not counted twice, and the KPIs built on
members say they come from events since the group was first seen."""

from __future__ import annotations

import json

from console.engine import Engine
from console.model import Event, Kind
from plugins.kpi.metrics import by_group, panel
from tests.plugins.douyin.dyhelpers import make_fake, synced


def msg(gid: str, user: str, n: int, ts: int) -> Event:
    return Event("dy1", f"msg:{user}:{n}", Kind.MESSAGE, ts, group=gid, user=user, text=f"第 {n} 条")


async def test_a_member_first_seen_speaking_is_not_counted_twice(tmp_path, monkeypatch):
    fake = make_fake()
    listed = fake.add_group("粉丝群 A", members=10)
    async with synced(tmp_path, fake, monkeypatch) as (ws, conn):
        now = ws.now()
        count = lambda gid: ws.store.scalar("SELECT member_count FROM groups WHERE platform_group_id = ?", (gid,))  # noqa: E731
        assert count(listed.group_id) == 10
        assert ws.store.scalar("SELECT members_end FROM rollups_daily") == 10  # the day's members: Douyin's count
        eng = Engine(ws)
        eng.ingest([msg(listed.group_id, "ou-a", 1, now), msg(listed.group_id, "ou-b", 2, now),
                    msg(listed.group_id, "ou-a", 3, now)])
        assert count(listed.group_id) == 10  # a and b were among Douyin's 10
        eng.ingest([msg(listed.group_id, "ou-a", 4, now)])
        assert count(listed.group_id) == 10
        eng.ingest([Event("dy1", "join:1", Kind.JOIN, now, group=listed.group_id, user="ou-new",
                          data={"scene": "approve"})])
        assert count(listed.group_id) == 11  # a join after the sync is new
        eng.ingest([msg(listed.group_id, "ou-new", 5, now)])
        assert count(listed.group_id) == 11
        day = ws.day(now)
        assert ws.store.scalar("SELECT members_end FROM rollups_daily r JOIN groups g ON g.id = r.group_id"
                               " WHERE g.platform_group_id = ? AND r.day = ?", (listed.group_id, day)) == 11
        # a group never synced has no platform count: everyone seen is all there is
        Engine(ws).ingest([msg("@unsynced==", "ou-c", 6, now)])
        assert count("@unsynced==") == 1


async def test_member_kpis_of_douyin_groups_say_they_come_from_events(tmp_path, monkeypatch):
    fake = make_fake()
    g = fake.add_group("粉丝群 A", members=4)
    async with synced(tmp_path, fake, monkeypatch) as (ws, conn):
        now = ws.now()
        Engine(ws).ingest([msg(g.group_id, "ou-a", 1, now), msg(g.group_id, "ou-b", 2, now)])
        since = ws.day(ws.store.scalar("SELECT created_at FROM groups WHERE platform_group_id = ?", (g.group_id,)))
        rows = {r["name"]: r for r in panel(ws, "platform:douyin", since="7d")}
        words = f"members from events since {since}"
        # today only has members (Douyin's 4 at the sync; the 2 speakers were among them): 2 of 4 spoke;
        # 2 messages over 7 days averaging 4/7 members
        assert rows["interaction_rate"]["value"] == 0.5 and rows["messages_per_member"]["value"] == 3.5
        for name in ("interaction_rate", "messages_per_member"):
            assert rows[name]["note"] == words and rows[name]["partial_members"] is True, name
        assert rows["message_volume"]["value"] == 2 and rows["message_volume"]["note"] == ""
        assert "partial_members" not in rows["message_volume"]
        (row,) = by_group(ws, "platform:douyin", since="7d")
        assert row["notes"]["interaction_rate"] == words and "message_volume" not in row["notes"]
        ws.settings.console.language = "zh-CN"
        zh = {r["name"]: r for r in panel(ws, "all", since="7d")}
        assert zh["interaction_rate"]["note"] == f"成员数据仅来自 {since} 以来的事件（平台不提供成员列表）"
        # `shequn kpi` split by platform, and across all: Douyin's member KPIs say where they come from
        from click.testing import CliRunner

        from console.cli import build_cli, cli

        build_cli([])

        def kpi(*args):
            out = CliRunner().invoke(cli, ["--config", str(tmp_path / "config.toml"), "kpi", "--json", *args],
                                     catch_exceptions=False)
            return {r["name"]: r for r in json.loads(out.output)}

        for args in (("--platform", "douyin"), ()):
            got = kpi(*args)
            assert got["interaction_rate"]["value"] == 0.5 and got["interaction_rate"]["note"] == words, args
        other = CliRunner().invoke(cli, ["--config", str(tmp_path / "config.toml"), "kpi", "--platform", "qq"])
        assert other.exit_code == 2 and "no group matches platform qq" in other.output  # split: qq has none here


def test_groups_that_list_their_members_carry_no_such_note(ws):
    rows = panel(ws, "all", since="7d")
    assert not any(r.get("partial_members") for r in rows)
    assert not any("members from events" in (r["note"] or "") for r in rows)
