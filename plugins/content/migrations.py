"""The plugin's own tables (documented in docs/schema/content.md). Append-only: a new
table or column is a new migration, never an edit of one that has run."""

from console.store import run_script

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


def m001_library(store) -> None:
    run_script(store, M001)


MIGRATIONS = [("m001_library", m001_library)]
