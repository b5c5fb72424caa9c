"""``kill -9`` of ``shequn serve`` 100 times under signed-POST load, with the outbox busy:
acknowledged versus stored events, integrity, and actions run twice.

    .venv/bin/python benchmarks/crash.py [--kills 100] [--clients 3] [--seed 16] [--tree FOLDER]

The long version of tests/reliability/test_kill_serve.py (tests/reliability/crash_kit.py
says what the world is and what is counted): serve in its own process with a QQ
connection to a fake OneBot bridge whose every call answers late, so kills land in the
middle of actions; client threads POST signed group messages (one in 15 an ad from a new
member, which the moderation plugin answers with a recall and a warning); serve gets
SIGKILL a random moment after it is healthy, ``--kills`` times, then runs until every
action has ended and stops cleanly.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.reliability.crash_kit import crash_loop  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kills", type=int, default=100)
    ap.add_argument("--clients", type=int, default=3, help="threads posting signed events")
    ap.add_argument("--seed", type=int, default=16, help="seeds when each kill lands")
    ap.add_argument("--tree", type=Path, default=ROOT, help="run serve from the checkout in this folder (a before)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="crash-") as d:
        r = crash_loop(Path(d) / "w", kills=args.kills, seed=args.seed, clients=args.clients, settle_timeout=600,
                       tree=args.tree.resolve())
    print(r.line())
    print(f"lost: {r.lost / max(1, r.acknowledged):.2%} of acknowledged; {time.perf_counter() - t0:.0f} s in all")


if __name__ == "__main__":
    main()
