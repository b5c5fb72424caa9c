"""Requests to join a group and invitations of the bot: the host's rows, a plugin's decisions (public API).

The engine files a member's join request (``join_requests``) and an invitation of the
bot's own account into a group (``bot_invitations``); plugins decide them through the
``decide_join_request`` hook, and a plugin with a queue of its own decides here:

- ``apply_decision(ws, request, decision, actor)``: a ``Decision`` on a request row: the
  row is updated, audited, and its platform action queued (``approve_join``/``reject_join``);
  returns how many actions were queued. A request past its platform's lifetime is marked
  expired and ``RequestExpired`` raised: nothing acts on it.
- ``request_lifetime(ws, connection)``: how long the platform keeps a request (seconds; None
  without a limit); ``expire_if_due(ws, request, actor=...)`` expires a request past it
  (its own transaction) and returns when it expired, or None; ``expire_request(ws, request,
  at, actor=..., why=...)`` marks one expired at ``at`` (audited).
- ``decide_invitation(ws, invitation_id, accept, actor=..., reason=..., rule=...)``: accept
  or decline a held invitation of the bot (its approve/reject action queued);
  ``invitation_done(ws, action, result)`` records the platform's answer (call it from your
  ``action_done`` hook); ``expire_invitations(ws, actor=...)`` expires held invitations past
  their connection's lifetime (a job) and returns how many.
"""

from __future__ import annotations

from console.bot_invitations import action_done as invitation_done
from console.bot_invitations import decide as decide_invitation
from console.bot_invitations import expire_due as expire_invitations
from console.join_requests import RequestExpired, apply_decision, expire_if_due, expire_request, request_lifetime

__all__ = ["apply_decision", "RequestExpired", "request_lifetime", "expire_if_due", "expire_request",
           "decide_invitation", "invitation_done", "expire_invitations"]
