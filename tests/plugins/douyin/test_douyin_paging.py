"""Entry applications read page by page (cursor and has_more) into the join queue, and
two Douyin accounts as two connections in one workspace, kept apart: groups, tokens,
webhooks."""

from __future__ import annotations

from console.engine import Engine
from console.sync import build_connector, sync_connection
from console.workspace import Workspace
from tests.conftest import make_config
from tests.plugins.douyin.dyhelpers import BASE, hook_request, make_fake, synced


async def test_applications_are_read_every_page_into_the_join_queue_once(tmp_path, monkeypatch):
    fake = make_fake()
    g = fake.add_group("粉丝群 A", members=3)
    async with synced(tmp_path, fake, monkeypatch) as (ws, conn):
        ws.store.execute("UPDATE groups SET type = 'welfare'")
        applies = [fake.apply(g.group_id, user_id=f"ou-{i:03d}") for i in range(121)]
        calls = len(fake.calls)
        events = await conn.poll()
        pages = [p for _, p in fake.calls[calls:] if p == "/im/group/enter/audit/get/"]
        assert len(pages) == 3  # 50 + 50 + 21
        assert [e.data["flag"] for e in events] == [a.apply_id for a in applies]  # every one, in order, once
        Engine(ws).ingest(events)
        assert ws.store.scalar("SELECT count(*) FROM join_requests") == 121
        assert ws.store.scalar("SELECT count(DISTINCT platform_request_id) FROM join_requests") == 121
        assert await conn.poll() == []  # the same list again: nothing new
        fake.decide(applies[0].apply_id, 2)  # decided in the app: it leaves the list
        late = fake.apply(g.group_id, user_id="ou-late")
        assert [e.data["flag"] for e in await conn.poll()] == [late.apply_id]


async def test_two_accounts_are_two_connections_kept_apart(tmp_path, monkeypatch):
    one, two = make_fake(client_key="app-one", client_secret="s-one"), make_fake(client_key="app-two",
                                                                             client_secret="s-two")
    g1, g2 = one.add_group("一号粉丝群", members=2), two.add_group("二号粉丝群", members=5)
    monkeypatch.setenv("DY1_SECRET", "s-one")
    monkeypatch.setenv("DY2_SECRET", "s-two")
    blocks = "".join(f"""
[connections.{name}]
platform = "douyin"
enabled = true
client_key = "{f.client_key}"
client_secret = "env:{name.upper()}_SECRET"
open_id = "{f.open_id}"
refresh_token = "{f.authorise()['refresh_token']}"
base_url = "{f.base_url}"
""" for name, f in (("dy1", one), ("dy2", two)))
    ws = Workspace.open(make_config(tmp_path, blocks, base=BASE))
    conns = {n: build_connector(ws, n) for n in ("dy1", "dy2")}
    try:
        for c in conns.values():
            await sync_connection(ws, c)
        rows = ws.store.query("SELECT connection_id, name, member_count FROM groups ORDER BY connection_id")
        assert [tuple(r.values()) for r in rows] == [("dy1", "一号粉丝群", 2), ("dy2", "二号粉丝群", 5)]
        files = sorted(p.name for p in tmp_path.glob("douyin-*.tokens.json"))
        assert files == ["douyin-dy1.tokens.json", "douyin-dy2.tokens.json"]
        assert conns["dy1"].tokens.state.refresh_token != conns["dy2"].tokens.state.refresh_token
        # a push signed for app one is refused on app two's route, and taken on its own
        push = hook_request(one, "im_group_receive_msg", one.message_content(g1.group_id, "一号"), from_user="ou-a")
        assert (await conns["dy2"].handle(push)).status == 403
        assert (await conns["dy1"].handle(push)).status == 200
        wrong_group = hook_request(two, "im_group_receive_msg", two.message_content(g1.group_id, "串门"),
                                   from_user="ou-b")
        res = await conns["dy2"].handle(wrong_group)  # signed by app two, but for app one's group
        assert res.status == 200 and "not among the fan groups of account" in res.error
        assert [e.connection for e in conns["dy1"].sink.received] == ["dy1"] and conns["dy2"].sink.received == []
    finally:
        for c in conns.values():
            await c.aclose()
        one.stop()
        two.stop()
        ws.close()

