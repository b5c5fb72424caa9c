"""The scheduled jobs (register_jobs): each takes the workspace and returns a summary."""

from __future__ import annotations


def run_cohorts(ws):
    from .cohorts import rebuild

    return rebuild(ws)


def run_segments(ws):
    from .segments import rebuild

    return rebuild(ws)


def run_tags(ws):
    from .tags import rebuild

    return rebuild(ws)


def run_alerts(ws):
    from .alerts import check

    return check(ws)


def run_orders(ws):
    from .imports import fetch_orders_from_plugins

    return fetch_orders_from_plugins(ws)


def refresh(ws, *, force: bool = False, max_age: int = 3600) -> list[str]:
    """Run the cohort, segment and tag jobs when their last run is older than ``max_age``
    (or never ran). Returns the names of what was recomputed."""
    from . import cohorts, segments

    done = []
    now = ws.now()
    for name, at, fn in (("cohorts", cohorts.computed_at(ws), run_cohorts),
                         ("segments", segments.computed_at(ws), run_segments)):
        if force or at is None or now - at > max_age:
            fn(ws)
            done.append(name)
    if force or "segments" in done:
        run_tags(ws)
        done.append("tags")
    return done
