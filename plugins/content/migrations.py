"""The plugin's own tables (documented in docs/schema/content.md). Append-only: a new
table or column is a new migration, never an edit of one that has run."""

from shequn import run_script

from .migrations_more import (m007_scripts, m008_entry_ritual, m009_campaigns, m010_newcomers_due,
                              m011_questions_waiting)

M001 = r"""
CREATE TABLE content_items (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    image TEXT NOT NULL DEFAULT '',      -- a file beside the workspace (content_files/...) or an http(s) URL
    purpose TEXT NOT NULL CHECK (purpose IN ('activation', 'conversion', 'brand')),
    tags TEXT NOT NULL DEFAULT '',       -- comma-separated, e.g. 早安,问候
    group_type TEXT NOT NULL DEFAULT '' CHECK (group_type IN ('', 'traffic', 'welfare', 'flash')),
    product TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL DEFAULT '',
    season TEXT NOT NULL DEFAULT '' CHECK (season IN ('', 'spring', 'summer', 'autumn', 'winter')),
    archived INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX content_items_purpose ON content_items(purpose, archived);
"""


M002 = r"""
CREATE TABLE content_schedules (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    cron TEXT NOT NULL DEFAULT '',       -- minute hour day-of-month month day-of-week, workspace time zone
    once_at INTEGER,                     -- a one-off post instead of a cron
    until_day TEXT NOT NULL DEFAULT '',  -- last day it fires (YYYY-MM-DD), '' = no end
    item_id INTEGER REFERENCES content_items(id),
    pick_tag TEXT NOT NULL DEFAULT '',   -- or rotate through the items carrying this tag, one per post
    targets TEXT NOT NULL,               -- JSON list: all, type:welfare, family:NAME, group:ID
    skip_holidays TEXT NOT NULL DEFAULT '' CHECK (skip_holidays IN ('', 'public', 'all')),
    enabled INTEGER NOT NULL DEFAULT 1,
    created_by TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK ((cron != '') + (once_at IS NOT NULL) = 1),
    CHECK ((item_id IS NOT NULL) + (pick_tag != '') = 1)
);

CREATE TABLE content_pauses (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups(id),
    schedule_id INTEGER REFERENCES content_schedules(id),   -- NULL: every scheduled post
    starts_at INTEGER NOT NULL,
    ends_at INTEGER,                                        -- NULL: until lifted
    reason TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX content_pauses_group ON content_pauses(group_id);

CREATE TABLE content_holidays (
    day TEXT NOT NULL,                   -- YYYY-MM-DD
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('public', 'shopping', 'custom')),
    PRIMARY KEY (day, name)
);

CREATE TABLE content_runs (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,                -- schedule:ID / calendar:ID
    fire_at INTEGER NOT NULL,
    seq INTEGER NOT NULL,                -- the source's post number: a tag rotation picks item seq mod n
    created_at INTEGER NOT NULL,
    UNIQUE (source, fire_at)
);

CREATE TABLE content_posts (
    run_id INTEGER NOT NULL REFERENCES content_runs(id),
    group_id INTEGER NOT NULL REFERENCES groups(id),
    item_id INTEGER REFERENCES content_items(id),
    status TEXT NOT NULL CHECK (status IN ('queued', 'task', 'skipped')),
    note TEXT NOT NULL DEFAULT '',       -- why skipped, or the task's reason
    action_id INTEGER REFERENCES actions(id),
    task_id INTEGER REFERENCES tasks(id),
    not_before INTEGER NOT NULL,
    key TEXT NOT NULL DEFAULT '',        -- the outbox idempotency key (text and time in it)
    PRIMARY KEY (run_id, group_id)
);
CREATE INDEX content_posts_action ON content_posts(action_id);
"""


M003 = r"""
CREATE TABLE content_themes (
    id INTEGER PRIMARY KEY,
    period TEXT NOT NULL CHECK (period IN ('day', 'week', 'month')),
    starts TEXT NOT NULL,                -- day: YYYY-MM-DD; week: its Monday; month: YYYY-MM
    scope TEXT NOT NULL,                 -- all, type:TYPE, family:NAME
    title TEXT NOT NULL,
    purpose TEXT NOT NULL DEFAULT '' CHECK (purpose IN ('', 'activation', 'conversion', 'brand')),
    updated_by TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL,
    UNIQUE (period, starts, scope)
);

CREATE TABLE content_calendar (
    id INTEGER PRIMARY KEY,
    day TEXT NOT NULL,                   -- YYYY-MM-DD
    time TEXT NOT NULL DEFAULT '',       -- HH:MM it is posted; '' = [content] topic_time
    scope TEXT NOT NULL,                 -- all, type:TYPE, family:NAME
    item_id INTEGER REFERENCES content_items(id),   -- NULL: planned, no text yet (not posted)
    title TEXT NOT NULL DEFAULT '',      -- '' = the item's title
    purpose TEXT NOT NULL DEFAULT '' CHECK (purpose IN ('', 'activation', 'conversion', 'brand')),
    holiday TEXT NOT NULL DEFAULT '',    -- the holiday this is the post of, if any
    note TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX content_calendar_day ON content_calendar(day);
"""


M004 = r"""
CREATE TABLE content_checkin_rules (
    id INTEGER PRIMARY KEY,
    scope TEXT NOT NULL UNIQUE,          -- all, type:TYPE, family:NAME, group:ID (the most specific wins)
    keywords TEXT NOT NULL,              -- comma-separated, e.g. 签到,打卡
    points INTEGER NOT NULL,             -- points of a check-in
    streak_bonus INTEGER NOT NULL,       -- more per day of an unbroken streak after the first
    cap INTEGER NOT NULL,                -- the most one check-in earns
    reply TEXT NOT NULL,                 -- {name} {streak} {points} {total} {group}
    merged_reply TEXT NOT NULL,          -- a burst's one reply: {names} {count} {group}
    enabled INTEGER NOT NULL DEFAULT 1,
    updated_by TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL
);

CREATE TABLE content_checkins (
    person_id INTEGER NOT NULL REFERENCES people(id),
    day TEXT NOT NULL,                   -- the workspace's day: once per day per person
    group_id INTEGER NOT NULL REFERENCES groups(id),
    rule_id INTEGER NOT NULL REFERENCES content_checkin_rules(id),
    ts INTEGER NOT NULL,
    streak INTEGER NOT NULL,             -- days in a row, this one included
    points INTEGER NOT NULL,
    name TEXT NOT NULL DEFAULT '',       -- as the reply names them
    evidence TEXT,                       -- connection:event id of the message
    replied INTEGER NOT NULL DEFAULT 0,  -- 0: waiting for its burst to close
    reply_action INTEGER REFERENCES actions(id),
    PRIMARY KEY (person_id, day)
);
CREATE INDEX content_checkins_waiting ON content_checkins(replied, group_id);

CREATE TABLE content_points (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    delta INTEGER NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('checkin', 'spend', 'reset', 'adjust', 'campaign')),
    note TEXT NOT NULL DEFAULT '',
    ref TEXT NOT NULL DEFAULT '',        -- checkin:DAY, a campaign ...
    by TEXT NOT NULL DEFAULT '',
    ts INTEGER NOT NULL
);
CREATE INDEX content_points_person ON content_points(person_id);
"""


M005 = r"""
CREATE TABLE content_keyword_rules (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    match TEXT NOT NULL CHECK (match IN ('exact', 'contains', 'pattern')),
    keyword TEXT NOT NULL,               -- exact / contains: comma-separated words; pattern: a regular expression
    reply TEXT NOT NULL,                 -- {group} {owner} {date} {name}
    scope TEXT NOT NULL DEFAULT 'all',   -- all, type:TYPE, family:NAME, group:ID
    cooldown_seconds INTEGER NOT NULL,   -- per group: no second reply of this rule there within it
    priority INTEGER NOT NULL DEFAULT 100,  -- lower first when several rules match a message
    timeout_ms INTEGER NOT NULL DEFAULT 20, -- a pattern's limit per message
    enabled INTEGER NOT NULL DEFAULT 1,
    updated_by TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL
);

CREATE TABLE content_keyword_fires (
    rule_id INTEGER NOT NULL REFERENCES content_keyword_rules(id),
    group_id INTEGER NOT NULL REFERENCES groups(id),
    last_at INTEGER NOT NULL,            -- the last reply's message time
    replies INTEGER NOT NULL DEFAULT 0,
    held INTEGER NOT NULL DEFAULT 0,     -- matches not answered because of the cooldown
    PRIMARY KEY (rule_id, group_id)
);
"""


M006 = r"""
CREATE TABLE content_hours (
    group_id INTEGER NOT NULL REFERENCES groups(id),
    hour INTEGER NOT NULL,               -- unix time of the hour's start
    messages INTEGER NOT NULL,
    PRIMARY KEY (group_id, hour)
);

CREATE TABLE content_topics (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES content_runs(id),
    group_id INTEGER NOT NULL REFERENCES groups(id),
    item_id INTEGER REFERENCES content_items(id),
    product TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL DEFAULT '',
    posted_at INTEGER NOT NULL,          -- when the platform took the topic
    baseline REAL NOT NULL,              -- the group's usual messages per minute at that hour (the 7 days before)
    messages INTEGER NOT NULL DEFAULT 0, -- after the topic, in the tracking window
    speakers INTEGER NOT NULL DEFAULT 0,
    peak_at INTEGER,                     -- the end of the busiest 5 minutes
    peak_rate REAL,                      -- its messages per minute
    link_how TEXT NOT NULL DEFAULT '' CHECK (link_how IN ('', 'peak', 'fallback', 'asked', 'none')),
    link_at INTEGER,
    link_action INTEGER REFERENCES actions(id),
    link_task INTEGER REFERENCES tasks(id),
    status TEXT NOT NULL DEFAULT 'tracking' CHECK (status IN ('tracking', 'done')),
    UNIQUE (run_id, group_id)
);
CREATE INDEX content_topics_tracking ON content_topics(status);

CREATE TABLE content_topic_minutes (
    topic_id INTEGER NOT NULL REFERENCES content_topics(id),
    minute INTEGER NOT NULL,             -- minutes after posted_at
    messages INTEGER NOT NULL,
    PRIMARY KEY (topic_id, minute)
);

CREATE TABLE content_topic_speakers (
    topic_id INTEGER NOT NULL REFERENCES content_topics(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    first_at INTEGER NOT NULL,
    PRIMARY KEY (topic_id, person_id)
);

CREATE TABLE content_link_modes (
    group_id INTEGER PRIMARY KEY REFERENCES groups(id),
    mode TEXT NOT NULL CHECK (mode IN ('post', 'ask'))   -- ask: the link at the peak is a task for a person
);
"""


def m001_library(store) -> None:
    run_script(store, M001)


def m002_schedules(store) -> None:
    run_script(store, M002)


def m003_calendar(store) -> None:
    run_script(store, M003)


def m004_checkins(store) -> None:
    run_script(store, M004)


def m005_keywords(store) -> None:
    run_script(store, M005)


def m006_topics(store) -> None:
    run_script(store, M006)


MIGRATIONS = [("m001_library", m001_library), ("m002_schedules", m002_schedules), ("m003_calendar", m003_calendar),
              ("m004_checkins", m004_checkins), ("m005_keywords", m005_keywords), ("m006_topics", m006_topics),
              ("m007_scripts", m007_scripts), ("m008_entry_ritual", m008_entry_ritual),
              ("m009_campaigns", m009_campaigns), ("m010_newcomers_due", m010_newcomers_due),
              ("m011_questions_waiting", m011_questions_waiting)]
