"""The world's side records reach the workspace's tables (store.write_records): orders name
the person the workspace knows for the buyer's platform id, however many buyers an hour has
(they are looked up 500 a query), and an order the workspace cannot place yet waits."""

from __future__ import annotations

from plugins.sandbox import store as sbstore
from plugins.sandbox.connector import SandboxConnector

T0 = 1_750_000_000 // 3600 * 3600


async def test_orders_of_over_two_pages_of_buyers_name_their_people(ws):
    c = SandboxConnector("sandbox", {"seed": 4, "groups": 6, "members": 3000})
    c.attach(ws, start=T0)
    await c.first_sync()  # lists groups and members: the buyers' identities
    w = c.world
    ids = {r["platform_user_id"]: r["person_id"]
           for r in ws.store.query("SELECT platform_user_id, person_id FROM identities WHERE platform = 'sandbox'")}
    members = sorted({u for g in w.groups.values() for u in g.members if u in ids})
    assert len(members) > 1000  # three pages of 500
    gid = "sb-g1"
    orders = [{"order_id": f"t-{i}", "user": u, "group": gid, "amount": 9.9, "ordered_at": T0, "product": "纸巾"}
              for i, u in enumerate(members)]
    orders.append({"order_id": "t-0", "user": members[0], "group": gid, "amount": 1.0, "ordered_at": T0,
                   "product": "again"})  # an order id kept already: ignored, not counted
    orders.append({"order_id": "t-stranger", "user": "sb-u999999", "group": gid, "amount": 5.0, "ordered_at": T0,
                   "product": "纸巾"})  # nobody the workspace knows yet
    w.records = {"orders": orders, "costs": [], "exposure": [], "truth": []}
    counts = sbstore.write_records(ws, "sandbox", "sandbox", w)
    assert counts["orders"] == len(members)
    got = {r["order_id"]: r["person_id"]
           for r in ws.store.query("SELECT order_id, person_id FROM orders WHERE order_id LIKE 't-%'")}
    assert got == {f"t-{i}": ids[u] for i, u in enumerate(members)}
    assert ws.store.scalar("SELECT product FROM orders WHERE order_id = 't-0'") == "纸巾"
    assert [(o["order_id"], o["tries"]) for o in w.records["orders"]] == [("t-stranger", 1)]
