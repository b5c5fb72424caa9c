"""The kpi plugin's own tables (documented in docs/schema/kpi.md).

They are caches a job rebuilds from the core tables (memberships, orders, people), so
the panel reads a few hundred rows instead of 500,000 memberships. Activity facts need
no table of ours: the engine keeps ``rollups_daily`` and ``speaker_days``.
"""

from shequn import run_script

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


# All-groups daily totals, kept by triggers on rollups_daily in the same transaction as
# the engine's upserts, so the all-groups panel reads ~90 rows instead of 90,000.
# Member counts are carried forward per group (members_end NULL = unchanged), so the
# total keeps per-day *changes*: a group's count set on day d changes the total from d
# on, and the group's next known day d2 no longer changes it by as much. The running
# sum of members_delta over days is the all-groups member count.
M003 = r"""
CREATE TABLE kpi_rollups_total (
    day TEXT PRIMARY KEY,
    messages INTEGER NOT NULL DEFAULT 0,
    messages_insiders INTEGER NOT NULL DEFAULT 0,
    speakers INTEGER NOT NULL DEFAULT 0,
    speakers_insiders INTEGER NOT NULL DEFAULT 0,
    joins INTEGER NOT NULL DEFAULT 0,
    leaves INTEGER NOT NULL DEFAULT 0,
    leaves_kicked INTEGER NOT NULL DEFAULT 0,
    members_delta INTEGER NOT NULL DEFAULT 0,
    insiders_delta INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

INSERT INTO kpi_rollups_total(day, messages, messages_insiders, speakers, speakers_insiders, joins, leaves,
                              leaves_kicked, members_delta, insiders_delta)
SELECT day, sum(messages), sum(messages_insiders), sum(speakers), sum(speakers_insiders), sum(joins), sum(leaves),
       sum(leaves_kicked), sum(dm), sum(di) FROM (
    SELECT day, messages, messages_insiders, speakers, speakers_insiders, joins, leaves, leaves_kicked,
           CASE WHEN members_end IS NULL THEN 0 ELSE members_end - coalesce(lag(members_end) OVER w, 0) END AS dm,
           CASE WHEN members_end IS NULL THEN 0 ELSE coalesce(insiders_end, 0) - coalesce(lag(insiders_end) OVER w, 0) END AS di
    FROM (SELECT *, CASE WHEN members_end IS NULL THEN 1 ELSE 0 END AS unknown FROM rollups_daily)
    WINDOW w AS (PARTITION BY group_id, unknown ORDER BY day)
) GROUP BY day;

CREATE TRIGGER kpi_rollups_insert AFTER INSERT ON rollups_daily BEGIN
    INSERT INTO kpi_rollups_total(day, messages, messages_insiders, speakers, speakers_insiders, joins, leaves, leaves_kicked)
    VALUES (NEW.day, NEW.messages, NEW.messages_insiders, NEW.speakers, NEW.speakers_insiders, NEW.joins, NEW.leaves,
            NEW.leaves_kicked)
    ON CONFLICT(day) DO UPDATE SET messages = messages + excluded.messages,
        messages_insiders = messages_insiders + excluded.messages_insiders, speakers = speakers + excluded.speakers,
        speakers_insiders = speakers_insiders + excluded.speakers_insiders, joins = joins + excluded.joins,
        leaves = leaves + excluded.leaves, leaves_kicked = leaves_kicked + excluded.leaves_kicked;
    UPDATE kpi_rollups_total SET
        members_delta = members_delta + NEW.members_end - coalesce((SELECT r.members_end FROM rollups_daily r
            WHERE r.group_id = NEW.group_id AND r.day < NEW.day AND r.members_end IS NOT NULL ORDER BY r.day DESC LIMIT 1), 0),
        insiders_delta = insiders_delta + coalesce(NEW.insiders_end, 0) - coalesce((SELECT r.insiders_end FROM rollups_daily r
            WHERE r.group_id = NEW.group_id AND r.day < NEW.day AND r.members_end IS NOT NULL ORDER BY r.day DESC LIMIT 1), 0)
    WHERE day = NEW.day AND NEW.members_end IS NOT NULL;
    UPDATE kpi_rollups_total SET
        members_delta = members_delta - NEW.members_end + coalesce((SELECT r.members_end FROM rollups_daily r
            WHERE r.group_id = NEW.group_id AND r.day < NEW.day AND r.members_end IS NOT NULL ORDER BY r.day DESC LIMIT 1), 0),
        insiders_delta = insiders_delta - coalesce(NEW.insiders_end, 0) + coalesce((SELECT r.insiders_end FROM rollups_daily r
            WHERE r.group_id = NEW.group_id AND r.day < NEW.day AND r.members_end IS NOT NULL ORDER BY r.day DESC LIMIT 1), 0)
    WHERE NEW.members_end IS NOT NULL AND day = (SELECT min(r.day) FROM rollups_daily r
        WHERE r.group_id = NEW.group_id AND r.day > NEW.day AND r.members_end IS NOT NULL);
END;

CREATE TRIGGER kpi_rollups_update AFTER UPDATE ON rollups_daily BEGIN
    UPDATE kpi_rollups_total SET messages = messages + NEW.messages - OLD.messages,
        messages_insiders = messages_insiders + NEW.messages_insiders - OLD.messages_insiders,
        speakers = speakers + NEW.speakers - OLD.speakers,
        speakers_insiders = speakers_insiders + NEW.speakers_insiders - OLD.speakers_insiders,
        joins = joins + NEW.joins - OLD.joins, leaves = leaves + NEW.leaves - OLD.leaves,
        leaves_kicked = leaves_kicked + NEW.leaves_kicked - OLD.leaves_kicked
    WHERE day = NEW.day;
    -- the group's count on this day before the change (its own, or the one carried into it)
    UPDATE kpi_rollups_total SET
        members_delta = members_delta + NEW.members_end - coalesce(OLD.members_end, (SELECT r.members_end FROM rollups_daily r
            WHERE r.group_id = NEW.group_id AND r.day < NEW.day AND r.members_end IS NOT NULL ORDER BY r.day DESC LIMIT 1), 0),
        insiders_delta = insiders_delta + coalesce(NEW.insiders_end, 0) - CASE WHEN OLD.members_end IS NOT NULL
            THEN coalesce(OLD.insiders_end, 0) ELSE coalesce((SELECT r.insiders_end FROM rollups_daily r
            WHERE r.group_id = NEW.group_id AND r.day < NEW.day AND r.members_end IS NOT NULL ORDER BY r.day DESC LIMIT 1), 0) END
    WHERE day = NEW.day AND NEW.members_end IS NOT NULL
      AND (NEW.members_end IS NOT OLD.members_end OR NEW.insiders_end IS NOT OLD.insiders_end);
    UPDATE kpi_rollups_total SET
        members_delta = members_delta - NEW.members_end + coalesce(OLD.members_end, (SELECT r.members_end FROM rollups_daily r
            WHERE r.group_id = NEW.group_id AND r.day < NEW.day AND r.members_end IS NOT NULL ORDER BY r.day DESC LIMIT 1), 0),
        insiders_delta = insiders_delta - coalesce(NEW.insiders_end, 0) + CASE WHEN OLD.members_end IS NOT NULL
            THEN coalesce(OLD.insiders_end, 0) ELSE coalesce((SELECT r.insiders_end FROM rollups_daily r
            WHERE r.group_id = NEW.group_id AND r.day < NEW.day AND r.members_end IS NOT NULL ORDER BY r.day DESC LIMIT 1), 0) END
    WHERE NEW.members_end IS NOT NULL
      AND (NEW.members_end IS NOT OLD.members_end OR NEW.insiders_end IS NOT OLD.insiders_end)
      AND day = (SELECT min(r.day) FROM rollups_daily r
        WHERE r.group_id = NEW.group_id AND r.day > NEW.day AND r.members_end IS NOT NULL);
END;
"""


def m003_rollups_total(store) -> None:
    run_script(store, M003)


# Segments gain "unknown" (people whose data cannot show a segment yet). SQLite cannot
# change a CHECK constraint in place; the table is a cache the segments job refills, so
# it is made again empty (the job's next run, or `shequn kpi refresh`, fills it).
M004 = r"""
DROP TABLE kpi_segments;
CREATE TABLE kpi_segments (
    person_id INTEGER PRIMARY KEY,
    segment TEXT NOT NULL CHECK (segment IN ('loyal', 'bargain', 'need', 'low_need', 'unknown')),
    signals TEXT NOT NULL,               -- JSON: the figures the rules looked at, and the why's parts
    why TEXT NOT NULL,                   -- the rule that placed them and its thresholds, in words
    computed_at INTEGER NOT NULL
);
DELETE FROM kpi_segment_mix;
DELETE FROM meta WHERE key = 'kpi.segments_at';
"""


def m004_segments_unknown(store) -> None:
    run_script(store, M004)


MIGRATIONS = [("m001_kpi_tables", m001_kpi_tables), ("m002_orders_time_index", m002_orders_time_index),
              ("m003_rollups_total", m003_rollups_total), ("m004_segments_unknown", m004_segments_unknown)]
