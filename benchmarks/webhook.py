"""Events per second through the webhook server into the store, next to direct ingest.

Signed OneBot HTTP POSTs from a local client over loopback into `shequn serve`'s
webhook app (uvicorn + the QQ connector's signature check + the runtime's batched
ingest), compared with ``Engine(ws).ingest`` of the same events. Run:

    .venv/bin/python benchmarks/webhook.py [COUNT] [CLIENTS]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from console.engine import Engine  # noqa: E402
from console.workspace import Workspace  # noqa: E402
from plugins.qq.normalize import normalize  # noqa: E402
from tests.serve_kit import free_port, qq_workspace, serving  # noqa: E402

import http_load  # noqa: E402  (benchmarks/ is on sys.path: the load client, in a process of its own)


def payloads(n: int) -> list[bytes]:
    t0 = 1_700_000_000
    return [json.dumps({"time": t0 + i // 10, "self_id": 10001, "post_type": "message", "message_type": "group",
                        "message_id": i, "group_id": 100 + i % 20, "user_id": 5000 + i % 700,
                        "message": f"第 {i} 条消息 [CQ:at,qq={5000 + (i * 7) % 700}]",
                        "sender": {"nickname": f"u{i % 700}"}}, ensure_ascii=False).encode() for i in range(n)]


async def through_webhooks(tmp: Path, bodies: list[bytes], clients: int) -> float:
    cfg, port = qq_workspace(tmp / "w", db="bench.db", port=free_port())
    ws = Workspace.open(cfg)
    # the client runs in its own process, so its Python cost is not charged to the server
    data = http_load.write_requests(tmp / "qq.requests", [http_load.qq_post("/hooks/qq/qq1", b) for b in bodies])
    async with serving(ws, port):
        t0 = time.perf_counter()
        await http_load.run(data, port, clients, expect=204)
        answered = time.perf_counter() - t0
        while ws.store.scalar("SELECT count(*) FROM messages") < len(bodies):
            await asyncio.sleep(0.01)
        elapsed = time.perf_counter() - t0
    ws.close()
    print(f"(all {len(bodies)} POSTs answered after {answered:.2f} s; stored after {elapsed:.2f} s)")
    return elapsed


def direct(tmp: Path, bodies: list[bytes]) -> float:
    cfg, _ = qq_workspace(tmp / "d", db="bench.db", port=1)
    ws = Workspace.open(cfg)
    events = [normalize("qq1", json.loads(b)) for b in bodies]
    eng = Engine(ws)
    t0 = time.perf_counter()
    for i in range(0, len(events), 500):
        eng.ingest(events[i:i + 500])
    elapsed = time.perf_counter() - t0
    assert ws.store.scalar("SELECT count(*) FROM messages") == len(bodies)
    ws.close()
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("count", type=int, nargs="?", default=5000, help="events to send (default 5000)")
    ap.add_argument("clients", type=int, nargs="?", default=8, help="concurrent HTTP clients (default 8)")
    args = ap.parse_args()
    n, clients = args.count, args.clients
    bodies = payloads(n)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        w = asyncio.run(through_webhooks(tmp, bodies, clients))
        e = direct(tmp, bodies)
    print(f"events: {n}, concurrent clients: {clients}")
    print(f"webhook server -> store: {n / w:,.0f} events/s ({w:.2f} s, signed POSTs on loopback)")
    print(f"Engine.ingest direct:     {n / e:,.0f} events/s ({e:.2f} s, batches of 500)")
    print(f"ratio (webhook / direct): {e / w:.2f}")


if __name__ == "__main__":
    main()
