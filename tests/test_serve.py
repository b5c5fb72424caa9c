"""`shequn serve` as the operator runs it: a process, a webhook, a signal, a clean stop."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import make_config
from tests.serve_kit import free_port, serve_process, signed, wait_healthy

BASE = """
[operator]
name = "tester"
timezone = "Asia/Shanghai"

[database]
path = "shequn.db"
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_ingests_webhooks_and_stops_cleanly(tmp_path, sig):
    port = free_port()
    cfg = make_config(tmp_path, f"""
[serve]
port = {port}
log_file = "serve.log"

[connections.qq1]
platform = "qq"
enabled = true
base_url = "http://127.0.0.1:9"
secret = "sec"
""", base=BASE)
    proc = serve_process(cfg, quiet=False, extra_args=("--host", "127.0.0.1"))
    try:
        wait_healthy(port, proc)
        events = [{"time": 1_700_000_000 + i, "self_id": 10001, "post_type": "message", "message_type": "group",
                   "message_id": i, "group_id": 1, "user_id": 40 + i % 3, "message": f"msg {i}"} for i in range(20)]
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            for e in events + events[:5]:  # five redeliveries
                body = json.dumps(e).encode()
                r = client.post("/hooks/qq/qq1", content=body, headers=signed(body))
                assert r.status_code == 204
            assert client.post("/hooks/qq/qq1", content=b"{}").status_code == 401
        con = sqlite3.connect(tmp_path / "shequn.db")
        lock = con.execute("SELECT value FROM meta WHERE key = 'engine.lock'").fetchone()[0]
        assert lock.startswith(f"{proc.pid}|serve|")
        con.close()
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    con = sqlite3.connect(tmp_path / "shequn.db")
    assert con.execute("SELECT count(*) FROM messages").fetchone()[0] == 20  # the last batch was committed
    assert con.execute("SELECT count(*) FROM dead_letters").fetchone()[0] == 0  # a refusal is counted, not stored
    assert con.execute("SELECT cause, connection, count FROM refused_requests").fetchall() == [
        ("401 refused by the connector", "qq1", 1)]
    assert con.execute("SELECT value FROM meta WHERE key = 'engine.lock'").fetchone()[0] == ""
    log = (tmp_path / "serve.log").read_text()
    assert "webhook for qq1" in log and "stopped" in log and "unsigned" in err


def test_serve_with_a_bad_connection_config_names_it(tmp_path):
    cfg = make_config(tmp_path, """
[connections.qq1]
platform = "qq"
enabled = true
base_url = "http://127.0.0.1:9"
""", base=BASE)
    exe = Path(sys.executable).parent / "shequn"
    p = subprocess.run([str(exe), "--config", str(cfg), "serve"], capture_output=True, text=True, timeout=30,
                       cwd=str(tmp_path))
    assert p.returncode == 2 and "connections.qq1.secret" in p.stderr
