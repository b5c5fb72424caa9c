"""The core schema's migrations after ``m001_core``, in the order they apply.

Never edit a migration that has shipped: add ``m00N_...`` after it. ``m001_core`` (the
whole first schema) lives in :mod:`.schema`; each later one says why it exists. The list
order is the order of application (m007 landed before m005 and m006 and keeps its place:
the names are what the ``migrations`` table records, so the order must never change).
"""

from __future__ import annotations

from .schema import m001_core, run_script


def m002_people_insiders(store) -> None:
    # The engine reads the insiders on every batch and counts them per group when member
    # counts change: a partial index makes both read the few insiders, not every person.
    run_script(store, "CREATE INDEX people_insiders ON people(id) WHERE is_insider = 1;")


def m003_rules_version(store) -> None:
    # Plugins keep rules compiled and re-read them only when this token changed. Triggers,
    # so an edit by any process or tool (the CLI, the console, sqlite3) is seen, for the
    # price of one primary-key read per look. A fresh random token rather than a counter:
    # a rolled-back edit's value can never come back with other rules behind it.
    bump = ("INSERT INTO meta(key, value) VALUES ('rules.version', lower(hex(randomblob(8))))"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value;")
    run_script(store, "\n".join(
        f"CREATE TRIGGER rules_version_{op.lower()} AFTER {op} ON rules BEGIN {bump} END;"
        for op in ("INSERT", "UPDATE", "DELETE")))


def m004_join_requests_by_group(store) -> None:
    # A group's requests by status and decision time (the requests approved but not yet
    # joined count against a group's capacity, asked for every request decided): with
    # only the status index that read walked every approved request the workspace ever had.
    run_script(store, "CREATE INDEX join_requests_group ON join_requests(group_id, status, decided_at);")


def m007_case_outcomes(store) -> None:
    # A case's outcome: ``settled`` (a rule's reversible penalty closed by the rule itself,
    # 规则已处理) and ``overturned`` (a rule's case a person undid, 已推翻), so each rule's
    # precision can be counted; ``audit`` marks a settled case sampled into the queue.
    # The CHECK only gains values (every stored row still satisfies it), so the schema text
    # is edited in place, SQLite's documented procedure for loosening a constraint: the
    # copy-and-rename rebuild cannot run here, because with foreign keys on (they cannot be
    # switched off inside the migration's transaction) dropping ``cases`` fails on the rows
    # of actions, blacklist and case_actions that point at it. Indexes stay as they were.
    conn = store.conn
    old = "CHECK (status IN ('open', 'reviewed', 'undone', 'appealed'))"
    new = "CHECK (status IN ('open', 'reviewed', 'undone', 'appealed', 'settled', 'overturned'))"
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    conn.execute("PRAGMA writable_schema = ON")
    try:
        n = conn.execute("UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = 'cases'",
                         (old, new)).rowcount
        conn.execute(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")
    if n != 1 or new not in conn.execute("SELECT sql FROM sqlite_master WHERE name = 'cases'").fetchone()[0]:
        raise RuntimeError("m007_case_outcomes: the cases table's status CHECK is not the one m001_core made")
    run_script(store, """
        ALTER TABLE cases ADD COLUMN audit INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX cases_queue ON cases(status, opened_at);
        CREATE INDEX cases_rule ON cases(rule, status);
    """)


def m005_join_request_outcomes(store) -> None:
    # A decision the platform must carry out reads approving / rejecting until it answers,
    # so a refused or forgotten request never reads approved. SQLite cannot change a CHECK
    # in place: the table is rebuilt from its own DDL, rows and every index it had (m001's, m004's) kept.
    old = "CHECK (status IN ('pending', 'approved', 'rejected', 'held', 'expired'))"
    ddl = store.conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'join_requests'").fetchone()[0]
    assert old in ddl, "join_requests is not the m001 table m005 rebuilds"
    ddl = ddl.replace(old, old.replace("'approved', 'rejected'", "'approving', 'approved', 'rejecting', 'rejected'"))
    indexes = [r[0] for r in store.conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index'"
                                                " AND tbl_name = 'join_requests' AND sql IS NOT NULL")]
    run_script(store, ddl.replace("CREATE TABLE join_requests", "CREATE TABLE join_requests_m005", 1) + ";\n"
               "INSERT INTO join_requests_m005 SELECT * FROM join_requests;\nDROP TABLE join_requests;\n"
               "ALTER TABLE join_requests_m005 RENAME TO join_requests;\n" + ";\n".join(indexes) + ";")


def m006_alert_snooze(store) -> None:
    # One alert per cause (issue 14): ``cause`` is the fingerprint of what made the alert
    # fire; ``resolved_by`` tells a person's resolution (their actor: the alert is snoozed
    # while the same cause holds) from the automatic one (``auto``: the cause went away).
    # Alerts resolved before this migration take the actor of their audited resolution;
    # the rest were resolved automatically and stop holding their key, as they would now.
    # Indexes serve the host's queues: open alerts and open tasks, newest first (partial), and
    # waiting join requests by arrival, so "still kept by the platform" (requested after now
    # minus the lifetime) is a range, not a walk over every request ever held; it carries
    # the connection and group, so counting a (filtered) queue never reads the table; and a
    # group's cases by status and time, for an owner's queue over their own groups.
    run_script(store, """
        ALTER TABLE alerts ADD COLUMN cause TEXT NOT NULL DEFAULT '';
        ALTER TABLE alerts ADD COLUMN resolved_by TEXT;
        UPDATE alerts SET resolved_by = a.actor FROM (SELECT target_id, actor, max(id) FROM audit_log
            WHERE action = 'alert_resolved' AND target_type = 'alert' GROUP BY target_id) AS a
            WHERE alerts.resolved_at IS NOT NULL AND a.target_id = CAST(alerts.id AS TEXT);
        UPDATE alerts SET resolved_by = 'auto', dedupe_key = NULL WHERE resolved_at IS NOT NULL AND resolved_by IS NULL;
        CREATE INDEX alerts_open ON alerts(opened_at) WHERE resolved_at IS NULL;
        CREATE INDEX tasks_open ON tasks(created_at) WHERE status = 'open';
        CREATE INDEX join_requests_waiting ON join_requests(status, requested_at, connection_id, group_id);
        CREATE INDEX cases_by_group ON cases(group_id, status, opened_at);
    """)


def m008_ingest_faults(store) -> None:
    # Issue 16. A dead letter of failed ingest is replayed by ``shequn deadletters replay``,
    # which marks it ``replayed`` and when; the list reads letters by status, newest first.
    # Refused webhook requests (bad signature, unknown connection, too large) are no longer
    # stored in full: one row per day, cause and connection counts them and keeps a short
    # sample of the first (console/refusals.py caps the rows a day and the sample's size).
    run_script(store, """
        ALTER TABLE dead_letters ADD COLUMN replayed_at INTEGER;
        CREATE INDEX dead_letters_status ON dead_letters(status, id);
        CREATE TABLE refused_requests (
            id INTEGER PRIMARY KEY,
            day TEXT NOT NULL,
            cause TEXT NOT NULL,
            connection TEXT NOT NULL,
            count INTEGER NOT NULL CHECK (count >= 0),
            first_at INTEGER NOT NULL,
            last_at INTEGER NOT NULL,
            sample TEXT NOT NULL DEFAULT '',
            UNIQUE (day, cause, connection)
        );
    """)


def m011_in_doubt(store) -> None:
    # Issue 16. An action left running by a crash stays in doubt until it ends, across
    # retries and further crashes (it was a prefix of last_error, which a retry replaced):
    # a re-run answered "already gone" is done only for an action in doubt.
    run_script(store, """
        ALTER TABLE actions ADD COLUMN in_doubt_since INTEGER;
        UPDATE actions SET in_doubt_since = updated_at WHERE status = 'pending' AND last_error LIKE 'in doubt:%';
    """)


def m009_bot_invitations(store) -> None:
    # Issue 17. The bot account invited into a group is not a member's join request (no
    # admission rule may approve it): its own table, one row per platform request, held
    # for a person by default (console/bot_invitations.py). Invitations a QQ connection
    # filed as join requests before this are moved here, held, so none is acted on.
    run_script(store, """
        CREATE TABLE bot_invitations (
            id INTEGER PRIMARY KEY,
            connection_id TEXT NOT NULL,
            platform_request_id TEXT NOT NULL,
            platform_group_id TEXT NOT NULL DEFAULT '',
            group_name TEXT NOT NULL DEFAULT '',
            inviter_person_id INTEGER REFERENCES people(id),
            comment TEXT NOT NULL DEFAULT '',
            requested_at INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'accepting', 'declining', 'accepted',
                                                                  'declined', 'failed', 'expired')),
            decided_at INTEGER,
            decided_by TEXT,
            reason TEXT NOT NULL DEFAULT '',
            task_id INTEGER REFERENCES tasks(id),
            UNIQUE (connection_id, platform_request_id)
        );
        CREATE INDEX bot_invitations_status ON bot_invitations(status, requested_at);
        INSERT OR IGNORE INTO bot_invitations(connection_id, platform_request_id, platform_group_id, group_name,
                                              inviter_person_id, comment, requested_at)
            SELECT r.connection_id, r.platform_request_id, coalesce(g.platform_group_id, ''), coalesce(g.name, ''),
                   r.person_id, r.comment, r.requested_at
            FROM join_requests r JOIN connections c ON c.id = r.connection_id LEFT JOIN groups g ON g.id = r.group_id
            WHERE c.platform = 'qq' AND r.sub_type = 'invite' AND r.status IN ('pending', 'held') ORDER BY r.id;
        UPDATE join_requests SET status = 'expired', decided_by = 'migration:m009_bot_invitations'
            WHERE sub_type = 'invite' AND status IN ('pending', 'held')
              AND connection_id IN (SELECT id FROM connections WHERE platform = 'qq');
    """)


def m013_account_health(store) -> None:
    # Issue 17 item 6. A bot account's health (风控): its back-off level and why, how often the
    # platform pushed it offline, its last heartbeat (one row per connection), and messages sent,
    # refused and timed out per group and hour (console/account_health.py).
    run_script(store, """
        CREATE TABLE account_health (
            connection_id TEXT PRIMARY KEY,
            backoff_level INTEGER NOT NULL DEFAULT 0 CHECK (backoff_level >= 0),
            backoff_reason TEXT NOT NULL DEFAULT '',
            backoff_since INTEGER,
            forced_offline INTEGER NOT NULL DEFAULT 0,
            forced_offline_at INTEGER,
            forced_offline_words TEXT,
            last_heartbeat_at INTEGER,
            updated_at INTEGER NOT NULL
        );
        CREATE TABLE account_sends (
            connection_id TEXT NOT NULL,
            group_id INTEGER NOT NULL,
            hour INTEGER NOT NULL,
            sent INTEGER NOT NULL DEFAULT 0,
            refused INTEGER NOT NULL DEFAULT 0,
            timed_out INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (connection_id, hour, group_id)
        ) WITHOUT ROWID;
    """)


def m012_identity_links(store) -> None:
    # Issue 18 item 5. One person's accounts across platforms, linked and undone by a person
    # (console/identity.py): the acts (link / unlink, who, why, undone) and the links they
    # made, ended rather than deleted so an undo restores them. Orders may carry the buyer's
    # phone, the strongest suggestion that two accounts are one person.
    run_script(store, """
        CREATE TABLE identity_link_ops (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('link', 'unlink')),
            person_id INTEGER NOT NULL REFERENCES people(id),
            other_id INTEGER REFERENCES people(id),
            reason TEXT NOT NULL DEFAULT '',
            actor TEXT NOT NULL,
            at INTEGER NOT NULL,
            undone_at INTEGER,
            undone_by TEXT
        );
        CREATE TABLE person_links (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id),
            into_id INTEGER NOT NULL REFERENCES people(id),
            op_id INTEGER NOT NULL REFERENCES identity_link_ops(id),
            ended_at INTEGER,
            ended_op_id INTEGER REFERENCES identity_link_ops(id),
            CHECK (person_id != into_id)
        );
        CREATE UNIQUE INDEX person_links_live ON person_links(person_id) WHERE ended_at IS NULL;
        CREATE INDEX person_links_into ON person_links(into_id) WHERE ended_at IS NULL;
        ALTER TABLE orders ADD COLUMN phone TEXT NOT NULL DEFAULT '';
        CREATE INDEX orders_phone ON orders(phone) WHERE phone != '';
    """)


CORE_MIGRATIONS = [("m001_core", m001_core), ("m002_people_insiders", m002_people_insiders),
                   ("m003_rules_version", m003_rules_version),
                   ("m004_join_requests_by_group", m004_join_requests_by_group),
                   ("m007_case_outcomes", m007_case_outcomes),
                   ("m005_join_request_outcomes", m005_join_request_outcomes),
                   ("m006_alert_snooze", m006_alert_snooze),
                   ("m008_ingest_faults", m008_ingest_faults),
                   ("m011_in_doubt", m011_in_doubt),
                   ("m009_bot_invitations", m009_bot_invitations),
                   ("m013_account_health", m013_account_health),
                   ("m012_identity_links", m012_identity_links)]
