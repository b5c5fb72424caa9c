"""The kpi plugin's alerts carry their cause (a resolved one does not come back for the
same cause), it raises no join-queue alert (entry_rules owns that), and a group near
capacity is a task only when it has no family."""

from plugins.kpi.alerts import check
from plugins.kpi.window import shift

DAY = 86400


def test_resolved_silent_group_stays_resolved_until_its_silence_changes(gen_ws):
    ws, _ = gen_ws
    # the generated traffic ends 2025-03-31; on 04-10 every group has been silent since then
    ws.clock = lambda: ws.day_start("2025-04-10") + 3600
    check(ws)
    row = ws.store.one("SELECT id, cause FROM alerts WHERE dedupe_key = 'kpi.silent_group:1' AND resolved_at IS NULL")
    assert row["cause"] == "quiet since 2025-03-31"
    ws.resolve_alert_by_hand(row["id"])
    ws.clock = lambda: ws.day_start("2025-04-10") + 3600 + 240  # the job again, four minutes later
    check(ws)
    assert ws.store.scalar("SELECT count(*) FROM alerts WHERE dedupe_key = 'kpi.silent_group:1'"
                           " AND resolved_at IS NULL") == 0
    # a member speaks on 04-11: silence over (the snooze ends), then silent again past 3 days
    with ws.store.write() as c:
        c.execute("INSERT INTO rollups_daily(day, group_id, messages) VALUES ('2025-04-11', 1, 4)"
                  " ON CONFLICT(day, group_id) DO UPDATE SET messages = 4")
    ws.clock = lambda: ws.day_start("2025-04-12") + 3600
    check(ws)
    assert "kpi.silent_group:1" not in ws.alert_keys("kpi.silent_group:")
    ws.clock = lambda: ws.day_start("2025-04-15") + 3600
    check(ws)
    new = ws.store.one("SELECT id, cause FROM alerts WHERE dedupe_key = 'kpi.silent_group:1' AND resolved_at IS NULL")
    assert new["id"] != row["id"] and new["cause"] == "quiet since 2025-04-11"


def test_kpi_raises_no_queue_alert_and_resolves_its_old_ones(gen_ws):
    ws, info = gen_ws
    old = ws.now() - 30 * 3600
    pid = next(iter(info["pids"].values()))
    with ws.store.write() as c:
        c.execute("INSERT INTO join_requests(connection_id, platform_request_id, group_id, person_id, requested_at)"
                  " VALUES ('sandbox', 'q1', 1, ?, ?)", (pid, old))
        # an alert an older version raised: it stays readable, and is resolved as its cause is no longer kpi's
        c.execute("INSERT INTO alerts(kind, group_id, message, dedupe_key, opened_at) VALUES"
                  " ('queue_waiting', 1, 'G1: 1 join request waiting', 'kpi.queue_waiting:1', ?)", (old,))
    keys = check(ws)
    assert not [k for k in keys if k.startswith("queue_waiting")]
    assert ws.store.scalar("SELECT count(*) FROM alerts WHERE kind = 'queue_waiting' AND resolved_at IS NULL") == 0
    assert ws.store.one("SELECT message, resolved_by FROM alerts WHERE kind = 'queue_waiting'") == {
        "message": "G1: 1 join request waiting", "resolved_by": "auto"}


def test_near_capacity_is_no_task_where_the_overflow_policy_creates_siblings(gen_ws):
    ws, _ = gen_ws
    with ws.store.write() as c:  # the seeded overflow:all creates siblings: a full group starts its own family
        c.execute("UPDATE groups SET capacity = 50, member_count = 50, family = NULL WHERE id = 1")
    check(ws)
    assert ws.store.scalar("SELECT count(*) FROM tasks WHERE kind = 'near_capacity'") == 0
    with ws.store.write() as c:  # a policy for this group's type that does not create them wins over 'all'
        c.execute("INSERT INTO rules(name, plugin, kind, scope_type, scope_value, config, enabled) VALUES"
                  " ('overflow:manual', 'entry_rules', 'overflow', 'type', ?, '{\"auto_create\": false}', 1)",
                  (ws.store.scalar("SELECT type FROM groups WHERE id = 1"),))
    check(ws)
    assert ws.store.scalar("SELECT dedupe_key FROM tasks WHERE kind = 'near_capacity'") == "kpi.near_capacity:1:full"


def test_near_capacity_without_a_family_is_one_task(gen_ws):
    ws, _ = gen_ws
    with ws.store.write() as c:
        # the overflow policy asks a person for siblings (auto_create off), so a family-less group needs one
        c.execute("""UPDATE rules SET config = '{"auto_create": false}' WHERE kind = 'overflow'""")
        # 0.9 x 50 = 45: 46 members is near, not full
        c.execute("UPDATE groups SET capacity = 50, member_count = 46, family = NULL WHERE id = 1")
        c.execute("UPDATE groups SET capacity = 50, member_count = 50, family = 'fam' WHERE id = 2")
    check(ws)
    check(ws)
    tasks = ws.store.query("SELECT group_id, kind, title, dedupe_key, status FROM tasks WHERE kind = 'near_capacity'")
    assert tasks == [{"group_id": 1, "kind": "near_capacity", "dedupe_key": "kpi.near_capacity:1:near",
                      "status": "open", "title": tasks[0]["title"]}]
    assert "46/50 (92.0%) members" in tasks[0]["title"] and "family" in tasks[0]["title"]  # console.numbers.capacity
    assert ws.store.scalar("SELECT count(*) FROM alerts WHERE kind = 'near_capacity'") == 0
    # while that task is open, filling up adds nothing; once done, a full group is a new band
    with ws.store.write() as c:
        c.execute("UPDATE groups SET member_count = 50 WHERE id = 1")
    check(ws)
    assert ws.store.scalar("SELECT count(*) FROM tasks WHERE kind = 'near_capacity'") == 1
    with ws.store.write() as c:
        c.execute("UPDATE tasks SET status = 'done' WHERE kind = 'near_capacity'")
    check(ws)
    check(ws)
    assert [r["dedupe_key"] for r in ws.store.query("SELECT dedupe_key FROM tasks WHERE status = 'open'"
                                                     " AND kind = 'near_capacity'")] == ["kpi.near_capacity:1:full"]
    # just under the share (44 < 45): nothing
    with ws.store.write() as c:
        c.execute("UPDATE tasks SET status = 'done'")
        c.execute("UPDATE groups SET capacity = 50, member_count = 44 WHERE id = 3")
    check(ws)
    assert not ws.store.scalar("SELECT count(*) FROM tasks WHERE group_id = 3")


def test_churn_spike_fires_above_the_groups_own_baseline_and_the_least_leaves(gen_ws):
    ws, _ = gen_ws
    today = "2025-06-01"  # the generated traffic ends 2025-03-31: these rows are the only leaves around
    days = [shift(today, -k) for k in range(1, 29)]  # churn_baseline_days = 28
    with ws.store.write() as c:
        rows = [(1, d, 2 if i % 2 else 0) for i, d in enumerate(days)]  # group 1: 2, 0, 2, 0 ...: mean 1, sd 1
        rows += [(3, d, 6) for d in days]  # group 3: 6 every day: mean 6, sd 0
        rows += [(1, today, 5), (2, today, 4), (3, today, 6)]
        c.executemany("INSERT INTO rollups_daily(group_id, day, leaves) VALUES (?,?,?)", rows)
    ws.clock = lambda: ws.day_start(today) + 3600
    keys = check(ws)
    # group 1: 5 leaves, at least 5 and above 1 + 3 x 1 = 4; group 2: 4 leaves, under the least 5
    # (its baseline is 0); group 3: 6 leaves, not above 6 + 3 x 0
    assert [k for k in keys if k.startswith("churn_spike")] == ["churn_spike:1"]
    alert = ws.store.one("SELECT message, why, cause FROM alerts WHERE dedupe_key = 'kpi.churn_spike:1'")
    name = ws.store.scalar("SELECT name FROM groups WHERE id = 1")
    assert alert == {"message": f"{name}: 5 people left today", "cause": today,
                     "why": "baseline 1.0/day (sd 1.0) over 28 days; fires above 4.0 and at least 5"}
