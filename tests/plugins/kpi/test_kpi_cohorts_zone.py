"""The cohorts job counts in SQL with the join day as date arithmetic; in a zone with
daylight saving that arithmetic is not one offset, so the day comes from ``ws.day``. Checked
here against a plain recount of every membership in Python, over a DST change (New York,
2025-03-09), with joins near midnight where the UTC day and the operator's day differ."""

from __future__ import annotations

from collections import defaultdict

import pytest

from console.workspace import Workspace
from plugins.kpi.cohorts import HORIZONS, rebuild
from tests.conftest import BASE_CONFIG, make_config
from tests.plugins.kpi.conftest import generate

DAY = 86400


def recount(ws) -> dict[tuple, list[int]]:
    """(group, join day, insider) -> joined, then eligible and kept per horizon: one membership at a time."""
    now = ws.now()
    acc: dict[tuple, list[int]] = defaultdict(lambda: [0] * 7)
    for g, joined, status, left, insider in ws.store.execute(
            "SELECT m.group_id, m.joined_at, m.status, m.left_at, p.is_insider FROM memberships m"
            " JOIN people p ON p.id = m.person_id WHERE m.joined_at IS NOT NULL"):
        a = acc[(g, ws.day(joined), insider)]
        a[0] += 1
        for i, n in enumerate(HORIZONS):
            if joined + n * DAY <= now:
                a[1 + 2 * i] += 1
                if status == "member" or (left is not None and left >= joined + n * DAY):
                    a[2 + 2 * i] += 1
    return dict(acc)


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Shanghai"])
def test_cohorts_job_equals_a_recount_in_python(tmp_path, zone):
    ws = Workspace.open(make_config(tmp_path, base=BASE_CONFIG.replace('"Asia/Shanghai"', f'"{zone}"')))
    try:
        generate(ws)
        joins = [r[0] for r in ws.store.execute("SELECT joined_at FROM memberships WHERE joined_at IS NOT NULL")]
        # the test means something only if the zone moves some joins to another day than UTC's
        from datetime import datetime, timezone

        assert any(ws.day(t) != datetime.fromtimestamp(t, timezone.utc).date().isoformat() for t in joins)
        n = rebuild(ws)
        got = {(r[0], r[1], r[2]): list(r[3:10]) for r in ws.store.execute(
            "SELECT group_id, join_day, insider, joined, eligible_1, kept_1, eligible_7, kept_7, eligible_30, kept_30"
            " FROM kpi_cohorts")}
        want = recount(ws)
        assert n == len(want) == len(got)
        assert got == want
        days = {k[1] for k in got}
        assert {"2025-03-08", "2025-03-09", "2025-03-10"} <= days  # across the change to summer time
        assert any(v[6] for v in got.values()) and any(v[2] < v[1] for v in got.values())  # kept, and some left
    finally:
        ws.close()
