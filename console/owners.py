"""Who owns a group, as a person who can act on it.

A group's platform owner is usually a person (the role the member list reports). An
overflow sibling the operation's own account created (the bot, the WeCom app's member,
the Douyin account) is owned on the platform by that account, which reads no task and
opens no console. Such a group belongs, for the work it makes, to the person who owns its
family's first group (the template it was copied from): tasks are assigned to them, and
their scope in the owner's queue takes the sibling in. A group with neither has no owner
('' : the operator).
"""

from __future__ import annotations

from typing import Any

#: people who are one of the operation's own accounts (a connection's bot / app account)
OWN_ACCOUNTS = ("SELECT i.person_id FROM identities i JOIN connections c ON c.platform = i.platform"
                " AND c.account = i.platform_user_id")
_HUMAN_OWNER = f"r.role = 'owner' AND r.person_id NOT IN ({OWN_ACCOUNTS})"


def mark_own_accounts(conn: Any) -> int:
    """The operation's own accounts (a connection's bot, the WeCom app's member) are insiders:
    not a member whose messages, speaking days, segment or tags the KPIs count (its welcomes,
    warnings and posts were 12% of the 30-day demo's messages), and never staff (the roles
    plugin gives them no role and counts them in no squad). Returns how many were marked."""
    return conn.execute(f"UPDATE people SET is_insider = 1 WHERE is_insider = 0 AND id IN ({OWN_ACCOUNTS})").rowcount


def record_account(ws: Any, connection: str, account: str, *, online: bool | None = None) -> None:
    """The account a connection's platform answers as, and its person an insider
    (``mark_own_accounts``); ``online`` also sets the connection's state as the runtime's
    check does."""
    with ws.store.write() as c:
        c.execute("UPDATE connections SET account = ? WHERE id = ?", (account, connection))
        if online is not None:
            c.execute("UPDATE connections SET state = CASE WHEN ? AND state != 'disabled' THEN 'online'"
                      " ELSE state END WHERE id = ?", (online, connection))
        mark_own_accounts(c)


def owner_name(store: Any, group_id: int) -> str:
    """The display name of the person who owns ``group_id``: its own owner, else its
    family's first group's owner; '' when neither is a person."""
    # the family's groups first, then their roles by roles_group: joined on the OR, SQLite read
    # every role of every group for each call (a welcome batch asks per group: ~1% of operator_day)
    return store.scalar(
        "SELECT p.display_name FROM roles r JOIN people p ON p.id = r.person_id WHERE r.group_id IN"
        " (SELECT s.id FROM groups g JOIN groups s ON s.id = g.id OR (coalesce(g.family, '') != ''"
        f" AND s.family = g.family) WHERE g.id = ?) AND {_HUMAN_OWNER}"
        " ORDER BY r.group_id != ?, r.group_id, r.id LIMIT 1", (group_id, group_id), "") or ""


def ownerless_siblings(store: Any, group_ids: list[int]) -> list[int]:
    """Groups of the same families as ``group_ids`` that no person owns (created by the
    operation's own account): the owner of the family's groups works them too."""
    if not group_ids:
        return []
    marks = ",".join("?" * len(group_ids))
    return [r[0] for r in store.execute(
        f"SELECT s.id FROM groups s WHERE coalesce(s.family, '') != '' AND s.family IN"
        f" (SELECT family FROM groups WHERE id IN ({marks})) AND s.id NOT IN ({marks})"
        f" AND NOT EXISTS (SELECT 1 FROM roles r WHERE r.group_id = s.id AND {_HUMAN_OWNER}) ORDER BY s.id",
        (*group_ids, *group_ids)).fetchall()]


def owner_names(store: Any) -> dict[int, str]:
    """Every group's owners who are people, joined by ", " (a sibling the operation's own
    account created: its family's first group's), for the Groups table: two reads for all."""
    own: dict[int, list[str]] = {}
    for gid, name in store.execute(
            f"SELECT r.group_id, p.display_name FROM roles r JOIN people p ON p.id = r.person_id"
            f" WHERE r.group_id IS NOT NULL AND {_HUMAN_OWNER} ORDER BY r.group_id, r.id"):
        own.setdefault(gid, []).append(name)
    first: dict[str, str] = {}  # family -> its first group's owner who is a person
    rows = store.execute("SELECT id, coalesce(family, '') FROM groups ORDER BY id").fetchall()
    for gid, family in rows:
        if family and gid in own:
            first.setdefault(family, own[gid][0])
    return {gid: ", ".join(own[gid]) if gid in own else first.get(family, "") for gid, family in rows}
