'''The files every plugin kind gets from ``shequn plugin new`` (console/scaffold.py).

``__NAME__`` is the plugin's name, ``__Title__`` its CamelCase, ``__KIND__`` the kind. The
generated code imports only shequn's public API. What differs by kind is ``counting.py``
(which events the plugin counts, and its connector if any) and the kind's own tests.
'''

FILES: dict[str, str] = {}

FILES["pyproject.toml"] = '''
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "shequn-__NAME__"
version = "0.1.0"
description = "A shequn __KIND__ plugin: __NAME__"
requires-python = ">=3.11"
dependencies = ["shequn"]

[project.optional-dependencies]
test = ["pytest>=8", "pytest-asyncio>=0.23"]

# shequn finds the plugin through this entry point (`shequn plugins` lists it)
[project.entry-points.shequn]
__NAME__ = "shequn___NAME__"

[tool.setuptools]
packages = ["shequn___NAME__"]

[tool.pytest.ini_options]
# no asyncio_mode: shequn's pytest plugin runs the conformance kit under strict mode as is
testpaths = ["tests"]
'''

FILES["README.md"] = '''
# shequn-__NAME__

A shequn __KIND__ plugin, written by `shequn plugin new __NAME__ --kind __KIND__`.

    pip install -e '.[test]'
    pytest                          # its tests, the conformance kit's too for a connector
    shequn plugins                  # lists __NAME__ with the hooks it implements
    shequn config get __NAME__      # its settings, with their docstrings
    shequn __NAME__ show --json     # its verb
    shequn kpi                      # its KPI, "__NAME__ per day"

The plugin imports only shequn's public API (`shequn`, `shequn.cli`, `shequn.testing`,
`shequn.tui`): `shequn docs plugins` prints the contract, `shequn docs conformance` the kit.
'''

FILES["shequn___NAME__/__init__.py"] = '''
"""__NAME__: a shequn __KIND__ plugin. Each hook below is one part of the contract
(`shequn docs plugins`); counting.py holds what is particular to this plugin."""

from shequn import KpiSpec, ScreenSpec, hookimpl, load_section

from . import counting, store
from .settings import SECTION, Settings
from .translations import ZH_CN

__version__ = "0.1.0"


@hookimpl
def register_settings(register):
    register(SECTION, Settings)


@hookimpl
def register_migrations(register):
    register("m001_daily", store.m001_daily)  # recorded as __NAME__.m001_daily; append new ones, never edit


@hookimpl
def register_connectors(register):
    for cls in counting.CONNECTORS:
        register(cls)


@hookimpl
def process_events(events, ws):
    settings = load_section(Settings, ws.settings, SECTION)
    counted = counting.counted(events, ws, settings)
    store.add(ws, counted, settings.daily_cap)
    return counting.proposals(counted, ws, settings)


@hookimpl
def register_kpis(register):
    register(KpiSpec("__NAME___per_day", "__NAME__ per day", "activation", "count",
                     "events counted by __NAME__ / days in the window", store.per_day))


@hookimpl
def register_commands(cli):
    from .cli import attach

    attach(cli)


@hookimpl
def register_screens(register):
    # the target is a module path the console alone imports (Textual stays out of the engine)
    # "__KEY__" was free when the package was written; change it if another plugin takes it
    register(ScreenSpec("__NAME__", "__Title__", "__KEY__", f"{__name__}.screens:__Title__Screen", 200))


@hookimpl
def register_translations(register):
    register("zh-CN", ZH_CN)
'''

FILES["shequn___NAME__/settings.py"] = '''
"""The [__NAME__] section of config.toml. A docstring under each field is what
`shequn config get __NAME__.FIELD` shows; checks beyond the type go in __post_init__."""

from dataclasses import dataclass

from shequn import ConfigError

SECTION = "__NAME__"


@dataclass
class Settings:
    keyword: str = "签到"
    """A message containing this word counts (workflow), or every message does when empty."""
    reply: str = ""
    """Sent once a day to a person the first time they are counted; empty: no reply."""
    daily_cap: int = 1
    """How many of one person's messages count per group and day (1 to 50)."""

    def __post_init__(self):
        if not 1 <= self.daily_cap <= 50:  # the host adds the file's name to the message
            raise ConfigError(None, f"{SECTION}.daily_cap", f"is {self.daily_cap}", "1 to 50 messages")
'''

FILES["shequn___NAME__/store.py"] = '''
"""__NAME__'s table (document it in docs/schema/__NAME__.md of your project) and its reads."""

from datetime import date

from shequn import run_script


def m001_daily(store):
    run_script(store, """
        CREATE TABLE __NAME___daily (
            group_id INTEGER NOT NULL REFERENCES groups(id),
            person_id INTEGER NOT NULL REFERENCES people(id),
            day TEXT NOT NULL,
            n INTEGER NOT NULL,
            PRIMARY KEY (group_id, person_id, day)
        );
    """)


def add(ws, events, cap: int) -> None:
    """Count ``events``, at most ``cap`` per person, group and day (inside the ingest
    transaction: one statement for the whole batch, never one per event)."""
    rows = [(e.group_id, e.person_id, ws.day(e.ts), cap) for e in events if e.group_id and e.person_id]
    if rows:
        with ws.store.write() as c:
            c.executemany("INSERT INTO __NAME___daily(group_id, person_id, day, n) VALUES (?,?,?,1)"
                          " ON CONFLICT(group_id, person_id, day) DO UPDATE SET n = min(n + 1, ?4)", rows)


def daily(ws, since: str = "", until: str = "") -> list:
    """Per group and day: how many were counted and from how many people (newest first)."""
    return ws.store.query(
        "SELECT d.group_id, coalesce(g.name, '') AS group_name, d.day, sum(d.n) AS counted,"
        " count(*) AS people FROM __NAME___daily d LEFT JOIN groups g ON g.id = d.group_id"
        " WHERE d.day >= ? AND (? = '' OR d.day <= ?) GROUP BY d.group_id, d.day"
        " ORDER BY d.day DESC, d.group_id", (since, until, until))


def per_day(ws, scope="all", since="", until=""):
    """The KPI: counted per day over the window (all groups; None when nothing was counted)."""
    rows = daily(ws, since, until)
    if not rows:
        return None
    days = (date.fromisoformat(until) - date.fromisoformat(since)).days + 1 if since and until else 1
    return round(sum(r["counted"] for r in rows) / max(days, 1), 2)
'''

FILES["shequn___NAME__/cli.py"] = '''
"""`shequn __NAME__ show [--json]`: the verb this plugin adds."""

import click

from shequn.cli import emit, json_option, workspace

from .store import daily


def attach(cli: click.Group) -> None:
    @cli.group("__NAME__")
    def group() -> None:
        """__NAME__: what it counted."""

    @group.command("show")
    @click.option("--since", default="", help="First day (YYYY-MM-DD).")
    @json_option
    def show(since: str, as_json: bool) -> None:
        """Per group and day: messages counted and people."""
        with workspace(read_only=True) as ws:
            emit(daily(ws, since), ["group_id", "group_name", "day", "counted", "people"], as_json=as_json)
'''

FILES["shequn___NAME__/screens.py"] = '''
"""The __Title__ screen: only the console imports this module (it imports Textual)."""

from shequn.tui import Column, ListSource, ShequnScreen, VirtualTable


class __Title__Screen(ShequnScreen):
    MODE = "__NAME__"
    TITLE_EN = "__Title__"
    HELP = "What __NAME__ counted, per group and day; enter opens the group."

    def body(self):
        yield VirtualTable([Column("group_name", "group"), Column("day", "day", 10),
                            Column("counted", "counted", 8, "right"), Column("people", "people", 7, "right")],
                           key="group_id", id="daily", empty="Nothing counted yet")

    def refresh_data(self) -> None:
        from .store import daily

        self.load(daily, self.ws, then=self._show)

    def _show(self, rows) -> None:
        self.query_one("#daily", VirtualTable).set_source(ListSource(rows), keep_cursor=True)

    def open_row(self, table, row) -> None:
        self.app.open_group(row["group_id"])
'''

FILES["shequn___NAME__/translations.py"] = '''
"""zh-CN for every string this plugin shows (keys are the English text)."""

ZH_CN = {
    "__Title__": "__Title__",
    "__NAME__ per day": "__NAME__ 每日",
    "What __NAME__ counted, per group and day; enter opens the group.": "__NAME__ 按群按天的计数；回车打开该群。",
    "counted": "计数",
    "people": "人数",
    "Nothing counted yet": "暂无计数",
}
'''

FILES["tests/test_plugin.py"] = """
\"\"\"__NAME__ through shequn, as a user meets it: counted once per cap, one reply a day, its
settings refused out of range, its verb, its KPI and its listing in `shequn plugins`.
The workspace (tests/conftest.py) has every installed plugin, this one included.\"\"\"

import json
import subprocess
import sys

import pytest

from shequn import ConfigError, Event, Kind
from shequn.testing import ingest

from shequn___NAME__.settings import Settings
from shequn___NAME__.translations import ZH_CN

T0 = 1_767_225_600  # 2026-01-01 00:00 UTC


def msg(i, user, text, group="g1"):
    return Event("t1", f"m{i}", Kind.MESSAGE, T0 + 3600 + i, group=group, user=user, text=text)


def shequn(ws, *args):
    out = subprocess.run([sys.executable, "-m", "shequn", "--config", str(ws.settings.path), *args],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_counts_within_the_cap_and_replies_once_a_day(ws):
    ingest(ws, [msg(1, "u1", "签到"), msg(2, "u1", "签到 again"), msg(3, "u2", "hello"), msg(4, "u2", "我来签到"),
                msg(5, "u3", "签到", group="g2")])
    rows = ws.store.query("SELECT g.platform_group_id AS g, d.n FROM __NAME___daily d JOIN groups g ON g.id = d.group_id"
                          " ORDER BY d.group_id, d.person_id")
    assert [(r["g"], r["n"]) for r in rows] == [("g1", 1), ("g1", 1), ("g2", 1)]  # u1's second: past daily_cap 1
    replies = ws.store.query("SELECT params FROM actions WHERE kind = 'send'")
    assert [json.loads(r["params"])["text"] for r in replies] == ["收到"] * 3  # once per person and day
    ingest(ws, [msg(6, "u1", "签到")])  # the same day again: no second reply
    assert ws.store.scalar("SELECT count(*) FROM actions WHERE kind = 'send'") == 3


def test_a_bad_setting_is_refused_naming_the_key():
    with pytest.raises(ConfigError, match="__NAME__.daily_cap"):
        Settings(daily_cap=0)
    assert Settings(daily_cap=50).daily_cap == 50


def test_the_verb_the_kpi_the_settings_and_the_listing(ws):
    ingest(ws, [msg(1, "u1", "签到"), msg(2, "u2", "签到")])
    ws.close()  # the verbs open the file themselves
    rows = json.loads(shequn(ws, "__NAME__", "show", "--json"))
    assert [(r["group_name"], r["counted"], r["people"]) for r in rows] == [("g1", 2, 2)]
    assert "__NAME___per_day" in shequn(ws, "kpi", "--json", "--since", "2026-01-01", "--until", "2026-01-02")
    got = shequn(ws, "config", "get", "__NAME__.daily_cap")
    assert "1 to 50" in got  # the docstring under the field
    plugins = {p["name"]: p for p in json.loads(shequn(ws, "plugins", "--json"))}
    assert plugins["__NAME__"]["status"] == "loaded"
    assert "process_events" in plugins["__NAME__"]["hooks"]


def test_the_screen_and_its_words():
    from shequn.tui import ShequnScreen
    from shequn___NAME__.screens import __Title__Screen

    assert issubclass(__Title__Screen, ShequnScreen)
    assert all(ZH_CN.values()) and "__NAME__ per day" in ZH_CN
"""
