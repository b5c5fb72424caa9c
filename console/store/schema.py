"""The core schema: m001_core, the first migration (later ones: migrations.py).

Never edit a migration that has shipped: add ``m00N_...`` after it. Times are unix
seconds (INTEGER) in columns named ``*_at`` or ``ts``; calendar days are ISO text
(``YYYY-MM-DD``) in the operator's time zone. JSON columns hold TEXT. The views at
the end give other tools (sqlite3, Datasette) readable times.

Indexes are few on purpose: every secondary index on a large table costs ingest dearly
(shared/NOTES.md), so ``messages`` carries only its dedupe key and KPIs read rollups.
"""

M001_CORE = r"""
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT
);

CREATE TABLE connections (
    id TEXT PRIMARY KEY,                 -- the [connections.NAME] key in config.toml
    platform TEXT NOT NULL,
    account TEXT,                        -- the bot / corp / app account, as the platform names it
    state TEXT NOT NULL DEFAULT 'unknown', -- online / offline / error / disabled / unknown
    last_event_at INTEGER,
    last_error TEXT,
    last_error_at INTEGER,
    updated_at INTEGER
);

CREATE TABLE groups (
    id INTEGER PRIMARY KEY,
    connection_id TEXT NOT NULL REFERENCES connections(id),
    platform TEXT NOT NULL,
    platform_group_id TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL DEFAULT 'traffic' CHECK (type IN ('traffic', 'welfare', 'flash')),
    theme TEXT NOT NULL DEFAULT '',
    capacity INTEGER,
    tier TEXT NOT NULL DEFAULT '',
    family TEXT,                         -- siblings made from the same template share a family
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closing', 'archived', 'dismissed')),
    closes_at INTEGER,                   -- flash groups
    member_count INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER,
    synced_at INTEGER,
    UNIQUE (connection_id, platform_group_id)
);

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    display_name TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    is_staff INTEGER NOT NULL DEFAULT 0,     -- marked staff by hand
    is_insider INTEGER NOT NULL DEFAULT 0,   -- staff or holds lead/owner/admin/cheer: left out of KPIs
    referred_by INTEGER REFERENCES people(id), -- first referrer (referral tree)
    note TEXT NOT NULL DEFAULT '',
    created_at INTEGER
);

CREATE TABLE identities (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    platform TEXT NOT NULL,
    platform_user_id TEXT NOT NULL,      -- unique within the platform; account-scoped ids are prefixed by the connector
    nickname TEXT NOT NULL DEFAULT '',
    created_at INTEGER,
    UNIQUE (platform, platform_user_id)
);
CREATE INDEX identities_person ON identities(person_id);

CREATE TABLE memberships (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    identity_id INTEGER REFERENCES identities(id),
    status TEXT NOT NULL DEFAULT 'member' CHECK (status IN ('member', 'left')),
    joined_at INTEGER,
    left_at INTEGER,
    leave_reason TEXT,                   -- leave / kick / kick_me / dismiss
    leave_operator TEXT,                 -- platform id of who removed them
    inviter_person_id INTEGER REFERENCES people(id),
    join_scene TEXT,                     -- invite / approve / qr / link / sync / unknown
    group_nickname TEXT NOT NULL DEFAULT '',
    platform_role TEXT NOT NULL DEFAULT 'member' CHECK (platform_role IN ('owner', 'admin', 'member')),
    muted_until INTEGER,
    last_spoke_at INTEGER,
    message_count INTEGER NOT NULL DEFAULT 0,
    joins INTEGER NOT NULL DEFAULT 1,    -- how many times they joined this group
    UNIQUE (group_id, person_id)
);
CREATE INDEX memberships_person ON memberships(person_id);

CREATE TABLE roles (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    group_id INTEGER REFERENCES groups(id), -- NULL for the lead, who runs the whole operation
    role TEXT NOT NULL CHECK (role IN ('lead', 'owner', 'admin', 'kol', 'cheer')),
    source TEXT NOT NULL DEFAULT 'shequn',  -- shequn / platform
    platform_state TEXT NOT NULL DEFAULT 'n/a', -- synced / pending / shequn only / n/a
    assigned_by TEXT NOT NULL DEFAULT '',
    assigned_at INTEGER
);
CREATE UNIQUE INDEX roles_unique ON roles(person_id, coalesce(group_id, 0), role);
CREATE INDEX roles_group ON roles(group_id);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    connection_id TEXT NOT NULL,
    platform_msg_id TEXT NOT NULL,
    group_id INTEGER,
    person_id INTEGER,
    ts INTEGER NOT NULL,
    text TEXT,
    meta TEXT,                           -- JSON: mentions, images, reply_to, card
    UNIQUE (connection_id, platform_msg_id)
);

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    connection_id TEXT NOT NULL,
    platform_event_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    group_id INTEGER,
    person_id INTEGER,
    ts INTEGER NOT NULL,
    data TEXT,                           -- JSON: the normalised fields
    raw TEXT,                            -- JSON: the platform payload (unknown events keep it all)
    UNIQUE (connection_id, platform_event_id)
);

CREATE TABLE speaker_days (
    group_id INTEGER NOT NULL,
    day TEXT NOT NULL,
    person_id INTEGER NOT NULL,
    messages INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (group_id, day, person_id)
) WITHOUT ROWID;

CREATE TABLE rollups_daily (
    group_id INTEGER NOT NULL,
    day TEXT NOT NULL,
    messages INTEGER NOT NULL DEFAULT 0,
    messages_insiders INTEGER NOT NULL DEFAULT 0,
    speakers INTEGER NOT NULL DEFAULT 0,
    speakers_insiders INTEGER NOT NULL DEFAULT 0,
    joins INTEGER NOT NULL DEFAULT 0,
    leaves INTEGER NOT NULL DEFAULT 0,
    leaves_kicked INTEGER NOT NULL DEFAULT 0,
    members_end INTEGER,                 -- member count after the day's last join/leave (NULL: unchanged)
    insiders_end INTEGER,
    PRIMARY KEY (group_id, day)
) WITHOUT ROWID;

CREATE TABLE join_requests (
    id INTEGER PRIMARY KEY,
    connection_id TEXT NOT NULL,
    platform_request_id TEXT NOT NULL,   -- OneBot flag, Douyin apply_id, ...
    group_id INTEGER REFERENCES groups(id),
    person_id INTEGER REFERENCES people(id),
    sub_type TEXT NOT NULL DEFAULT 'add',
    comment TEXT NOT NULL DEFAULT '',
    referrer_person_id INTEGER REFERENCES people(id),
    requested_at INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'held', 'expired')),
    decided_at INTEGER,
    decided_by TEXT,                     -- rule:NAME or operator:NAME
    rule TEXT,
    reason TEXT,
    would_have TEXT,                     -- dry-run verdict, recorded without acting
    UNIQUE (connection_id, platform_request_id)
);
CREATE INDEX join_requests_status ON join_requests(status);

CREATE TABLE rules (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    plugin TEXT NOT NULL,
    kind TEXT NOT NULL,                  -- a registered rule kind
    scope_type TEXT NOT NULL DEFAULT 'all' CHECK (scope_type IN ('all', 'type', 'group')),
    scope_value TEXT NOT NULL DEFAULT '',
    config TEXT NOT NULL DEFAULT '{}',   -- JSON, validated by the rule kind when saved
    enabled INTEGER NOT NULL DEFAULT 0,
    dry_run INTEGER NOT NULL DEFAULT 0,
    updated_by TEXT NOT NULL DEFAULT '',
    updated_at INTEGER
);

CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL DEFAULT 'penalty', -- penalty / admission / blacklist
    rule TEXT,
    group_id INTEGER REFERENCES groups(id),
    person_id INTEGER REFERENCES people(id),
    actor TEXT NOT NULL,                 -- rule:NAME or operator:NAME
    step TEXT,                           -- the ladder step taken (warn / mute / kick / blacklist)
    evidence TEXT,                       -- JSON snapshot of the message(s)
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'reviewed', 'undone', 'appealed')),
    opened_at INTEGER NOT NULL,
    closed_at INTEGER,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cases_person ON cases(person_id);

CREATE TABLE actions (
    id INTEGER PRIMARY KEY,
    connection_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    group_id INTEGER REFERENCES groups(id),
    person_id INTEGER REFERENCES people(id),
    params TEXT NOT NULL DEFAULT '{}',
    requested_by TEXT NOT NULL,          -- rule:NAME / operator:NAME / plugin:NAME
    reason TEXT NOT NULL DEFAULT '',
    rule TEXT,
    case_id INTEGER REFERENCES cases(id),
    evidence TEXT,                       -- the event that caused it (connection:platform id)
    idempotency_key TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'running', 'done', 'failed', 'cancelled', 'dry_run', 'unsupported')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    not_before INTEGER NOT NULL DEFAULT 0,
    result TEXT,                         -- JSON from the connector (message ids, trace ids)
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX actions_due ON actions(status, not_before);

CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,                  -- fix_nickname / create_sibling / invite_cheer / do_by_hand / ...
    title TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    group_id INTEGER REFERENCES groups(id),
    person_id INTEGER REFERENCES people(id),
    assignee TEXT NOT NULL DEFAULT '',   -- an owner's display name, or '' for the operator
    source TEXT NOT NULL DEFAULT '',     -- plugin or rule that made it
    dedupe_key TEXT UNIQUE,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dismissed')),
    created_at INTEGER NOT NULL,
    done_at INTEGER
);

CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,                  -- silent_group / churn_spike / near_capacity / low_interaction / queue_waiting ...
    group_id INTEGER REFERENCES groups(id),
    severity TEXT NOT NULL DEFAULT 'warning',
    message TEXT NOT NULL,
    why TEXT NOT NULL DEFAULT '',
    dedupe_key TEXT UNIQUE,
    opened_at INTEGER NOT NULL,
    resolved_at INTEGER
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    ts INTEGER NOT NULL,
    operator TEXT NOT NULL,              -- the person at the keyboard (config operator.name)
    actor TEXT NOT NULL,                 -- rule:NAME / operator:NAME / plugin:NAME / engine / outbox
    action TEXT NOT NULL,
    target_type TEXT,
    target_id TEXT,
    detail TEXT                          -- JSON
);

CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    tag TEXT NOT NULL,
    value TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT 'dynamic' CHECK (kind IN ('static', 'dynamic')),
    provenance TEXT NOT NULL DEFAULT 'fact' CHECK (provenance IN ('fact', 'rule', 'predicted')),
    source TEXT NOT NULL DEFAULT '',     -- which plugin, rule or import
    confidence REAL,                     -- predicted tags only
    method TEXT,                         -- predicted tags: how
    computed_at INTEGER,
    UNIQUE (person_id, tag, source)
);
CREATE INDEX tags_tag ON tags(tag);

CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    order_id TEXT NOT NULL UNIQUE,
    person_id INTEGER REFERENCES people(id),
    group_id INTEGER REFERENCES groups(id),
    amount REAL NOT NULL CHECK (amount >= 0),
    ordered_at INTEGER NOT NULL,
    product TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT ''
);
CREATE INDEX orders_person ON orders(person_id);

CREATE TABLE costs (
    id INTEGER PRIMARY KEY,
    day TEXT NOT NULL,
    group_id INTEGER REFERENCES groups(id),  -- NULL: the whole operation
    amount REAL NOT NULL CHECK (amount >= 0),
    category TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT ''
);

CREATE TABLE exposure (
    id INTEGER PRIMARY KEY,
    day TEXT NOT NULL,
    channel TEXT NOT NULL,
    group_id INTEGER REFERENCES groups(id),
    impressions INTEGER NOT NULL CHECK (impressions >= 0),
    source TEXT NOT NULL DEFAULT ''
);

CREATE TABLE dead_letters (
    id INTEGER PRIMARY KEY,
    ts INTEGER NOT NULL,
    connection_id TEXT,
    source TEXT NOT NULL,                -- webhook / websocket / poll / parse
    error TEXT NOT NULL,
    raw BLOB,
    headers TEXT,
    status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'replayed', 'ignored'))
);

CREATE VIEW messages_readable AS
    SELECT m.id, datetime(m.ts, 'unixepoch') AS time_utc, g.name AS group_name,
           p.display_name AS person, m.text
    FROM messages m LEFT JOIN groups g ON g.id = m.group_id LEFT JOIN people p ON p.id = m.person_id;

CREATE VIEW audit_readable AS
    SELECT id, datetime(ts, 'unixepoch') AS time_utc, operator, actor, action, target_type, target_id, detail
    FROM audit_log;

CREATE VIEW actions_readable AS
    SELECT a.id, datetime(a.created_at, 'unixepoch') AS created_utc, a.connection_id, a.kind,
           g.name AS group_name, p.display_name AS person, a.status, a.attempts, a.reason, a.last_error
    FROM actions a LEFT JOIN groups g ON g.id = a.group_id LEFT JOIN people p ON p.id = a.person_id;
"""


def run_script(store, sql: str) -> None:
    """Run several statements inside the current transaction.

    ``sqlite3.executescript`` would COMMIT first, breaking the migration's transaction,
    so statements are split with ``sqlite3.complete_statement`` and run one by one."""
    import sqlite3

    buf = ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                store.conn.execute(buf)
            buf = ""
    if buf.strip():
        store.conn.execute(buf)


def m001_core(store) -> None:
    run_script(store, M001_CORE)
