"""The roles plugin's own table: ``role_history`` (the core owns ``roles``).

``roles`` holds who holds what now; ``role_history`` keeps every change, so "who made
X admin of group Y, and when did the platform confirm it?" has an answer after the
role itself is gone. It is append-only; nothing updates or deletes its rows.
"""

from __future__ import annotations

from shequn import run_script

M001_ROLE_HISTORY = r"""
CREATE TABLE role_history (
    id INTEGER PRIMARY KEY,
    ts INTEGER NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people(id),
    group_id INTEGER REFERENCES groups(id),  -- NULL for the lead and for staff marks
    role TEXT NOT NULL,                      -- lead / owner / admin / kol / cheer / staff
    change TEXT NOT NULL,                    -- assigned / unassigned / platform_synced / platform_failed / ...
    source TEXT NOT NULL DEFAULT 'shequn',   -- shequn / platform
    platform_state TEXT,                     -- the role's platform_state after this change
    actor TEXT NOT NULL,                     -- operator:NAME / platform / plugin:NAME / outbox
    reason TEXT NOT NULL DEFAULT '',
    action_id INTEGER REFERENCES actions(id) -- the set_admin / unset_admin action this change asked for
);
CREATE INDEX role_history_person ON role_history(person_id, ts);
CREATE INDEX role_history_group ON role_history(group_id, ts);
CREATE INDEX role_history_action ON role_history(action_id) WHERE action_id IS NOT NULL;
"""


def m001_role_history(store) -> None:
    run_script(store, M001_ROLE_HISTORY)


MIGRATIONS = [("m001_role_history", m001_role_history)]
