"""Who owns a group as a person: an overflow sibling the operation's own account created
(the bot is its platform owner) belongs to its family's first group's owner, for the
tasks it makes and the owner's queue; the bot itself is nobody's assignee."""

from __future__ import annotations

from console.owners import owner_name, owner_names, ownerless_siblings
from console.queues import owner_scope

NOW = 1_800_000_000


def _world(ws):
    with ws.store.write() as c:
        c.execute("INSERT OR REPLACE INTO connections(id, platform, account) VALUES ('sandbox', 'sandbox', 'sb-bot')")
        c.executemany("INSERT INTO people(id, display_name, created_at) VALUES (?, ?, 1)",
                      [(1, "群助手"), (2, "追风少年"), (3, "曹磊")])
        c.executemany("INSERT INTO identities(person_id, platform, platform_user_id) VALUES (?, 'sandbox', ?)",
                      [(1, "sb-bot"), (2, "sb-u2"), (3, "sb-u3")])
        # family F: 10 (owned by 追风少年), 11 and 12 (siblings the bot made); 13 (曹磊's own, family F
        # too, made later); 20: a group the bot owns outside any family
        c.executemany("INSERT INTO groups(id, connection_id, platform, platform_group_id, name, family)"
                      " VALUES (?, 'sandbox', 'sandbox', ?, ?, ?)",
                      [(10, "g10", "训练营", "F"), (11, "g11", "训练营 2", "F"), (12, "g12", "训练营 3", "F"),
                       (13, "g13", "训练营 4", "F"), (20, "g20", "散群", None)])
        c.executemany("INSERT INTO roles(person_id, group_id, role, source) VALUES (?, ?, 'owner', 'platform')",
                      [(2, 10), (1, 11), (1, 12), (3, 13), (1, 20)])


def test_a_sibling_the_bot_owns_is_its_familys_first_owners(ws):
    _world(ws)
    assert [owner_name(ws.store, g) for g in (10, 11, 12, 13, 20)] == ["追风少年", "追风少年", "追风少年", "曹磊", ""]
    assert ws.owner_of(11) == "追风少年" and ws.owner_of(None) == ""
    task = ws.add_task("duplicate_in_family", "x", group_id=12, source="test")
    assert ws.store.scalar("SELECT assignee FROM tasks WHERE id = ?", (task,)) == "追风少年"


def test_the_owners_queue_takes_in_the_siblings_nobody_owns(ws):
    _world(ws)
    assert ownerless_siblings(ws.store, [10]) == [11, 12]
    assert ownerless_siblings(ws.store, [13]) == [11, 12]  # also 曹磊's: their family's siblings
    assert ownerless_siblings(ws.store, []) == []
    assert owner_scope(ws, "追风少年") == [10, 11, 12]
    assert owner_scope(ws, "曹磊") == [11, 12, 13]


def test_the_groups_table_names_the_person_who_owns_each_group(ws):
    from console.tui.queries import groups

    _world(ws)
    assert owner_names(ws.store) == {10: "追风少年", 11: "追风少年", 12: "追风少年", 13: "曹磊", 20: ""}
    shown = {g["id"]: g["owner"] for g in groups(ws)}
    assert shown == {10: "追风少年", 11: "追风少年", 12: "追风少年", 13: "曹磊", 20: "群助手"}  # 20: nobody but the bot
