"""Acknowledged versus stored events: ``kill -9`` of ``shequn serve`` under signed-POST
load, and a bridge whose API hangs at start-up; and webhook throughput, before and after.

    .venv/bin/python benchmarks/ingest_durability.py [--before REV] [--kills 20] [--count 3000] [--clients 8]

For each tree (this one, and with ``--before REV`` the files of REV, unpacked under /tmp):

- throughput: ``benchmarks/webhook.py COUNT CLIENTS`` of that tree (signed OneBot POSTs over
  loopback into serve's webhook app, until stored), events/s, and the ratio after/before;
- kills: ``serve`` runs in its own process; four client threads POST signed QQ events
  (each a new id) and note every id answered 2xx; after 0.3-1.2 s (seeded) the server
  gets SIGKILL and is started again, ``--kills`` times; then it is stopped cleanly and
  the ids in ``messages`` are compared with the acknowledged ones (lost = acknowledged,
  not stored). ``PRAGMA integrity_check`` at the end;
- hanging bridge: the connection's ``base_url`` is a socket that accepts and never
  answers; 100 events are POSTed as soon as the port takes connections, then the
  server is killed and the stored ones counted.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable

from tests.serve_kit import integrity, qq_message as body, qq_workspace, serve_process, signed as headers  # noqa: E402
from tests.serve_kit import stored_message_ids  # noqa: E402


def start(tree: Path, cfg: Path):
    return serve_process(cfg, tree=tree)


def workspace(tmp: Path, base_url: str) -> tuple[Path, int]:
    return qq_workspace(tmp, base_url=base_url, db="d.db")


def stored_ids(cfg: Path) -> set[int]:
    return stored_message_ids(cfg.parent / "d.db")


def kills(tree: Path, tmp: Path, n_kills: int, seed: int) -> dict:
    cfg, port = workspace(tmp, "http://127.0.0.1:9")
    url = f"http://127.0.0.1:{port}/hooks/qq/qq1"
    acked: set[int] = set()
    ids = itertools.count()
    lock, stop = threading.Lock(), threading.Event()

    def client() -> None:
        with httpx.Client(timeout=5) as c:
            while not stop.is_set():
                with lock:
                    i = next(ids)
                b = body(i)
                try:
                    r = c.post(url, content=b, headers=headers(b))
                except httpx.HTTPError:
                    time.sleep(0.01)
                    continue
                if 200 <= r.status_code < 300:
                    with lock:
                        acked.add(i)

    rnd = random.Random(seed)
    threads = [threading.Thread(target=client, daemon=True) for _ in range(4)]
    proc = start(tree, cfg)
    for t in threads:
        t.start()
    for _ in range(n_kills):
        time.sleep(1.0 + rnd.uniform(0.3, 1.2))  # start-up (about 1 s) plus load
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc = start(tree, cfg)
    time.sleep(1.5)
    stop.set()
    for t in threads:
        t.join()
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    got = stored_ids(cfg)
    return {"acknowledged": len(acked), "stored": len(got), "lost": len(acked - got),
            "integrity": integrity(cfg.parent / "d.db")}


def hanging_bridge(tree: Path, tmp: Path) -> dict:
    bridge = socket.socket()
    bridge.bind(("127.0.0.1", 0))
    bridge.listen(50)  # accepts (the kernel does) and never answers
    cfg, port = workspace(tmp, f"http://127.0.0.1:{bridge.getsockname()[1]}")
    url = f"http://127.0.0.1:{port}/hooks/qq/qq1"
    proc = start(tree, cfg)
    acked = 0
    with httpx.Client(timeout=3) as c:
        i = 0
        deadline = time.monotonic() + 30
        while i < 100 and time.monotonic() < deadline:
            b = body(i)
            try:
                r = c.post(url, content=b, headers=headers(b))
            except httpx.HTTPError:
                time.sleep(0.05)
                continue
            acked += 200 <= r.status_code < 300
            i += 1
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    bridge.close()
    return {"posted": 100, "acknowledged": acked, "stored": len(stored_ids(cfg))}


def throughput(tree: Path, count: int, clients: int) -> float:
    out = subprocess.run([PY, str(tree / "benchmarks" / "webhook.py"), str(count), str(clients)], capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": str(tree)}, cwd=str(tree), timeout=600).stdout
    m = re.search(r"webhook server -> store: ([\d,]+) events/s", out)
    if not m:
        raise SystemExit(f"benchmarks/webhook.py of {tree} printed no figure:\n{out}")
    return float(m.group(1).replace(",", ""))


def measure(name: str, tree: Path, tmp: Path, args) -> dict:
    res = {"throughput": throughput(tree, args.count, args.clients)}
    res["kills"] = kills(tree, tmp / f"{name}-kills", args.kills, args.seed)
    res["hanging"] = hanging_bridge(tree, tmp / f"{name}-hang")
    k, h = res["kills"], res["hanging"]
    print(f"{name}: webhook -> store {res['throughput']:,.0f} events/s ({args.clients} clients); {args.kills} kills: "
          f"{k['acknowledged']} acknowledged, {k['stored']} stored, {k['lost']} acknowledged but lost "
          f"({k['lost'] / max(1, k['acknowledged']):.1%}), integrity {k['integrity']}; hanging bridge API: "
          f"{h['acknowledged']} of {h['posted']} acknowledged, {h['stored']} stored", flush=True)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", metavar="REV", help="also measure this git revision (its files unpacked under /tmp)")
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--count", type=int, default=3000, help="events for the throughput run")
    ap.add_argument("--clients", type=int, default=8, help="concurrent clients of the throughput run")
    ap.add_argument("--seed", type=int, default=16)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="durability-") as d:
        tmp = Path(d)
        before = None
        if args.before:
            wt = tmp / "before-tree"  # the revision's files (git archive: the repository is not touched)
            wt.mkdir()
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.before], check=True,
                                     capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", str(wt)], input=archive, check=True)
            before = measure(f"before ({args.before})", wt, tmp, args)
        after = measure("after (this tree)", ROOT, tmp, args)
        if before:
            print(f"throughput after / before: {after['throughput'] / before['throughput']:.2f}")


if __name__ == "__main__":
    main()
