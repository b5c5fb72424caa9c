"""Where every group and every owner stands against the staffing guidelines, and why.

The guidelines (DOMAIN.md, Roles; thresholds in ``[roles]``): a full-time owner runs
5-10 groups; a group has 1-3 admins and 2-3 cheer squad; a new group holds about 10
insiders. Rows carry ``status`` for colour and ``reasons`` in words (translated) plus
``reason_codes`` for code, so the console and the CLI say the same thing.

Reads only: a few grouped queries over ``roles``, ``memberships`` and ``speaker_days``
(the per-day speaker rollup), never the message log.
"""

from __future__ import annotations

from typing import Any

from shequn import ConfigError, load_section

from .settings import RolesSettings
from .words import say

ACTIVE = "('active', 'closing')"


def settings(ws) -> RolesSettings:
    try:
        return load_section(RolesSettings, ws.settings, "roles")
    except ConfigError as e:  # raised from __post_init__ without the file: say where
        if e.file == "config" and ws.settings.path:
            raise ConfigError(ws.settings.where(), e.key, e.problem, e.expected) from None
        raise


def _reason(ws, code: str, **values: Any) -> tuple[str, str]:
    return code, say(ws, code, **values)


def staffing(ws, group_ids: list[int] | None = None, *, include_closed: bool = False) -> list[dict[str, Any]]:
    """One row per group: owner, admins, cheer, kols, insiders, members, new, status, reasons.

    status: ``understaffed`` (no owner, too few admins or cheer squad, or a new group short
    of insiders), ``overstaffed`` (too many admins or cheer squad), else ``ok``."""
    cfg = settings(ws)
    now = ws.now()
    where = [] if include_closed else [f"g.status IN {ACTIVE}"]
    args: list[Any] = []
    if group_ids is not None:
        if not group_ids:
            return []
        where.append(f"g.id IN ({','.join('?' * len(group_ids))})")
        args += list(group_ids)
    groups = ws.store.query(
        "SELECT g.id, g.name, g.type, g.platform, g.member_count, g.created_at, g.status, g.family FROM groups g" +
        (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY g.id", args)
    counts: dict[tuple[int, str], int] = {}
    owners: dict[int, list[str]] = {}
    for r in ws.store.query("SELECT r.group_id, r.role, count(*) AS n, group_concat(p.display_name, ', ') AS names"
                            " FROM roles r JOIN people p ON p.id = r.person_id WHERE r.group_id IS NOT NULL"
                            " GROUP BY r.group_id, r.role"):
        counts[(r["group_id"], r["role"])] = r["n"]
        if r["role"] == "owner":
            owners[r["group_id"]] = [r["names"]]
    insiders = {r["group_id"]: r["n"] for r in ws.store.query(
        # insiders are few: start from them and use memberships' person index (CROSS JOIN fixes
        # the order) instead of scanning every membership (0.5 s -> ms at 200k memberships)
        # the operation's own account (the bot) is an insider but no one's squad: not counted
        "SELECT m.group_id, count(*) AS n FROM people p CROSS JOIN memberships m ON m.person_id = p.id"
        " WHERE m.status = 'member' AND p.is_insider = 1 AND p.id NOT IN (SELECT i.person_id FROM identities i"
        " JOIN connections c ON c.platform = i.platform AND c.account = i.platform_user_id)"
        " GROUP BY m.group_id")}
    # a group nobody holds the owner role of in a family (an overflow sibling the bot made: the
    # bot is its platform owner and gets no role) is its family's first owner's, as the host
    # assigns its tasks (console/owners.py); before, each such sibling read "no owner"
    family_owner: dict[str, list[str]] = {}
    for r in ws.store.query("SELECT g.id, g.family FROM groups g WHERE coalesce(g.family, '') != '' ORDER BY g.id"):
        if r["id"] in owners:
            family_owner.setdefault(r["family"], owners[r["id"]])
    rows = []
    for g in groups:
        gid = g["id"]
        admins, cheer, kols = (counts.get((gid, k), 0) for k in ("admin", "cheer", "kol"))
        if gid not in owners and g["family"] and g["family"] in family_owner:
            owners[gid] = family_owner[g["family"]]
        n_owners = counts.get((gid, "owner"), 0) or len(owners.get(gid, []))
        ins = insiders.get(gid, 0)
        age_days = (now - g["created_at"]) // 86400 if g["created_at"] else None
        is_new = age_days is not None and age_days < cfg.new_group_days
        low, high = [], []
        if n_owners == 0:
            low.append(_reason(ws, "no_owner"))
        if admins < cfg.admins_min:
            low.append(_reason(ws, "admins_low", n=admins, min=cfg.admins_min, max=cfg.admins_max))
        elif admins > cfg.admins_max:
            high.append(_reason(ws, "admins_high", n=admins, min=cfg.admins_min, max=cfg.admins_max))
        if cheer < cfg.cheer_min:
            low.append(_reason(ws, "cheer_low", n=cheer, min=cfg.cheer_min, max=cfg.cheer_max))
        elif cheer > cfg.cheer_max:
            high.append(_reason(ws, "cheer_high", n=cheer, min=cfg.cheer_min, max=cfg.cheer_max))
        if is_new and ins < cfg.new_group_insiders:
            low.append(_reason(ws, "new_insiders_low", days=age_days, n=ins, want=cfg.new_group_insiders))
        status = "understaffed" if low else "overstaffed" if high else "ok"
        reasons = low + high
        rows.append({
            "group_id": gid, "group": g["name"], "type": g["type"], "platform": g["platform"],
            "members": g["member_count"], "owner": ", ".join(owners.get(gid, [])), "admins": admins,
            "cheer": cheer, "kols": kols, "insiders": ins, "new": is_new, "age_days": age_days,
            "status": status, "reasons": [t for _, t in reasons], "reason_codes": [c for c, _ in reasons],
        })
    return rows


def owner_load(ws) -> list[dict[str, Any]]:
    """One row per person holding an owner role: groups (active ones), names, status, reasons.

    status: ``overloaded`` above ``owner_groups_max``, ``light`` below ``owner_groups_min``,
    else ``ok``. Most loaded first."""
    cfg = settings(ws)
    rows = ws.store.query(
        "SELECT r.person_id, p.display_name AS person, count(*) AS groups,"
        " group_concat(coalesce(nullif(g.name, ''), g.id), ', ') AS group_names"
        f" FROM roles r JOIN people p ON p.id = r.person_id JOIN groups g ON g.id = r.group_id"
        f" WHERE r.role = 'owner' AND g.status IN {ACTIVE} GROUP BY r.person_id ORDER BY groups DESC, p.display_name")
    for r in rows:
        n = r["groups"]
        if n > cfg.owner_groups_max:
            code, status = "owner_heavy", "overloaded"
        elif n < cfg.owner_groups_min:
            code, status = "owner_light", "light"
        else:
            code, status = None, "ok"
        r["status"] = status
        r["reason_codes"] = [code] if code else []
        r["reasons"] = [say(ws, code, n=n, min=cfg.owner_groups_min, max=cfg.owner_groups_max)] if code else []
    return rows


def coverage(ws, day: str | None = None, *, only_missing: bool = True) -> list[dict[str, Any]]:
    """Groups without a cheer-squad message on ``day`` (default: today, operator's zone).

    Read from ``speaker_days`` joined with the cheer roles. A group with no cheer squad
    at all is listed too (reason ``no_cheer``). With ``only_missing=False`` every active
    group is returned with ``covered`` true/false."""
    day = day or ws.day(ws.now())
    rows = ws.store.query(
        "SELECT g.id AS group_id, g.name AS \"group\","
        " (SELECT count(*) FROM roles r WHERE r.group_id = g.id AND r.role = 'cheer') AS cheer,"
        " (SELECT count(*) FROM speaker_days s JOIN roles r ON r.person_id = s.person_id AND r.group_id = s.group_id"
        "   AND r.role = 'cheer' WHERE s.group_id = g.id AND s.day = ?) AS cheer_speakers,"
        " (SELECT coalesce(sum(s.messages), 0) FROM speaker_days s JOIN roles r ON r.person_id = s.person_id"
        "   AND r.group_id = s.group_id AND r.role = 'cheer' WHERE s.group_id = g.id AND s.day = ?) AS cheer_messages"
        f" FROM groups g WHERE g.status IN {ACTIVE} ORDER BY g.id", (day, day))
    out = []
    for r in rows:
        r["day"] = day
        r["covered"] = r["cheer_messages"] > 0
        if r["covered"]:
            r["reason_codes"], r["reasons"] = [], []
            if only_missing:
                continue
        elif r["cheer"] == 0:
            r["reason_codes"], r["reasons"] = ["no_cheer"], [say(ws, "no_cheer")]
        else:
            r["reason_codes"], r["reasons"] = ["cheer_silent"], [say(ws, "cheer_silent", day=day)]
        out.append(r)
    return out


def overview(ws, day: str | None = None) -> dict[str, int]:
    """Counts for a dashboard line: groups by staffing status, owners by load, groups uncovered today."""
    staff = staffing(ws)
    load = owner_load(ws)
    return {
        "groups": len(staff),
        "understaffed": sum(r["status"] == "understaffed" for r in staff),
        "overstaffed": sum(r["status"] == "overstaffed" for r in staff),
        "owners": len(load),
        "owners_overloaded": sum(r["status"] == "overloaded" for r in load),
        "owners_light": sum(r["status"] == "light" for r in load),
        "uncovered_today": len(coverage(ws, day)),
        "leads": ws.store.scalar("SELECT count(*) FROM roles WHERE role = 'lead'", (), 0),
    }


#: groups named in a family's understaffed alert before "and N more"
FAMILY_ROWS_SHOWN = 5


def check_guidelines(ws) -> dict[str, int]:
    """The scheduled check: an alert per understaffed group and per overloaded owner, with
    the reasons as ``why``; alerts whose cause is gone are resolved. Groups of one family
    short in the same ways share one alert (one cause: the family's squad, whose roles follow
    people into every sibling), so resolving it holds for the next sibling that opens alike. Owners and admins the
    platform listed at the last member sync are taken in first. Returns counts.

    One transaction: each alert raised or resolved (83 a run in benchmarks/operator_day.py)
    and each role taken in is a savepoint of it, not a commit of its own; a failure leaves
    nothing half-checked."""
    with ws.store.write():
        return _check_guidelines(ws)


def _check_guidelines(ws) -> dict[str, int]:
    from .platform import reconcile

    reconciled = reconcile(ws)
    open_keys = ws.alert_keys("roles:")  # open, or resolved by a person while the cause holds
    keep: set[str] = set()
    raised = {"understaffed": 0, "overloaded": 0, "resolved": 0, "reconciled": reconciled}
    family = dict(ws.store.execute("SELECT id, family FROM groups WHERE family != ''"))
    alike: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in staffing(ws):
        if r["status"] != "understaffed":
            continue
        if r["group_id"] in family:  # one cause: the family's squad (its roles follow people into siblings)
            alike.setdefault((family[r["group_id"]], ",".join(sorted(r["reason_codes"]))), []).append(r)
            continue
        key = f"roles:understaffed:{r['group_id']}"
        keep.add(key)
        ws.raise_alert("understaffed_group", say(ws, "group_understaffed", group=r["group"] or r["group_id"]),
                       why=ws.t("; ").join(r["reasons"]), group_id=r["group_id"], dedupe_key=key)
        raised["understaffed"] += 1
    for (fam, codes), rows in alike.items():
        key = f"roles:understaffed:family:{fam}:{codes}"
        keep.add(key)
        if len(rows) == 1:
            message = say(ws, "group_understaffed", group=rows[0]["group"] or rows[0]["group_id"])
        else:
            message = say(ws, "family_understaffed", family=fam, n=len(rows))
        shown = rows[:FAMILY_ROWS_SHOWN]
        sep, colon, comma = ws.t("; "), ws.t(": "), ws.t(", ")  # the operator's punctuation (；：，)
        why = sep.join(f"{r['group'] or r['group_id']}{colon}" + comma.join(r["reasons"]) for r in shown)
        if len(rows) > len(shown):
            why += sep + say(ws, "and_more", n=len(rows) - len(shown))
        ws.raise_alert("understaffed_group", message, why=why, group_id=rows[0]["group_id"] if len(rows) == 1 else None,
                       dedupe_key=key)
        raised["understaffed"] += 1
    for r in owner_load(ws):
        if r["status"] != "overloaded":
            continue
        key = f"roles:overloaded:{r['person_id']}"
        keep.add(key)
        ws.raise_alert("overloaded_owner", say(ws, "owner_overloaded", person=r["person"] or r["person_id"]),
                       why="; ".join(r["reasons"]), dedupe_key=key)
        raised["overloaded"] += 1
    for key in open_keys - keep:
        ws.resolve_alert(key)
        raised["resolved"] += 1
    return raised
