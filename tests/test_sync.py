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


async def test_a_resync_renames_adds_returns_and_closes_in_one_pass(ws):
    """A second listing of one group: Bo renamed, Dee new, Cy gone, Ann listed twice (the
    last listing wins), Eve back after leaving. Ids differ from positions on purpose."""
    members = {"100": [MemberInfo("11", "Ann", joined_at=1000), MemberInfo("12", "Bo"), MemberInfo("13", "Cy"),
                       MemberInfo("15", "Eve")]}
    conn = ListingConnector("lst", [GroupInfo("100", "A", 4, 500)], members)
    await sync_connection(ws, conn)
    gid = ws.store.scalar("SELECT id FROM groups WHERE platform_group_id = '100'")
    named = ws.store.query("SELECT i.platform_user_id u, p.display_name FROM identities i JOIN people p"
                           " ON p.id = i.person_id ORDER BY u")
    assert [(r["u"], r["display_name"]) for r in named] == [("11", "Ann"), ("12", "Bo"), ("13", "Cy"), ("15", "Eve")]
    ws.store.execute("UPDATE memberships SET status = 'left', left_at = 5 WHERE person_id = "
                     "(SELECT person_id FROM identities WHERE platform_user_id = '15')")
    people = ws.store.scalar("SELECT count(*) FROM people")
    members["100"] = [MemberInfo("11", "Ann", card="old card"), MemberInfo("12", "Bob", role="admin"),
                      MemberInfo("14", "Dee", card="sh-Dee"), MemberInfo("15", "Eve"),
                      MemberInfo("11", "Ann", card="new card", role="weird")]
    s = await sync_connection(ws, conn)
    assert (s.members, s.members_new, s.members_left) == (5, 1, 1)
    assert ws.store.scalar("SELECT count(*) FROM people") == people + 1  # Dee only
    rows = {r["u"]: r for r in ws.store.query(
        "SELECT i.platform_user_id u, i.nickname, p.display_name, m.status, m.group_nickname, m.platform_role,"
        " m.joined_at, m.join_scene FROM memberships m JOIN identities i ON i.person_id = m.person_id"
        " JOIN people p ON p.id = m.person_id WHERE m.group_id = ?", (gid,))}
    assert rows["12"]["nickname"] == "Bob" and rows["12"]["platform_role"] == "admin"
    assert (rows["14"]["display_name"], rows["14"]["group_nickname"], rows["14"]["join_scene"]) == ("Dee", "sh-Dee", "sync")
    assert rows["13"]["status"] == "left" and rows["15"]["status"] == "member"
    assert (rows["11"]["group_nickname"], rows["11"]["platform_role"], rows["11"]["joined_at"]) == ("new card", "member", 1000)
    assert ws.store.scalar("SELECT member_count FROM groups WHERE id = ?", (gid,)) == 4


def test_the_summary_line_in_both_languages(tmp_path):
    from console.sync import SyncSummary
    from console.workspace import Workspace
    from tests.conftest import make_config

    s = SyncSummary("qq1", groups=3, groups_new=1, members=40, members_new=5, members_left=2, members_listed=True,
                    errors=["x"])
    assert s.line() == "qq1: 3 groups (1 new), 40 members (5 new, 2 no longer listed), 1 errors"
    ws = Workspace.open(make_config(tmp_path, '[console]\nlanguage = "zh-CN"\n'))
    try:
        assert s.line(ws.tr) == "qq1：3 个群（新增 1 个），40 名群成员（新增 5 名，2 名已不在名单中），1 个错误"
        s.members_listed = False
        assert s.line(ws.tr) == "qq1：3 个群（新增 1 个），未列出群成员（该平台无法列出），1 个错误"
    finally:
        ws.close()


def test_the_sync_verb_says_it_in_the_workspaces_language(tmp_path):
    from click.testing import CliRunner

    from console.cli import build_cli
    from tests.conftest import make_config

    path = make_config(tmp_path, '[console]\nlanguage = "zh-CN"\n')
    res = CliRunner().invoke(build_cli([]), ["--config", str(path), "sync", "sandbox"])
    assert res.exit_code == 0, res.output
    assert "sandbox：" in res.output and "个群（新增" in res.output and "groups" not in res.output
    assert "] 群 好物分享引流①群" in res.output and "] group " not in res.output  # the progress too


async def test_a_listed_inviter_is_recorded_and_never_overwrites_an_event(ws):
    """WeCom's member list names who invited each member (``invitor``): the membership's
    inviter and the person's first referrer, as a join event records them. An inviter not
    listed anywhere yet becomes a person; nobody invites themselves; what a join event already
    recorded stays."""
    groups = [GroupInfo("100", "A", 4, 500), GroupInfo("200", "B", 1, 500)]
    members = {"100": [MemberInfo("1", "Ann"), MemberInfo("2", "Bo", data={"inviter": "1"}),
                       MemberInfo("3", "Cy", data={"inviter": "staff-9"}), MemberInfo("4", "Di", data={"inviter": "4"})],
               "200": [MemberInfo("2", "Bo", data={"inviter": "3"})]}
    conn = ListingConnector("lst", groups, members)
    await sync_connection(ws, conn)

    def pid(user):
        return ws.store.scalar("SELECT person_id FROM identities WHERE platform = 'listing' AND platform_user_id = ?",
                               (user,))

    def inviter(group, user):
        return ws.store.scalar("SELECT m.inviter_person_id FROM memberships m JOIN groups g ON g.id = m.group_id"
                               " WHERE g.platform_group_id = ? AND m.person_id = ?", (group, pid(user)))

    def referred_by(user):
        return ws.store.scalar("SELECT referred_by FROM people WHERE id = ?", (pid(user),))

    assert pid("staff-9") is not None  # not a member of either group: a person of their own
    assert ws.store.scalar("SELECT count(*) FROM people") == 5
    assert (inviter("100", "2"), inviter("100", "3"), inviter("100", "4"), inviter("100", "1")) == (
        pid("1"), pid("staff-9"), None, None)
    assert inviter("200", "2") == pid("3")  # each membership its own inviter
    assert (referred_by("2"), referred_by("3"), referred_by("4")) == (pid("1"), pid("staff-9"), None)
    # a join event recorded Di's inviter as Ann; a later listing naming Cy changes neither record
    g100 = ws.store.scalar("SELECT id FROM groups WHERE platform_group_id = '100'")
    ws.store.execute("UPDATE memberships SET inviter_person_id = ? WHERE group_id = ? AND person_id = ?",
                     (pid("1"), g100, pid("4")))
    ws.store.execute("UPDATE people SET referred_by = ? WHERE id = ?", (pid("1"), pid("4")))
    members["100"][3] = MemberInfo("4", "Di", data={"inviter": "3"})
    await sync_connection(ws, conn)
    assert (inviter("100", "4"), referred_by("4"), referred_by("2")) == (pid("1"), pid("1"), pid("1"))
