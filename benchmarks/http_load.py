"""A load client for ``shequn serve``'s webhooks: raw HTTP/1.1 over keep-alive connections.

One copy of the client that benchmarks/webhook.py, webhook_wecom.py and loop_stall.py
each had their own of. It runs in a process of its own (so its Python does not share
serve's GIL or count as serve's time) on plain asyncio streams: httpx's own cost (about
1 ms a request here) would otherwise be what a benchmark measures.

    python benchmarks/http_load.py REQUESTS PORT CONNECTIONS [--rate R] [--expect 204]

REQUESTS is a file written by :func:`write_requests`: whole HTTP requests, each after
its length (8 bytes, big-endian), so a body may hold any byte. Without ``--rate`` every
connection sends its next request as soon as the last is answered (closed loop); with
it, request i is due at i/R seconds whether or not earlier ones were answered (open
loop, as bridges deliver). ``--expect`` makes any other status an error (exit 1).
It prints one JSON line: answered, ok (the expected status, 204 by default), seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()


def http_request(path: str, body: bytes, headers: dict[str, str], *, host: str = "127.0.0.1") -> bytes:
    """A POST of ``body`` to ``path`` as raw bytes (Content-Length added)."""
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return (f"POST {path} HTTP/1.1\r\nHost: {host}\r\n{head}Content-Length: {len(body)}\r\n\r\n").encode() + body


def qq_post(path: str, body: bytes, secret: bytes = b"sec") -> bytes:
    """A OneBot bridge's signed POST (HMAC-SHA1 of the body in X-Signature)."""
    sig = "sha1=" + hmac.new(secret, body, hashlib.sha1).hexdigest()
    return http_request(path, body, {"Content-Type": "application/json", "X-Signature": sig})


def write_requests(path: Path, requests: list[bytes]) -> Path:
    path.write_bytes(b"".join(len(r).to_bytes(8, "big") + r for r in requests))
    return path


def read_requests(path: Path) -> list[bytes]:
    data, out, i = path.read_bytes(), [], 0
    while i < len(data):
        n = int.from_bytes(data[i:i + 8], "big")
        out.append(data[i + 8:i + 8 + n])
        i += 8 + n
    return out


def command(requests: Path, port: int, connections: int, *, rate: float | None = None,
            expect: int | None = None) -> list[str]:
    """The argv that runs this client (for ``subprocess`` or ``asyncio.create_subprocess_exec``)."""
    cmd = [sys.executable, str(HERE), str(requests), str(port), str(connections)]
    if rate is not None:
        cmd += ["--rate", str(rate)]
    if expect is not None:
        cmd += ["--expect", str(expect)]
    return cmd


async def run(requests: Path, port: int, connections: int, *, rate: float | None = None,
              expect: int | None = None) -> dict:
    """Run the client in its own process from a caller on an asyncio loop; its figures."""
    proc = await asyncio.create_subprocess_exec(*command(requests, port, connections, rate=rate, expect=expect),
                                                stdout=asyncio.subprocess.PIPE)
    out, _ = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"the load client failed ({proc.returncode}): {out.decode(errors='replace')[-500:]}")
    return json.loads(out.decode().strip().splitlines()[-1])


def run_blocking(requests: Path, port: int, connections: int, **kw) -> dict:
    p = subprocess.run(command(requests, port, connections, **kw), capture_output=True, text=True, check=True)
    return json.loads(p.stdout.strip().splitlines()[-1])


async def _load(reqs: list[bytes], port: int, connections: int, rate: float | None, ok_status: int) -> dict:
    ok, answered, bad = [0], [0], []
    want = f" {ok_status} ".encode()
    t0 = time.perf_counter() + (0.2 if rate else 0.0)  # an open loop's schedule starts once all connect
    nxt = iter(range(len(reqs)))

    async def worker(k: int) -> None:
        r, w = await asyncio.open_connection("127.0.0.1", port)
        mine = range(k, len(reqs), connections) if rate else nxt
        for i in mine:
            if rate:
                delay = t0 + i / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
            w.write(reqs[i])
            status = await r.readline()
            answered[0] += 1
            if want in status:
                ok[0] += 1
            elif len(bad) < 5:
                bad.append(status.decode(errors="replace").strip())
            length = 0
            while True:
                line = await r.readline()
                if line in (b"\r\n", b""):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if length:
                await r.readexactly(length)
        w.close()

    await asyncio.gather(*(worker(k) for k in range(connections)))
    return {"answered": answered[0], "ok": ok[0], "seconds": time.perf_counter() - t0, "other_statuses": bad}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("requests", type=Path)
    ap.add_argument("port", type=int)
    ap.add_argument("connections", type=int)
    ap.add_argument("--rate", type=float, help="requests per second, open loop (default: closed loop)")
    ap.add_argument("--expect", type=int, help="any other status is an error")
    args = ap.parse_args()
    out = asyncio.run(_load(read_requests(args.requests), args.port, args.connections, args.rate,
                            args.expect or 204))
    print(json.dumps(out), flush=True)
    if args.expect is not None and out["ok"] != out["answered"]:
        sys.exit(f"{out['answered'] - out['ok']} answers were not {args.expect}: {out['other_statuses']}")


if __name__ == "__main__":
    main()
