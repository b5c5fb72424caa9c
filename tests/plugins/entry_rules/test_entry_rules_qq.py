"""Entry rules on the fake OneBot bridge: activity entry admits the right answer and the
rejection's reason reaches the bridge (the applicant sees it); a misnamed member's
nickname is fixed there with set_group_card."""

from __future__ import annotations

import json

import pytest

from console.engine import Engine
from console.outbox import Executor
from console.workspace import Workspace
from plugins.entry_rules import JOBS
from plugins.entry_rules.api import save_policy
from plugins.qq.normalize import normalize
from tests.conftest import make_config
from tests.plugins.qq.qqhelpers import make_bot, make_connector


@pytest.fixture
def bot():
    b = make_bot()
    yield b
    b.stop()


@pytest.fixture
def qws(tmp_path, bot):
    cfg = make_config(tmp_path, f"""
[connections.qq1]
platform = "qq"
enabled = true
base_url = "{bot.base_url}"
access_token = "tok"
self_id = "10001"
""")
    w = Workspace.open(cfg)
    yield w
    w.close()


async def test_activity_entry_and_nickname_fix_on_qq(qws, bot):
    ws = qws
    engine = Engine(ws)
    # the group exists in shequn once any event from it arrives
    engine.ingest([normalize("qq1", bot.inject_join_request(1, 60, "答案：hi"))])
    gid = ws.store.scalar("SELECT id FROM groups WHERE connection_id = 'qq1' AND platform_group_id = '1'")
    save_policy(ws, "admission", {"modes": ["activity"], "codes": ["QQ2025"]}, scope=f"group:{gid}")
    save_policy(ws, "nickname", {"template": "{city}-{name}", "defaults": {"city": "北京"}}, scope=f"group:{gid}")
    engine.ingest([normalize("qq1", bot.inject_join_request(1, 50, "问题：口令？\n答案：QQ2025"))])
    engine.ingest([normalize("qq1", bot.inject_join_request(1, 51, "答案：我是来发广告的"))])
    conn = make_connector(bot)
    try:
        await Executor(ws, {"qq1": conn}, pacing=False).drain()
        handled = {h["user_id"]: h for h in bot.handled_requests}
        assert handled[50]["approve"] is True
        assert handled[51]["approve"] is False and "回答与活动不符" in handled[51]["reason"]
        assert 50 in bot.members[1] and 51 not in bot.members[1]
        # the bridge's own group_increase comes back; the empty card breaks the format: reminder, then the fix
        increases = [e for e in bot.events if e.get("notice_type") == "group_increase" and e.get("user_id") == 50]
        assert increases
        engine.ingest([normalize("qq1", e) for e in increases])
        job = next(j for j in JOBS if j.name == "entry_rules.nickname")
        with ws.clock_at(ws.now() + 4000):
            job.run(ws)
            await Executor(ws, {"qq1": conn}, pacing=False).drain()
        card = bot.members[1][50]["card"]
        assert card.startswith("北京-")
        sent = [json.loads(a["params"]) for a in ws.store.query("SELECT params FROM actions WHERE kind = 'send'")]
        assert any("城市-名字" in s.get("text", "") and s.get("mentions") == ["50"] for s in sent)  # in words
    finally:
        await conn.aclose()

