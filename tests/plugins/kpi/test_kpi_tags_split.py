"""Rule tags top talker and lurker by the domain's 20/80 split of messages, and the
calibrated predicted tag likely_buyer, on hand-made numbers worked out by hand."""

from plugins.kpi import predict
from plugins.kpi.tags import rebuild, talk_split
from plugins.sandbox.truth_people import calibration_rows

DAY = 86400


def test_talk_split_takes_the_fewest_who_send_the_share():
    counts = {1: 50, 2: 30, 3: 10, 4: 5, 5: 5}  # 100 messages
    assert talk_split(counts, 0.8) == {1, 2}  # 50 + 30 = 80
    assert talk_split(counts, 0.85) == {1, 2, 3}  # 90
    assert talk_split(counts, 0.95) == {1, 2, 3, 4, 5}  # 4 and 5 tie at 5: both in
    assert talk_split({1: 40, 2: 20, 3: 20, 4: 20}, 0.5) == {1, 2, 3, 4}  # ties taken whole
    assert talk_split({}, 0.8) == set() and talk_split({1: 0}, 0.8) == set()


def chat(ws):
    """Group 1: people 1-6 members since long before, 7 an insider, 8 joined 3 days before
    the newest chat fact. Messages on the last 10 days only, so the 30-day period starts
    on the first day with messages (2025-05-23) and ends on 2025-06-01."""
    end = ws.day_start("2025-06-01") + 20 * 3600
    ws.clock = lambda: end + 7 * DAY
    with ws.store.write() as c:
        c.execute("INSERT INTO groups(id, connection_id, platform, platform_group_id, name) VALUES (1, 'sandbox',"
                  " 'sandbox', 'g1', 'g1')")
        for pid in range(1, 9):
            joined = end - (3 if pid == 8 else 60) * DAY
            c.execute("INSERT INTO people(id, display_name, is_insider, created_at) VALUES (?,?,?,?)",
                      (pid, f"p{pid}", int(pid == 7), joined))
            c.execute("INSERT INTO memberships(group_id, person_id, status, joined_at, last_spoke_at)"
                      " VALUES (1, ?, 'member', ?, ?)", (pid, joined, end if pid == 1 else None))
        sent = {1: 50, 2: 30, 3: 10, 4: 5, 5: 5, 7: 100, 8: 1}  # 6 never speaks; 7's 100 are an insider's
        for pid, n in sent.items():
            for d in range(10):  # spread over 2025-05-23..06-01, the remainder on the last day
                k = n // 10 + (n % 10 if d == 9 else 0)
                if k:
                    c.execute("INSERT INTO speaker_days(group_id, day, person_id, messages) VALUES (1, ?, ?, ?)",
                              (ws.day(end - (9 - d) * DAY), pid, k))


def tag_rows(ws):
    return [tuple(r) for r in ws.store.execute("SELECT person_id, tag, value, confidence, method FROM tags"
                                               " WHERE source != 'kpi' ORDER BY person_id, tag, value")]


def test_top_talkers_send_80_percent_and_lurkers_are_the_rest_who_were_there(ws):
    chat(ws)
    counts = rebuild(ws)
    # members' messages: 1+50+30+10+5+5 = 101; 80% is 80.8: 50 + 30 = 80 is short, so 3 (10) joins
    top = {p for p, t, *_ in tag_rows(ws) if t == "top_talker"}
    lurk = {p for p, t, *_ in tag_rows(ws) if t == "lurker"}
    assert top == {1, 2, 3} and counts["top_talker"] == 3
    assert lurk == {4, 5, 6}  # 8 joined inside the period (not judged), 7 is an insider
    value = ws.store.scalar("SELECT value FROM tags WHERE tag = 'lurker' AND person_id = 6")
    assert value == ("a member all 10 days of 2025-05-23..2025-06-01, outside those who sent 80% of the messages:"
                     " groups 1")
    ws.settings.sections["kpi"] = {"talker_message_share": 0.45}
    rebuild(ws)
    assert {p for p, t, *_ in tag_rows(ws) if t == "top_talker"} == {1}  # 50 of 101 reach 45% (45.45)


def test_tags_recomputed_later_by_the_wall_clock_are_the_same(ws):
    chat(ws)
    rebuild(ws)
    first = tag_rows(ws)
    ws.clock = lambda: ws.day_start("2025-09-01")
    rebuild(ws)
    assert tag_rows(ws) == first and any(t == "lurker" for _, t, *_ in first)


def test_buckets_by_orders_in_the_last_30_days():
    t = 1_000 * DAY
    assert predict.bucket([], t) == "no order"
    assert predict.bucket([t - 31 * DAY], t) == "no order"
    assert predict.bucket([t - 3 * DAY], t) == "1 order, last within 7 days"
    assert predict.bucket([t - 20 * DAY, t - 10 * DAY], t) == "2 orders, last 8-14 days ago"
    assert predict.bucket([t - 29 * DAY, t - 25 * DAY, t - 15 * DAY, t + DAY], t) == "3+ orders, last 15-30 days ago"


def test_rates_are_fitted_on_the_past_and_stated_for_today():
    as_of = 1_000 * DAY
    fitted = as_of - 30 * DAY
    orders: dict[int, list[int]] = {}
    for p in range(1, 41):  # 40 with one order 3 days before the fit; 30 of them order again
        orders[p] = [fitted - 3 * DAY] + ([fitted + 10 * DAY] if p <= 30 else [])
    for p in range(41, 76):  # 35 with none; 7 of them order
        orders[p] = [fitted + 5 * DAY] if p <= 47 else []
    for p in range(76, 86):  # 10 with two orders: too few for a rate
        orders[p] = [fitted - 20 * DAY, fitted - 10 * DAY]
    known = {p: fitted - 40 * DAY for p in range(1, 86)}
    known[86] = as_of - 5 * DAY  # known for 5 days only: no bucket, no prediction
    f = predict.fit(orders, known, as_of, start=fitted - 35 * DAY)
    assert f.rates == {"1 order, last within 7 days": (0.75, 40), "no order": (0.2, 35)}
    got = predict.predict(orders, known, as_of, f)
    # today 1-30 and 41-47 have "1 order, last 15-30 days ago": no fitted rate, no prediction
    assert set(got) == set(range(31, 41)) | set(range(48, 86))
    assert set(got.values()) == {(0.2, "no order")}
    assert predict.fit(orders, known, as_of, start=fitted - 20 * DAY) is None  # history too short to fit


def test_calibration_rows_per_decile_of_stated_probability():
    preds = {1: 0.05, 2: 0.07, 3: 0.55, 4: 0.58, 5: 0.95, 6: 1.0}
    rows = calibration_rows(preds, buyers={2, 3, 5, 6})
    assert rows == [{"decile": "0-10%", "people": 2, "stated": 0.06, "observed": 0.5},
                    {"decile": "50-60%", "people": 2, "stated": 0.565, "observed": 0.5},
                    {"decile": "90-100%", "people": 2, "stated": 0.975, "observed": 1.0}]


def test_the_span_is_30_days_or_half_a_shorter_history():
    t = 1_000 * DAY
    assert predict.span_for(t - 90 * DAY, t) == 30 * DAY
    assert predict.span_for(t - 59 * DAY, t) == 30 * DAY  # 59 days and a day's slack hold two spans of 30
    assert predict.span_for(t - 30 * DAY, t) == 15 * DAY  # a 30-day demo: "within the next 15 days"
    assert predict.span_for(t - 13 * DAY, t) == 7 * DAY
    assert predict.span_for(t - 12 * DAY, t) is None  # under a week each: nothing is predicted


def test_a_person_is_known_from_their_join_or_first_order_before_the_first_sync(ws, monkeypatch):
    """The member list's join time and an imported order history reach back before shequn
    first saw someone: the prediction uses those months (a member of 100 days with no order
    has had none for 100 days), not only the days since the first sync."""
    t = 1_000 * DAY
    with ws.store.write() as c:
        c.execute("INSERT INTO groups(id, connection_id, platform, platform_group_id) VALUES (1, 'sandbox', 'sandbox', 'g1')")
        c.executemany("INSERT INTO people(id, created_at) VALUES (?, ?)", [(1, t), (2, t), (3, t), (4, None)])
        c.executemany("INSERT INTO memberships(group_id, person_id, joined_at) VALUES (1, ?, ?)",
                      [(1, t - 100 * DAY), (2, t + DAY), (4, t - 300 * DAY)])
        c.executemany("INSERT INTO orders(order_id, person_id, amount, ordered_at) VALUES (?, ?, 10, ?)",
                      [("o1", 1, t - 80 * DAY), ("o3", 3, t - 40 * DAY), ("o3b", 3, t - 10 * DAY)])
    got = predict.known_since(ws, {1: t, 2: t, 3: t, 4: None})
    # 1: joined 100 days before; 2: joined after first seen (stays); 3: the first order;
    # 4: already known for ever (None), never made later
    assert got == {1: t - 100 * DAY, 2: t, 3: t - 40 * DAY, 4: None}
    # a profile asks for one or two people: read by their ids, the same answer as a whole pass
    assert predict.known_since(ws, {3: t}) == {3: t - 40 * DAY}
    assert predict.known_since(ws, {1: t, 2: t}) == {1: t - 100 * DAY, 2: t}
    monkeypatch.setattr(predict, "FEW", 1)  # two people are "many" now: the whole-table pass
    assert predict.known_since(ws, {1: t, 2: t}) == {1: t - 100 * DAY, 2: t}
