"""Encrypted WeCom callbacks per second through ``shequn serve`` into the store, next to
QQ's signed OneBot POSTs (benchmarks/webhook.py) measured in the same run.

Each WeCom callback is what WeCom sends: an XML envelope whose ``<Encrypt>`` holds an
AES-256-CBC ciphertext, signed with ``msg_signature``; the connector checks the
signature, decrypts, parses and normalises it, and a join also asks WeCom (the fake, on
loopback, in a process of its own) for the group's details once per join
(``groupchat/get``: the inviter and the newcomer's name), as it does in production. Half the callbacks are joins, half leaves,
over 20 groups. The client runs in its own process on raw asyncio streams. Run:

    .venv/bin/python benchmarks/webhook_wecom.py [COUNT] [CLIENTS]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "benchmarks"))  # for webhook.py; last: benchmarks/console.py must not shadow console

from console.workspace import Workspace  # noqa: E402
from tests.fakes.wecom import AES_KEY, TOKEN, FakeWeCom  # noqa: E402
from tests.serve_kit import free_port, serving  # noqa: E402
from webhook import payloads, through_webhooks  # noqa: E402  (QQ's figure, the same code as its own benchmark)

import http_load  # noqa: E402  (the load client, in a process of its own)

CONFIG = """
[operator]
name = "bench"
timezone = "Asia/Shanghai"

[database]
path = "bench.db"

[serve]
port = {port}
log_file = "serve.log"

[connections.wx1]
platform = "wechat"
enabled = true
corp_id = "{corp}"
secret = "appSecret"
token = "{token}"
encoding_aes_key = "{key}"
base_url = "{base}"
"""


def requests(wc: FakeWeCom, n: int, path: str, host: str, leaves_only: bool) -> list[bytes]:
    """``n`` callbacks as raw HTTP requests: joins of new members, then each one's leave
    (or leaves only: no call back to WeCom once a group is known)."""
    out = []
    for i in range(n):
        chat = f"wrBench{i % 20:02d}"
        user = f"wmUser{i // 2:06d}"
        if leaves_only:
            xml = wc.event(chat, "update", "del_member", members=[f"wmGone{i:06d}"], quit_scene=0,
                           create_time=1_700_000_000 + i)
        elif i % 2 == 0:
            wc.add_member(chat, user, scene=3, name=f"用户{i // 2}")
            xml = wc.event(chat, "update", "add_member", members=[user], join_scene=3, create_time=1_700_000_000 + i)
        else:
            chat = f"wrBench{(i - 1) % 20:02d}"
            xml = wc.event(chat, "update", "del_member", members=[user], quit_scene=0, create_time=1_700_000_000 + i)
        query, body = wc.envelope(xml, timestamp=str(1_700_000_000 + i), nonce=str(100000 + i))
        out.append(http_load.http_request(f"{path}?{urlencode(query)}", body, {"Content-Type": "text/xml"}, host=host))
    return out


FAKE = r"""
# The fake WeCom in a process of its own (as WeCom is): its Python does not share serve's GIL.
import sys, time
sys.path.insert(0, sys.argv[1])
from tests.fakes.wecom import FakeWeCom
n, leaves_only, port = int(sys.argv[2]), sys.argv[3] == "1", int(sys.argv[4])
wc = FakeWeCom(port=port)
for g in range(20):
    wc.add_group(f"wrBench{g:02d}", f"压测群 {g}", "zhangsan", capacity=100_000)
for i in range(0, n, 2):
    if not leaves_only:
        wc.add_member(f"wrBench{i % 20:02d}", f"wmUser{i // 2:06d}", scene=3, name=f"用户{i // 2}")
wc.start()
print("ready", flush=True)
sys.stdin.read()  # until the benchmark closes it
print(len(wc.routes_called("externalcontact/groupchat/get")), flush=True)
wc.stop()
"""


async def wecom_through_serve(tmp: Path, n: int, clients: int, leaves_only: bool = False) -> float:
    fake_port = free_port()
    fake = await asyncio.create_subprocess_exec(sys.executable, "-c", FAKE, str(ROOT), str(n), str(int(leaves_only)),
                                                str(fake_port), stdin=asyncio.subprocess.PIPE,
                                                stdout=asyncio.subprocess.PIPE)
    assert (await fake.stdout.readline()).strip() == b"ready"
    wc = FakeWeCom(port=fake_port)  # not started: the same corp, token and key, to encrypt and sign with
    for g in range(20):
        wc.add_group(f"wrBench{g:02d}", f"压测群 {g}", "zhangsan", capacity=100_000)
    port = free_port()
    folder = tmp / ("wecom-leaves" if leaves_only else "wecom")
    folder.mkdir()
    cfg = folder / "config.toml"
    cfg.write_text(CONFIG.format(port=port, corp=wc.corp_id, token=TOKEN, key=AES_KEY, base=wc.base_url),
                   encoding="utf-8")
    data = http_load.write_requests(folder / "wecom.requests",
                                    requests(wc, n, "/hooks/wechat/wx1", f"127.0.0.1:{port}", leaves_only))
    ws = Workspace.open(cfg)
    try:
        async with serving(ws, port):
            t0 = time.perf_counter()
            await http_load.run(data, port, clients, expect=200)
            answered = time.perf_counter() - t0
            while ws.store.scalar("SELECT count(*) FROM events WHERE connection_id = 'wx1'") < n:
                await asyncio.sleep(0.01)
            elapsed = time.perf_counter() - t0
        dead = ws.store.scalar("SELECT count(*) FROM dead_letters")
    finally:
        ws.close()
        fake.stdin.close()
        gets = int((await fake.stdout.readline()).strip() or 0)
        await fake.wait()
    print(f"(all {n} WeCom callbacks answered after {answered:.2f} s; stored after {elapsed:.2f} s; "
          f"{gets} groupchat/get calls; {dead} dead letters)")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("count", type=int, nargs="?", default=2000, help="callbacks (and QQ POSTs) to send (default 2000)")
    ap.add_argument("clients", type=int, nargs="?", default=8, help="concurrent HTTP clients (default 8)")
    args = ap.parse_args()
    n, clients = args.count, args.clients
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        wecom = asyncio.run(wecom_through_serve(tmp, n, clients))
        leaves = asyncio.run(wecom_through_serve(tmp, n, clients, leaves_only=True))
        qq = asyncio.run(through_webhooks(tmp, payloads(n), clients))
    print(f"events: {n}, concurrent clients: {clients}")
    print(f"WeCom encrypted callbacks -> store: {n / wecom:,.0f} events/s ({wecom:.2f} s; half joins, each read back "
          "with groupchat/get from the fake WeCom)")
    print(f"WeCom encrypted leaves -> store:    {n / leaves:,.0f} events/s ({leaves:.2f} s; no call back to WeCom)")
    print(f"QQ signed POSTs -> store:           {n / qq:,.0f} events/s ({qq:.2f} s; messages)")


if __name__ == "__main__":
    main()
