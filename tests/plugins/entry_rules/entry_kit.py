"""Helpers for the entry_rules tests: feed sandbox events, read decisions."""

from __future__ import annotations

from console.engine import Engine
from console.model import Event, Kind

T0 = 1_750_000_000  # a fixed clock: tests never read the wall clock

_n = [0]


def ev(kind, group, user, ts, **kw) -> Event:
    _n[0] += 1
    return Event("sandbox", f"t{_n[0]}", kind, ts, group=group, user=user, **kw)


def feed(ws, events, at=None):
    at = at if at is not None else max(e.ts for e in events)
    with ws.clock_at(at):
        return Engine(ws).ingest(events)


def join(ws, group, user, ts, **data):
    nickname = data.pop("nickname", user)
    return feed(ws, [ev(Kind.JOIN, group, user, ts, nickname=nickname, data=data)])


def request(ws, group, user, ts, comment="", inviter=None):
    data = {"flag": f"f-{group}-{user}-{ts}", "comment": comment, "sub_type": "add"}
    if inviter:
        data["inviter"] = inviter
    feed(ws, [ev(Kind.JOIN_REQUEST, group, user, ts, nickname=user, data=data)])
    return ws.store.one("SELECT r.* FROM join_requests r JOIN identities i ON i.person_id = r.person_id"
                        " JOIN groups g ON g.id = r.group_id WHERE i.platform_user_id = ? AND g.platform_group_id = ?"
                        " ORDER BY r.id DESC LIMIT 1", (user, group))


def gid(ws, group):
    return ws.store.scalar("SELECT id FROM groups WHERE platform_group_id = ?", (group,))


def pid(ws, user):
    return ws.store.scalar("SELECT person_id FROM identities WHERE platform_user_id = ?", (user,))


def actions(ws, kind=None):
    sql = "SELECT * FROM actions" + (" WHERE kind = ?" if kind else "") + " ORDER BY id"
    return ws.store.query(sql, (kind,) if kind else ())


def welfare(ws, *groups):
    """Make ``groups`` welfare groups (creating them if new), where the seeded defaults hold
    a vague applicant for a person: groups are traffic groups by default, and traffic
    groups are open by default (admission:type:traffic)."""
    for g in groups:
        ws.store.execute("INSERT INTO groups(connection_id, platform, platform_group_id, name, type)"
                         " VALUES ('sandbox', 'sandbox', ?, ?, 'welfare') ON CONFLICT(connection_id, platform_group_id)"
                         " DO UPDATE SET type = 'welfare'", (g, g))


def verbs_in_both_languages(ws, config_path):
    """``run(lang, *args) -> (exit code, output)``: a verb in zh-CN (``"zh"``) or English on
    ``ws`` after a group 好物群 with one member is made (the seeded defaults otherwise)."""
    from click.testing import CliRunner

    from console.cli import build_cli

    join(ws, "g1", "a", T0)
    with ws.store.write() as c:
        c.execute("UPDATE groups SET name = '好物群' WHERE platform_group_id = 'g1'")
    zh = config_path.parent / "zh.toml"
    zh.write_text(config_path.read_text(encoding="utf-8") + '\n[console]\nlanguage = "zh-CN"\n', encoding="utf-8")

    def run(lang, *args):
        res = CliRunner().invoke(build_cli(), ["--config", str(zh if lang == "zh" else config_path), *args],
                                 catch_exceptions=False)
        return res.exit_code, res.output

    return run
