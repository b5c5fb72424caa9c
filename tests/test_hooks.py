"""One test per hook (test_hook_<name>), driving it through a small plugin registered the
way any plugin is. tests/test_hook_docs.py fails when a hook lacks its test or its doc."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import click
from click.testing import CliRunner

from console.connector import Connector, Pacing
from console.engine import Engine
from console.hookspecs import hookimpl
from console.model import ActionRequest, ActionResult, Capability, Decision, Event, Kind, Proposal
from console.outbox import Executor
from console.pluginmanager import get_plugin_manager
from console.registry import Job, KpiSpec, PanelSpec, RuleKind, ScreenSpec
from console.store import run_script
from console.workspace import Workspace, gather_ui


@dataclass
class GreeterSettings:
    greeting: str = "hi"
    """What the test plugin says."""


class EchoConnector(Connector):
    platform = "echo"
    capabilities = frozenset({Capability.SEND, Capability.APPROVE_JOIN})
    pacing = Pacing(100, 100)

    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self.done: list[ActionRequest] = []

    async def act(self, request):
        self.done.append(request)
        return ActionResult.done(message_id=len(self.done))


class Plugin:
    __version__ = "9.9"

    def __init__(self):
        self.seen: list = []
        self.results: list = []

    @hookimpl
    def register_settings(self, register):
        register("greeter", GreeterSettings)

    @hookimpl
    def register_migrations(self, register):
        register("m001_notes", lambda store: run_script(store, "CREATE TABLE greeter_notes (id INTEGER PRIMARY KEY, text TEXT);"))

    @hookimpl
    def register_connectors(self, register):
        register(EchoConnector)

    @hookimpl
    def register_rule_kinds(self, register):
        def validate(cfg):
            if not cfg.get("word"):
                raise ValueError("word is required")
            return cfg
        register(RuleKind("greet_word", "Greeting word", validate))

    @hookimpl
    def register_kpis(self, register):
        register(KpiSpec("greetings", "Greetings", "activation", "count", "messages saying hi"))

    @hookimpl
    def register_jobs(self, register):
        register(Job("greet_job", 60, lambda ws: self.seen.append("job")))

    @hookimpl
    def register_commands(self, cli):
        @cli.command("greet")
        def greet():
            click.echo("hello from plugin")

    @hookimpl
    def register_screens(self, register):
        register(ScreenSpec("greeter", "Greeter", "x", "tests.test_hooks:NoScreen"))

    @hookimpl
    def register_panels(self, register):
        register(PanelSpec("greeter_panel", "Greeter", "dashboard", "tests.test_hooks:NoPanel"))

    @hookimpl
    def register_translations(self, register):
        register("zh-CN", {"Greetings": "问候"})

    @hookimpl
    def process_events(self, events, ws):
        self.seen.extend(e.id for e in events)
        return [Proposal("send", "say hi back", group_id=e.group_id, params={"text": "hi"}, evidence=e.id)
                for e in events if e.kind == Kind.MESSAGE and e.text == "hi"]

    @hookimpl
    def decide_join_request(self, request, ws):
        if "code42" in request["comment"]:
            return Decision("approve", "knows the code", rule="code")
        return None

    @hookimpl
    def action_done(self, action, result, ws):
        self.results.append((action["kind"], result.status.value))

    @hookimpl
    def fetch_orders(self, since, ws):
        return [{"order_id": "o1", "amount": 10.0, "ordered_at": since + 1, "person_id": 1}]

    @hookimpl
    def workspace_opened(self, ws):
        self.seen.append("opened")


CONFIG = """
[database]
path = "t.db"
[connections.echo1]
platform = "echo"
enabled = true
[greeter]
greeting = "hello"
"""


def open_ws(tmp_path, plugin):
    (tmp_path / "config.toml").write_text(CONFIG)
    pm = get_plugin_manager(load_entrypoints=False, extra=[("greeter", plugin)])
    return Workspace.open(tmp_path / "config.toml", pm=pm)


def msg(i, text="hi", group="g1"):
    return Event("echo1", f"m{i}", Kind.MESSAGE, 1_700_000_000 + i, group=group, user=f"u{i}", text=text)


def test_hook_register_settings(tmp_path):
    ws = open_ws(tmp_path, Plugin())
    assert ws.registry.settings["greeter"] is GreeterSettings


def test_hook_register_migrations(tmp_path):
    ws = open_ws(tmp_path, Plugin())
    assert "greeter_notes" in ws.store.tables()
    assert ws.store.scalar("SELECT count(*) FROM migrations WHERE name = 'greeter.m001_notes'") == 1


def test_hook_register_connectors(tmp_path):
    ws = open_ws(tmp_path, Plugin())
    assert ws.registry.connectors["echo"] is EchoConnector
    assert Capability.SEND in ws.capabilities("echo1")


def test_hook_register_rule_kinds(tmp_path):
    ws = open_ws(tmp_path, Plugin())
    kind = ws.registry.rule_kinds["greet_word"]
    assert kind.plugin == "greeter"
    try:
        kind.validate({})
    except ValueError as e:
        assert "word is required" in str(e)
    else:
        raise AssertionError("validate accepted a bad rule")


def test_hook_register_kpis(tmp_path):
    ws = open_ws(tmp_path, Plugin())
    assert ws.registry.kpis["greetings"].stage == "activation"


def test_hook_register_jobs(tmp_path):
    plugin = Plugin()
    ws = open_ws(tmp_path, plugin)
    job = ws.registry.jobs["greet_job"]
    job.run(ws)
    assert "job" in plugin.seen and job.plugin == "greeter"


def test_hook_register_commands(tmp_path):
    pm = get_plugin_manager(load_entrypoints=False, extra=[("greeter", Plugin())])
    group = click.Group()
    pm.hook.register_commands(cli=group)
    result = CliRunner().invoke(group, ["greet"])
    assert result.output.strip() == "hello from plugin"


def test_hook_register_screens(tmp_path):
    pm = get_plugin_manager(load_entrypoints=False, extra=[("greeter", Plugin())])
    screens, _ = gather_ui(pm)
    assert screens["greeter"].target == "tests.test_hooks:NoScreen" and screens["greeter"].plugin == "greeter"


def test_hook_register_panels(tmp_path):
    pm = get_plugin_manager(load_entrypoints=False, extra=[("greeter", Plugin())])
    _, panels = gather_ui(pm)
    assert panels["greeter_panel"].screen == "dashboard"


def test_hook_register_translations(tmp_path):
    ws = open_ws(tmp_path, Plugin())
    assert ws.registry.translations["zh-CN"]["Greetings"] == "问候"


def test_ws_tr_translates_the_template_then_fills_it(tmp_path):
    class Words(Plugin):
        @hookimpl
        def register_translations(self, register):
            register("zh-CN", {"{n} waiting in {group}": "{group} 有 {n} 人等待", "{n} left": "{who} 走了"})

    ws = open_ws(tmp_path, Words())
    assert ws.tr("{n} waiting in {group}", n=3, group="g1") == "3 waiting in g1"
    ws.settings.console.language = "zh-CN"
    assert ws.tr("{n} waiting in {group}", n=3, group="g1") == "g1 有 3 人等待"
    assert ws.tr("{n} left", n=2) == "2 left"  # a translation with other fields: the English, filled
    assert ws.tr("not in any catalogue") == "not in any catalogue"


def test_hook_process_events(tmp_path):
    plugin = Plugin()
    ws = open_ws(tmp_path, plugin)
    res = Engine(ws).ingest([msg(1), msg(2, "bye")])
    assert {"m1", "m2"} <= set(plugin.seen)
    assert res.proposals == 1
    row = ws.store.one("SELECT kind, requested_by, status FROM actions")
    assert row == {"kind": "send", "requested_by": "plugin:greeter", "status": "pending"}


def test_process_events_gets_the_batch_split_by_kind_without_duplicates(tmp_path):
    """Plugins get an EventBatch: a list in arrival order that keeps the engine's split
    (messages in arrival order, the rest in time order), so a plugin after joins does not
    walk the messages; others_of/messages_of give the same split of a plain list."""
    from console.model import EventBatch, messages_of, others_of

    got = []

    class Keeper(Plugin):  # its connector, with a process_events that keeps what it gets
        @hookimpl
        def process_events(self, events, ws):
            got.append(events)
            return None

    ws = open_ws(tmp_path, Keeper())
    join = Event("echo1", "j1", Kind.JOIN, 1_700_000_009, group="g1", user="u9")
    leave = Event("echo1", "l1", Kind.LEAVE, 1_700_000_005, group="g1", user="u8")
    Engine(ws).ingest([msg(1)])
    batch = [msg(1), join, msg(2, "bye"), leave]  # m1 is a replay
    Engine(ws).ingest(batch)
    events = got[-1]
    assert isinstance(events, EventBatch) and [e.id for e in events] == ["j1", "m2", "l1"]
    assert [e.id for e in events.messages] == ["m2"] and [e.id for e in events.others] == ["l1", "j1"]
    assert others_of(events) is events.others and messages_of(events) is events.messages
    plain = [msg(3), join, leave]
    assert [e.id for e in others_of(plain)] == ["l1", "j1"] and [e.id for e in messages_of(plain)] == ["m3"]


def test_hook_decide_join_request(tmp_path):
    ws = open_ws(tmp_path, Plugin())
    ev = [Event("echo1", "r1", Kind.JOIN_REQUEST, 1_700_000_000, group="g1", user="u7",
                data={"flag": "F1", "comment": "code42 please"}),
          Event("echo1", "r2", Kind.JOIN_REQUEST, 1_700_000_001, group="g1", user="u8",
                data={"flag": "F2", "comment": "let me in"})]
    Engine(ws).ingest(ev)
    rows = {r["platform_request_id"]: r for r in ws.store.query("SELECT * FROM join_requests")}
    assert rows["F1"]["status"] == "approving" and rows["F1"]["rule"] == "code"  # until the platform answers
    assert rows["F2"]["status"] == "pending"  # nobody decided: waits for a person
    act = ws.store.one("SELECT kind, params FROM actions")
    assert act["kind"] == "approve_join" and '"F1"' in act["params"]


def test_hook_action_done(tmp_path):
    plugin = Plugin()
    ws = open_ws(tmp_path, plugin)
    Engine(ws).ingest([msg(1)])
    conn = EchoConnector("echo1", {})
    asyncio.run(Executor(ws, {"echo1": conn}, pacing=False).drain())
    assert plugin.results == [("send", "done")]
    assert conn.done[0].group == "g1"


def test_hook_fetch_orders(tmp_path):
    ws = open_ws(tmp_path, Plugin())
    answers = ws.call("fetch_orders", since=100, ws=ws)
    assert answers == [("greeter", [{"order_id": "o1", "amount": 10.0, "ordered_at": 101, "person_id": 1}])]


def test_hook_workspace_opened(tmp_path):
    plugin = Plugin()
    open_ws(tmp_path, plugin)
    assert "opened" in plugin.seen


def test_raising_plugin_is_reported_and_engine_keeps_going(tmp_path):
    class Broken:
        @hookimpl
        def process_events(self, events, ws):
            ws.store.execute("INSERT INTO tags(person_id, tag) VALUES (1, 'half-written')")
            raise RuntimeError("boom")

    plugin = Plugin()
    (tmp_path / "config.toml").write_text(CONFIG)
    pm = get_plugin_manager(load_entrypoints=False, extra=[("greeter", plugin), ("broken", Broken())])
    ws = Workspace.open(tmp_path / "config.toml", pm=pm)
    res = Engine(ws).ingest([msg(1)])
    assert res.stored == 1 and res.proposals == 1  # the good plugin still ran
    assert ws.store.scalar("SELECT count(*) FROM tags") == 0  # the broken one's write was rolled back
    err = ws.store.one("SELECT actor, action, detail FROM audit_log WHERE action = 'plugin_error'")
    assert err["actor"] == "plugin:broken" and "boom" in err["detail"]
    assert any(p.plugin == "broken" for p in pm.problems)


def test_disabled_plugin_is_blocked(tmp_path):
    pm = get_plugin_manager(["moderation", "nosuchplugin"])
    assert "moderation" not in pm.plugin_names()
    assert "nosuchplugin" in pm.unknown_disabled


def test_trace_env_prints_hook_calls(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SHEQUN_TRACE_HOOKS", "1")
    pm = get_plugin_manager(load_entrypoints=False, extra=[("greeter", Plugin())])
    pm.hook.register_commands(cli=click.Group())
    assert "[hook] register_commands" in capsys.readouterr().err
