"""Resolving what operators type into people and groups."""

from __future__ import annotations

import pytest

from plugins.roles.lookup import LookupProblem, resolve_group, resolve_groups, resolve_person, select_groups

from roles_helpers import build


def test_people_by_id_platform_id_name_and_nickname(ws):
    w = build(ws, groups=1)
    pid = w["people"]["u2"]
    assert resolve_person(ws, pid)["id"] == pid
    assert resolve_person(ws, str(pid))["id"] == pid
    assert resolve_person(ws, "sandbox:u2")["id"] == pid
    assert resolve_person(ws, "user2")["id"] == pid
    assert resolve_person(ws, "u2")["id"] == pid  # a bare platform id


def test_ambiguous_and_unknown_people_are_refused_with_ids(ws):
    w = build(ws, groups=1)
    with ws.store.write() as c:
        c.execute("UPDATE people SET display_name = '小王' WHERE id IN (?, ?)", (w["people"]["u1"], w["people"]["u2"]))
    with pytest.raises(LookupProblem, match=r"ambiguous: 2 people have that name \(ids \d+, \d+\)"):
        resolve_person(ws, "小王")
    with pytest.raises(LookupProblem, match="unknown person 'ghost'"):
        resolve_person(ws, "ghost")
    with pytest.raises(LookupProblem, match="no person given"):
        resolve_person(ws, "  ")


def test_groups_by_id_name_platform_and_connection_prefix(ws):
    w = build(ws, groups=2)
    g2 = w["groups"]["g2"]
    for text in (g2, str(g2), "Gg2", "sandbox:g2", "g2"):
        assert resolve_group(ws, text)["id"] == g2
    with pytest.raises(LookupProblem, match="unknown group 'nope'"):
        resolve_group(ws, "nope")


def test_resolve_groups_is_all_or_nothing_and_dedupes(ws):
    w = build(ws, groups=2)
    assert [g["id"] for g in resolve_groups(ws, ["Gg2", "g2", "Gg1"])] == [w["groups"]["g2"], w["groups"]["g1"]]
    with pytest.raises(LookupProblem, match="unknown group 'x'.*unknown group 'y'"):
        resolve_groups(ws, ["Gg1", "x", "y"])


def test_select_groups_by_type(ws):
    build(ws, groups=2)
    assert len(select_groups(ws, type="traffic")) == 2
    assert select_groups(ws, type="welfare") == []
    with pytest.raises(LookupProblem, match="unknown group type 'vip'"):
        select_groups(ws, type="vip")
