"""The moderation plugin's own tables (append-only migrations).

Cases, rules and actions live in the core tables; these hold what the core does not
know: who is blacklisted where, which actions and tasks belong to a case (so one undo
can reach every group a case touched), appeal notes, and the raid guard's state.
"""

from __future__ import annotations

from console.store import run_script

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


MIGRATIONS = [("m001_moderation", m001_moderation)]
