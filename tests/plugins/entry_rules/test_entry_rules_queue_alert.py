"""The join queue's one alert (entry_rules owns it; kpi no longer raises its own): its
cause is the overdue backlog's order of magnitude, so a person who resolved it is asked
again only when the backlog grows into the next band or clears and comes back."""

from __future__ import annotations

from entry_kit import T0, request, welfare
from plugins.entry_rules.queue import flag_waiting

HOUR = 3600


def open_alerts(ws):
    return ws.store.query("SELECT id, message, cause FROM alerts WHERE kind = 'queue_waiting' AND resolved_at IS NULL")


def test_resolved_queue_alert_returns_only_for_a_new_band(ws):
    welfare(ws, "g1")
    for i in range(3):  # no referral, no campaign word: the seeded policy holds them for a person
        assert request(ws, "g1", f"u{i}", T0 + i)["status"] == "held"
    with ws.clock_at(T0 + 2 * HOUR):
        assert flag_waiting(ws) == 3
        (alert,) = open_alerts(ws)
        assert alert["message"] == "3 join requests waiting longer than 60 minutes" and alert["cause"] == "band:1"
        assert ws.resolve_alert_by_hand(alert["id"])
    for i in range(3, 9):  # nine overdue: still the band of one digit, the person is not asked again
        request(ws, "g1", f"u{i}", T0 + 60 + i)
    with ws.clock_at(T0 + 3 * HOUR):
        assert flag_waiting(ws) == 9
        assert open_alerts(ws) == []
    request(ws, "g1", "u9", T0 + 120)
    with ws.clock_at(T0 + 4 * HOUR):  # ten: the backlog grew into the next band
        assert flag_waiting(ws) == 10
        (alert,) = open_alerts(ws)
        assert alert["cause"] == "band:2" and alert["message"].startswith("10 join requests")
