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
