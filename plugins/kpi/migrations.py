"""The kpi plugin's own tables (documented in docs/schema/kpi.md).

They are caches a job rebuilds from the core tables (memberships, orders, people), so
the panel reads a few hundred rows instead of 500,000 memberships. Activity facts need
no table of ours: the engine keeps ``rollups_daily`` and ``speaker_days``.
"""

from console.store import run_script

M001 = r"""
CREATE TABLE kpi_cohorts (
    group_id INTEGER NOT NULL,
    join_day TEXT NOT NULL,              -- operator day of memberships.joined_at
    insider INTEGER NOT NULL DEFAULT 0,  -- 1: counts of insiders (left out by default)
    joined INTEGER NOT NULL DEFAULT 0,
    eligible_1 INTEGER NOT NULL DEFAULT 0, -- joined at least 1 day before computed_at
    kept_1 INTEGER NOT NULL DEFAULT 0,     -- of those, still in the group 1 day after joining
    eligible_7 INTEGER NOT NULL DEFAULT 0,
    kept_7 INTEGER NOT NULL DEFAULT 0,
    eligible_30 INTEGER NOT NULL DEFAULT 0,
    kept_30 INTEGER NOT NULL DEFAULT 0,
    computed_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, join_day, insider)
) WITHOUT ROWID;

CREATE TABLE kpi_segments (
    person_id INTEGER PRIMARY KEY,
    segment TEXT NOT NULL CHECK (segment IN ('loyal', 'bargain', 'need', 'low_need')),
    signals TEXT NOT NULL,               -- JSON: the figures the rules looked at
    why TEXT NOT NULL,                   -- the rule that placed them, in words
    computed_at INTEGER NOT NULL
);

CREATE TABLE kpi_segment_mix (
    group_id INTEGER NOT NULL,
    segment TEXT NOT NULL,
    members INTEGER NOT NULL DEFAULT 0,  -- current members who are not insiders
    insiders INTEGER NOT NULL DEFAULT 0,
    computed_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, segment)
) WITHOUT ROWID;
"""


def m001_kpi_tables(store) -> None:
    run_script(store, M001)


def m002_orders_time_index(store) -> None:
    # The panel sums orders by time for a window; a covering index keeps that a range
    # read. orders is written by imports and the orders job, never on the ingest path.
    run_script(store, "CREATE INDEX kpi_orders_time ON orders(ordered_at, group_id, person_id, amount);")


MIGRATIONS = [("m001_kpi_tables", m001_kpi_tables), ("m002_orders_time_index", m002_orders_time_index)]
