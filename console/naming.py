"""A person first seen without a name is named by the first event that brings one.

Some records name nobody: a QQ join notice carries only the QQ number, a Douyin
application read from the list before its webhook has no nickname, a referral names the
inviter by id. The engine then creates the person under their platform id, and before
this every later event's nickname was ignored for a known identity, so the join queue,
cases and the Members screen kept showing ``ou-8f3a…`` until a member-list sync (which
Douyin never gives). The engine keeps the identities it knows to be unnamed; the first
event of theirs with a nickname names the identity, and the person too while their
display name is still the platform id (a name a person chose, or a linked person's, is
never overwritten). A duplicate event counts: the webhook that repeats the list's
application is dropped as a record but still names its applicant.
"""

from __future__ import annotations

from typing import Any, Iterable


def name_unnamed(conn: Any, unnamed: set[tuple[str, str]], idents: dict[tuple[str, str], tuple[int, int]],
                 platforms: dict[str, str], events: Iterable[Any]) -> None:
    """Name the identities in ``unnamed`` that an event of ``events`` gives a nickname
    (removed from the set once named). Costs a set look-up an event with a nickname."""
    for e in events:
        if e.user is None or not e.nickname:
            continue
        key = (platforms[e.connection], e.user)
        if key not in unnamed or key not in idents:
            continue
        unnamed.discard(key)
        iid, pid = idents[key]
        conn.execute("UPDATE identities SET nickname = ? WHERE id = ? AND coalesce(nickname, '') = ''", (e.nickname, iid))
        conn.execute("UPDATE people SET display_name = ? WHERE id = ? AND display_name = ?", (e.nickname, pid, e.user))
