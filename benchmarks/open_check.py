"""What the file guard costs when a workspace opens (issue 16 item 4).

Usage: python benchmarks/open_check.py DB [--repeat N]

DB is a copy of a workspace (e.g. after `shequn demo --days 30`); it is opened for
writing, so never point it at data/shequn.db. Prints medians of: PRAGMA quick_check
(run at every open for writing), PRAGMA integrity_check (`shequn db check`), the
header read, and Workspace.open with the check and with it skipped (the difference is
what the operator waits for after a crash or another program's write; a file a sound
shequn closed last opens without it), each on a warm page cache.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from console.store import guard  # noqa: E402


def timed(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs) * 1000


def pragma(db: Path, name: str):
    def run():
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        assert con.execute(f"PRAGMA {name}").fetchone()[0] == "ok"
        con.close()
    return run


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("db", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    if a.db.resolve().name == "shequn.db" and a.db.resolve().parent.name == "data":
        sys.exit("give a copy, not data/shequn.db")
    from console.workspace import Workspace

    cfg = Path(tempfile.mkdtemp()) / "config.toml"
    cfg.write_text(f'[database]\npath = "{a.db.resolve()}"\n[connections.sandbox]\nplatform = "sandbox"\n'
                   'enabled = true\n', encoding="utf-8")

    def open_ws(check: bool):
        def run():
            if check:
                guard.forget_checks(a.db)  # no stamp of a clean close: the check runs
            else:
                guard._checked.clear()  # the stamp of the last clean close: skipped, as for a second verb
            Workspace.open(cfg).close()
        return run

    open_ws(True)()  # migrate once, warm the cache
    size = a.db.stat().st_size / 1e6
    print(f"{a.db} ({size:,.1f} MB), medians of {a.repeat}:")
    print(f"  header read           {timed(lambda: guard.header_problem(a.db), a.repeat):8.2f} ms")
    print(f"  PRAGMA quick_check    {timed(pragma(a.db, 'quick_check'), a.repeat):8.1f} ms")
    print(f"  PRAGMA integrity_check{timed(pragma(a.db, 'integrity_check'), a.repeat):8.1f} ms")
    with_check, without = timed(open_ws(True), a.repeat), timed(open_ws(False), a.repeat)
    print(f"  Workspace.open        {with_check:8.1f} ms with the check, {without:.1f} ms without")


if __name__ == "__main__":
    main()
