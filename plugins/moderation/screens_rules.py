"""The Moderation screen's rules, blacklist and raids tabs: what their keys do (a mixin of
``screens.ModerationScreen``).

Enabling a rule first runs ``dryrun.dry_run`` over the last 7 days of stored messages
(in a thread worker) and asks with what it would have done: how many messages, people
and groups. Taking someone off the blacklist and muting a raid's newest joiners ask
first, naming the member or the group.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from rich.markup import escape as esc

from shequn.tui import ConfirmScreen, PromptScreen, edit_rule

PREVIEW_DAYS = 7


class RuleActions:
    """Keys of the rules, blacklist and raids tabs (each acts on its own tab's table)."""

    def _one(self, table_id: str) -> dict[str, Any] | None:
        rows = self.chosen(table_id)
        return rows[0] if rows else None

    # --- blacklist and raids ------------------------------------------------------------------

    def action_unblacklist(self) -> None:
        r = self._one("blacklist")
        if r and self.guard("write", []):
            from .door import remove_from_blacklist

            q = self.t("Take {person} off the blacklist ({scope})?", person=r["person"] or "?", scope=r["scope"])
            self.app.push_screen(ConfirmScreen(q, yes=self.t("Confirm"), no=self.t("Cancel")),
                                 lambda ok: ok and self.do(remove_from_blacklist, self.ws, r["id"],
                                                           done=self.t("Taken off the blacklist")))

    def action_raid_lift(self) -> None:
        r = self._one("raids")
        if r and self.guard("write", [r["group_id"]]):
            from .raid import end_cooling

            self.do(partial(end_cooling, self.ws, r["group_id"], actor=f"operator:{self.ws.operator}"),
                    done=self.t("Joins open again in {group}", group=r["group_name"] or "?"))

    def action_raid_extend(self) -> None:
        r = self._one("raids")
        if r and self.guard("write", [r["group_id"]]):
            from .raid import extend_cooling

            self.do(extend_cooling, self.ws, r["group_id"], 30,
                    done=self.t("Joins held 30 minutes more in {group}", group=r["group_name"] or "?"))

    def action_raid_hold(self) -> None:
        r = self._one("raids")
        if not r or not self.guard("write", [r["group_id"]]):
            return
        from .raid import act_on_recent
        from .settings import settings_of

        def go(text: str | None) -> None:
            if not text:
                return
            if not text.strip().isdigit() or not 1 <= int(text) <= 24 * 60:
                self.app.notify(self.t("Give a number of minutes from 1 to 1440"), severity="warning")
                return
            minutes = int(text)
            run = partial(act_on_recent, self.ws, r["group_id"], minutes, "hold",
                          mute_minutes=settings_of(self.ws).raid_hold_minutes)
            q = self.t("Mute everyone who joined {group} in the last {n} minutes?", group=r["group_name"] or "?",
                       n=minutes)
            self.app.push_screen(ConfirmScreen(q, yes=self.t("Mute"), no=self.t("Cancel")),
                                 lambda ok: ok and self.do(run, done=self.t("Mutes queued")))

        self.app.push_screen(PromptScreen(self.t("Mute everyone who joined in the last how many minutes?")), go)

    # --- rules ----------------------------------------------------------------------------------

    def _dry(self, name: str) -> dict[str, Any]:
        from .dryrun import dry_run

        rows = [r for r in dry_run(self.ws, name, self.ws.now() - PREVIEW_DAYS * 86400) if r.get("message_id")]
        return {"n": len(rows), "people": len({r["person_id"] for r in rows}),
                "groups": len({r["group_id"] for r in rows}), "rows": rows}

    def action_preview(self) -> None:
        r = self._one("rules")
        if r is None:
            return

        def show(d: dict[str, Any]) -> None:
            lines = [self.t("Last {days} days: {n} messages, {people} people, {groups} groups", days=PREVIEW_DAYS,
                            n=d["n"], people=d["people"], groups=d["groups"])]
            lines += [f"{x['time']} {esc(x['group'])} {esc(x['person'])} {self.t(x['step'])} {esc(x['matched'])}: "
                      f"{esc(x['text'][:60])}" for x in d["rows"][-4:]]
            self.query_one("#rule-detail").update("\n".join(lines))

        self.load(self._dry, r["name"], then=show, group="preview")

    def action_edit_rule(self) -> None:
        """E: the rule under the cursor in the host's rule editor (scope and config, previewed before saving)."""
        r = self._one("rules")
        if r and self.guard("write", []):
            edit_rule(self.app, r["name"])

    def action_toggle_rule(self) -> None:
        r = self._one("rules")
        if not r or not self.guard("write", []):
            return
        from .rulestore import set_rule_enabled

        if r["enabled"]:
            self.do(set_rule_enabled, self.ws, r["name"], False, done=self.t("{name} disabled", name=r["name"]))
            return

        def ask(d: dict[str, Any]) -> None:
            q = self.t("Enable {name}? Over the last {days} days it would have acted on {n} messages of {people} "
                       "people in {groups} groups.", name=r["name"], days=PREVIEW_DAYS, n=d["n"], people=d["people"],
                       groups=d["groups"])
            self.app.push_screen(ConfirmScreen(q, yes=self.t("Confirm"), no=self.t("Cancel")),
                                 lambda ok: ok and self.do(set_rule_enabled, self.ws, r["name"], True,
                                                           done=self.t("{name} enabled", name=r["name"])))

        self.load(self._dry, r["name"], then=ask, group="preview")

    def action_toggle_dry_run(self) -> None:
        r = self._one("rules")
        if r and self.guard("write", []):
            from .rulestore import set_rule_dry_run

            self.do(set_rule_dry_run, self.ws, r["name"], not r["dry_run"],
                    done=self.t("{name}: dry-run off", name=r["name"]) if r["dry_run"]
                    else self.t("{name}: dry-run on", name=r["name"]))
