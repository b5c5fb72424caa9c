"""One bad event costs only itself (issue 16): its batch is stored event by event, the
engine's caches forget the rolled-back rows, and the event becomes a dead letter that
``shequn deadletters`` lists, shows and replays after the cause is fixed."""

from __future__ import annotations

import json

from click.testing import CliRunner

from console.cli import build_cli
from console.model import Event, Kind
from console.runtime import Runtime
from console.workspace import Workspace
from tests.conftest import make_config

CONFIG = """
[operator]
name = "tester"
timezone = "Asia/Shanghai"

[database]
path = "d.db"
"""

T0 = 1_700_000_000
PAST_9999 = 253_402_300_800 + 86_400  # 10000-01-02: no calendar day for it


def msg(i: int, text: str = "hi", ts: int | None = None, group: str = "g1") -> Event:
    return Event("qq1", f"m{i}", Kind.MESSAGE, T0 + i if ts is None else ts, group=group, user=f"u{i}",
                 nickname=f"n{i}", text=text)


def cli(cfg, *args):
    return CliRunner().invoke(build_cli([]), ["--config", str(cfg), *args])


def setup(tmp_path):
    cfg = make_config(tmp_path, base=CONFIG)
    ws = Workspace.open(cfg)
    return cfg, ws, Runtime(ws, connectors={})


def test_a_bad_event_costs_only_itself_and_later_batches_store(tmp_path):
    cfg, ws, rt = setup(tmp_path)
    # a new group and new people: the failed batch creates their rows, then rolls them back
    batch = [msg(1), msg(2, "\ud800 lone surrogate"), msg(3), msg(4, ts=PAST_9999), msg(5)]
    receipts = [rt.intake.put([e]) for e in batch]
    assert rt.flush() == 3
    assert all(r.future.result() is True for r in receipts)  # each is durable: stored or a dead letter
    assert sorted(r[0] for r in ws.store.execute("SELECT platform_msg_id FROM messages")) == ["m1", "m3", "m5"]
    letters = ws.store.query("SELECT connection_id, source, status, error, raw FROM dead_letters ORDER BY id")
    assert [(d["connection_id"], d["source"], d["status"]) for d in letters] == [("qq1", "ingest", "new")] * 2
    assert "UnicodeEncodeError" in letters[0]["error"] and "surrogate" in letters[0]["error"]
    assert "year" in letters[1]["error"] and "out of range" in letters[1]["error"]
    kept = json.loads(letters[0]["raw"])
    assert (kept["id"], kept["text"], kept["group"], kept["user"]) == ("m2", "\ud800 lone surrogate", "g1", "u2")
    # the next batch touches the same group: no foreign-key failure from stale cached ids
    rt.intake.put([msg(6), msg(7, group="g2")])
    assert rt.flush() == 2
    assert ws.store.scalar("SELECT count(*) FROM dead_letters") == 2
    assert ws.store.scalar("SELECT count(*) FROM groups") == 2
    assert ws.store.scalar("SELECT sum(messages) FROM rollups_daily") == 5
    ws.close()


def test_the_engine_forgets_cached_ids_of_a_rolled_back_batch(tmp_path):
    cfg, ws, rt = setup(tmp_path)
    try:
        rt.engine.ingest([msg(1), msg(2, ts=PAST_9999)])
    except (ValueError, OverflowError):
        pass
    assert ws.store.scalar("SELECT count(*) FROM groups") == 0  # rolled back
    res = rt.engine.ingest([msg(1)])  # with the stale group id cached this fails its foreign key
    assert res.stored == 1 and ws.store.scalar("SELECT count(*) FROM groups") == 1
    ws.close()


def test_dead_letters_replay_after_the_fix_and_are_marked(tmp_path):
    cfg, ws, rt = setup(tmp_path)
    # the cause: a check that refuses some text (a bug a later version fixes)
    ws.store.execute("CREATE TRIGGER poison BEFORE INSERT ON messages WHEN NEW.text = 'poison'"
                     " BEGIN SELECT RAISE(ABORT, 'poisoned text'); END")
    rt.intake.put([msg(1), msg(2, "poison"), msg(3, "poison")])
    assert rt.flush() == 1
    ws.close()
    r = cli(cfg, "deadletters", "list", "--json")
    assert r.exit_code == 0, r.output
    listed = json.loads(r.output)
    assert listed["total"] == 2 and [x["id"] for x in listed["rows"]] == [2, 1]
    assert all("poisoned text" in x["error"] and x["source"] == "ingest" for x in listed["rows"])
    shown = json.loads(cli(cfg, "deadletters", "show", "1", "--json").output)
    assert shown["replayable"] and json.loads(shown["raw"])["text"] == "poison"
    r = cli(cfg, "deadletters", "replay", "1")  # not fixed yet: fails, stays new, exit 1
    assert r.exit_code == 1 and "poisoned text" in r.output
    ws = Workspace.open(cfg)
    ws.store.execute("DROP TRIGGER poison")  # the fix
    ws.close()
    r = cli(cfg, "deadletters", "replay", "--all", "--json")
    assert r.exit_code == 0, r.output
    assert [(x["id"], x["outcome"]) for x in json.loads(r.output)] == [(1, "replayed"), (2, "replayed")]
    r = cli(cfg, "deadletters", "replay", "2")
    assert r.exit_code == 0 and "already replayed" in r.output
    ws = Workspace.open(cfg)
    assert ws.store.scalar("SELECT count(*) FROM messages") == 3
    rows = ws.store.query("SELECT status, replayed_at FROM dead_letters")
    assert all(x["status"] == "replayed" and x["replayed_at"] for x in rows)
    ws.close()
    assert json.loads(cli(cfg, "deadletters", "list", "--json").output)["total"] == 0
    assert json.loads(cli(cfg, "deadletters", "list", "--status", "replayed", "--json").output)["total"] == 2
    r = cli(cfg, "deadletters", "purge")
    assert r.exit_code == 0 and "2 dead letters deleted" in r.output
    assert cli(cfg, "deadletters", "show", "1").exit_code == 2


def test_deadletters_list_pages_and_speaks_chinese(tmp_path):
    cfg, ws, rt = setup(tmp_path)
    from console.deadletters import event_letter

    for i in range(7):
        ws.store.execute("INSERT INTO dead_letters(ts, connection_id, source, error, raw) VALUES (?,?,?,?,?)",
                         (T0, "qq1", "ingest", f"E{i}", event_letter(msg(i), ValueError("x")).raw))
    ws.close()
    second = json.loads(cli(cfg, "deadletters", "list", "--per-page", "5", "--page", "2", "--json").output)
    assert (second["total"], second["pages"], [x["id"] for x in second["rows"]]) == (7, 2, [2, 1])
    cfg.write_text(cfg.read_text() + '\n[console]\nlanguage = "zh-CN"\n')
    r = cli(cfg, "deadletters", "list", "--per-page", "5")
    assert r.exit_code == 0 and "共 7 条死信；第 1 / 2 页" in r.output
