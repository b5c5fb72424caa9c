"""The WeChat plugin's tables (docs/schema/wechat.md). Append-only, named migrations."""

from __future__ import annotations

from console.store import run_script


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


MIGRATIONS = [("m001_wechat", m001_wechat)]
