"""kill -9 of serve under signed-POST load with the outbox busy (issue 16, item 10): no
acknowledged event is lost, the file stays sound, no message is posted twice, and every
action ends. benchmarks/crash.py runs the same loop 100 times and prints the figures."""

from __future__ import annotations

from tests.reliability.crash_kit import crash_loop


def test_kill_9_of_serve_loses_no_acknowledged_event_and_posts_nothing_twice(tmp_path):
    r = crash_loop(tmp_path / "w", kills=4)
    print(r.line())
    assert r.acknowledged > 0 and r.actions > 0  # the load and the outbox really ran
    assert r.lost == 0 and r.stored >= r.acknowledged
    assert r.integrity == "ok"
    assert r.sends_twice == 0
    assert r.unsettled == 0
