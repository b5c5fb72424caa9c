"""console.sync: first sync and re-sync through a minimal in-memory connector."""

from __future__ import annotations

from console.connector import Connector
from console.model import ActionResult, Capability, GroupInfo, MemberInfo
from console.sync import sync_connection


class ListingConnector(Connector):
    platform = "listing"
    capabilities = frozenset({Capability.LIST_GROUPS, Capability.LIST_MEMBERS})

    def __init__(self, name, groups, members, fail_group=None):
        super().__init__(name)
        self.groups, self.members, self.fail_group = groups, members, fail_group

    async def act(self, request):
        return ActionResult.done()

    async def list_groups(self):
        return list(self.groups)

    async def list_members(self, group):
        if group == self.fail_group:
            raise RuntimeError("bridge hiccup")
        return list(self.members.get(group, []))


async def test_first_sync_then_resync_marks_missing_members_left(ws):
    groups = [GroupInfo("100", "Welfare A", 3, 500, data={"type": "welfare", "theme": "deals", "tier": "high"}),
              GroupInfo("200", "Traffic B", 1, 200)]
    members = {"100": [MemberInfo("1", "Ann", card="sh-Ann-dev", role="owner", joined_at=1000),
                       MemberInfo("2", "Bo", role="admin"), MemberInfo("3", "Cy")],
               "200": [MemberInfo("1", "Ann")]}
    seen = []
    conn = ListingConnector("lst", groups, members)
    s = await sync_connection(ws, conn, progress=lambda d, t, w: seen.append((d, t)))
    assert (s.groups, s.groups_new, s.members, s.members_new, s.members_left) == (2, 2, 4, 4, 0)
    assert seen[0] == (0, 2) and seen[-1] == (2, 2)
    g = ws.store.one("SELECT * FROM groups WHERE platform_group_id = '100'")
    assert (g["type"], g["theme"], g["tier"], g["capacity"], g["member_count"]) == ("welfare", "deals", "high", 500, 3)
    m = ws.store.one("SELECT m.* FROM memberships m JOIN identities i ON i.person_id = m.person_id"
                     " WHERE i.platform_user_id = '1' AND m.group_id = ?", (g["id"],))
    assert (m["join_scene"], m["platform_role"], m["group_nickname"], m["joined_at"]) == ("sync", "owner", "sh-Ann-dev", 1000)
    # the same person in two groups is one person
    assert ws.store.scalar("SELECT count(*) FROM people") == 3
    # operator edits the type; a re-sync must not overwrite it, and Cy has gone
    ws.store.execute("UPDATE groups SET type = 'flash' WHERE id = ?", (g["id"],))
    members["100"] = members["100"][:2]
    groups[0] = GroupInfo("100", "Welfare A (renamed)", 2, 500, data={"type": "traffic"})
    s2 = await sync_connection(ws, conn)
    assert (s2.groups_new, s2.members_new, s2.members_left) == (0, 0, 1)
    g = ws.store.one("SELECT * FROM groups WHERE id = ?", (g["id"],))
    assert (g["type"], g["name"], g["member_count"]) == ("flash", "Welfare A (renamed)", 2)
    left = ws.store.one("SELECT m.status, m.leave_reason FROM memberships m JOIN identities i ON i.person_id = m.person_id"
                        " WHERE i.platform_user_id = '3'")
    assert (left["status"], left["leave_reason"]) == ("left", "unknown")
    assert ws.store.scalar("SELECT count(*) FROM audit_log WHERE action = 'connection_synced'") == 2


async def test_a_failing_group_is_reported_and_others_are_synced(ws):
    conn = ListingConnector("lst", [GroupInfo("1", "a"), GroupInfo("2", "b"), GroupInfo("3", "c", data={"type": "bogus"})],
                            {"1": [MemberInfo("9", "x")]}, fail_group="2")
    s = await sync_connection(ws, conn)
    assert s.groups == 2  # group 3 was rolled back whole
    assert any("group 2" in e and "bridge hiccup" in e for e in s.errors)
    assert any("group 3" in e and "bogus" in e for e in s.errors)
    assert ws.store.scalar("SELECT count(*) FROM groups WHERE connection_id = 'lst'") == 2
