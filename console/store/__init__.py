"""The workspace store: one SQLite file, opened and migrated in one place.

``open_store()`` is the only way in. Plugins receive the :class:`Store` handle, never
a path; they add tables through the ``register_migrations`` hook, namespaced by
plugin (``moderation.m001_case_notes``), and those are recorded in the same
``migrations`` table as the core's.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable, Iterable

from .connection import Store, StoreError, describe_db_error, rows_in
from .migrations import CORE_MIGRATIONS
from .schema import run_script

Migration = tuple[str, Callable[[Store], None]]

__all__ = ["Store", "StoreError", "open_store", "pending_migrations", "apply_migrations", "run_script",
           "describe_db_error", "Migration", "rows_in"]


def _ensure_migrations_table(store: Store) -> None:
    store.conn.execute(
        "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)"
    )


def applied_migrations(store: Store) -> set[str]:
    if "migrations" not in store.tables():
        return set()
    return {r["name"] for r in store.query("SELECT name FROM migrations")}


def all_migrations(plugin_migrations: Iterable[Migration] = ()) -> list[Migration]:
    return list(CORE_MIGRATIONS) + list(plugin_migrations)


def pending_migrations(store: Store, plugin_migrations: Iterable[Migration] = ()) -> list[str]:
    done = applied_migrations(store)
    return [name for name, _ in all_migrations(plugin_migrations) if name not in done]


def apply_migrations(store: Store, plugin_migrations: Iterable[Migration] = ()) -> list[str]:
    """Apply what is missing, each migration in its own transaction. Returns their names."""
    applied: list[str] = []
    with store.write():
        _ensure_migrations_table(store)
    done = applied_migrations(store)
    for name, fn in all_migrations(plugin_migrations):
        if name in done:
            continue
        with store.write() as conn:
            fn(store)
            conn.execute("INSERT INTO migrations(name, applied_at) VALUES (?, ?)", (name, int(time.time())))
        applied.append(name)
    return applied


def open_store(path: str | Path, *, plugin_migrations: Iterable[Migration] = (), migrate: bool = True,
               read_only: bool = False, busy_timeout_ms: int = 5000) -> Store:
    """Open the workspace at ``path`` and bring its schema up to date.

    ``read_only`` opens without writing anything; if migrations are missing it says so
    rather than half-working. Raises :class:`StoreError` with the file and the reason.
    """
    p = Path(path)
    if read_only and str(p) != ":memory:" and not p.exists():
        raise StoreError(f"{p}: no workspace here yet; run `shequn demo` or `shequn db migrate` first")
    store = Store(p, read_only=read_only, busy_timeout_ms=busy_timeout_ms)
    migs = list(plugin_migrations)
    try:
        if read_only:
            missing = pending_migrations(store, migs)
            if missing:
                raise StoreError(f"{p}: the schema is behind ({', '.join(missing[:3])}...); "
                                 "run `shequn db migrate` (not allowed read-only)")
        elif migrate:
            apply_migrations(store, migs)
    except StoreError:
        store.close()
        raise
    except Exception as e:  # sqlite3 errors from a damaged file
        store.close()
        raise StoreError(describe_db_error(p, e)) from None
    return store
