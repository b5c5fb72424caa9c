"""The store: one open-and-migrate path, pinned schema, safe concurrent writers, clear
errors for corrupt or locked files, and every table documented."""

from __future__ import annotations

import multiprocessing
import re
import sqlite3
from pathlib import Path

import pytest

from console.store import StoreError, apply_migrations, open_store, pending_migrations

ROOT = Path(__file__).resolve().parent.parent

CORE_TABLES = {
    "migrations", "meta", "connections", "groups", "people", "identities", "memberships", "roles", "messages",
    "events", "speaker_days", "rollups_daily", "join_requests", "rules", "cases", "actions", "tasks", "alerts",
    "audit_log", "tags", "orders", "costs", "exposure", "dead_letters", "refused_requests", "bot_invitations",
    "identity_link_ops", "person_links",
    "account_health", "account_sends",
}


def test_core_schema_pinned(tmp_path):
    s = open_store(tmp_path / "a.db")
    assert set(s.tables()) == CORE_TABLES
    cols = [c.name for c in s.db["messages"].columns]
    assert cols == ["id", "connection_id", "platform_msg_id", "group_id", "person_id", "ts", "text", "meta"]
    # messages stay lean: only the dedupe key is indexed (NOTES.md: indexes cost ingest)
    idx = s.query("SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='messages'")
    assert len(idx) == 1
    assert s.scalar("PRAGMA journal_mode") == "wal" and s.scalar("PRAGMA foreign_keys") == 1
    assert s.scalar("PRAGMA wal_autocheckpoint") == 0  # checkpoints run in a thread (console/store/checkpoint.py)
    assert {v for v in s.db.view_names()} == {"messages_readable", "audit_readable", "actions_readable"}
    req_idx = {r["name"] for r in s.query("SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='join_requests'"
                                          " AND sql IS NOT NULL")}
    assert req_idx == {"join_requests_status", "join_requests_group", "join_requests_waiting"}  # m006: waiting ones
    plan = " ".join(r["detail"] for r in s.query(
        "EXPLAIN QUERY PLAN SELECT count(*) FROM join_requests WHERE group_id = 1 AND status = 'approved'"
        " AND decided_at >= 0"))
    assert "join_requests_group" in plan  # a group's recent approvals: a range, not every approved request
    ddl = s.scalar("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'join_requests'")
    assert "'approving', 'approved', 'rejecting', 'rejected', 'held', 'expired'" in ddl  # m005
    # m007_case_outcomes: a rule's case can be settled by the rule or overturned by a person
    case_cols = [c.name for c in s.db["cases"].columns]
    assert case_cols[-1] == "audit" and "status" in case_cols
    case_idx = {r["name"] for r in s.query("SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='cases'"
                                           " AND sql IS NOT NULL")}
    assert case_idx == {"cases_person", "cases_queue", "cases_rule", "cases_by_group"}  # m006: an owner's groups
    with s.write() as c:
        for status in ("settled", "overturned"):
            c.execute("INSERT INTO cases(actor, status, opened_at) VALUES ('rule:x', ?, 1)", (status,))
        with pytest.raises(sqlite3.IntegrityError):
            c.execute("INSERT INTO cases(actor, status, opened_at) VALUES ('rule:x', 'maybe', 1)")
    # m006_alert_snooze: an alert's cause and who resolved it; partial indexes for the host's queues
    assert [c.name for c in s.db["alerts"].columns][-2:] == ["cause", "resolved_by"]
    idx = {r["name"]: r["sql"] for r in s.query("SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                                                 " AND tbl_name IN ('alerts', 'tasks') AND sql IS NOT NULL")}
    assert set(idx) == {"alerts_open", "tasks_open"}
    assert "WHERE resolved_at IS NULL" in idx["alerts_open"] and "WHERE status = 'open'" in idx["tasks_open"]
    # m008_ingest_faults: replayed dead letters say when; refused requests are counted per day and cause
    assert [c.name for c in s.db["dead_letters"].columns][-2:] == ["status", "replayed_at"]
    assert [c.name for c in s.db["refused_requests"].columns] == [
        "id", "day", "cause", "connection", "count", "first_at", "last_at", "sample"]
    # m011_in_doubt: an action left running by a crash stays in doubt until it ends
    assert "in_doubt_since" in [c.name for c in s.db["actions"].columns]
    # m009_bot_invitations: the bot invited into a group, held for a person, never a join request
    assert [c.name for c in s.db["bot_invitations"].columns] == [
        "id", "connection_id", "platform_request_id", "platform_group_id", "group_name", "inviter_person_id",
        "comment", "requested_at", "status", "decided_at", "decided_by", "reason", "task_id"]
    with s.write() as c:
        c.execute("INSERT INTO bot_invitations(connection_id, platform_request_id, requested_at) VALUES ('q', 'f', 1)")
        assert c.execute("SELECT status FROM bot_invitations").fetchone()[0] == "held"
        with pytest.raises(sqlite3.IntegrityError):
            c.execute("INSERT INTO bot_invitations(connection_id, platform_request_id, requested_at, status)"
                      " VALUES ('q', 'g', 1, 'approved')")
    # m012_identity_links: one person's accounts linked (acts and links, ended not deleted); orders' phone
    assert [c.name for c in s.db["identity_link_ops"].columns] == [
        "id", "kind", "person_id", "other_id", "reason", "actor", "at", "undone_at", "undone_by"]
    assert [c.name for c in s.db["person_links"].columns] == [
        "id", "person_id", "into_id", "op_id", "ended_at", "ended_op_id"]
    assert [c.name for c in s.db["orders"].columns][-1] == "phone"
    with s.write() as c:
        c.execute("INSERT INTO people(id) VALUES (1), (2), (3)")
        c.execute("INSERT INTO identity_link_ops(id, kind, person_id, other_id, actor, at) VALUES (1, 'link', 1, 2, 'o', 1)")
        c.execute("INSERT INTO person_links(person_id, into_id, op_id) VALUES (2, 1, 1)")
        with pytest.raises(sqlite3.IntegrityError):  # one link in force per person
            c.execute("INSERT INTO person_links(person_id, into_id, op_id) VALUES (2, 3, 1)")
        c.execute("UPDATE person_links SET ended_at = 5")
        c.execute("INSERT INTO person_links(person_id, into_id, op_id) VALUES (2, 3, 1)")  # an ended one does not count
    # m013_account_health: a bot account's back-off, forced logouts and heartbeat; its sends per group and hour
    assert [c.name for c in s.db["account_health"].columns] == [
        "connection_id", "backoff_level", "backoff_reason", "backoff_since", "forced_offline", "forced_offline_at",
        "forced_offline_words", "last_heartbeat_at", "updated_at"]
    assert [c.name for c in s.db["account_sends"].columns] == [
        "connection_id", "group_id", "hour", "sent", "refused", "timed_out"]
    assert s.scalar("PRAGMA integrity_check") == "ok"


def test_m006_keeps_who_resolved_an_alert(tmp_path):
    """Alerts resolved before m006: by a person (audited) keep their key and that actor;
    the others were resolved automatically and release their key."""
    from console.store import migrations as schema

    s = open_store(tmp_path / "old.db", migrate=False)
    with s.write():
        for name, fn in schema.CORE_MIGRATIONS:
            if name == "m006_alert_snooze":
                break
            fn(s)
        s.conn.executemany("INSERT INTO alerts(id, kind, message, dedupe_key, opened_at, resolved_at)"
                           " VALUES (?, 'k', 'm', ?, 1, ?)", [(1, "a", 5), (2, "b", 6), (3, "c", None)])
        s.conn.execute("INSERT INTO audit_log(ts, operator, actor, action, target_type, target_id)"
                       " VALUES (5, 'o', 'operator:o', 'alert_resolved', 'alert', '1')")
        schema.m006_alert_snooze(s)
    got = s.query("SELECT id, dedupe_key, resolved_by, cause FROM alerts ORDER BY id")
    assert got == [{"id": 1, "dedupe_key": "a", "resolved_by": "operator:o", "cause": ""},
                   {"id": 2, "dedupe_key": None, "resolved_by": "auto", "cause": ""},
                   {"id": 3, "dedupe_key": "c", "resolved_by": None, "cause": ""}]


def test_m005_rebuilds_join_requests_keeping_rows_and_indexes(tmp_path):
    """A workspace made before m005 keeps its requests; afterwards a decision can read
    approving / rejecting while the platform answers, and nothing else is accepted."""
    from console.store import migrations as schema

    s = open_store(tmp_path / "a.db", migrate=False)
    with s.write():
        for name, fn in schema.CORE_MIGRATIONS[:4]:  # m001-m004: the table as it was
            fn(s)
    with s.write() as c:
        c.execute("INSERT INTO join_requests(id, connection_id, platform_request_id, requested_at, status, reason)"
                  " VALUES (7, 'sb', 'f7', 100, 'held', 'why'), (9, 'sb', 'f9', 200, 'approved', NULL)")
        with pytest.raises(sqlite3.IntegrityError):
            c.execute("UPDATE join_requests SET status = 'approving' WHERE id = 7")
    with s.write():
        schema.m005_join_request_outcomes(s)
    assert s.query("SELECT id, platform_request_id, status, reason FROM join_requests ORDER BY id") == [
        {"id": 7, "platform_request_id": "f7", "status": "held", "reason": "why"},
        {"id": 9, "platform_request_id": "f9", "status": "approved", "reason": None}]
    with s.write() as c:
        c.execute("UPDATE join_requests SET status = 'approving' WHERE id = 7")
        c.execute("UPDATE join_requests SET status = 'rejecting' WHERE id = 9")
        with pytest.raises(sqlite3.IntegrityError):
            c.execute("UPDATE join_requests SET status = 'maybe' WHERE id = 7")
        with pytest.raises(sqlite3.IntegrityError):  # the platform's request id stays unique
            c.execute("INSERT INTO join_requests(connection_id, platform_request_id, requested_at) VALUES ('sb', 'f7', 1)")
    idx = {r["name"] for r in s.query("SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='join_requests'"
                                      " AND sql IS NOT NULL")}
    assert idx == {"join_requests_status", "join_requests_group"}


def test_rows_in_looks_up_any_number_of_values_in_chunks(tmp_path):
    """A batch's look-up by an IN list: more values than one statement may carry, with
    parameters ahead of the list, through a Store or a bare connection alike."""
    from console.store import rows_in

    s = open_store(tmp_path / "a.db")
    with s.write() as c:
        c.executemany("INSERT INTO people(id, display_name) VALUES (?, ?)", [(i, f"p{i}") for i in range(1, 1201)])
    wanted = list(range(1, 1201, 2)) + [5000]  # 600 that exist and one that does not
    got = sorted(r[0] for r in rows_in(s, "SELECT id FROM people WHERE display_name != ? AND id IN ({marks})",
                                       wanted, ("p7",)))
    assert got == [i for i in range(1, 1201, 2) if i != 7]
    assert list(rows_in(s.conn, "SELECT id FROM people WHERE id IN ({marks})", [])) == []


def test_migrations_run_once_and_plugin_names_are_namespaced(tmp_path):
    calls = []

    def m(store):
        calls.append(1)
        store.conn.execute("CREATE TABLE x_things (id INTEGER PRIMARY KEY)")

    s = open_store(tmp_path / "a.db", plugin_migrations=[("x.m001_things", m)])
    assert apply_migrations(s, [("x.m001_things", m)]) == []
    assert calls == [1] and pending_migrations(s, [("x.m001_things", m)]) == []
    assert s.scalar("SELECT count(*) FROM migrations WHERE name = 'x.m001_things'") == 1


def test_failed_migration_leaves_nothing_half_applied(tmp_path):
    def bad(store):
        store.conn.execute("CREATE TABLE half (id INTEGER)")
        raise RuntimeError("oops")

    with pytest.raises(Exception):
        open_store(tmp_path / "a.db", plugin_migrations=[("x.m001_bad", bad)])
    s = open_store(tmp_path / "a.db")
    assert "half" not in s.tables()


def test_write_rolls_back_on_error_and_nests(tmp_path):
    s = open_store(tmp_path / "a.db")
    with pytest.raises(ValueError):
        with s.write() as c:
            c.execute("INSERT INTO meta VALUES ('a', '1')")
            raise ValueError
    assert s.get_meta("a") is None
    with s.write() as c:
        c.execute("INSERT INTO meta VALUES ('b', '1')")
        with pytest.raises(KeyError):
            with s.write() as c2:
                c2.execute("INSERT INTO meta VALUES ('c', '1')")
                raise KeyError
    assert s.get_meta("b") == "1" and s.get_meta("c") is None


def test_sqlite_utils_inside_a_write_does_not_commit_early(tmp_path):
    s = open_store(tmp_path / "a.db")
    with pytest.raises(RuntimeError):
        with s.write():
            s.db["meta"].insert({"key": "k", "value": "v"})
            raise RuntimeError
    assert s.get_meta("k") is None


def test_corrupt_file_is_a_clear_error(tmp_path):
    p = tmp_path / "bad.db"
    p.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not a SQLite database"):
        open_store(p)


def test_read_only_refuses_writes(tmp_path):
    open_store(tmp_path / "a.db").close()
    s = open_store(tmp_path / "a.db", read_only=True)
    with pytest.raises(StoreError, match="read-only"):
        with s.write():
            pass


def _writer(path, n, q):
    from console.store import open_store

    s = open_store(path)
    errors = 0
    for i in range(n):
        try:
            with s.write() as c:  # read-then-write: the pattern that locks in deferred mode
                v = c.execute("SELECT coalesce(max(CAST(value AS INTEGER)), 0) FROM meta WHERE key LIKE 'n%'").fetchone()[0]
                c.execute("INSERT INTO meta VALUES (?, ?)", (f"n{multiprocessing.current_process().pid}-{i}", v + 1))
        except Exception:
            errors += 1
    q.put(errors)


def test_two_processes_writing_get_no_lock_errors(tmp_path):
    p = str(tmp_path / "a.db")
    open_store(p).close()
    q = multiprocessing.get_context("spawn").Queue()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(p, 150, q)) for _ in range(2)]
    for pr in procs:
        pr.start()
    for pr in procs:
        pr.join(60)
    assert [q.get(timeout=5), q.get(timeout=5)] == [0, 0]
    assert sqlite3.connect(p).execute("SELECT count(*) FROM meta WHERE key LIKE 'n%'").fetchone()[0] == 300


def test_every_table_is_documented(ws):
    docs = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    for extra in sorted((ROOT / "docs" / "schema").glob("*.md")):
        docs += extra.read_text(encoding="utf-8")
    documented = set(re.findall(r"^###\s+`?([a-z_0-9]+)`?", docs, re.M))
    missing = sorted(set(ws.store.tables()) - documented)
    assert not missing, f"tables without a '### name' section in docs/schema*.md: {missing}"


def test_write_one_joins_an_open_transaction_without_a_savepoint(tmp_path):
    s = open_store(tmp_path / "a.db")
    s.write_one("INSERT INTO meta(key, value) VALUES ('a', '1')")  # alone: its own transaction, committed
    assert not s.in_transaction and s.scalar("SELECT value FROM meta WHERE key = 'a'") == "1"
    with pytest.raises(RuntimeError):
        with s.write():
            s.write_one("INSERT INTO meta(key, value) VALUES ('b', '2')")
            raise RuntimeError("the batch fails")
    assert s.scalar("SELECT count(*) FROM meta WHERE key = 'b'") == 0  # rolled back with the transaction


def test_rules_version_changes_on_every_rules_edit_by_anyone(tmp_path):
    """Plugins cache compiled rules against this token; an edit from another connection
    (another process, sqlite3) must change it as surely as one through shequn."""
    s = open_store(tmp_path / "a.db")
    seen = [s.rules_version()]
    other = sqlite3.connect(tmp_path / "a.db")
    for sql in ("INSERT INTO rules(name, plugin, kind) VALUES ('r1', 'x', 'ads')",
                "UPDATE rules SET enabled = 0 WHERE name = 'r1'",
                "DELETE FROM rules WHERE name = 'r1'"):
        other.execute(sql)
        other.commit()
        seen.append(s.rules_version())
    assert len(set(seen)) == 4
    with pytest.raises(RuntimeError):
        with s.write() as c:  # a rolled-back edit leaves the token as it was
            c.execute("INSERT INTO rules(name, plugin, kind) VALUES ('r2', 'x', 'ads')")
            raise RuntimeError
    assert s.rules_version() == seen[-1]
