"""The conformance kit as an author uses it (issue 22, item 3): a suite in a project of
its own, collected through shequn's ``pytest11`` plugin, passes under pytest-asyncio's
strict mode (no marks), its auto mode and without pytest-asyncio; an author's own async
test in the class runs too, and the kit's new checks catch a connector that breaks them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from console.connector import WebhookRequest, WebhookResult
from console.testing import ConnectorConformance
from plugins.sandbox.connector import SandboxConnector

SUITE = '''
from console.model import ActionRequest
from console.testing import ConnectorConformance
from plugins.sandbox.connector import SandboxConnector


class TestMyConformance(ConnectorConformance):
    connector_class = SandboxConnector
    faults = frozenset({"auth", "rate_limit", "transient", "permanent", "down"})
    check_while_down = False

    def start_fake(self):
        self.conn = SandboxConnector(self.connection, {"seed": 5, "groups": 2, "members": 40})
        self.gid = next(iter(self.conn.world.groups))

    def make_connector(self, name, sink):
        self.conn.sink = sink
        return self.conn

    def sample_requests(self):
        def r(kind, user=None, **params):
            return ActionRequest(1, kind, "k-" + kind, group=self.gid, user=user, params=params)
        return {"send": r("send", text="hi"), "kick": r("kick", "a1"), "mute": r("mute", "a2", duration=60),
                "unmute": r("unmute", "a2"), "whole_mute": r("whole_mute", enable=False),
                "set_admin": r("set_admin", "a3"), "unset_admin": r("unset_admin", "a3"),
                "set_card": r("set_card", "a4", card="x"), "approve_join": r("approve_join", "a5"),
                "reject_join": r("reject_join", "a6", reason="no"), "announce": r("announce", text="rules"),
                "recall": r("recall", message_id="none"), "set_group_name": r("set_group_name", name="n"),
                "create_group": r("create_group", name="new"), "invite": r("invite", "a7")}

    async def produce_events(self, connector, sink):
        # a whole day: the world starts at the wall clock, and one night hour of 40 members can be silent
        events = connector.world.tick(connector.world.clock + 86400, 86400, 1.0)
        sink.events(events)
        return events

    def inject_fault(self, kind):
        self.conn.fail_next(kind)

    def clear_fault(self, kind):
        self.conn.clear_faults()

    def network_calls(self):
        return self.conn.calls

    async def test_my_own_async_check(self, tmp_path):
        groups = await self.conn.list_groups()
        (tmp_path.parent / "ran.txt").write_text(str(len(groups)))
'''


def run_suite(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, dict[str, int]]:
    project = tmp_path / "author"
    project.mkdir(exist_ok=True)
    (project / "test_my_conformance.py").write_text(SUITE, encoding="utf-8")
    (project / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")  # not shequn's settings
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", "pytest.ini",
                          "--basetemp", str(tmp_path / "bt"), *args], cwd=project, capture_output=True, text=True,
                         timeout=300, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    counts = {k: int(n) for n, k in re.findall(r"(\d+) (passed|failed|skipped|error)", out.stdout)}
    return out, counts


@pytest.mark.parametrize("mode", [("-p", "asyncio", "-o", "asyncio_mode=strict", "-m", "conformance"),
                                  ("-p", "no:asyncio"),
                                  ("-p", "asyncio", "-o", "asyncio_mode=auto")],
                         ids=["strict", "without-pytest-asyncio", "auto"])
def test_the_kit_runs_in_every_asyncio_mode(tmp_path, mode):
    out, counts = run_suite(tmp_path, *mode)
    assert counts.get("failed", 0) == 0 and "error" not in counts, out.stdout[-3000:]
    assert counts["passed"] >= 12 and "deselected" not in out.stdout, out.stdout[-2000:]  # all marked conformance
    assert (tmp_path / "bt" / "ran.txt").read_text() == "2"  # the author's own async test ran


def test_without_the_plugin_strict_mode_cannot_run_an_authors_async_test(tmp_path):
    """The plugin is what runs it: switched off, strict mode fails that test (the kit's pass)."""
    out, counts = run_suite(tmp_path, "-p", "asyncio", "-o", "asyncio_mode=strict", "-p", "no:shequn")
    assert counts.get("failed", 0) == 1 and "test_my_own_async_check" in out.stdout, out.stdout[-2000:]
    assert not (tmp_path / "bt" / "ran.txt").exists()


# --- the new checks catch what they guard -----------------------------------------------------

class _Sloppy(SandboxConnector):
    """A sandbox that takes webhooks and gets them wrong in the ways the kit looks for."""

    intake = frozenset({"webhook"})
    answer = WebhookResult(204)

    def routes(self):
        from console.connector import Route

        async def handle(req):
            if req.body == b"raise":
                raise ValueError("cannot parse")
            return self.answer
        return [Route("", ("POST",), handle)]


class _Kit(ConnectorConformance):
    connector_class = _Sloppy

    def make_connector(self, name, sink):
        return _Sloppy(name, {"seed": 1, "groups": 1, "members": 5}, sink=sink)


def _req(body=b"{}"):
    return WebhookRequest("POST", "", {}, {}, body)


def test_a_webhook_that_accepts_an_unsigned_request_fails_the_kit():
    kit = _Kit()
    kit.forged_requests = lambda: {"unsigned": _req()}
    with pytest.raises(AssertionError, match="unsigned: answered 204, expected 401 or 403"):
        kit.test_webhook_refuses_unsigned_and_forged_requests()
    _Sloppy.answer = WebhookResult(401)
    try:
        with pytest.raises(AssertionError, match="must say why"):
            kit.test_webhook_refuses_unsigned_and_forged_requests()
        _Sloppy.answer = WebhookResult(403, error="bad signature")
        kit.test_webhook_refuses_unsigned_and_forged_requests()
    finally:
        _Sloppy.answer = WebhookResult(204)


def test_a_malformed_body_must_be_refused_with_a_reason_and_never_raise():
    kit = _Kit()
    kit.malformed_requests = lambda: {"not JSON": _req(b"raise")}
    with pytest.raises(ValueError):
        kit.test_malformed_bodies_are_refused_with_the_reason()
    kit.malformed_requests = lambda: {"not JSON": _req(b"{")}
    with pytest.raises(AssertionError, match="no reason given"):
        kit.test_malformed_bodies_are_refused_with_the_reason()
    _Sloppy.answer = WebhookResult(500, error="cannot read it")
    try:
        with pytest.raises(AssertionError, match="answered 500; a platform retries a 5xx"):
            kit.test_malformed_bodies_are_refused_with_the_reason()
        _Sloppy.answer = WebhookResult(400, error="not JSON")
        kit.test_malformed_bodies_are_refused_with_the_reason()
    finally:
        _Sloppy.answer = WebhookResult(204)


def test_declared_options_are_held_to_their_bounds_and_types():
    class Lax(_Sloppy):
        @classmethod
        def check_options(cls, raw, where, file=None):
            if raw.get("groups") == 0:  # lets a value below the declared minimum (1) through
                return dict(raw)
            return super().check_options(raw, where, file)

    kit = _Kit()
    kit.test_declared_options_are_enforced()  # the sandbox's own check holds
    kit.connector_class = Lax
    with pytest.raises(pytest.fail.Exception, match="DID NOT RAISE"):
        kit.test_declared_options_are_enforced()


def test_check_that_says_ok_with_the_platform_down_fails_the_kit():
    class Blind(_Sloppy):
        async def check(self):
            from console.connector import ConnectionCheck

            return ConnectionCheck(True, "bot", "fine")  # never looks

    kit = _Kit()
    kit.connector_class, kit.faults = Blind, frozenset({"down"})
    kit.make_connector = lambda name, sink: Blind(name, {"seed": 1, "groups": 1, "members": 5}, sink=sink)
    kit.inject_fault = kit.clear_fault = lambda kind: None
    kit.test_check_says_who_and_never_raises()
    with pytest.raises(AssertionError, match="with the platform down said ok"):
        kit.test_check_with_the_platform_down_says_why()


def test_list_groups_naming_a_group_twice_fails_the_kit():
    from console.model import GroupInfo

    class Twice(_Sloppy):
        async def list_groups(self):
            return [GroupInfo("g1", "一群"), GroupInfo("g1", "一群")]

    kit = _Kit()
    kit.connector_class = Twice
    kit.make_connector = lambda name, sink: Twice(name, {"seed": 1, "groups": 1, "members": 5}, sink=sink)
    with pytest.raises(AssertionError, match="named a group twice"):
        kit.test_list_groups_matches_the_capability()
