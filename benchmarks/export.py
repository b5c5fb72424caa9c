"""Export benchmark: the Members table of a workspace with --people people written to CSV and
JSON the way ctrl+e does it (console.tui.export.export: page after page from the table's own
source, MembersSource without a search), timed once each, with the process's peak RSS.

    .venv/bin/python benchmarks/export.py [--people 500000] [--keep DIR]

Builds a workspace in a temporary folder (or --keep DIR): the sandbox's small world is not
needed, so it opens an empty workspace and inserts --people rows into ``people`` directly
(executemany, no engine). Prints the rows written, the seconds and the peak RSS in MB for
each format, and the seconds spent reading the pages alone (the rest is the writing).
Speed figures live here only: no test depends on them.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=500_000)
    ap.add_argument("--keep", default=None)
    args = ap.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="shequn-export-"))
    folder.mkdir(parents=True, exist_ok=True)
    cfg = folder / "config.toml"
    cfg.write_text('[operator]\nname = "bench"\ntimezone = "Asia/Shanghai"\n[database]\npath = "shequn.db"\n',
                   encoding="utf-8")
    from console.tui.export import export, pages
    from console.tui.queries import MembersSource
    from console.tui.rows import Column
    from console.workspace import Workspace

    ws = Workspace.open(cfg)
    try:
        have = ws.store.scalar("SELECT count(*) FROM people")
        if have < args.people:
            with ws.store.write() as c:
                c.executemany("INSERT INTO people(display_name, city, created_at) VALUES (?, '杭州', 1731902400)",
                              [(f"用户{i}",) for i in range(have, args.people)])
        source = MembersSource(ws)
        cols = [Column("id", "id"), Column("name", "member"), Column("identities", "platform ids"),
                Column("groups", "groups"), Column("segment", "segment"), Column("city", "city")]
        t0 = time.perf_counter()
        n = sum(len(rows) for rows in pages(source))
        print(f"read {n:,} rows page by page: {time.perf_counter() - t0:.1f} s")
        for fmt in ("csv", "json"):
            t0 = time.perf_counter()
            n = export(ws, source, cols, fmt, folder / f"members.{fmt}", str)
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
            print(f"{fmt}: {n:,} rows in {time.perf_counter() - t0:.1f} s, peak RSS {rss} MB")
    finally:
        ws.close()


if __name__ == "__main__":
    main()
