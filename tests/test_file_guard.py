"""The file guard (issue 16 item 4): a damaged, read-only or newer workspace file is refused
before anything is written, with the path and what to do; a missing --config is an error."""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from console import __version__
from console.cli import build_cli, cli
from console.store import guard, open_store
from console.workspace import Workspace
from tests.conftest import make_config


def run(*args):
    build_cli([])
    return CliRunner().invoke(cli, [str(a) for a in args])


def filled(tmp_path: Path) -> tuple[Path, Path]:
    """A workspace of about 1 MB (2,000 audit rows of text), closed and checkpointed."""
    cfg = make_config(tmp_path)
    with Workspace.open(cfg) as ws:
        ws.audit_many([("note", "row", i, {"text": "x" * 400}, None) for i in range(2000)])
    guard.forget_checks(tmp_path / "shequn.db")  # as a file shequn did not close: checked at the next open
    return cfg, tmp_path / "shequn.db"


def smash(db: Path, at: float = 0.5, size: int = 16384) -> None:
    rnd = random.Random(16)
    with open(db, "r+b") as f:
        f.seek(int(db.stat().st_size * at))
        f.write(bytes(rnd.getrandbits(8) for _ in range(size)))


def digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


# --- damaged -------------------------------------------------------------------------------

def test_random_bytes_in_the_middle_are_refused_for_writes_and_nothing_is_written(tmp_path):
    cfg, db = filled(tmp_path)
    assert db.stat().st_size > 600_000
    smash(db)
    before = digest(db)
    with pytest.raises(guard.CorruptFile) as e:
        Workspace.open(cfg)
    assert str(db) in str(e.value) and "shequn db backup" in str(e.value)
    r = run("--config", cfg, "rules", "disable", "flood")
    assert r.exit_code == 2 and "damaged" in r.output and str(db) in r.output and "Traceback" not in r.output
    assert digest(db) == before  # not one byte written, not even the connections table


def test_damaged_file_names_the_newest_backup(tmp_path):
    cfg, db = filled(tmp_path)
    assert run("--config", cfg, "db", "backup").exit_code == 0
    (copy,) = (tmp_path / "backups").iterdir()
    smash(db)
    r = run("--config", cfg, "db", "migrate")
    assert r.exit_code == 2 and f"the newest is {copy}" in r.output


@pytest.mark.parametrize("damage, words", [
    (lambda db: db.write_bytes(db.read_bytes()[: db.stat().st_size // 2]), "shorter than"),
    (lambda db: db.write_bytes(b"PK\x03\x04" + db.read_bytes()[4:]), "does not start with SQLite's header"),
])
def test_header_damage_is_refused_even_read_only(tmp_path, damage, words):
    cfg, db = filled(tmp_path)
    damage(db)
    for ro in (False, True):
        with pytest.raises(guard.CorruptFile, match=words):
            Workspace.open(cfg, read_only=ro)


def test_db_check_finds_the_damage_and_quick_and_full_pass_a_sound_file(tmp_path):
    cfg, db = filled(tmp_path)
    assert "quick check ok" in run("--config", cfg, "db", "check", "--quick").output
    assert "integrity check ok" in run("--config", cfg, "db", "check").output
    smash(db)
    for extra in ([], ["--quick"]):
        r = run("--config", cfg, "db", "check", *extra)
        assert r.exit_code == 2 and "damaged" in r.output


def test_a_sound_file_is_checked_once_until_something_else_touches_it(tmp_path, monkeypatch):
    cfg, db = filled(tmp_path)
    seen = []
    real = guard.quick_check
    monkeypatch.setattr(guard, "quick_check", lambda conn, s: seen.append(1) or real(conn, s))
    Workspace.open(cfg).close()
    Workspace.open(cfg, read_only=True).close()  # reading never checks
    assert len(seen) == 1 and Path(f"{db}-guard").exists()
    guard._checked.clear()  # another process: only the stamp of the clean close says it is sound
    Workspace.open(cfg).close()
    assert len(seen) == 1
    con = sqlite3.connect(db)  # another program writes the file
    con.execute("INSERT INTO meta(key, value) VALUES ('x', 'y')")
    con.commit()
    con.close()
    Workspace.open(cfg).close()
    assert len(seen) == 2
    smash(db)
    with pytest.raises(guard.CorruptFile):
        Workspace.open(cfg)
    assert len(seen) == 3


def test_a_crash_leaves_no_stamp_for_what_followed(tmp_path, monkeypatch):
    cfg, db = filled(tmp_path)
    Workspace.open(cfg).close()
    ws = Workspace.open(cfg)  # never closed, as after kill -9
    ws.audit_many([("note", "row", i, {"text": "y" * 400}, None) for i in range(500)])
    ws.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # its writes reach the file
    guard._checked.clear()
    seen = []
    real = guard.quick_check
    monkeypatch.setattr(guard, "quick_check", lambda conn, s: seen.append(1) or real(conn, s))
    Workspace.open(cfg).close()
    assert seen == [1]
    ws.store.after_close = None
    ws.close()


def test_a_check_out_of_time_is_logged_and_the_file_opens(tmp_path, caplog):
    cfg, db = filled(tmp_path)
    con = sqlite3.connect(db)
    assert guard.quick_check(con, 1e-9)[0] == "unfinished"  # the deadline has passed at the first progress call
    assert guard.quick_check(con, 0)[0] == "ok"
    con.close()
    store = open_store(db, check_seconds=1e-9)
    store.close()
    assert "did not finish" in caplog.text and "shequn db check" in caplog.text


# --- read-only -------------------------------------------------------------------------------

def test_read_only_file_refuses_writes_with_exit_2_and_reading_works(tmp_path, monkeypatch):
    cfg, db = filled(tmp_path)
    monkeypatch.setattr(guard, "writable", lambda p: False)  # as a read-only disk (root ignores chmod)
    with pytest.raises(guard.ReadOnlyFile, match="read-only for this user"):
        Workspace.open(cfg)
    r = run("--config", cfg, "rules", "disable", "flood")
    assert r.exit_code == 2 and str(db) in r.output and "shequn --read-only" in r.output
    assert "Traceback" not in r.output
    with Workspace.open(cfg, read_only=True) as ws:
        assert ws.store.scalar("SELECT count(*) FROM audit_log WHERE action = 'note'") == 2000


def test_console_on_a_read_only_file_opens_read_only(tmp_path, monkeypatch):
    cfg, _ = filled(tmp_path)
    monkeypatch.setattr(guard, "writable", lambda p: False)
    shown = {}

    class App:
        def run(self):
            shown["ran"] = True

    def build_app(ws, **kw):
        shown.update(kw, ws_read_only=ws.read_only)
        return App()

    monkeypatch.setattr("console.tui.app.build_app", build_app)
    from console.tui.launch import run_console

    run_console(str(cfg))
    assert shown["ran"] and shown["read_only"] and shown["ws_read_only"]
    assert shown["engine_note"] == "read-only file: looking only"


def test_writable_follows_permissions_and_the_wal_files(tmp_path):
    db = tmp_path / "x.db"
    sqlite3.connect(db).close()
    assert guard.writable(db)
    if os.geteuid() == 0:
        pytest.skip("root writes whatever the mode says; the real refusal is tested as nobody below")
    db.chmod(0o444)
    assert not guard.writable(db)


@pytest.mark.skipif(os.geteuid() != 0 or not Path("/usr/bin/setpriv").exists(), reason="needs root to run as nobody")
def test_as_another_user_a_read_only_file_gives_exit_2_not_a_traceback(tmp_path):
    import subprocess
    import sys
    import tempfile

    home = Path(tempfile.mkdtemp(prefix="shequn-ro-"))
    try:
        home.chmod(0o755)
        cfg, db = filled(home)
        db.chmod(0o444)
        home.chmod(0o555)
        shequn = Path(sys.executable).parent / "shequn"
        nobody = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
        can = subprocess.run(nobody + [sys.executable, "-c", f"open({str(shequn)!r}).close(); import console"],
                             capture_output=True, text=True, timeout=120, cwd=str(home))
        if can.returncode != 0:  # a checkout in a private folder (CI's mktemp -d is 0700): nobody cannot run shequn
            pytest.skip(f"user nobody cannot run shequn from this checkout: {can.stderr.strip()[-120:]}")
        r = subprocess.run(nobody + [str(shequn), "--config", str(cfg), "rules", "disable", "flood"],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 2 and "read-only for this user" in r.stderr and "Traceback" not in r.stderr
        r = subprocess.run(nobody + [str(shequn), "--config", str(cfg), "rules", "list"],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode in (0, 2) and "Traceback" not in r.stderr
    finally:
        home.chmod(0o755)
        import shutil

        shutil.rmtree(home, ignore_errors=True)


# --- newer ------------------------------------------------------------------------------------------

def _add_migration(db: Path, name: str, version: str | None = None) -> None:
    con = sqlite3.connect(db)
    con.execute("INSERT INTO migrations(name, applied_at) VALUES (?, 1)", (name,))
    if version is not None:
        con.execute("UPDATE meta SET value = ? WHERE key = ?", (version, guard.VERSION_KEY))
    con.commit()
    con.close()


def test_the_version_that_migrated_the_file_is_recorded(ws):
    assert ws.store.get_meta(guard.VERSION_KEY) == __version__


def test_newer_file_is_refused_naming_both_versions(tmp_path):
    cfg, db = filled(tmp_path)
    _add_migration(db, "m099_from_the_future", "9.10.0")
    before = digest(db)
    for ro in (False, True):
        with pytest.raises(guard.NewerFile) as e:
            Workspace.open(cfg, read_only=ro)
        assert f"written by shequn 9.10.0, newer than this shequn {__version__}" in str(e.value)
        assert "m099_from_the_future" in str(e.value)
    r = run("--config", cfg, "tasks")
    assert r.exit_code == 2 and "9.10.0" in r.output
    assert digest(db) == before


def test_newer_file_with_the_same_number_says_a_newer_build(tmp_path):
    cfg, db = filled(tmp_path)
    _add_migration(db, "moderation.m999_later")  # a loaded plugin's migration this build lacks
    with pytest.raises(guard.NewerFile, match=rf"newer build of shequn than this one \({__version__}; the file names"):
        Workspace.open(cfg)


def test_a_plugin_that_is_not_loaded_says_nothing_about_the_version(tmp_path):
    cfg, db = filled(tmp_path)
    _add_migration(db, "ghost_plugin.m001_tables")
    Workspace.open(cfg).close()
    assert guard.unknown_migrations(["m001_core", "m050_x", "kpi.m9", "ghost.m1"], ["m001_core", "kpi.m1"]) == \
        ["kpi.m9", "m050_x"]


def test_an_older_shequn_leaves_the_newer_number(tmp_path):
    cfg, db = filled(tmp_path)
    con = sqlite3.connect(db)
    con.execute("UPDATE meta SET value = '9.0.0' WHERE key = ?", (guard.VERSION_KEY,))
    con.commit()
    con.close()
    with Workspace.open(cfg) as w:
        assert w.store.get_meta(guard.VERSION_KEY) == "9.0.0"
    con = sqlite3.connect(db)
    con.execute("UPDATE meta SET value = '0.0.1' WHERE key = ?", (guard.VERSION_KEY,))
    con.commit()
    con.close()
    with Workspace.open(cfg) as w:
        assert w.store.get_meta(guard.VERSION_KEY) == __version__
    assert guard.version_key("0.10.0") > guard.version_key("0.9.9")


# --- --config --------------------------------------------------------------------------------------

def test_a_missing_config_path_is_an_error_and_makes_nothing(tmp_path, monkeypatch):
    target = tmp_path / "typo" / "config.toml"
    for verb in (["db", "migrate"], ["tasks"], ["config", "check"]):
        r = run("--config", target, *verb)
        assert r.exit_code == 2 and f"{target}: no such config file" in r.output, verb
    monkeypatch.setenv("SHEQUN_CONFIG", str(target))
    assert run("db", "migrate").exit_code == 2
    assert not (tmp_path / "typo").exists()


def test_guard_messages_have_zh_cn_with_the_same_fields(tmp_path, monkeypatch):
    import string

    from console.cli.context import said
    from console.i18n import ZH_CN

    db = tmp_path / "x.db"
    errors = [guard.corrupt(db, "database disk image is malformed"), guard.read_only(db),
              guard.newer(db, ["m099"], "9.0.0", "0.1.0"), guard.newer(db, ["m099"], None, "0.1.0")]
    (tmp_path / "backups").mkdir()
    (tmp_path / "backups" / "a.db").write_bytes(b"")
    errors.append(guard.corrupt(db, "x"))

    def fields(t):
        return {f for _, f, _, _ in string.Formatter().parse(t) if f}

    for e in errors:
        assert e.template in ZH_CN, e.template
        assert fields(ZH_CN[e.template]) == fields(e.template)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")  # no config read yet: the locale decides
    assert "工作区文件已损坏（数据库文件结构损坏）" in said(errors[0])
