"""Scripts tested against each other (话术 A/B): a script has versions; groups (a post) or
members (a welcome) are assigned to versions at random from the script's recorded seed.

- A **post** script's versions are library items. Wherever a schedule, a rotation or the
  calendar would post one of them, the planner posts the group's own version instead
  (``swap``), so the schedules need no change and every check of the library applies.
- A **welcome** script's versions are welcome templates (the entry rules' placeholders).
  The entry rules plugin asks its template choosers for each single welcome
  (``plugins.entry_rules.welcome.TEMPLATE_CHOOSERS``); ``choose_welcome`` answers with the
  newcomer's version for groups in the script's scope.

Assignment is a pure function of the seed and the unit (``group:ID`` / ``person:ID``):
``random.Random("SEED:UNIT")`` picks among all versions in label order; when the pick is
retired the same generator picks again among the live ones. So anyone can recompute who got
what, a unit keeps its version while that version lives, and retiring a loser moves only its
units. What each unit received is recorded as an exposure (outcomes: script_results.py).
"""

from __future__ import annotations

import random
import secrets
from typing import Any

from . import rulescope
from .errors import ContentError
from .texts import fields_of

KINDS = ("post", "welcome")
WELCOME_VARS = ("nickname", "group", "rules", "referrer", "theme", "owner")
LABELS = "ABCDE"


def assign(seed: int, unit: str, versions: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The version of ``unit`` (versions in label order, each with ``retired_at``)."""
    if not versions:
        return None
    rng = random.Random(f"{seed}:{unit}")
    first = versions[rng.randrange(len(versions))]
    if first["retired_at"] is None:
        return first
    live = [v for v in versions if v["retired_at"] is None]
    return live[rng.randrange(len(live))] if live else None


def get(ws, name: str) -> dict[str, Any]:
    s = ws.store.one("SELECT * FROM content_scripts WHERE name = ?", (str(name).strip(),))
    if s is None:
        raise ContentError("script: no script named {name!r}", name=name)
    s["versions"] = versions_of(ws, s["id"])
    return s


def versions_of(ws, script_id: int) -> list[dict[str, Any]]:
    return ws.store.query("SELECT v.*, i.title FROM content_script_versions v LEFT JOIN content_items i ON"
                          " i.id = v.item_id WHERE v.script_id = ? ORDER BY v.label", (script_id,))


def create(ws, name: str, kind: str, versions: list[str], *, scope: str = "all", seed: int | None = None) -> int:
    """A script with 2 to 5 versions (post: library item ids; welcome: templates). Refused
    whole, naming the field and the limit, when one cannot work."""
    name = str(name or "").strip()
    if not 1 <= len(name) <= 50:
        raise ContentError("name: {n} characters; expected 1 to 50", n=len(name))
    if ws.store.scalar("SELECT 1 FROM content_scripts WHERE name = ?", (name,)):
        raise ContentError("name: a script named {name!r} exists already", name=name)
    if kind not in KINDS:
        raise ContentError("kind: {value!r} is not one of {choices}", value=kind, choices=", ".join(KINDS))
    if not 2 <= len(versions) <= len(LABELS):
        raise ContentError("versions: {n}; expected 2 to {most} versions to test against each other", n=len(versions),
                           most=len(LABELS))
    if seed is None:
        seed = secrets.randbelow(2 ** 31)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2 ** 31:
        raise ContentError("seed: {value}; expected a whole number from 0 to 2,147,483,647", value=seed)
    rows = _versions(ws, kind, versions)
    sc = rulescope.parse(ws, scope) if kind == "welcome" else "all"
    if kind == "post" and str(scope or "all").strip() != "all":
        raise ContentError("scope: a post script goes wherever its items are posted; leave scope as all")
    now = ws.now()
    with ws.store.write() as c:
        sid = c.execute("INSERT INTO content_scripts(name, kind, scope, seed, created_by, created_at) VALUES"
                        " (?,?,?,?,?,?)", (name, kind, sc, seed, ws.operator, now)).lastrowid
        c.executemany("INSERT INTO content_script_versions(script_id, label, item_id, text) VALUES (?,?,?,?)",
                      [(sid, LABELS[i], item, text) for i, (item, text) in enumerate(rows)])
        ws.audit("content_script_saved", "content_script", sid, {"name": name, "kind": kind, "seed": seed,
                                                                  "versions": len(rows), "scope": sc})
    return sid


def _versions(ws, kind: str, versions: list[str]) -> list[tuple[int | None, str]]:
    out: list[tuple[int | None, str]] = []
    if kind == "post":
        busy = {r[0]: r[1] for r in ws.store.execute(
            "SELECT v.item_id, s.name FROM content_script_versions v JOIN content_scripts s ON s.id = v.script_id"
            " WHERE v.item_id IS NOT NULL AND v.retired_at IS NULL")}
        for i, ref in enumerate(versions):
            ref = str(ref).strip()
            row = ws.store.one("SELECT id, archived FROM content_items WHERE id = ?", (int(ref),)) \
                if ref.isdigit() else None
            if row is None or row["archived"]:
                raise ContentError("version {label}: no library item {ref!r} (an id of an item not archived)",
                                   label=LABELS[i], ref=ref)
            if row["id"] in busy:
                raise ContentError("version {label}: library item {id} is tested in script {script!r} already",
                                   label=LABELS[i], id=row["id"], script=busy[row["id"]])
            out.append((row["id"], ""))
        if len({i for i, _ in out}) != len(out):
            raise ContentError("versions: the same library item twice; each version is its own item")
        return out
    for i, text in enumerate(versions):
        text = str(text or "").strip()
        if not 1 <= len(text) <= 1000:
            raise ContentError("version {label}: {n} characters; expected 1 to 1000", label=LABELS[i], n=len(text))
        fields_of(text, WELCOME_VARS, f"version {LABELS[i]}")
        out.append((None, text))
    if len({t for _, t in out}) != len(out):
        raise ContentError("versions: the same text twice; each version says it differently")
    return out


def retire(ws, name: str, label: str) -> dict[str, Any]:
    """Retire a version (the loser): its units move to the live versions. The last live
    version cannot be retired; when one is left, the script is decided."""
    s = get(ws, name)
    label = str(label).strip().upper()
    v = next((v for v in s["versions"] if v["label"] == label), None)
    if v is None:
        raise ContentError("version: {name!r} has no version {label!r}; it has {labels}", name=s["name"], label=label,
                           labels=", ".join(x["label"] for x in s["versions"]))
    live = [x for x in s["versions"] if x["retired_at"] is None]
    if v["retired_at"] is not None:
        raise ContentError("version: {label} of {name!r} is retired already", label=label, name=s["name"])
    if len(live) == 1:
        raise ContentError("version: {label} is the last version of {name!r} still tested; it cannot be retired",
                           label=label, name=s["name"])
    now = ws.now()
    with ws.store.write() as c:
        c.execute("UPDATE content_script_versions SET retired_at = ?, retired_by = ? WHERE id = ?",
                  (now, ws.operator, v["id"]))
        if len(live) == 2:
            c.execute("UPDATE content_scripts SET status = 'decided', decided_at = ? WHERE id = ?", (now, s["id"]))
        ws.audit("content_script_retired", "content_script", s["id"], {"name": s["name"], "version": label})
    return get(ws, name)


def listing(ws) -> list[dict[str, Any]]:
    rows = ws.store.query("SELECT * FROM content_scripts ORDER BY id")
    for r in rows:
        vs = versions_of(ws, r["id"])
        r["versions"] = " ".join(v["label"] + ("✗" if v["retired_at"] else "") for v in vs)
    return rows


# --- the planner's side: a post script's items ----------------------------------------------------

def swaps(ws) -> dict[int, tuple[int, list[dict[str, Any]]]]:
    """item id -> (seed, versions) for every version item of a post script (read once per plan)."""
    out: dict[int, tuple[int, list[dict[str, Any]]]] = {}
    by_script: dict[int, list[dict[str, Any]]] = {}
    for v in ws.store.query("SELECT v.id, v.label, v.item_id, v.retired_at, s.seed, s.id AS script_id FROM"
                            " content_script_versions v JOIN content_scripts s ON s.id = v.script_id WHERE s.kind ="
                            " 'post' ORDER BY v.script_id, v.label"):
        by_script.setdefault(v["script_id"], []).append(v)
    for vs in by_script.values():
        for v in vs:
            out[v["item_id"]] = (v["seed"], vs)
    return out


def swap(table: dict[int, tuple[int, list[dict[str, Any]]]], item_id: int, group_id: int) -> int:
    """The item the group gets where ``item_id`` would be posted."""
    hit = table.get(item_id)
    if hit is None:
        return item_id
    v = assign(hit[0], f"group:{group_id}", hit[1])
    return v["item_id"] if v else item_id


def record_post(ws, action: dict[str, Any]) -> int | None:
    """A post the platform took: an exposure when its item is a version of a post script."""
    row = ws.store.one("SELECT v.id AS version_id, v.script_id, p.group_id FROM content_posts p JOIN"
                       " content_script_versions v ON v.item_id = p.item_id JOIN content_scripts s ON s.id ="
                       " v.script_id AND s.kind = 'post' WHERE p.action_id = ?", (action["id"],))
    if row is None:
        return None
    audience = ws.store.scalar("SELECT count(*) FROM memberships m JOIN people p ON p.id = m.person_id WHERE"
                               " m.group_id = ? AND m.status = 'member' AND p.is_insider = 0", (row["group_id"],), 0)
    with ws.store.write() as c:
        cur = c.execute("INSERT OR IGNORE INTO content_script_exposures(script_id, version_id, group_id, action_id, at,"
                        " audience, key) VALUES (?,?,?,?,?,?,?)", (row["script_id"], row["version_id"],
                                                                 row["group_id"], action["id"], ws.now(), audience,
                                                                 f"post:{action['id']}"))
    return cur.lastrowid if cur.rowcount else None


# --- the entry rules' side: a welcome's template ---------------------------------------------------

def choose_welcome(ws, *, group: dict[str, Any], person_id: int, template: str, dry_run: bool = False,
                   evidence: str = "", **_: Any) -> str:
    """The newcomer's version of the most specific welcome script of the group (the
    template unchanged when none applies); the exposure is recorded unless a dry run."""
    if ws.pm.get_plugin("content") is None:
        return template
    scripts = ws.store.query("SELECT * FROM content_scripts WHERE kind = 'welcome' ORDER BY id")
    s = rulescope.best(scripts, group)
    if s is None:
        return template
    v = assign(s["seed"], f"person:{person_id}", versions_of(ws, s["id"]))
    if v is None:
        return template
    if not dry_run:
        with ws.store.write() as c:
            c.execute("INSERT OR IGNORE INTO content_script_exposures(script_id, version_id, group_id, person_id, at,"
                      " audience, key) VALUES (?,?,?,?,?,1,?)", (s["id"], v["id"], group["id"], person_id, ws.now(),
                                                                 f"welcome:{group['id']}:{person_id}:{evidence}"))
    return v["text"]


def hook_welcome() -> None:
    """Offer ``choose_welcome`` to the entry rules plugin (once per process)."""
    try:
        from plugins.entry_rules.welcome import TEMPLATE_CHOOSERS
    except ImportError:
        return
    if choose_welcome not in TEMPLATE_CHOOSERS:
        TEMPLATE_CHOOSERS.append(choose_welcome)
