"""The file guard: a workspace file that is damaged, read-only or written by a newer
shequn is refused before anything is written to it (issue 16).

Checked in this order when a workspace opens (``open_store``), cheapest first:

1. the header (the first 100 bytes: SQLite's magic, a page size, a file not shorter than
   the pages its header counts): microseconds, always;
2. write permission on the file and its folder (WAL needs ``-wal`` and ``-shm`` beside
   it), when opening for writing: the console then opens read-only and a verb that
   changes the workspace exits 2 with the path and what to do, never a traceback;
3. ``PRAGMA quick_check``, when opening an existing file for writing: it reads every
   page (16 KiB of random bytes in the middle are found), but skips the index-versus-
   table cross-check of ``integrity_check``: on the 30-day demo (27 MB) about 90 ms
   against 320 ms (docs/files.md). It is skipped when the file is exactly as a sound
   shequn left it at its clean close (a stamp beside it: size, times, inode), so a
   sequence of verbs pays it once, after a crash or another program's write. It is
   bounded by ``database.open_check_seconds`` (a progress handler interrupts it), so a
   very large file opens on time and says the check was cut short; ``shequn db check``
   runs the full ``integrity_check``;
4. the ``migrations`` table: a migration this shequn does not know means a newer shequn
   wrote the file; it is refused naming both versions (``meta`` keeps the version that
   last changed the schema).

Each refusal is a :class:`StoreError` carrying an English template and its values, so
the CLI says it in the operator's language (console/i18n.py holds the zh-CN).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import struct
import time
from pathlib import Path
from typing import Iterable

from .connection import StoreError

log = logging.getLogger("shequn.store")

VERSION_KEY = "shequn.version"  # meta: the shequn that last applied migrations to the file


class CorruptFile(StoreError):
    """The file is damaged: nothing may be written to it."""


class ReadOnlyFile(StoreError):
    """This user may not write the file (permissions, a read-only disk)."""


class NewerFile(StoreError):
    """A newer shequn wrote the file: this one does not know its schema."""


class Unfinished(Exception):
    """The quick check ran out of time: the file opens, and is not stamped sound."""


def said(cls: type[StoreError], template: str, **values: object) -> StoreError:
    """An error whose message is ``template`` filled; the CLI translates the template."""
    err = cls(template.format(**values))
    err.template, err.values = template, values
    return err


# --- 1. the header ---------------------------------------------------------------------

def header_problem(path: Path) -> str | None:
    """What is wrong with the first 100 bytes, or None. See sqlite.org/fileformat.html §1.3."""
    try:
        with open(path, "rb") as f:
            head = f.read(100)
        size = path.stat().st_size
    except OSError as e:
        return f"cannot be read ({e.strerror})"
    if size == 0:
        return None  # SQLite treats an empty file as an empty database
    if len(head) < 100 or head[:16] != b"SQLite format 3\x00":
        return "the file does not start with SQLite's header (not a SQLite database, or its first page is overwritten)"
    page = struct.unpack(">H", head[16:18])[0]
    page = 65536 if page == 1 else page
    if page < 512 or page & (page - 1):
        return f"the header's page size ({page}) is not a power of two from 512 to 65536"
    change, pages, valid_for = (struct.unpack(">I", head[o:o + 4])[0] for o in (24, 28, 92))
    if pages and change == valid_for and size < pages * page:
        return f"the file is {size:,} bytes, shorter than the {pages:,} pages of {page:,} bytes its header counts (cut short?)"
    return None


# --- 2. permission -----------------------------------------------------------------------

def writable(path: Path) -> bool:
    """Can this process write the file and the WAL files beside it? (os.access also says
    no on a read-only disk, for root too.)"""
    if not os.access(path, os.W_OK):
        return False
    side = [Path(f"{path}-wal"), Path(f"{path}-shm")]
    if all(s.exists() for s in side):
        return all(os.access(s, os.W_OK) for s in side)
    return os.access(path.parent, os.W_OK | os.X_OK)


# --- 3. quick_check ------------------------------------------------------------------------

_checked: set[tuple] = set()  # files found sound in this process, by identity: the console's second connection skips it


def _identity(path: Path) -> tuple:
    """Changes with any write to the file (ctime cannot be set back from user space)."""
    st = path.stat()
    return (str(path.resolve()), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _stamp(path: Path) -> Path:
    return Path(f"{path}-guard")


def remember_sound(path: Path) -> None:
    """After a clean close of a file that was sound when opened: keep its identity beside it
    (``shequn.db-guard``), so the next process skips the check while nothing else touched the
    file. A crash leaves the stamp behind the file (a checkpoint moved it on), so the next
    open checks; so does any other program's write, or a copy of the file without its stamp."""
    try:
        ident = _identity(path)
        tmp = Path(f"{path}-guard.tmp")
        tmp.write_text(repr(ident[1:]), encoding="ascii")
        os.replace(tmp, _stamp(path))
        _checked.add(ident)
    except OSError:
        pass  # a folder we may not write: the next open checks again


def _stamped(path: Path, ident: tuple) -> bool:
    try:
        return _stamp(path).read_text(encoding="ascii") == repr(ident[1:])
    except (OSError, UnicodeDecodeError):
        return False


def quick_check(conn: sqlite3.Connection, seconds: float) -> tuple[str, str, float]:
    """(``ok`` | ``corrupt`` | ``unfinished``, SQLite's first complaint, seconds spent).
    ``seconds`` bounds it (0: no bound)."""
    started = time.monotonic()
    if seconds > 0:
        deadline = started + seconds
        conn.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)  # ~400 calls on the demo: free
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check(5)").fetchall()]
    except sqlite3.OperationalError as e:
        if "interrupted" in str(e):
            return "unfinished", "", time.monotonic() - started
        return "corrupt", str(e), time.monotonic() - started
    except sqlite3.DatabaseError as e:  # "database disk image is malformed" on a damaged b-tree
        return "corrupt", str(e), time.monotonic() - started
    finally:
        conn.set_progress_handler(None, 0)
    spent = time.monotonic() - started
    if rows == ["ok"]:
        return "ok", "", spent
    return "corrupt", "; ".join(rows[:3]), spent


def newest_backup(path: Path) -> Path | None:
    """The newest copy `shequn db backup` left beside the workspace (its default folder)."""
    folder = path.parent / "backups"
    try:
        copies = [p for p in folder.iterdir() if p.suffix == ".db" and p.is_file()]
    except OSError:
        return None
    return max(copies, key=lambda p: p.stat().st_mtime) if copies else None


def corrupt(path: Path, detail: str) -> StoreError:
    head = ("{path}: the workspace file is damaged ({detail}); nothing was written to it. Stop every shequn on it, "
            "move it away and copy a backup made by `shequn db backup` in its place")
    tail = " `shequn --read-only` can still look at it."
    backup = newest_backup(path)
    if backup:
        return said(CorruptFile, head + " (the newest is {backup})." + tail, path=path, detail=detail, backup=backup)
    return said(CorruptFile, head + "; none was found in {folder}, and `sqlite3 {path} .recover` may save most rows."
                + tail, path=path, detail=detail, folder=path.parent / "backups")


def check_before_writing(path: Path, conn: sqlite3.Connection, seconds: float) -> None:
    """Raise :class:`CorruptFile` unless ``quick_check`` finds the file sound, or it is the
    file a sound shequn process closed last (its stamp), or was found sound in this process.
    Raise :class:`Unfinished` when the check runs out of its ``seconds`` (logged)."""
    try:
        ident = _identity(path)
    except OSError:
        return
    if ident in _checked or _stamped(path, ident):
        return
    status, detail, spent = quick_check(conn, seconds)
    if status == "corrupt":
        raise corrupt(path, detail)
    if status == "unfinished":
        log.warning("%s: the quick integrity check did not finish in %.1f s (%s MB); run `shequn db check` for a "
                    "full check", path, spent, f"{ident[3] / 1e6:,.0f}")
        raise Unfinished  # used as before the guard, but not stamped sound
    _checked.add(ident)


def forget_checks(path: Path | None = None) -> None:
    """Check every file again (tests, the benchmark); ``path``: drop its stamp too."""
    _checked.clear()
    if path is not None:
        _stamp(path).unlink(missing_ok=True)


# --- 4. version -------------------------------------------------------------------------------

def unknown_migrations(applied: Iterable[str], known: Iterable[str]) -> list[str]:
    """Applied migrations this shequn does not know: core names (no dot) it lacks, and a
    loaded plugin's names it lacks. A plugin that is not loaded (disabled, uninstalled)
    keeps its tables and rows; its migrations say nothing about this shequn's version."""
    known = set(known)
    plugins = {n.split(".", 1)[0] for n in known if "." in n}
    return sorted(n for n in applied if n not in known and ("." not in n or n.split(".", 1)[0] in plugins))


def newer(path: Path, names: list[str], theirs: str | None, ours: str) -> StoreError:
    rest = ("it has migrations this version does not know ({names}). Upgrade shequn to open it, or open a backup "
            "made before the upgrade; nothing was written.")
    if theirs and version_key(theirs) > version_key(ours):
        return said(NewerFile, "{path}: written by shequn {theirs}, newer than this shequn {ours}: " + rest,
                    path=path, theirs=theirs, ours=ours, names=", ".join(names[:5]))
    # the same number (a build from source with a new migration) or no number: say what is known
    return said(NewerFile, "{path}: written by a newer build of shequn than this one ({ours}; the file names "
                "{theirs}): " + rest, path=path, theirs=theirs or "no version", ours=ours, names=", ".join(names[:5]))


def version_key(v: str) -> tuple:
    """'0.10.2' sorts after '0.9.9'; a part that is not a number sorts first."""
    return tuple(int(p) if p.isdigit() else -1 for p in v.split("."))


def read_only(path: Path) -> StoreError:
    return said(ReadOnlyFile, "{path}: the workspace file is read-only for this user (its permissions, or a "
                "read-only disk), and this command changes it. Look with `shequn --read-only`, or let this "
                "user write the file and its folder (chmod u+w).", path=path)
