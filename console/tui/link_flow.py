"""Linking one person's accounts from the keyboard (Members and a profile: ``L`` links,
``U`` unlinks, ``z`` undoes), over console/identity.py.

``L``: the suggestions for the person under the cursor (the same phone in orders, the
same nickname in one family), or another person typed by id or ``platform:id``; what is
typed is checked before anything is asked; then a confirmation naming both people and
their accounts; the link is journalled, so ``z`` takes it back. ``U``: one of the
accounts linked to the person, confirmed, journalled the same way.
"""

from __future__ import annotations

from typing import Any

from .. import identity
from .keymap import define

define({
    "members.link": ("L", "link", "Link accounts", True),
    "members.unlink": ("U", "unlink", "Unlink account", True),
})

TYPE_ONE = "\0type"


def _check(ws, a: int, b_ref: Any) -> dict[str, Any]:
    """Both people as the confirmation names them; raises LinkError before anything is asked."""
    b = identity.resolve(ws, b_ref)
    ra, rb = identity.root_of(ws, a), identity.root_of(ws, b)
    if ra == rb:
        raise identity.LinkError("#{a} and #{b} are already one person (#{root})", a=a, b=b, root=ra)

    def who(p: int) -> str:
        name = ws.store.scalar("SELECT display_name FROM people WHERE id = ?", (p,), "")
        return f"#{p} {name} ({identity.accounts(ws, p)})"

    return {"a": ra, "b": rb, "a_text": who(ra), "b_text": who(rb)}


def start_link(screen, person_id: int) -> None:
    """``L``: pick (or type) who ``person_id`` also is, confirm, link, journal for ``z``."""
    if not screen.guard("write", []):
        return
    t = screen.t

    def chosen(pick: Any, reason: str = "") -> None:
        if pick is None:
            return
        if pick == TYPE_ONE:
            from .dialogs import PromptScreen

            screen.app.push_screen(PromptScreen(t("Link #{id} with whom? A person id or an account (platform:id)",
                                                  id=person_id), placeholder="qq:10001"),
                                   lambda text: chosen(text, t("by hand")) if text else None)
            return
        screen.load(_safe_check, screen.ws, person_id, pick, then=lambda d: confirm(d, reason or t("by hand")))

    def confirm(d: dict[str, Any], reason: str) -> None:
        if "error" in d:
            screen.app.notify(d["error"], severity="warning", title=t("Not done"))
            return
        from .dialogs import ConfirmScreen

        question = t("Link {a} and {b} as one person?", a=d["a_text"], b=d["b_text"])
        detail = t("reason: {reason}", reason=reason) + "\n" + t(
            "Their groups, messages and orders stay as they are; KPIs count them as one person. z undoes it.")
        screen.app.push_screen(ConfirmScreen(question, detail, yes=t("Link"), no=t("Cancel")),
                               lambda ok: go(d, reason) if ok else None)

    def go(d: dict[str, Any], reason: str) -> None:
        actor = f"operator:{screen.ws.operator}"

        def journal(op: int) -> None:
            screen.app.record("link {n} accounts", [(f"{d['a_text']} + {d['b_text']}", op)],
                              lambda o: _undo(screen.ws, o, actor))

        screen.do(identity.link, screen.ws, d["a"], d["b"], actor, reason, done=t("Linked: one person"), then=journal)

    def offer(rows: list[dict[str, Any]]) -> None:
        from .pickers import ChoiceScreen

        options: list[tuple[str, Any]] = []
        for r in rows[:20]:
            other = r["b"] if r["a"] == identity_root[0] else r["a"]
            name = r["b_name"] if other == r["b"] else r["a_name"]
            accts = r["b_accounts"] if other == r["b"] else r["a_accounts"]
            why = t("; ").join(t(tpl, **v) for tpl, v in r["evidence"])
            options.append((f"#{other} {name} ({accts}) — {why}", (other, why)))
        options.append((t("Another person: type an id or an account…"), TYPE_ONE))
        title = t("Link #{id} with…", id=person_id) if rows else t("Link #{id} with… (no suggestions)", id=person_id)
        screen.app.push_screen(ChoiceScreen(title, options),
                               lambda pick: chosen(*pick) if isinstance(pick, tuple) else chosen(pick))

    identity_root = [person_id]

    def read(ws, pid):
        identity_root[0] = identity.root_of(ws, pid)
        return identity.suggestions(ws, pid)

    screen.load(read, screen.ws, person_id, then=offer)


def _safe_check(ws, a: int, b_ref: Any) -> dict[str, Any]:
    try:
        return _check(ws, a, b_ref)
    except identity.LinkError as e:
        return {"error": ws.tr(e.template, **e.values)}


def _undo(ws, op: int, actor: str) -> str:
    try:
        identity.undo(ws, op, actor)
    except identity.LinkError as e:
        raise ValueError(ws.tr(e.template, **e.values)) from None
    return ""


def start_unlink(screen, person_id: int) -> None:
    """``U``: pick one of the accounts linked to the person, confirm, unlink, journal for ``z``."""
    if not screen.guard("write", []):
        return
    t = screen.t

    def offer(rows: list[dict[str, Any]]) -> None:
        if not rows:
            screen.app.notify(t("#{id} has no linked accounts", id=person_id), severity="warning")
            return
        from .pickers import ChoiceScreen

        options = [(f"#{r['person_id']} {r['display_name']} — {r['reason']} ({r['actor']})", r["person_id"])
                   for r in rows]
        screen.app.push_screen(ChoiceScreen(t("Unlink which account from #{id}?", id=person_id), options), confirm)

    def confirm(pid: int | None) -> None:
        if pid is None:
            return
        from .dialogs import ConfirmScreen

        screen.app.push_screen(ConfirmScreen(t("Unlink #{id}: a person of their own again?", id=pid),
                                             t("z undoes it."), yes=t("Unlink"), no=t("Cancel")),
                               lambda ok: go(pid) if ok else None)

    def go(pid: int) -> None:
        actor = f"operator:{screen.ws.operator}"

        def journal(op: int) -> None:
            screen.app.record("unlink {n} accounts", [(f"#{pid}", op)], lambda o: _undo(screen.ws, o, actor))

        screen.do(identity.unlink, screen.ws, pid, actor, done=t("Unlinked"), then=journal)

    screen.load(identity.links, screen.ws, person_id, then=offer)
