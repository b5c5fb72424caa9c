"""The plugin's own tables (documented in docs/schema/entry_rules.md).

Policies live in the core ``rules`` table; these hold what policies work on: who took
part in an activity, welcomes waiting to be merged, nickname reminders waiting for their
grace period, announcement drafts and where they went, sibling groups being created,
and which flash-group steps were taken (so a job run twice never posts twice).
"""

from shequn import run_script

M001 = r"""
CREATE TABLE entry_activity_participants (
    activity TEXT NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people(id),
    source TEXT NOT NULL DEFAULT '',
    added_at INTEGER NOT NULL,
    PRIMARY KEY (activity, person_id)
);

CREATE TABLE entry_welcome_batches (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups(id),
    rule TEXT NOT NULL,
    opened_at INTEGER NOT NULL,
    due_at INTEGER NOT NULL,
    dry_run INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'sent')),
    sent_at INTEGER,
    merged INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX entry_welcome_batches_open ON entry_welcome_batches(status, due_at);

CREATE TABLE entry_welcome_joins (
    batch_id INTEGER NOT NULL REFERENCES entry_welcome_batches(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    nickname TEXT NOT NULL DEFAULT '',
    scene TEXT NOT NULL DEFAULT '',
    referrer_person_id INTEGER REFERENCES people(id),
    joined_at INTEGER NOT NULL,
    evidence TEXT,
    PRIMARY KEY (batch_id, person_id)
);

CREATE TABLE entry_nickname_checks (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    rule TEXT NOT NULL,
    nickname TEXT NOT NULL DEFAULT '',
    suggestion TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'reminded'
        CHECK (status IN ('reminded', 'ok', 'fixing', 'fixed', 'task', 'left')),
    noticed_at INTEGER NOT NULL,
    due_at INTEGER NOT NULL,
    resolved_at INTEGER,
    UNIQUE (group_id, person_id)
);
CREATE INDEX entry_nickname_checks_due ON entry_nickname_checks(status, due_at);

CREATE TABLE entry_announcements (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE entry_announcement_posts (
    id INTEGER PRIMARY KEY,
    announcement_id INTEGER NOT NULL REFERENCES entry_announcements(id),
    group_id INTEGER NOT NULL REFERENCES groups(id),
    not_before INTEGER NOT NULL DEFAULT 0,
    action_id INTEGER REFERENCES actions(id),
    posted_by TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    UNIQUE (announcement_id, group_id)
);

CREATE TABLE entry_siblings (
    id INTEGER PRIMARY KEY,
    family TEXT NOT NULL,
    template_group_id INTEGER NOT NULL REFERENCES groups(id),
    name TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'registered', 'failed')),
    action_id INTEGER REFERENCES actions(id),
    task_id INTEGER REFERENCES tasks(id),
    group_id INTEGER REFERENCES groups(id),
    requested_at INTEGER NOT NULL,
    registered_at INTEGER
);

CREATE TABLE entry_flash_steps (
    group_id INTEGER NOT NULL REFERENCES groups(id),
    step TEXT NOT NULL,                  -- countdown:24 / countdown:1 / close / archive
    done_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, step)
);
"""


def m001_entry_rules(store) -> None:
    run_script(store, M001)


MIGRATIONS = [("m001_entry_rules", m001_entry_rules)]
