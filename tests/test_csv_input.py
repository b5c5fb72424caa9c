"""Operator CSV (issue 16 item 8): a broken line is an error of that line, said with its
number; nothing is imported (or, with --skip-bad, only the good lines); cells that
start like a formula are neutralised on export."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from console.cli import build_cli, cli
from console.cli.output import neutralised, render_csv
from plugins.kpi.imports import ImportProblem, error_lines, import_csv

HEAD = "day,amount,note"
GOOD = [f"2026-11-{d:02d},{d}.5,ok {d}" for d in range(1, 13)]  # amounts 1.5 .. 12.5


def write(tmp_path, text: str | bytes, name: str = "costs.csv"):
    p = tmp_path / name
    p.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return p


def stored(ws) -> list[tuple]:
    return [tuple(r.values()) for r in ws.store.query("SELECT day, amount, note FROM costs ORDER BY day")]


def test_an_unclosed_quote_is_an_error_of_its_line_not_ten_rows_swallowed(ws, tmp_path):
    # before: the quote ran on to the end, "imported" 2 rows, one holding the next 10 lines in its note
    p = write(tmp_path, "\n".join([HEAD, GOOD[0], '2026-11-20,3,"Widget 12 inch', *GOOD[1:11]]) + "\n")
    res = import_csv(ws, "costs", p)
    assert [line for line, _ in res.errors] == [3] and "not closed" in res.errors[0][1]
    assert res.stored == 0 and stored(ws) == []
    res = import_csv(ws, "costs", p, skip_bad=True)
    assert (res.stored, res.skipped) == (11, 1)
    rows = stored(ws)
    assert len(rows) == 11 and sum(r[1] for r in rows) == pytest.approx(sum(d + 0.5 for d in range(1, 12)))
    assert max(len(r[2]) for r in rows) == len("ok 11")


def test_quotes_done_right_still_work_and_a_stray_one_is_named(ws, tmp_path):
    p = write(tmp_path, "\n".join([HEAD, '2026-11-01,1,"a, b"', '2026-11-02,2,"say ""hi"""',
                                   '2026-11-03,3,"bad" tail']) + "\n")
    res = import_csv(ws, "costs", p, skip_bad=True)
    assert res.errors == [(4, 'a quote inside a quoted cell must be doubled (""), and nothing may follow the '
                              'closing quote but a comma')]
    assert [r[2] for r in stored(ws)] == ["a, b", 'say "hi"']


def test_an_over_long_cell_is_an_error_of_its_line(ws, tmp_path):
    p = write(tmp_path, "\n".join([HEAD, GOOD[0], "2026-11-20,3," + "x" * 131_073, GOOD[1], GOOD[2]]))
    res = import_csv(ws, "costs", p)
    assert res.errors == [(3, "a cell is longer than 131,072 characters")] and stored(ws) == []
    res = import_csv(ws, "costs", p, skip_bad=True)
    assert res.stored == 3 and [r[1] for r in stored(ws)] == [1.5, 2.5, 3.5]
    ok = write(tmp_path, "\n".join([HEAD, "2026-11-20,3," + "x" * 131_072]), "edge.csv")
    assert import_csv(ws, "costs", ok).stored == 1  # exactly the limit is allowed


def test_a_line_that_is_not_utf8_is_named_with_its_column(ws, tmp_path):
    bad = "2026-11-20,3,小米手环".encode("gb18030")
    p = write(tmp_path, b"\n".join([HEAD.encode(), GOOD[0].encode(), bad, GOOD[1].encode()]))
    res = import_csv(ws, "costs", p)
    # "2026-11-20,3," is 13 bytes; 小 is D0 A1 in GBK (valid UTF-8 too, U+0421: refused all the same)
    assert res.errors == [(3, "not UTF-8 text (byte 0xD0 at column 14): the file reads as GBK/GB18030, Excel's "
                              "default for Chinese; save the sheet as \"CSV UTF-8\"")]
    assert import_csv(ws, "costs", p, skip_bad=True).stored == 2
    neither = write(tmp_path, b"\n".join([HEAD.encode(), b"2026-11-20,3,\xff\xfe\xff"]), "neither.csv")
    assert import_csv(ws, "costs", neither).errors == [
        (2, 'not UTF-8 text (byte 0xFF at column 14); save the sheet as "CSV UTF-8"')]
    # a UTF-8 file with one broken line (its Chinese reads as GB18030 too): only that line is refused
    utf8 = [f"2026-11-{d:02d},{d},小米手环{d}".encode() for d in range(1, 4)]
    mixed = write(tmp_path, b"\n".join([HEAD.encode(), utf8[0], "2026-11-09,9,小米".encode("gb18030"), *utf8[1:]]),
                  "mixed.csv")
    res = import_csv(ws, "costs", mixed, skip_bad=True)
    assert [line for line, _ in res.errors] == [3] and "GBK" not in res.errors[0][1]
    assert sorted(r[2] for r in stored(ws) if r[2].startswith("小")) == ["小米手环1", "小米手环2", "小米手环3"]


def test_a_header_that_cannot_be_read_refuses_the_file(ws, tmp_path):
    with pytest.raises(ImportProblem, match=r"line 1: not UTF-8 text \(byte 0xC8 at column 1\)"):
        import_csv(ws, "costs", write(tmp_path, "日期,amount\n".encode("gb18030")))
    with pytest.raises(ImportProblem, match="line 2: a quote opened on this line"):
        import_csv(ws, "costs", write(tmp_path, '\n"day,amount\n2026-11-01,1\n', "q.csv"))
    with pytest.raises(ImportProblem, match="no header row"):
        import_csv(ws, "costs", write(tmp_path, "\n \n", "empty.csv"))
    with pytest.raises(ImportProblem, match="no such file"):
        import_csv(ws, "costs", tmp_path / "nope.csv")


def test_excel_csv_utf8_bom_crlf_blank_lines_and_line_numbers(ws, tmp_path):
    text = "\ufeff" + "\r\n".join([HEAD, GOOD[0], "", "2026-11-05,-2,neg", GOOD[1]]) + "\r\n"
    res = import_csv(ws, "costs", write(tmp_path, text))
    assert res.errors == [(4, "amount: '-2' is negative (expected 0 or more)")]  # the blank line 3 counts
    nul = write(tmp_path, "\n".join([HEAD, "2026-11-01,1,a\x00b"]), "nul.csv")
    assert import_csv(ws, "costs", nul).errors == [(2, "holds a NUL byte (a binary file, not CSV text)")]
    extra = write(tmp_path, "\n".join([HEAD, "2026-11-01,1,a,b", "2026-11-01,1,a,b,c"]), "extra.csv")
    assert import_csv(ws, "costs", extra).errors == [(2, "1 more field than the header has"),
                                                     (3, "2 more fields than the header has")]


def test_cli_says_the_line_and_imports_nothing_then_skips_it(ws, tmp_path, config_path):
    p = write(tmp_path, "\n".join([HEAD, GOOD[0], '2026-11-20,3,"Widget', GOOD[1]]))
    ws.close()
    build_cli([])
    r = CliRunner().invoke(cli, ["--config", str(config_path), "import", "costs", str(p)])
    assert r.exit_code == 2 and "costs.csv: line 3: a quote opened" in r.output
    assert "1 bad row; nothing imported" in r.output and "Traceback" not in r.output
    r = CliRunner().invoke(cli, ["--config", str(config_path), "import", "costs", str(p), "--skip-bad"])
    assert r.exit_code == 0 and "imported 2 rows of costs, skipped 1 bad row" in r.output


def test_messages_in_zh_cn(tmp_path):
    from console.workspace import Workspace
    from tests.conftest import make_config

    cfg = make_config(tmp_path, '[console]\nlanguage = "zh-CN"\n')
    with Workspace.open(cfg) as w:
        p = write(tmp_path, "\n".join([HEAD, '2026-11-20,3,"Widget', "2026-11-21,x,n"]))
        res = import_csv(w, "costs", p)
        assert error_lines(w, res, p) == [
            "costs.csv：第 2 行：本行的引号没有在本行闭合（导入的单元格不能换行；未闭合的引号会吞掉后面的行）",
            "costs.csv：第 3 行：amount：'x' 不是数字（应为金额，如 39.90）"]


def test_a_long_bad_value_is_cut_in_the_message(ws, tmp_path):
    res = import_csv(ws, "costs", write(tmp_path, "\n".join([HEAD, "2026-11-01," + "9" * 60 + "x"])))
    (line, msg), = res.errors
    assert line == 2 and msg == "amount: '" + "9" * 39 + "…' is not a number (expected an amount such as 39.90)"


# --- export -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell, out", [
    ("=1+1", "'=1+1"), ("+86 138 0000", "'+86 138 0000"), ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\t=x", "'\t=x"), ("\r=x", "'\r=x"),
    ("-12.5", "-12.5"), ("+3", "+3"), ("-4%", "-4%"), ("a=b", "a=b"), ("", ""), (-3, -3), (None, None),
])
def test_cells_that_start_like_a_formula_are_neutralised(cell, out):
    assert neutralised(cell) == out


def test_kpi_export_neutralises_a_group_name(ws, config_path):
    ws.store.execute("INSERT INTO groups(connection_id, platform, platform_group_id, name) VALUES "
                     "('sandbox', 'sandbox', 'g1', '=HYPERLINK(\"http://x.example\",\"点我\")')")
    ws.close()
    build_cli([])
    r = CliRunner().invoke(cli, ["--config", str(config_path), "kpi", "--by-group", "--format", "csv"])
    assert r.exit_code == 0
    assert '"\'=HYPERLINK(""http://x.example"",""点我"")"' in r.output
    js = CliRunner().invoke(cli, ["--config", str(config_path), "kpi", "--by-group", "--format", "json"])
    assert json.loads(js.output)[0]["group"].startswith("=HYPERLINK")  # JSON keeps the value as it is
    assert render_csv([{"a": "=x"}]) == "a\n'=x\n"


def test_the_cell_limit_holds_when_another_module_raised_csvs(ws, tmp_path):
    import csv

    old = csv.field_size_limit(10_000_000)
    try:
        p = write(tmp_path, "\n".join([HEAD, "2026-11-20,3," + "x" * 131_073]))
        assert import_csv(ws, "costs", p).errors == [(2, "a cell is longer than 131,072 characters")]
    finally:
        csv.field_size_limit(old)
