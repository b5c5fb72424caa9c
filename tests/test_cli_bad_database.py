"""A workspace file that is not a database stops every verb that opens it with exit code 2
and one line naming the file: not exit 1 with a traceback, not 0.

test_cli_core.py checks ``db check``, which reads the file itself; the other verbs reach
the file through the shared workspace opening and its error handling, which is what a
typo'd path or a clobbered file meets first.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from console.cli import build_cli, cli
from tests.conftest import make_config

VERBS = [["db", "migrate"], ["db", "check"], ["kpi"], ["tasks"], ["alerts"], ["cases", "list"],
         ["deadletters", "list"], ["blacklist", "list"]]


@pytest.fixture
def bad_db(tmp_path):
    cfg = make_config(tmp_path)
    db = tmp_path / "shequn.db"
    db.write_bytes(b"this is a spreadsheet, not a workspace\n" * 400)
    return cfg, db


@pytest.mark.parametrize("verb", VERBS, ids=" ".join)
def test_a_file_that_is_not_a_database_exits_2_naming_it(bad_db, verb):
    cfg, db = bad_db
    build_cli([])
    before = db.read_bytes()
    r = CliRunner().invoke(cli, ["--config", str(cfg), *verb])
    assert r.exit_code == 2, (r.exit_code, r.output)
    assert str(db) in r.output and "Traceback" not in r.output
    assert r.output.count("\n") <= 3  # a sentence, not a dump
    assert db.read_bytes() == before  # nothing written into someone's file



@pytest.mark.parametrize("lang, says", [
    ("en", "shequn.db: the workspace needs upgrading to this shequn first (m012_identity_links): run "
           "`shequn db migrate` (or open the console), then run this again. A read-only open cannot upgrade it."),
    ("zh-CN", "shequn.db：工作区需要先升级到当前版本的 shequn（m012_identity_links）：请运行 `shequn db migrate`"
              "（或打开控制台），然后再运行此命令。只读打开无法升级。"),
])
def test_a_workspace_an_older_shequn_wrote_is_upgraded_by_migrate_not_by_a_read(tmp_path, lang, says):
    """A verb that only reads (tasks) cannot upgrade the file: it says how, in the operator's
    language, and writes nothing; after `shequn db migrate` it works."""
    import sqlite3

    from console.workspace import Workspace

    cfg = make_config(tmp_path, f'[console]\nlanguage = "{lang}"\n')
    Workspace.open(cfg).close()
    db = tmp_path / "shequn.db"
    with sqlite3.connect(db) as c:  # the file as the shequn before migration m012 left it
        c.executescript("DROP TABLE person_links; DROP TABLE identity_link_ops; DROP INDEX orders_phone;"
                        " ALTER TABLE orders DROP COLUMN phone;"
                        " DELETE FROM migrations WHERE name = 'm012_identity_links';")
    before = db.read_bytes()
    build_cli([])
    r = CliRunner().invoke(cli, ["--config", str(cfg), "tasks"])
    assert r.exit_code == 2 and says in r.output.replace("\n", ""), r.output
    assert db.read_bytes() == before
    assert CliRunner().invoke(cli, ["--config", str(cfg), "db", "migrate"]).exit_code == 0
    assert CliRunner().invoke(cli, ["--config", str(cfg), "tasks"]).exit_code == 0
