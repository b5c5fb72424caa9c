"""Requests approved but not yet joined take their seats when a group's fill is judged.

After an approval the platform's join event comes later (seconds, or minutes on a slow
bridge). Until it does, the approved applicant is not in ``member_count`` but will be:
a burst of approvals must not overfill the group. Occupancy = members + requests
approved (``approving`` while the approve action is in the outbox, ``approved`` after)
in the last hour whose member has not arrived + invitations not yet carried out.

Group o1: capacity 3, one member. Its sibling o2 (family 'ofam'): capacity 10. An
invitation under way (``running``) holds its seat as a pending one does.
"""

from __future__ import annotations

import asyncio

from console.model import Kind
from console.outbox import Executor
from entry_kit import T0, actions, ev, feed, gid, join, pid, request
from plugins.entry_rules.api import families, save_policy
from plugins.sandbox.connector import SandboxConnector

HANG_GUARD = 60  # seconds; only reached if the executor never calls the connector


def _fill(ws, at: int) -> dict[str, float]:
    """Each group's fill (occupancy / capacity) as the console shows it at ``at``."""
    with ws.clock_at(at):
        fam = {f["family"]: f for f in families(ws)}["ofam"]
    return {g["name"]: g["fill"] for g in fam["groups"]}


def _setup(ws):
    join(ws, "o1", "m1", T0 - 100)
    join(ws, "o2", "m2", T0 - 100)
    with ws.store.write() as c:
        c.execute("UPDATE groups SET family = 'ofam', capacity = 3 WHERE platform_group_id = 'o1'")
        c.execute("UPDATE groups SET family = 'ofam', capacity = 10 WHERE platform_group_id = 'o2'")
    save_policy(ws, "overflow", {"threshold": 1.0, "auto_create": False}, scope="all")
    save_policy(ws, "admission", {"modes": ["open"]}, scope="all")


def test_approved_requests_not_yet_joined_fill_the_group(ws):
    _setup(ws)
    r1 = request(ws, "o1", "new1", T0)
    assert r1["status"] == "approving"  # the approve action waits in the outbox
    assert _fill(ws, T0)["o1"] == round(2 / 3, 3)  # 1 member + 1 approved = 2 of 3
    r2 = request(ws, "o1", "new2", T0 + 1)
    assert r2["status"] == "approving"
    assert _fill(ws, T0 + 1)["o1"] == 1.0  # 1 + 2 approved = 3 of 3: full, though member_count is still 1
    r3 = request(ws, "o1", "new3", T0 + 2)
    assert r3["status"] == "rejecting" and "o2" in r3["reason"]  # routed to the sibling, not a 4th seat in o1
    (inv,) = actions(ws, "invite")
    assert (inv["group_id"], inv["person_id"]) == (gid(ws, "o2"), pid(ws, "new3"))
    # new1's join arrives: counted once, as a member, not also as an approved request
    feed(ws, [ev(Kind.JOIN, "o1", "new1", T0 + 10, nickname="new1", data={"scene": "approve"})])
    assert ws.store.scalar("SELECT member_count FROM groups WHERE platform_group_id = 'o1'") == 2
    assert _fill(ws, T0 + 10)["o1"] == 1.0  # 2 members + new2 approved = 3, not 4


def test_an_approval_whose_join_never_came_frees_its_seat_after_an_hour(ws):
    _setup(ws)
    request(ws, "o1", "new1", T0)
    request(ws, "o1", "new2", T0 + 1)
    with ws.store.write() as c:  # the platform took both approvals; neither person came in
        c.execute("UPDATE join_requests SET status = 'approved' WHERE status = 'approving'")
    assert _fill(ws, T0 + 1800)["o1"] == 1.0  # 30 minutes on: still held for them
    assert _fill(ws, T0 + 3602)["o1"] == round(1 / 3, 3)  # over an hour: only the member
    late = request(ws, "o1", "new4", T0 + 3602)  # the approvals at T0, T0 + 1 are over an hour old
    assert late["status"] == "approving" and late["group_id"] == gid(ws, "o1")
    assert actions(ws, "invite") == []


class GatedSandbox(SandboxConnector):
    """The sandbox, except that an invitation waits (under way) until the test lets it go."""

    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self.started, self.release = asyncio.Event(), asyncio.Event()

    async def act(self, request):
        if request.kind == "invite" and not self.release.is_set():
            self.started.set()
            await self.release.wait()
        return await super().act(request)


async def test_an_invitation_under_way_still_holds_its_seat(ws):
    """s1 (capacity 2) is full; x1 is routed to s2 (capacity 2, one member) with an
    invitation. While the platform call of that invitation is under way (``running``), x2
    asks: s2 has 1 member + 1 invitation = 2 of 2, so x2 waits for a new sibling."""
    for u in ("a1", "a2"):
        join(ws, "s1", u, T0 - 100)
    join(ws, "s2", "b1", T0 - 100)
    with ws.store.write() as c:
        c.execute("UPDATE groups SET family = 'seats', capacity = 2 WHERE platform_group_id IN ('s1', 's2')")
    save_policy(ws, "admission", {"modes": ["open"]}, scope="all")
    x1 = request(ws, "s1", "x1", T0)
    assert x1["status"] == "rejecting" and "s2" in x1["reason"]
    conn = GatedSandbox("sandbox", ws.settings.connections["sandbox"].options)
    conn.attach(ws)
    with ws.clock_at(T0 + 1):
        run = asyncio.create_task(Executor(ws, {"sandbox": conn}, pacing=False).run_once())
        await asyncio.wait_for(conn.started.wait(), HANG_GUARD)
    assert [a["status"] for a in actions(ws, "invite")] == ["running"]
    x2 = request(ws, "s1", "x2", T0 + 2)
    assert x2["status"] == "held" and "waiting for a new sibling" in x2["reason"]
    assert [a["person_id"] for a in actions(ws, "invite")] == [pid(ws, "x1")]  # no second invitation into s2
    conn.release.set()
    with ws.clock_at(T0 + 3):
        await asyncio.wait_for(run, HANG_GUARD)
