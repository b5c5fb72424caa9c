"""A group's name as a field of the event (issue 22 item 2): ``Event.group_name`` names a
group the engine first sees through that event, and is not kept in the event's stored data
(nor copied into every message's meta). API 1.0's ``data["group_name"]`` still names a new
group, with a DeprecationWarning, because the API promise forbids breaking a 1.0 connector."""

from __future__ import annotations

import json
import warnings

import pytest

from console.deadletters import event_letter, event_of
from console.engine import Engine
from console.model import Event, Kind
from console.pluginmanager import get_plugin_manager
from console.workspace import Workspace
from tests.conftest import make_config

T0 = 1_763_776_800


@pytest.fixture
def ws(tmp_path):
    """The engine alone (no feature plugins)."""
    pm = get_plugin_manager(["roles", "entry_rules", "moderation", "kpi", "qq"])
    w = Workspace.open(make_config(tmp_path), pm=pm)
    yield w
    w.close()


def name_of(ws, group: str) -> str | None:
    return ws.store.scalar("SELECT name FROM groups WHERE platform_group_id = ?", (group,))


def test_a_group_first_seen_with_a_name_gets_it_and_the_events_data_does_not_carry_it(ws):
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)  # the field is no deprecated path
        Engine(ws).ingest([
            Event("sandbox", "j1", Kind.JOIN, T0, group="g1", user="u1", data={"scene": "qr"},
                  group_name="福利群 A"),
            Event("sandbox", "m1", Kind.MESSAGE, T0 + 1, group="g2", user="u1", text="hi", group_name="引流群 2"),
            Event("sandbox", "m2", Kind.MESSAGE, T0 + 2, group="g3", user="u1", text="hi"),
        ])
    assert (name_of(ws, "g1"), name_of(ws, "g2"), name_of(ws, "g3")) == ("福利群 A", "引流群 2", "g3")
    assert json.loads(ws.store.scalar("SELECT data FROM events WHERE platform_event_id = 'j1'")) == {"scene": "qr"}
    assert ws.store.scalar("SELECT meta FROM messages WHERE platform_msg_id = 'm1'") is None


def test_a_known_group_keeps_its_name(ws):
    Engine(ws).ingest([Event("sandbox", "m1", Kind.MESSAGE, T0, group="g1", user="u1", text="a", group_name="旧名")])
    Engine(ws).ingest([Event("sandbox", "m2", Kind.MESSAGE, T0 + 1, group="g1", user="u1", text="b",
                             group_name="新名")])
    assert name_of(ws, "g1") == "旧名"  # a rename is a GROUP event with change: name, not a message's field


def test_a_connector_written_against_1_0_still_names_its_groups_with_a_warning(ws):
    with pytest.warns(DeprecationWarning, match=r"connection sandbox: .*data\['group_name'\] is deprecated"):
        Engine(ws).ingest([Event("sandbox", "j1", Kind.JOIN, T0, group="g1", user="u1",
                                 data={"group_name": "老接口的群"})])
    assert name_of(ws, "g1") == "老接口的群"
    # the field wins over the data key when a connector sets both
    Engine(ws).ingest([Event("sandbox", "j2", Kind.JOIN, T0, group="g2", user="u2", data={"group_name": "旧"},
                             group_name="新")])
    assert name_of(ws, "g2") == "新"


def test_a_dead_letter_keeps_the_name_for_its_replay():
    e = Event("sandbox", "j1", Kind.JOIN, T0, group="g1", user="u1", group_name="福利群 A")
    assert event_of(event_letter(e, ValueError("boom")).raw).group_name == "福利群 A"
    # a letter written before the field existed replays without it
    old = json.dumps({"shequn_event": 1, "connection": "sandbox", "id": "j1", "kind": Kind.JOIN, "ts": T0,
                      "group": "g1", "user": "u1", "data": {}})
    assert event_of(old).group_name is None
