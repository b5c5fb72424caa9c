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


def test_the_operations_own_account_is_an_insider_from_every_path(ws):
    """The bot's welcomes, warnings and posts are not a member's messages: its person is an
    insider (excluded from the KPIs) whether the account is recorded after the bot was listed
    (record_account), the bot is first seen in an event after (the engine), or a sync lists it
    for the first time; and a roles recompute keeps it so, though it holds no role."""
    from console.engine import Engine
    from console.model import Event, Kind
    from console.owners import record_account
    from plugins.roles.assign import recompute_insiders

    def insider(user):
        return ws.store.scalar("SELECT p.is_insider FROM people p JOIN identities i ON i.person_id = p.id"
                               " WHERE i.platform_user_id = ?", (user,))

    with ws.store.write() as c:
        c.execute("INSERT OR REPLACE INTO connections(id, platform) VALUES ('sandbox', 'sandbox')")
        c.executemany("INSERT INTO people(id, display_name, created_at) VALUES (?, ?, 1)", [(1, "群助手"), (2, "阿强")])
        c.executemany("INSERT INTO identities(person_id, platform, platform_user_id) VALUES (?, 'sandbox', ?)",
                      [(1, "sb-bot"), (2, "sb-u2")])
    assert (insider("sb-bot"), insider("sb-u2")) == (0, 0)
    record_account(ws, "sandbox", "sb-bot", online=True)
    assert (insider("sb-bot"), insider("sb-u2")) == (1, 0)
    assert ws.store.scalar("SELECT state FROM connections WHERE id = 'sandbox'") == "online"
    with ws.store.write() as c:
        recompute_insiders(c, [1, 2])
    assert (insider("sb-bot"), insider("sb-u2")) == (1, 0)
    # a second connection whose bot is first seen speaking after its account was recorded
    with ws.store.write() as c:
        c.execute("INSERT INTO connections(id, platform, account) VALUES ('qq1', 'qq', '10001')")
        c.execute("INSERT INTO groups(id, connection_id, platform, platform_group_id, name) VALUES (5, 'qq1', 'qq',"
                  " '777', 'Q')")
    Engine(ws).ingest([Event("qq1", "m1", Kind.MESSAGE, NOW, "777", "10001", nickname="bot", text="欢迎"),
                       Event("qq1", "m2", Kind.MESSAGE, NOW, "777", "20002", nickname="客", text="你好")])
    assert (insider("10001"), insider("20002")) == (1, 0)


async def test_a_sync_listing_the_own_account_first_makes_it_an_insider(ws):
    from console.model import GroupInfo, MemberInfo
    from console.sync import sync_connection
    from tests.test_sync import ListingConnector

    with ws.store.write() as c:
        c.execute("INSERT INTO connections(id, platform, account) VALUES ('lst', 'listing', 'bot-9')")
    conn = ListingConnector("lst", [GroupInfo("100", "A", 2, 500)],
                            {"100": [MemberInfo("bot-9", "群助手", role="admin"), MemberInfo("1", "Ann")]})
    await sync_connection(ws, conn)
    assert dict(ws.store.execute("SELECT i.platform_user_id, p.is_insider FROM people p JOIN identities i"
                                 " ON i.person_id = p.id")) == {"bot-9": 1, "1": 0}
