"""The moderation plugin's own tables (append-only migrations).

Cases, rules and actions live in the core tables; these hold what the core does not
know: who is blacklisted where, which actions and tasks belong to a case (so one undo
can reach every group a case touched), appeal notes, and the raid guard's state.
"""

from __future__ import annotations

from shequn import run_script

M001 = r"""
CREATE TABLE blacklist (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    scope_type TEXT NOT NULL CHECK (scope_type IN ('group', 'family', 'all')),
    scope_value TEXT NOT NULL DEFAULT '', -- group id (group), family name (family), '' (all)
    case_id INTEGER REFERENCES cases(id),
    reason TEXT NOT NULL DEFAULT '',
    added_by TEXT NOT NULL,               -- rule:NAME or operator:NAME
    added_at INTEGER NOT NULL,
    removed_at INTEGER,                   -- set when a case is undone; the row stays for the record
    removed_by TEXT
);
CREATE INDEX blacklist_person ON blacklist(person_id);

CREATE TABLE case_actions (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    purpose TEXT NOT NULL CHECK (purpose IN ('penalty', 'undo')),
    kind TEXT NOT NULL,                   -- warn / mute / kick / recall / blacklist / unmute / invite / readmit_task / ...
    group_id INTEGER REFERENCES groups(id),
    action_id INTEGER REFERENCES actions(id),
    task_id INTEGER REFERENCES tasks(id),
    note TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX case_actions_case ON case_actions(case_id);

CREATE TABLE case_notes (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL DEFAULT 'note' CHECK (kind IN ('note', 'appeal', 'review', 'undo')),
    text TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX case_notes_case ON case_notes(case_id);

CREATE TABLE raid_state (
    group_id INTEGER PRIMARY KEY REFERENCES groups(id),
    started_at INTEGER NOT NULL,
    until INTEGER NOT NULL,               -- join requests are held for a person until then
    joins INTEGER NOT NULL,               -- joins counted inside the window that tripped the guard
    window_seconds INTEGER NOT NULL,
    ended_at INTEGER                      -- set when the cooling period is over or lifted by hand
);
"""


def m001_moderation(store) -> None:
    run_script(store, M001)


M002 = r"""
CREATE INDEX moderation_cases_queue ON cases(status,
    (CASE WHEN status = 'appealed' THEN 0 WHEN step IN ('kick', 'blacklist') THEN 1 WHEN audit = 1 THEN 3 ELSE 2 END),
    opened_at, id, kind, rule);
"""


def m002_review_queue(store) -> None:
    """The review queue read as one index range per priority class (cases.py), newest
    first, so no page sorts every open case. The class is the queue's own expression,
    cases.PRIORITY written out here as it stood (SQLite uses an index on an expression only
    where the query repeats it; a test pins the two together, so a new order needs a new
    migration); ``id`` breaks ties of ``opened_at`` in the index's own order, and ``kind``
    and ``rule`` (the filters a whole class may match: group and person have their own
    indexes) let each count and each skipped row be read from the index alone. It sits on the
    core's cases table: a core migration that rebuilds that table must keep it."""
    run_script(store, M002)


M003 = r"""
CREATE TABLE moderation_grams (
    kind TEXT NOT NULL,                   -- the rule kind learned: ads / scam / abuse
    gram TEXT NOT NULL,                   -- one or two characters (or letter-and-digit runs) of normalised text
    bad INTEGER NOT NULL,                 -- texts of confirmed or settled cases that hold it
    good INTEGER NOT NULL,                -- texts of overturned cases and ordinary messages that hold it
    PRIMARY KEY (kind, gram)
) WITHOUT ROWID;
"""


def m003_second_opinion(store) -> None:
    """The second opinion's counts (second_opinion.py), kept as counts rather than weights
    so that why a message was raised can be read back with sqlite3."""
    run_script(store, M003)


MIGRATIONS = [("m001_moderation", m001_moderation), ("m002_review_queue", m002_review_queue),
              ("m003_second_opinion", m003_second_opinion)]
