"""A nickname learned from a member-list sync is the member's current nickname.

A member reminded about a wrong group nickname may fix it while shequn is not listening
(no nickname event reaches it); the next sync of the connection writes the platform's
nickname into ``memberships.group_nickname``. When the grace period ends, the nickname
job must judge that one, not the wrong one it noted at the reminder: otherwise it
overwrites the member's own good nickname with its suggestion.
"""

from __future__ import annotations

import json

from console.connector import Connector
from console.model import ActionResult, Capability, GroupInfo, MemberInfo
from console.sync import sync_connection
from entry_kit import T0, actions, gid, join, pid
from plugins.entry_rules import JOBS
from plugins.entry_rules.api import save_policy


class SandboxListing(Connector):
    """The sandbox connection's member list as a sync reads it (the platform's truth)."""

    platform = "sandbox"
    capabilities = frozenset({Capability.LIST_GROUPS, Capability.LIST_MEMBERS})

    def __init__(self, members: dict[str, list[MemberInfo]]):
        super().__init__("sandbox")
        self.members = members

    async def act(self, request):
        return ActionResult.done()

    async def list_groups(self):
        return [GroupInfo(g, g) for g in self.members]

    async def list_members(self, group):
        return list(self.members[group])


def _nickname_job(ws, at):
    job = next(j for j in JOBS if j.name == "entry_rules.nickname")
    with ws.clock_at(at):
        job.run(ws)


def _misnamed(ws):
    """Policy {city}-{name}-{role}; seed has a good card, mia joins as 'Mia' and is reminded."""
    save_policy(ws, "nickname", {"template": "{city}-{name}-{role}", "defaults": {"role": "学员"}}, scope="all")
    join(ws, "g5", "seed", T0 - 9999, nickname="seed", card="上海-小红-老师")
    join(ws, "g5", "mia", T0, nickname="Mia", card="Mia")
    p = pid(ws, "mia")
    with ws.store.write() as c:
        c.execute("UPDATE people SET city = '杭州', display_name = '米娅' WHERE id = ?", (p,))
    assert [a for a in actions(ws, "send") if a["person_id"] == p and "does not follow" in (a["reason"] or "")]
    return p


async def test_a_good_nickname_from_a_sync_is_not_overwritten(ws):
    p = _misnamed(ws)
    listing = SandboxListing({"g5": [MemberInfo("seed", "seed", card="上海-小红-老师"),
                                     MemberInfo("mia", "Mia", card="杭州-米娅-设计师")]})  # her own, in the format
    with ws.clock_at(T0 + 600):
        summary = await sync_connection(ws, listing)
    assert not summary.errors and summary.members == 2
    assert ws.store.scalar("SELECT group_nickname FROM memberships WHERE person_id = ? AND group_id = ?",
                           (p, gid(ws, "g5"))) == "杭州-米娅-设计师"
    _nickname_job(ws, T0 + 3601)  # grace (3600 s) over
    assert [a for a in actions(ws, "set_card") if a["person_id"] == p] == []  # '杭州-米娅-学员' would replace hers
    assert ws.store.scalar("SELECT status FROM entry_nickname_checks WHERE person_id = ?", (p,)) == "ok"
    assert ws.store.scalar("SELECT count(*) FROM tasks WHERE kind = 'fix_nickname'") == 0


async def test_a_still_wrong_nickname_from_a_sync_is_fixed_and_named(ws):
    p = _misnamed(ws)
    listing = SandboxListing({"g5": [MemberInfo("seed", "seed", card="上海-小红-老师"),
                                     MemberInfo("mia", "Mia", card="米娅")]})  # changed, still not the format
    with ws.clock_at(T0 + 600):
        await sync_connection(ws, listing)
    _nickname_job(ws, T0 + 3601)
    (fix,) = [a for a in actions(ws, "set_card") if a["person_id"] == p]
    assert json.loads(fix["params"]) == {"card": "杭州-米娅-学员"}
    assert "米娅" in fix["reason"] and "Mia " not in fix["reason"]  # the nickname she has now, from the sync
