"""``shequn demo``: a few simulated days fill every table the KPIs read, through the
engine and the outbox, and a second run leaves the workspace alone."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from console.cli import build_cli, cli
from console.workspace import Workspace
from plugins.sandbox.demo import DemoError, backfill

NOW = 1_750_000_000


def test_backfill_fills_what_kpis_read(ws):
    s = backfill(ws, "sandbox", days=3, now=NOW)
    c = s.counts
    assert c["groups"] == 6 and c["messages"] > 500 and c["joins"] > 0 and c["join_requests"] > 0
    q = ws.store.scalar
    # groups carry their metadata from the first sync
    assert q("SELECT count(DISTINCT type) FROM groups WHERE connection_id = 'sandbox'") == 3
    assert q("SELECT count(*) FROM groups WHERE capacity IS NULL OR theme = ''") == 0
    assert q("SELECT count(*) FROM groups WHERE family IS NOT NULL") >= 2
    assert q("SELECT count(*) FROM groups WHERE type = 'flash' AND closes_at > ?", (NOW,)) >= 1
    # members listed at the start, then joins and leaves through the engine
    assert q("SELECT count(*) FROM memberships WHERE join_scene = 'sync'") > 100
    assert q("SELECT count(*) FROM memberships WHERE join_scene IN ('qr', 'invite')") > 0
    assert q("SELECT count(*) FROM memberships WHERE platform_role = 'owner'") == 6
    # rollups per group and day over the simulated days
    days = q("SELECT count(DISTINCT day) FROM rollups_daily WHERE messages > 0")
    assert 3 <= days <= 4
    assert q("SELECT sum(speakers) FROM rollups_daily") > 0
    # all messages happened in the simulated window
    lo, hi = ws.store.one("SELECT min(ts) AS lo, max(ts) AS hi FROM messages").values()
    assert NOW - 3 * 86400 <= lo and hi <= NOW
    # inputs of the money and acquisition KPIs
    assert q("SELECT count(*) FROM costs WHERE source = 'sandbox'") >= 3 * 6
    assert q("SELECT count(*) FROM exposure WHERE source = 'sandbox'") >= 3 * 6
    assert q("SELECT count(*) FROM orders WHERE source = 'sandbox' AND person_id IS NOT NULL") > 0
    # the truth, kept apart
    assert q("SELECT count(*) FROM sandbox_truth WHERE kind = 'segment'") > 200
    assert q("SELECT count(*) FROM sandbox_truth WHERE kind = 'message'") > 0
    assert q("SELECT count(*) FROM sandbox_state") == 1
    # the bot is known as the operation's own account from the first day (console/owners.py):
    # an overflow sibling it creates is the family owner's, not 群助手's
    assert q("SELECT account FROM connections WHERE id = 'sandbox'") == "sb-bot"
    bot = q("SELECT person_id FROM identities WHERE platform_user_id = 'sb-bot'")
    family = q("SELECT family FROM groups WHERE family IS NOT NULL ORDER BY id LIMIT 1")
    owner = q("SELECT p.display_name FROM groups g JOIN roles r ON r.group_id = g.id AND r.role = 'owner'"
              " JOIN people p ON p.id = r.person_id WHERE g.family = ? ORDER BY g.id LIMIT 1", (family,))
    with ws.store.write() as c:  # a sibling the bot made: on the platform, the bot owns it
        gid = c.execute("INSERT INTO groups(connection_id, platform, platform_group_id, name, family, created_at)"
                        " VALUES ('sandbox', 'sandbox', 'sb-new', 'sibling', ?, ?)", (family, NOW)).lastrowid
        c.execute("INSERT INTO roles(person_id, group_id, role, assigned_at) VALUES (?, ?, 'owner', ?)",
                  (bot, gid, NOW))
    assert owner and ws.owner_of(gid) == owner
    with pytest.raises(DemoError, match="already has a sandbox world"):
        backfill(ws, "sandbox", days=3, now=NOW)


def test_backfill_is_deterministic(tmp_path):
    from tests.conftest import make_config

    counts = []
    for name in ("a", "b"):
        d = tmp_path / name
        d.mkdir()
        w = Workspace.open(make_config(d))
        try:
            counts.append(backfill(w, "sandbox", days=2, now=NOW).counts)
        finally:
            w.close()
    assert counts[0] == counts[1]


def test_demo_verb_runs_once_then_says_so(config_path):
    build_cli([])
    run = CliRunner().invoke(cli, ["--config", str(config_path), "demo", "--days", "2"], catch_exceptions=False)
    assert run.exit_code == 0, run.output
    assert "2 days of history" in run.output and "messages" in run.output
    assert "admitted by the entry policy admission · all groups (admission:all): " in run.output
    again = CliRunner().invoke(cli, ["--config", str(config_path), "demo"], catch_exceptions=False)
    assert again.exit_code == 0 and "already has history" in again.output
    reset = CliRunner().invoke(cli, ["--config", str(config_path), "demo", "--days", "1", "--reset", "--seed", "3"],
                               catch_exceptions=False)
    assert reset.exit_code == 0 and "1 days of history" in reset.output and "seed 3" in reset.output


def test_demo_admits_the_sandbox_campaigns_and_calls_back_each_day(ws):
    from plugins.entry_rules.api import policies, save_policy
    from plugins.sandbox import texts

    # an operator's own code is kept; the campaigns are added to it
    save_policy(ws, "admission", {"modes": ["referral"], "codes": ["VIP9"], "on_fail": "hold"}, name="admission:all")
    days = []
    s = backfill(ws, "sandbox", days=2, now=NOW, on_day=lambda w, day: days.append((day, w.now())))
    cfg = next(p for p in policies(ws) if p["name"] == "admission:all")["config"]
    assert cfg["modes"] == ["referral", "activity"]
    assert cfg["codes"] == ["VIP9", "HB1111", "GZH520", "DY888", "MD66"]
    assert cfg["keywords"] == ["双11", "会员日", "直播福利", "门店扫码"]
    assert s.campaigns == ["双11", "会员日", "直播福利", "门店扫码", "HB1111", "GZH520", "DY888", "MD66"]
    assert len(texts.CAMPAIGNS) == 4
    # campaign applicants were admitted by that policy, for their keyword or their code
    reasons = [r["reason"] for r in ws.store.query(
        "SELECT r.reason FROM join_requests r JOIN sandbox_truth t ON t.platform_id = r.platform_request_id"
        " AND t.kind = 'request' WHERE t.label = 'genuine:campaign' AND r.rule = 'admission:all'")]
    assert reasons and any("Activity entry" in r for r in reasons)
    # NOW is 23:06 in Shanghai: two days back gives three local days, the last one partial
    assert [d for d, _ in days] == ["2025-06-13", "2025-06-14", "2025-06-15"]
    assert days[0][1] == 1_749_830_400 and days[-1][1] == NOW  # the clock stood at each day's end


def test_backfill_runs_named_jobs_every_n_days_and_on_the_last(ws):
    from console.registry import Job

    ran: dict[str, list[int]] = {"daily": [], "sparse": []}
    ws.registry.jobs["test.daily"] = Job("test.daily", 3600, lambda w: ran["daily"].append(w.now()))
    ws.registry.jobs["test.sparse"] = Job("test.sparse", 3600, lambda w: ran["sparse"].append(w.now()))
    backfill(ws, "sandbox", days=3, now=NOW, job_every_days={"test.sparse": 2})
    # NOW is 23:06 in Shanghai: four local days end in the window (the first and last partial)
    assert len(ran["daily"]) == 4
    assert ran["sparse"] == [ran["daily"][1], ran["daily"][3]] and ran["sparse"][-1] == NOW
