"""`shequn cases` end to end: list (the review queue), show, note, undo; and review/appeal."""

from __future__ import annotations

import json

from click.testing import CliRunner
from moderation_helpers import T0, feed, msg, pid

from console.cli import build_cli, cli
from plugins.moderation import add_note, case_detail, list_cases, review_case


def test_cases_cli(mws):
    ws = mws
    feed(ws, [msg("g1", "alice", "加微信 abcdef123 领红包", T0)], T0)
    (case,) = list_cases(ws)["rows"]
    assert case["status"] == "settled"  # a warning the rule settled by itself
    path = ws.settings.path
    ws.close()
    build_cli([])
    run = CliRunner().invoke
    res = run(cli, ["--config", str(path), "cases", "list", "--status", "settled", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output) == {"total": 1, "offset": 0, "rows": [json.loads(res.output)["rows"][0]]}
    assert [c["id"] for c in json.loads(res.output)["rows"]] == [case["id"]]
    res = run(cli, ["--config", str(path), "cases", "show", str(case["id"])])
    assert res.exit_code == 0 and "rule:ads" in res.output and "加微信" in res.output
    res = run(cli, ["--config", str(path), "cases", "note", str(case["id"]), "我只是分享", "--appeal"])
    assert res.exit_code == 0, res.output
    res = run(cli, ["--config", str(path), "cases", "undo", str(case["id"]), "--note", "appeal accepted"])
    assert res.exit_code == 0 and "overturned" in res.output
    res = run(cli, ["--config", str(path), "cases", "undo", str(case["id"])])
    assert res.exit_code == 2 and "already overturned" in res.output
    res = run(cli, ["--config", str(path), "cases", "show", "999"])
    assert res.exit_code == 2 and "no case 999" in res.output


def test_appeal_and_review(mws):
    ws = mws
    feed(ws, [msg("g1", "bob", "加微信 abcdef123 领红包", T0), msg("g1", "carol", "加微信 zzzzzz9 领红包", T0)], T0)
    a, b = sorted(list_cases(ws)["rows"], key=lambda c: c["person_id"])
    add_note(ws, a["id"], "not an ad, my shop friend", appeal=True)
    review_case(ws, b["id"], note="real ad")
    assert (case_detail(ws, a["id"])["status"], case_detail(ws, a["id"])["closed_at"]) == ("appealed", None)
    assert case_detail(ws, b["id"])["status"] == "reviewed"
    # the appeal brings the settled warning to the queue; the confirmed one stays out of it
    assert [c["id"] for c in list_cases(ws, "queue")["rows"]] == [a["id"]]
    assert [n["kind"] for n in case_detail(ws, a["id"])["notes"]] == ["appeal"]
    assert pid(ws, "bob") in {a["person_id"], b["person_id"]}
