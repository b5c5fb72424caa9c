"""A person's profile: identities across platforms, groups, roles, tags with provenance,
segment with its explanation, orders, cases and the referral tree (two levels up,
their invitees below: a chain deeper than two levels is flagged)."""

from __future__ import annotations

from typing import Any

from rich.markup import escape as esc
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from .. import people_queries as queries
from ...numbers import one_line, percent
from ..base import ShequnScreen
from ..keymap import bindings
from ..link_flow import start_link, start_unlink
from .group_detail import when


class ProfileScreen(ShequnScreen):
    TITLE_EN = "Profile"
    HELP = ("One person across platforms and groups. L links another account of theirs, U unlinks one, z undoes. "
            "Escape goes back.")
    BINDINGS = bindings("members.link", "members.unlink")
    GUARDED = {"link": "write", "unlink": "write"}
    DEFAULT_CSS = "ProfileScreen #profile { padding: 0 1; }"

    def __init__(self, person_id: int):
        super().__init__()
        self.person_id = person_id

    def body(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.t("Loading…"), id="profile")

    def refresh_data(self) -> None:
        self.load(queries.profile, self.ws, self.person_id, then=self._show)

    def _show(self, d: dict[str, Any]) -> None:
        t = self.t
        p = d["person"]
        if not p:
            self.query_one("#profile", Static).update(t("This person does not exist"))
            return
        self.title = f"{t('Profile')}{t(': ')}{p['display_name']}"
        out: list[str] = []
        flags = [t("insider")] if p["is_insider"] else []
        out.append(f"[b]{esc(p['display_name'])}[/]  #{p['id']}  {esc(p['city'])}  {' '.join(flags)}")
        if p.get("note"):
            out.append(esc(p["note"]))
        if d["asked"] != p["id"]:
            out.append(t("#{id} is linked to this person", id=d["asked"]))
        out.append(f"\n[b]{t('Identities')}[/]")
        linked = {r["person_id"]: r for r in d["links"]}
        for i in d["identities"]:
            via = linked.get(i["person_id"])
            note = ""
            if via:  # a linked account: who linked it, when and why
                said = t("linked #{id} by {who} on {day}: {reason}", id=i["person_id"], who=via["actor"],
                         day=when(via["at"]), reason=via["reason"])
                note = f"  [dim]{esc(said)}[/]"
            out.append(f"  {i['platform']}:{esc(i['platform_user_id'])}  {esc(i['nickname'])}{note}")
        if not d["identities"]:
            out.append("  -")
        out.append(f"\n[b]{t('Groups')}[/]")
        for g in d["groups"]:
            state = t("member") if g["status"] == "member" else f"{t('left')} {when(g['left_at'])} ({t(g['leave_reason'] or '')})"
            out.append(f"  {esc(g['name'])} · {t(g['type'])} · {state} · {t('group nickname')}{t(': ')}{esc(g['group_nickname'] or '-')}"
                       f" · {t('messages')} {g['message_count']}")
        if not d["groups"]:
            out.append("  -")
        out.append(f"\n[b]{t('Roles')}[/]")
        out += [f"  {t(r['role'])} · {esc(r['name'] or t('all groups'))}" for r in d["roles"]] or ["  -"]
        out.append(f"\n[b]{t('segment')}[/]")
        seg = d["segment"]
        if seg:
            why = seg.why or seg.source
            out.append(f"  {t(seg.value)} ({t(seg.provenance)}{t(', ') + esc(why) if why else ''})")
        elif "segment" in self.ws.registry.labels:
            out.append("  " + t("not computed yet"))
        else:
            out.append("  " + t("no plugin computes segments (the kpi plugin does)"))
        out.append(f"\n[b]{t('Tags')}[/]")
        for tg in d["tags"]:
            conf = f" {percent(tg.confidence)}" if tg.confidence is not None else ""
            out.append(f"  {t(tg.name)}{'=' + esc(one_line(tg.value)) if tg.value else ''} · {t(tg.kind)} · "
                       f"{t(tg.provenance)}{conf} · {tg.source}")
        if not d["tags"]:
            out.append("  -")
        out.append(f"\n[b]{t('orders')}[/]")
        out += [f"  {when(o['ordered_at'])}  {o['amount']:.2f}  {esc(o['product'])}  ({o['order_id']})" for o in d["orders"]] \
            or ["  -"]
        out.append(f"\n[b]{t('Cases')}[/]")
        out += [f"  {when(c['opened_at'])}  {esc(c['group_name'] or '')} · {esc(c['rule'] or '')} · {t(c['step'] or '')} · "
                f"{t(c['status'])}" for c in d["cases"]] or ["  -"]
        out.append(f"\n[b]{t('referral tree')}[/]")
        if d["upline"]:
            out.append(f"  {esc(d['upline']['display_name'])} →")
        if d["referrer"]:
            out.append(f"  {'  ' if d['upline'] else ''}{esc(d['referrer']['display_name'])} →")
        out.append(f"  {'    ' if d['upline'] else '  ' if d['referrer'] else ''}[b]{esc(p['display_name'])}[/]")
        for c in d["invited"]:
            deep = f"  [red]{t('invited {n} more: a third level', n=c['invited'])}[/]" if c["invited"] else ""
            out.append(f"      ↳ {esc(c['display_name'])}{deep}")
        self.query_one("#profile", Static).update("\n".join(out))

    def action_link(self) -> None:
        start_link(self, self.person_id)

    def action_unlink(self) -> None:
        start_unlink(self, self.person_id)
