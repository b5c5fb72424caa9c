"""The measurement of segments and activity tags against the sandbox's truth
(plugins/sandbox/truth_people.py), on five hand-made people: coverage and both accuracies,
so unknown can neither hide nor pass for right."""

from plugins.sandbox.truth_people import activity_tags, likely_buyer_calibration, segment_report


def people(ws, truth, computed, extra=()):
    with ws.store.write() as c:
        c.execute("INSERT INTO connections(id, platform) VALUES ('sandbox', 'sandbox') ON CONFLICT DO NOTHING")
        for k in range(1, 6):
            c.execute("INSERT INTO people(id, display_name) VALUES (?, ?)", (k, f"u{k}"))
            c.execute("INSERT INTO identities(person_id, platform, platform_user_id) VALUES (?, 'sandbox', ?)",
                      (k, f"u{k}"))
        c.executemany("INSERT INTO sandbox_truth(connection_id, platform_id, kind, label) VALUES ('sandbox',?,?,?)",
                      [(f"u{k}", kind, label) for (k, kind), label in {**truth, **dict(extra)}.items()])
        c.executemany("INSERT INTO kpi_segments(person_id, segment, signals, why, computed_at) VALUES (?,?,'{}','',0)",
                      list(computed.items()))


def test_segment_report_counts_unknown_apart(ws):
    truth = {(1, "segment"): "loyal", (2, "segment"): "bargain", (3, "segment"): "bargain",
             (4, "segment"): "need", (5, "segment"): "low_need"}
    people(ws, truth, {1: "loyal", 2: "bargain", 3: "unknown", 4: "low_need", 5: "low_need"})
    r = segment_report(ws)
    # 5 compared, 4 given a segment, 3 of them right (1, 2, 5)
    assert (r["people"], r["classified"], r["coverage"], r["accuracy"], r["accuracy_all"]) == (5, 4, 0.8, 0.75, 0.6)
    assert r["confusion"]["bargain"] == {"bargain": 1, "unknown": 1}
    assert r["segments"]["bargain"] == {"true": 2, "said": 1, "precision": 1.0, "recall": 0.5}
    assert r["segments"]["low_need"] == {"true": 1, "said": 2, "precision": 0.5, "recall": 1.0}
    assert r["segments"]["need"] == {"true": 1, "said": 0, "precision": None, "recall": 0.0}


def test_segment_report_says_why_the_unknown_are_unknown_and_who_they_truly_are(ws):
    truth = {(1, "segment"): "loyal", (2, "segment"): "bargain", (3, "segment"): "low_need",
             (4, "segment"): "loyal", (5, "segment"): "need"}
    people(ws, truth, {1: "unknown", 2: "unknown", 3: "unknown", 4: "unknown", 5: "need"})
    with ws.store.write() as c:  # the order counts kpi keeps in each person's signals
        c.executemany("UPDATE kpi_segments SET signals = ? WHERE person_id = ?",
                      [('{"orders": 1}', 1), ('{"orders": 0}', 2), ('{"orders": 0}', 3), ('{"orders": 3}', 4),
                       ('{"orders": 1}', 5)])
    r = segment_report(ws)
    assert r["unknown"] == {
        "no order yet": {"people": 2, "share": 0.4, "truth": {"bargain": 1, "low_need": 1}},
        "one recent order": {"people": 1, "share": 0.2, "truth": {"loyal": 1}},
        "orders no rule fits": {"people": 1, "share": 0.2, "truth": {"loyal": 1}},
    }  # person 5 has one order too, but a segment: not counted among the unknown
    with ws.store.write() as c:  # a row whose signals cannot be read is said so, not put with "no rule fits"
        c.execute("UPDATE kpi_segments SET signals = 'not json' WHERE person_id = 4")
    assert segment_report(ws)["unknown"]["signals unreadable"] == {"people": 1, "share": 0.2, "truth": {"loyal": 1}}
    assert "orders no rule fits" not in segment_report(ws)["unknown"]


def test_activity_tags_against_talker_and_lurker_truth_without_staff(ws):
    truth = {(1, "activity"): "talker", (2, "activity"): "lurker", (3, "activity"): "lurker",
             (4, "activity"): "talker", (5, "activity"): "talker"}
    people(ws, truth, {}, extra={(5, "staff"): "cheer"})
    with ws.store.write() as c:
        c.executemany("INSERT INTO tags(person_id, tag, source) VALUES (?, ?, 'kpi.rule')",
                      [(1, "top_talker"), (5, "top_talker"), (2, "lurker"), (4, "lurker")])
    a = activity_tags(ws)
    assert a["top_talker"] == {"tagged": 1, "true": 2, "precision": 1.0, "recall": 0.5}  # 5 is staff
    assert a["lurker"] == {"tagged": 2, "true": 2, "precision": 0.5, "recall": 0.5}


def test_no_orders_no_calibration(ws):
    assert likely_buyer_calibration(ws) == {"rows": [], "note": "no orders"}


def test_likely_buyer_forward_against_the_worlds_next_orders(ws):
    import json

    from plugins.sandbox.truth_people import likely_buyer_forward

    day = 86400
    t = 1_000 * day  # the newest order: person 40's
    with ws.store.write() as c:
        c.execute("INSERT INTO connections(id, platform) VALUES ('sandbox', 'sandbox') ON CONFLICT DO NOTHING")
        c.execute("INSERT INTO groups(id, connection_id, platform, platform_group_id) VALUES (1, 'sandbox', 'sandbox', 'g')")
        for k in range(1, 41):
            c.execute("INSERT INTO people(id, display_name, created_at) VALUES (?, ?, ?)", (k, f"u{k}", t - 90 * day))
            c.execute("INSERT INTO identities(person_id, platform, platform_user_id) VALUES (?, 'sandbox', ?)", (k, f"u{k}"))
            if k != 2:  # 2 has left every group: the world records no order of theirs
                c.execute("INSERT INTO memberships(group_id, person_id, status) VALUES (1, ?, 'member')", (k,))
        c.executemany("INSERT INTO orders(order_id, person_id, amount, ordered_at) VALUES (?, 40, 10, ?)",
                      [("a", t - 60 * day), ("b", t)])
        heap = [[t + 10 * day, "u1"], [t + 10 * day, "u2"], [t + 20 * day, "u3"], [t + 40 * day, "u4"]]
        c.execute("INSERT INTO sandbox_state(connection_id, state, saved_at) VALUES ('sandbox', ?, 0)",
                  (json.dumps({"order_heap": heap}),))
    f = likely_buyer_forward(ws)
    # fitted 30 days back: all 40 had no order in the 30 days before, 1 (person 40) ordered after: 0.025.
    # Today 1-39 are in that bucket; 40 (an order within 7 days) has no fitted rate. Of the 39, the
    # world's next orders within 30 days are 1 and 3 (2 is in no group, 4's comes after 40 days).
    assert f["days"] == 30 and f["people"] == 39
    assert f["rows"] == [{"decile": "0-10%", "people": 39, "stated": 0.025, "observed": round(2 / 39, 4)}]
