"""Join requests (入群申请): who applies, what they answer, and the truth of each.

Every request is recorded in the truth (kind ``request``, keyed by its flag) as genuine
or spam and why, so join decisions can be measured:

- ``genuine:referral``: a member brought them (the request names the inviter);
- ``genuine:campaign``: they came through an invite campaign (拉新任务) and their answer
  carries the keyword or activity code printed on that channel's poster;
- ``genuine:vague``: a real applicant whose answer only a person can judge ("我想进群", a
  misremembered code, a friend the platform does not name);
- ``spam:<conduct>`` (``ads``, ``flood``, ``abuse``): someone who came to post ads, flood or
  insult; ``spam:<conduct>:penalised`` when the platform already kicked or muted them in
  another group of the operation (a door check can catch them; the others only
  probation after joining can).

Spam applicants answer exactly as genuine ones do: the same draw over the same pools,
campaign keywords included. Only the truth tells them apart; nothing in the request
does, so a product cannot learn the generator instead of the judgement.
"""

from __future__ import annotations

from typing import Any

from shequn import Event, Kind

from . import texts
from .model import REQUEST_TTL, SPAM_PENALISED_FIRST, SPAM_SHARE_OF_REQUESTS, Group

#: how an applicant's answer is drawn: (kind, share); the rest (5%) are vague. With the
#: referrals nobody names, about 7% of genuine applicants need a person's judgement.
ANSWER_KINDS = (("referral", 0.5), ("campaign", 0.45))
#: a referral claim the platform can show (the request names the inviter) this often
REFERRAL_NAMED = 0.95
#: campaign applicants saw their group's own channel this often (else another channel's poster)
OWN_CHANNEL = 0.85


class Applicants:
    """The part of :class:`~plugins.sandbox.world.World` that sends join requests."""

    def _request(self, g: Group, ts: int, out: list[Event]) -> None:
        rng = self.rng
        uid = self._spam_applicant(g) if rng.random() < SPAM_SHARE_OF_REQUESTS else None
        if uid is None:
            uid = self._candidate(g)
        if uid is None:
            return
        p = self.people[uid]
        kind, comment = self._answer(g)
        inviter = None
        if kind == "referral" and not p.conduct and rng.random() < REFERRAL_NAMED:
            inviter = self._referrer(g)
        if p.conduct:
            label = f"spam:{p.conduct}" + (":penalised" if p.penalised else "")
        elif kind == "referral":
            label = "genuine:referral" if inviter else "genuine:vague"
        else:
            label = f"genuine:{kind}"
        flag = self._id("r")
        self.requests[flag] = {"group": g.gid, "user": uid, "inviter": inviter, "comment": comment, "ts": ts}
        self.records["truth"].append((flag, "request", label))
        data: dict[str, Any] = {"flag": flag, "sub_type": "add", "comment": comment}
        if inviter:
            data["inviter"] = inviter
        out.append(self._event(Kind.JOIN_REQUEST, ts, g.gid, uid, nickname=p.nick, data=data, group_name=g.name))

    def _answer(self, g: Group) -> tuple[str, str]:
        """(kind, text) of an applicant's answer; the same draw for genuine and spam applicants."""
        rng = self.rng
        r, edge, kind = rng.random(), 0.0, "vague"
        for k, share in ANSWER_KINDS:
            edge += share
            if r < edge:
                kind = k
                break
        if kind == "referral":
            return kind, rng.choice(texts.REFERRAL_ANSWERS)
        if kind == "campaign":
            channel = g.channel if rng.random() < OWN_CHANNEL else rng.choice(texts.CHANNELS)[0]
            keyword, code = texts.CAMPAIGNS[channel]
            return kind, rng.choice(texts.CAMPAIGN_ANSWERS).format(keyword=keyword, code=code, channel=channel)
        return kind, rng.choice(texts.VAGUE_ANSWERS)

    def _spam_applicant(self, g: Group) -> str | None:
        """Someone of bad conduct who is not in ``g`` and not banned from it: half the time one
        the platform already kicked or muted elsewhere (when there is one), else anyone."""
        rng = self.rng
        rogues = self._rogue_uids()
        if rng.random() < SPAM_PENALISED_FIRST:
            known = [u for u in rogues if self.people[u].penalised]
            if known:
                rogues = known
        if not rogues:
            return None
        for _ in range(10):
            uid = rogues[int(rng.random() * len(rogues))]
            if uid not in g.members and uid not in g.blacklist:
                return uid
        return None

    def _rogue_uids(self) -> list[str]:
        """Customers of bad conduct, in the order they were made (cached: conduct never changes)."""
        hit = getattr(self, "_rogues", None)
        if hit is None or hit[0] != len(self.people):  # adopt() may have added people
            rogues = [u for u, p in self.people.items() if p.conduct and not p.staff]
            hit = self._rogues = (len(self.people), rogues)
        return hit[1]

    def _expire_requests(self, now: int) -> None:
        """The platform forgets a request it kept ``REQUEST_TTL`` seconds (3 days)."""
        for flag in [f for f, r in self.requests.items() if now - r["ts"] > REQUEST_TTL]:
            del self.requests[flag]
