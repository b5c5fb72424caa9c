"""A QQ account's pacing per group and its back-off (风控), as connection options.

The outbox does the pacing and counting for every platform (the host's account health);
QQ declares its figures here, conservative because a banned or restricted personal
account is the operator's worst day. Reports of NapCat, Lagrange and go-cqhttp users:
after a burst to about 20 groups at once, later sends time out; group sending can be
silently disabled for a day; links and images get blocked; the account is logged out.
None of the bridges reports risk control as such, only as timeouts or plain failures,
so those are what the back-off watches. docs/connectors/qq.md gives the reasons per
figure. Every figure may be changed per connection (``[connections.NAME]``).

A timeout is marked on its result (``data["timed_out"]``) so that the outbox counts it
as one, apart from refusals.
"""

from __future__ import annotations

from typing import Any

from shequn import ActionResult, HealthPolicy, Option

from .answers import BridgeError

HEALTH_OPTIONS = (
    Option("group_interval", "seconds between two messages of this account to one group", float,
           default=15.0, minimum=0, maximum=3600),
    Option("group_per_hour", "messages of this account to one group in an hour", int,
           default=20, minimum=1, maximum=600),
    Option("account_per_hour", "messages of this account in an hour, all groups together", int,
           default=240, minimum=1, maximum=5000),
    Option("backoff_after", "refused or timed-out messages within backoff_window that slow the account down",
           int, default=3, minimum=1, maximum=100),
    Option("backoff_window", "seconds over which refused and timed-out messages are counted", float,
           default=600.0, minimum=60, maximum=86400),
    Option("backoff_gap", "seconds between two messages of a slowed-down account (doubles per level)", float,
           default=60.0, minimum=5, maximum=3600),
    Option("backoff_quiet", "seconds without a refusal or timeout before the pace steps back up", float,
           default=900.0, minimum=60, maximum=86400),
)


def health_policy(cfg: dict[str, Any]) -> HealthPolicy:
    return HealthPolicy(group_interval=cfg["group_interval"], group_per_hour=cfg["group_per_hour"],
                        account_per_hour=cfg["account_per_hour"], window=cfg["backoff_window"],
                        backoff_after=cfg["backoff_after"], first_gap=cfg["backoff_gap"],
                        max_gap=max(cfg["backoff_gap"], 1800.0), quiet=cfg["backoff_quiet"])


def timed_out(where: str, timeout: bool, idempotent: bool) -> BridgeError:
    """The failure for a call the bridge did not answer (``timeout``) or whose connection
    dropped: retried when repeating it is harmless, else failed (it may have been done)."""
    what = "timed out" if timeout else "dropped the connection"
    if idempotent:
        result = ActionResult.retry(f"the bridge {what}")
    else:  # the request reached the bridge: it may have been carried out; repeating a post is worse
        result = ActionResult.failed(f"the bridge {what} after receiving the request; it may have been carried "
                                     "out, so it was not repeated")
    if timeout:
        result.data["timed_out"] = True  # risk control shows itself this way (account health)
    return BridgeError(f"{where}: {what}", result)
