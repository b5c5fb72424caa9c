"""A new sibling starts with its family's squad: the template's insiders are invited, and
their family roles follow them in when they join; only a platform that cannot invite
leaves a person one task naming them."""

from __future__ import annotations

from console.model import Capability
from entry_kit import T0, actions, gid, join, pid
from plugins.entry_rules.overflow import register_sibling
from plugins.roles.assign import assign
from plugins.roles.guidelines import staffing


def template_with_squad(ws):
    """fa1 of family 福利: cheer c1 and c2, admin ad, and member m (no role); fa9 is new."""
    for u in ("c1", "c2", "ad", "m"):
        join(ws, "fa1", u, T0 - 1000)
    join(ws, "fa9", "newbie", T0 - 10)
    with ws.store.write() as c:
        c.execute("UPDATE groups SET family = '福利', type = 'welfare' WHERE platform_group_id = 'fa1'")
    for u, role in (("c1", "cheer"), ("c2", "cheer"), ("ad", "admin")):
        assign(ws, pid(ws, u), [gid(ws, "fa1")], role)
    return gid(ws, "fa1"), gid(ws, "fa9")


def test_the_template_squad_is_invited_and_keeps_its_roles(ws):
    fa1, fa9 = template_with_squad(ws)
    with ws.clock_at(T0):
        register_sibling(ws, fa9, "福利", template_group_id=fa1)
    invited = sorted(a["person_id"] for a in actions(ws, "invite") if a["group_id"] == fa9)
    assert invited == sorted(pid(ws, u) for u in ("c1", "c2", "ad"))  # insiders only: m is a member, not staff
    assert ws.store.scalar("SELECT count(*) FROM tasks WHERE kind = 'invite_cheer'") == 0

    for i, u in enumerate(("c1", "c2", "ad")):  # the platform reports the invitations accepted
        join(ws, "fa9", u, T0 + 10 + i, scene="invite")
    roles = ws.store.query("SELECT p.display_name AS who, r.role, r.assigned_by FROM roles r JOIN people p"
                           " ON p.id = r.person_id WHERE r.group_id = ? ORDER BY who", (fa9,))
    assert [(r["who"], r["role"], r["assigned_by"]) for r in roles] == [
        ("ad", "admin", "plugin:roles"), ("c1", "cheer", "plugin:roles"), ("c2", "cheer", "plugin:roles")]
    (row,) = staffing(ws, [fa9])
    assert (row["admins"], row["cheer"]) == (1, 2)
    # insiders serve every sibling: being in two groups of the family is no task for them
    assert ws.store.scalar("SELECT count(*) FROM tasks WHERE kind = 'duplicate_in_family'") == 0


def test_a_joiner_without_a_family_role_gets_none(ws):
    fa1, fa9 = template_with_squad(ws)
    with ws.clock_at(T0):
        register_sibling(ws, fa9, "福利", template_group_id=fa1)
    join(ws, "fa9", "m", T0 + 10)
    assert ws.store.scalar("SELECT count(*) FROM roles WHERE group_id = ?", (fa9,)) == 0
    # a member (not an insider) in two groups of one family is still a task
    assert ws.store.scalar("SELECT person_id FROM tasks WHERE kind = 'duplicate_in_family'") == pid(ws, "m")


def test_a_platform_that_cannot_invite_leaves_one_task_naming_the_squad(ws, monkeypatch):
    fa1, fa9 = template_with_squad(ws)
    monkeypatch.setattr(type(ws), "group_capabilities", lambda self, g: frozenset({Capability.SEND}))
    with ws.clock_at(T0):
        register_sibling(ws, fa9, "福利", template_group_id=fa1)
    assert [a for a in actions(ws, "invite") if a["group_id"] == fa9] == []
    (task,) = ws.store.query("SELECT * FROM tasks WHERE kind = 'invite_cheer'")
    assert task["group_id"] == fa9 and all(n in task["detail"] for n in ("c1", "c2", "ad"))


def test_family_roles_that_cannot_work_are_refused():
    import pytest

    from console.config import ConfigError
    from plugins.roles.settings import RolesSettings

    for bad in (["owner"], "cheer", ["cheer", "lead"]):
        with pytest.raises(ConfigError, match="roles.family_roles"):
            RolesSettings(family_roles=bad)
    assert RolesSettings(family_roles=[]).family_roles == []
