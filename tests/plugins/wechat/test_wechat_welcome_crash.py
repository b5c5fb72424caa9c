"""A welcome template WeCom added while shequn stopped before recording it is not added a
second time when the action runs again (WeCom lists no templates: a journal written the
moment WeCom answers finds it)."""

from __future__ import annotations

from console.model import Status
from console.outbox import Executor
from plugins.entry_rules.api import save_policy
from plugins.wechat import hooks
from tests.plugins.wechat.test_wechat_actions import gid, synced, world  # noqa: F401  (the fixture)


async def test_a_crash_between_wecoms_add_and_the_record_adds_no_second_template(world):
    wc, ws = world
    c = await synced(wc, ws)
    c.attach(ws)  # as serve does: the journal lives in the workspace
    try:
        save_policy(ws, "welcome", {"template": "欢迎 {nickname} 加入 {group}"}, scope=f"group:{gid(ws, 'wrGroupA')}",
                    name="welcome:wx")
        with ws.store.write() as conn:
            conn.execute("DELETE FROM rules WHERE kind = 'welcome' AND name != 'welcome:wx'")
        assert hooks.sync_welcomes(ws) == 1
        ex = Executor(ws, {"wx1": c}, pacing=False)
        row = ws.store.one("SELECT * FROM actions WHERE kind = 'set_welcome'")
        req = ex._claim(row)  # claimed and committed, WeCom adds the template ...
        assert (await c.perform(req)).status == Status.DONE
        # ... and shequn stops before the result is recorded: the action is in doubt on the next start
        assert ex.recover() == [row["id"]]
        assert ws.store.scalar("SELECT template_id FROM wechat_welcomes WHERE rule = 'welcome:wx'") is None
        await ex.drain()
        (tid,) = wc.state.templates  # one template, not two
        assert len(wc.routes_called("externalcontact/group_welcome_template/add")) == 1
        assert wc.state.templates[tid]["text"]["content"] == "欢迎 %NICKNAME% 加入 福利群 A"
        done = ws.store.one("SELECT status, result FROM actions WHERE id = ?", (row["id"],))
        assert done["status"] == "done" and tid in done["result"]
        assert ws.store.scalar("SELECT template_id FROM wechat_welcomes WHERE rule = 'welcome:wx'") == tid
        # a template deleted in the admin console meanwhile is added again, once
        wc.state.templates.clear()
        res = await c.perform(req)
        assert res.status == Status.DONE and len(wc.state.templates) == 1 and res.data["template_id"] != tid
    finally:
        await c.aclose()
