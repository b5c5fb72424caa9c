"""The join queue tells the truth: the true total, every row reachable a page at a time
(past 500), nearest expiry first, filters by status, group and age; the CLI's footer
and --json carry the total."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from console.cli import build_cli
from entry_kit import T0, join
from plugins.entry_rules.api import PolicyError, queue
from plugins.entry_rules.queue import QueueSource

NOW = T0 + 10 * 86400
DAY = 86400


def fill(ws, n=620):
    """n waiting sandbox requests, one a minute back from NOW (g1 the even ones, g2 the odd
    ones), plus three that are not waiting; ids ascend with age so order is checkable."""
    join(ws, "g1", "a", T0)
    join(ws, "g2", "b", T0)
    g1, g2 = (ws.store.scalar("SELECT id FROM groups WHERE platform_group_id = ?", (g,)) for g in ("g1", "g2"))
    rows = [(i + 1, "sandbox", f"f{i}", g1 if i % 2 == 0 else g2, NOW - 60 * (i + 1), "pending") for i in range(n)]
    rows += [(n + 1, "sandbox", "old", g1, NOW - 3 * DAY, "held"),  # expired exactly now, not yet marked
             (n + 2, "sandbox", "busy", g1, NOW - 100, "approving"),
             (n + 3, "sandbox", "done", g1, NOW - 200, "approved")]
    with ws.store.write() as c:
        c.executemany("INSERT INTO join_requests(id, connection_id, platform_request_id, group_id, requested_at, status)"
                      " VALUES (?,?,?,?,?,?)", rows)
    return g1, g2


def test_true_total_and_every_row_past_500(ws):
    fill(ws)
    with ws.clock_at(NOW):
        first = queue(ws, limit=500)
        second = queue(ws, offset=500, limit=500)
        last = queue(ws, offset=619, limit=50)
        beyond = queue(ws, offset=620, limit=50)
    assert first["total"] == second["total"] == 620 and len(first["rows"]) == 500 and len(second["rows"]) == 120
    ids = [r["id"] for r in first["rows"] + second["rows"]]
    assert len(set(ids)) == 620 and set(ids) == set(range(1, 621))  # every row, each once
    # nearest expiry first: on one platform that is the oldest, id 620 (620 minutes old)
    assert first["rows"][0]["id"] == 620 and second["rows"][0]["id"] == 120 and second["rows"][-1]["id"] == 1
    assert [r["id"] for r in last["rows"]] == [1] and last["total"] == 620
    assert beyond["rows"] == [] and beyond["total"] == 620
    assert first["rows"][0]["expires_in"] == 3 * DAY - 620 * 60


def test_nearest_expiry_first_across_platforms(ws):
    """A QQ request keeps 7 days: one 6 days old expires after a sandbox one 2.5 days old."""
    join(ws, "g1", "a", T0)
    g1 = ws.store.scalar("SELECT id FROM groups WHERE platform_group_id = 'g1'")
    with ws.store.write() as c:
        c.execute("INSERT INTO connections(id, platform) VALUES ('qq1', 'qq')")
        c.executemany("INSERT INTO join_requests(id, connection_id, platform_request_id, group_id, requested_at, status)"
                      " VALUES (?,?,?,?,?,?)",
                      [(1, "sandbox", "new", g1, NOW - 3600, "pending"), (2, "qq1", "q6", g1, NOW - 6 * DAY, "held"),
                       (3, "sandbox", "s25", g1, NOW - int(2.5 * DAY), "pending"),
                       (4, "qq1", "q8", g1, NOW - 8 * DAY, "pending")])  # past QQ's week: expired
    with ws.clock_at(NOW):
        page = queue(ws)
        gone = queue(ws, "expired")
    assert [r["id"] for r in page["rows"]] == [3, 2, 1] and page["total"] == 3
    assert [r["expires_in"] for r in page["rows"]] == [DAY // 2, DAY, 3 * DAY - 3600]
    assert [r["id"] for r in gone["rows"]] == [4] and gone["rows"][0]["status"] == "expired"


def test_filters_by_group_age_and_status(ws):
    g1, g2 = fill(ws)
    with ws.clock_at(NOW):
        assert queue(ws, group_id=g2)["total"] == 310
        assert {r["id"] % 2 for r in queue(ws, group_id=g2, limit=1000)["rows"]} == {0}  # odd i -> even id
        older = queue(ws, older_than=600 * 60, limit=100)  # 600 minutes or older: ids 600-620
        assert older["total"] == 21 and {r["id"] for r in older["rows"]} == set(range(600, 621))
        newer = queue(ws, newer_than=10 * 60)  # younger than 10 minutes: ids 1-9
        assert newer["total"] == 9 and [r["id"] for r in newer["rows"]] == list(range(9, 0, -1))
        assert queue(ws, group_id=g1, older_than=600 * 60)["total"] == 10  # g1 holds the odd ids: 601, ..., 619
        assert [r["id"] for r in queue(ws, "in_progress")["rows"]] == [622]
        assert [r["id"] for r in queue(ws, "approved")["rows"]] == [623]
        assert [r["id"] for r in queue(ws, "expired")["rows"]] == [621]
        assert queue(ws, "all")["total"] == 623
        for bad, match in (({"older_than": -1}, "older_than is -1; expected whole seconds"),
                           ({"limit": 0}, "limit is 0; expected a whole number from 1 to 1000"),
                           ({"offset": -5}, "offset is -5")):
            with pytest.raises(PolicyError, match=match):
                queue(ws, **bad)
        with pytest.raises(PolicyError, match="unknown queue status 'maybe'"):
            queue(ws, "maybe")


def test_table_source_counts_all_and_reads_any_page(ws):
    fill(ws)
    with ws.clock_at(NOW):
        src = QueueSource(ws)
        assert src.count() == 620
        assert [r["id"] for r in src.rows(600, 100)] == list(range(20, 0, -1))


def test_cli_footer_pages_and_json_total(ws, config_path, monkeypatch):
    from test_entry_rules_flash_cli import cli_clock_at

    fill(ws)
    cli_clock_at(monkeypatch, NOW)
    run = lambda *a: CliRunner().invoke(build_cli(), ["--config", str(config_path), "joins", *a],  # noqa: E731
                                        catch_exceptions=False)
    res = run()
    assert res.exit_code == 0 and res.output.rstrip().endswith("1-50 of 620")
    res = run("--page", "11", "--limit", "50", "--json")
    out = json.loads(res.output)
    assert out["total"] == 620 and out["offset"] == 500 and [r["id"] for r in out["rows"]][:2] == [120, 119]
    res = run("--page", "13", "--limit", "50")
    assert res.output.rstrip().endswith("601-620 of 620") and "620" in res.output
    res = run("--older-than", "10h", "--group", "g1", "--json")
    assert json.loads(res.output)["total"] == 10
    res = run("--status", "expired", "--json")
    assert [r["id"] for r in json.loads(res.output)["rows"]] == [621]
    res = run("--older-than", "ten")
    assert res.exit_code == 2 and "--older-than 'ten'" in res.output


def test_cli_table_says_a_requests_state_in_words_and_json_keeps_the_code(ws, config_path, monkeypatch):
    from test_entry_rules_flash_cli import cli_clock_at

    fill(ws, n=2)
    with ws.store.write() as c:
        c.execute("UPDATE join_requests SET status = 'held' WHERE id = 2")
    cli_clock_at(monkeypatch, NOW)
    (config_path.parent / "zh.toml").write_text(config_path.read_text(encoding="utf-8")
                                                + '\n[console]\nlanguage = "zh-CN"\n', encoding="utf-8")
    run = lambda *a: CliRunner().invoke(build_cli(), ["--config", str(config_path.parent / "zh.toml"), "joins", *a],  # noqa: E731
                                        catch_exceptions=False)
    lines = {line.split()[0]: line for line in run("--status", "all").output.splitlines()[2:] if line[:1].isdigit()}
    assert lines["1"].endswith(" 待决定") and lines["2"].endswith(" 暂缓") and " 通过中：等待平台答复" in lines["4"], lines
    assert {r["id"]: r["status"] for r in json.loads(run("--json").output)["rows"]} == {1: "pending", 2: "held"}


def test_cli_approve_says_sent_and_wait_prints_the_platform_answer(ws, config_path, monkeypatch):
    """Without --wait the verb says the platform has not answered; with it (no serve runs)
    the action is carried out at once and its answer printed: the sandbox no longer knows
    this request, so it reads expired and the verb exits 2."""
    from console.model import Kind
    from entry_kit import ev, feed, welfare
    from test_entry_rules_flash_cli import cli_clock_at

    welfare(ws, "g1")
    join(ws, "g1", "bob", T0 - 100)
    for user, flag in (("dan", "sb-r998"), ("eve", "sb-r999")):
        feed(ws, [ev(Kind.JOIN_REQUEST, "g1", user, T0, nickname=user, data={"flag": flag, "comment": "hi"})])
    ids = [r["id"] for r in ws.store.query("SELECT id FROM join_requests ORDER BY id")]
    cli_clock_at(monkeypatch, T0 + 60)
    run = lambda *a: CliRunner().invoke(build_cli(), ["--config", str(config_path), "joins", *a],  # noqa: E731
                                        catch_exceptions=False)
    res = run("approve", str(ids[0]))
    assert res.exit_code == 0 and "approve sent to the platform; waiting for its answer" in res.output
    assert ws.store.scalar("SELECT status FROM join_requests WHERE id = ?", (ids[0],)) == "approving"
    res = run("approve", str(ids[1]), "--wait")
    assert res.exit_code == 2 and "expired: the platform no longer knows it" in res.output
    assert ws.store.one("SELECT status, decided_by FROM join_requests WHERE id = ?", (ids[1],)) == {
        "status": "expired", "decided_by": "platform"}
    assert ws.store.scalar("SELECT status FROM actions WHERE evidence = ?", (f"join_request:{ids[0]}",)) == "pending"
    res = run("approve", str(ids[1]))
    assert res.exit_code == 2 and "expired at 2025-06-15 23:07" in res.output
