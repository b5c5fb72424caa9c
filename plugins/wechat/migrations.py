"""The WeChat plugin's tables (docs/schema/wechat.md). Append-only, named migrations."""

from __future__ import annotations

from shequn import run_script


def m001_wechat(store) -> None:
    run_script(store, """
CREATE TABLE wechat_welcomes (
    connection_id TEXT NOT NULL,
    rule TEXT NOT NULL,                 -- the entry plugin's welcome policy this template carries
    text TEXT NOT NULL,                 -- what was last asked of WeCom ('' = delete)
    template_id TEXT,                   -- WeCom's id once added
    action_id INTEGER,                  -- the set_welcome action that carries the change
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (connection_id, rule)
) WITHOUT ROWID;

CREATE TABLE wechat_join_ways (
    connection_id TEXT NOT NULL,
    family TEXT NOT NULL,               -- groups.family whose groups the join way covers
    config_id TEXT,                     -- WeCom's id once added
    qr_code TEXT NOT NULL DEFAULT '',   -- the image URL to hand out
    room_base_name TEXT NOT NULL,       -- names of the groups WeCom opens: this + an index
    state TEXT NOT NULL DEFAULT '',     -- the channel tag members who join through it carry
    action_id INTEGER,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (connection_id, family)
) WITHOUT ROWID;

CREATE TABLE wechat_stats_daily (
    connection_id TEXT NOT NULL,
    day TEXT NOT NULL,                  -- YYYY-MM-DD, China time (WeCom's days)
    new_chat_cnt INTEGER NOT NULL,
    chat_total INTEGER NOT NULL,
    chat_has_msg INTEGER NOT NULL,
    new_member_cnt INTEGER NOT NULL,
    member_total INTEGER NOT NULL,
    member_has_msg INTEGER NOT NULL,
    msg_total INTEGER NOT NULL,
    fetched_at INTEGER NOT NULL,
    PRIMARY KEY (connection_id, day)
) WITHOUT ROWID;
""")


def m002_wechat_mass_sends(store) -> None:
    run_script(store, """
CREATE TABLE wechat_mass_sends (
    id INTEGER PRIMARY KEY,
    connection_id TEXT NOT NULL,
    msgid TEXT NOT NULL,                -- WeCom's id of the mass-send task (add_msg_template)
    chat_id TEXT NOT NULL,              -- the customer group it is for
    group_id INTEGER REFERENCES groups(id),
    action_id INTEGER,                  -- the send or announce action that made it
    sender TEXT NOT NULL,               -- the group's owner, who confirms it in WeCom
    day TEXT NOT NULL,                  -- YYYY-MM-DD, China time: WeCom's one mass send a day per group
    status TEXT NOT NULL DEFAULT 'awaiting'
        CHECK (status IN ('awaiting', 'sent', 'over_limit', 'not_delivered')),
    task_id INTEGER,                    -- the owner's task: confirm it in WeCom
    created_at INTEGER NOT NULL,
    sent_at INTEGER,
    UNIQUE (connection_id, msgid, chat_id)
);
CREATE INDEX wechat_mass_sends_day ON wechat_mass_sends(connection_id, chat_id, day);
""")


def m003_wechat_template_adds(store) -> None:
    run_script(store, """
CREATE TABLE wechat_template_adds (
    connection_id TEXT NOT NULL,
    action_key TEXT NOT NULL,           -- the set_welcome action's idempotency key
    template_id TEXT NOT NULL,          -- what WeCom's group_welcome_template/add answered
    added_at INTEGER NOT NULL,
    PRIMARY KEY (connection_id, action_key)
) WITHOUT ROWID;
""")


def m004_wechat_mass_send_expiry(store) -> None:
    """A mass send nobody confirms is reminded once and stopped (cancel_groupmsg_send) after a
    while: status gains ``expired`` (SQLite changes a CHECK only by rebuilding the table),
    with when the owner was reminded and the last error of a remind or cancel call."""
    run_script(store, """
CREATE TABLE wechat_mass_sends_m004 (
    id INTEGER PRIMARY KEY,
    connection_id TEXT NOT NULL,
    msgid TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    group_id INTEGER REFERENCES groups(id),
    action_id INTEGER,
    sender TEXT NOT NULL,
    day TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'awaiting'
        CHECK (status IN ('awaiting', 'sent', 'over_limit', 'not_delivered', 'expired')),
    task_id INTEGER,
    created_at INTEGER NOT NULL,
    sent_at INTEGER,
    reminded_at INTEGER,                -- when WeCom re-sent the notice to the owner (remind_groupmsg_send)
    error TEXT,                         -- the last failed remind or cancel call, cleared when one succeeds
    UNIQUE (connection_id, msgid, chat_id)
);
INSERT INTO wechat_mass_sends_m004(id, connection_id, msgid, chat_id, group_id, action_id, sender, day, status,
                                   task_id, created_at, sent_at)
    SELECT id, connection_id, msgid, chat_id, group_id, action_id, sender, day, status, task_id, created_at, sent_at
    FROM wechat_mass_sends;
DROP TABLE wechat_mass_sends;
ALTER TABLE wechat_mass_sends_m004 RENAME TO wechat_mass_sends;
CREATE INDEX wechat_mass_sends_day ON wechat_mass_sends(connection_id, chat_id, day);
""")


MIGRATIONS = [("m001_wechat", m001_wechat), ("m002_wechat_mass_sends", m002_wechat_mass_sends),
              ("m003_wechat_template_adds", m003_wechat_template_adds),
              ("m004_wechat_mass_send_expiry", m004_wechat_mass_send_expiry)]
