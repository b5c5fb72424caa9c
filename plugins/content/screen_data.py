"""Rows for the Content screen's scripts and campaigns tabs (plain reading, no Textual: the
screen calls these from a thread worker)."""

from __future__ import annotations

from typing import Any


def script_rows(ws) -> list[dict[str, Any]]:
    """One row per version of every script, newest script first; each row carries its
    script's statement (shown under the table for the row under the cursor)."""
    from .script_results import results
    from .scripts import listing

    out = []
    for s in reversed(listing(ws)):
        r = results(ws, s["name"])
        for v in r["versions"]:
            out.append({"key": f"{s['id']}:{v['label']}", "script": s["name"] if v is r["versions"][0] else "",
                        "name": s["name"], "label": v["label"] + (" ✗" if v["retired"] else ""),
                        "what": " ".join(str(v["what"] or "").split()), "exposures": v["exposures"],
                        "trials": v["trials"], "rate": "" if v["rate"] is None else f"{v['rate']:.1%}",
                        "statement": r["statement"]})
    return out


def campaign_rows(ws, per_campaign: int = 10) -> list[dict[str, Any]]:
    """The leaderboard of each campaign (running first), its top ``per_campaign`` inviters."""
    from .campaigns import board, listing

    out = []
    camps = sorted(listing(ws), key=lambda c: (c["status"] != "running", -c["id"]))
    for c in camps:
        rows = board(ws, c["name"], limit=per_campaign)
        for k, r in enumerate(rows):
            out.append({"key": f"{c['id']}:{r['person_id']}",
                        "campaign": f"{c['name']} ({c['until']})" if k == 0 else "", "rank": r["rank"],
                        "name": r["name"], "progress": r["progress"] + (" ✓" if r["reached"] else ""),
                        "points": r["points"], "not_counted": r["not_counted"]})
        if not rows:
            out.append({"key": f"{c['id']}:", "campaign": f"{c['name']} ({c['until']})", "rank": "", "name": "",
                        "progress": f"0/{c['goal']}", "points": 0, "not_counted": 0})
    return out
