"""Refused webhook requests are counted, capped and expire (issue 16): a flood at the
webhook URL costs a bounded number of small rows, not its bodies."""

from __future__ import annotations

import sqlite3

import pytest

from console.refusals import KEEP_DAYS, MAX_KEYS_PER_DAY, SAMPLE_BYTES, Refusals
from console.store import open_store

DAY = 86_400
T0 = 1_700_006_400  # 2023-11-15 00:00 UTC


class Clock:
    def __init__(self, t: float):
        self.t = t

    def __call__(self) -> float:
        return self.t


def rows(store):
    return store.query("SELECT day, cause, connection, count, first_at, last_at, sample FROM refused_requests"
                       " ORDER BY day, cause, connection")


def test_a_flood_of_made_up_names_costs_a_capped_number_of_rows(tmp_path):
    store, clock = open_store(tmp_path / "r.db"), Clock(T0 + 10)
    ref = Refusals(clock)
    body = b"x" * 1_000_000
    for i in range(MAX_KEYS_PER_DAY + 300):
        ref.note("404 unknown connection", f"made-up-{i}", "POST", f"/hooks/qq/made-up-{i}", "not found", body)
    assert ref.flush(store) == MAX_KEYS_PER_DAY + 1
    got = rows(store)
    assert len(got) == MAX_KEYS_PER_DAY + 1
    star = [r for r in got if r["connection"] == "*"]
    assert len(star) == 1 and star[0]["count"] == 300  # past the cap: one row, counted
    assert sum(r["count"] for r in got) == MAX_KEYS_PER_DAY + 300
    assert max(len(r["sample"]) for r in got) < SAMPLE_BYTES * 4 + 600  # a head of the body, escaped
    assert store.scalar("SELECT sum(length(sample)) FROM refused_requests") < 1_000_000


def test_counts_add_up_across_writes_and_keep_the_first_sample(tmp_path):
    store, clock = open_store(tmp_path / "r.db"), Clock(T0 + 10)
    ref = Refusals(clock)
    assert ref.note("403 refused by the connector", "qq1", "POST", "/hooks/qq/qq1", "forged", b"first") is True
    assert ref.note("403 refused by the connector", "qq1", "POST", "/hooks/qq/qq1", "forged", b"second") is False
    ref.flush(store)
    clock.t += 60
    ref.note("403 refused by the connector", "qq1", "POST", "/hooks/qq/qq1", "forged", b"third")
    ref.flush(store)
    (r,) = rows(store)
    assert (r["day"], r["count"], r["first_at"], r["last_at"]) == ("2023-11-15", 3, T0 + 10, T0 + 70)
    assert "b'first'" in r["sample"] and "forged" in r["sample"]
    assert ref.flush(store) == 0  # nothing new: nothing written


def test_rows_past_the_retention_are_deleted(tmp_path):
    store, clock = open_store(tmp_path / "r.db"), Clock(T0)
    ref = Refusals(clock)
    for d in (0, 1, KEEP_DAYS + 1):
        clock.t = T0 + d * DAY
        ref.note("401 refused by the connector", "qq1", "POST", "/hooks/qq/qq1", "unsigned", b"")
        ref.flush(store)
    assert [r["day"] for r in rows(store)] == ["2023-11-16", "2023-12-16"]  # day 0 was 31 days old


def test_a_failed_write_keeps_the_counts(tmp_path):
    store, clock = open_store(tmp_path / "r.db"), Clock(T0)
    ref = Refusals(clock)
    ref.note("401 refused by the connector", "qq1", "POST", "/p", "unsigned", b"")
    store.execute("DROP TABLE refused_requests")
    with pytest.raises(sqlite3.OperationalError):
        ref.flush(store)
    assert ref.pending() == 1
