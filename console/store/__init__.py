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

from .. import __version__
from . import guard
from .connection import Store, StoreError, describe_db_error, rows_in
from .migrations import CORE_MIGRATIONS
from .schema import run_script

#: a read-only open of a workspace an older shequn wrote: looking cannot upgrade it
BEHIND = ("{path}: the workspace needs upgrading to this shequn first ({names}): run `shequn db migrate` (or open "
          "the console), then run this again. A read-only open cannot upgrade it.")

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
               read_only: bool = False, busy_timeout_ms: int = 5000, check_seconds: float = 2.0) -> Store:
    """Open the workspace at ``path`` and bring its schema up to date.

    ``read_only`` opens without writing anything; if migrations are missing it says so
    rather than half-working. Raises :class:`StoreError` with the file and the reason; the
    file guard (guard.py) refuses a damaged, read-only or newer file before any write,
    ``check_seconds`` bounding its quick check (0: unbounded).
    """
    p = Path(path)
    memory = str(p) == ":memory:"
    existed = not memory and p.exists()
    if read_only and not memory and not existed:
        raise guard.said(StoreError, "{path}: no workspace here yet; run `shequn demo` or `shequn db migrate` first",
                         path=str(p))
    if existed:
        problem = guard.header_problem(p)
        if problem:
            raise guard.corrupt(p, problem)
        if not read_only and not guard.writable(p):
            raise guard.read_only(p)
    store = Store(p, read_only=read_only, busy_timeout_ms=busy_timeout_ms)
    migs = list(plugin_migrations)
    try:
        sound = not memory and not read_only
        if existed and not read_only and p.stat().st_size:
            try:
                guard.check_before_writing(p, store.conn, check_seconds)
            except guard.Unfinished:
                sound = False
        _refuse_newer(store, migs)
        if read_only:
            missing = pending_migrations(store, migs)
            if missing:
                raise guard.said(StoreError, BEHIND, path=str(p),
                                 names=", ".join(missing[:3]) + (", …" if len(missing) > 3 else ""))
        elif migrate:
            if apply_migrations(store, migs) or _stored_version(store) != __version__:
                _record_version(store)
    except StoreError:
        store.close()
        raise
    except Exception as e:  # sqlite3 errors from a damaged file
        store.close()
        raise StoreError(describe_db_error(p, e)) from None
    if sound:
        store.after_close = lambda: guard.remember_sound(p)
    return store


def _stored_version(store: Store) -> str | None:
    if "meta" not in store.tables():
        return None
    return store.get_meta(guard.VERSION_KEY)


def _refuse_newer(store: Store, migs: list[Migration]) -> None:
    unknown = guard.unknown_migrations(applied_migrations(store), (n for n, _ in all_migrations(migs)))
    if unknown:
        raise guard.newer(store.path, unknown, _stored_version(store), __version__)


def _record_version(store: Store) -> None:
    """Keep the newest shequn that migrated the file in ``meta`` (what a refusal names);
    an older one opening it (with no unknown migration) leaves the newer number."""
    theirs = _stored_version(store)
    if theirs is None or guard.version_key(__version__) > guard.version_key(theirs):
        store.set_meta(guard.VERSION_KEY, __version__)
