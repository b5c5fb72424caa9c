"""Import and export of the library: CSV (as a spreadsheet writes it) and Markdown with a
front matter per item; a bad row refuses the whole file with its line, field and limit."""

from __future__ import annotations

import json

import pytest

from content_kit import T0, cli
from plugins.content import library, transfer
from plugins.content.errors import ContentError, ImportRefused

GOOD = """title,purpose,tags,text
早安问候,促活,"早安,问候","早安 {group}！
今天也要元气满满"
晚安,activation,晚安,晚安～
新品,转化,上新,今日新品
"""


def imp(ws, path, **kw):
    with ws.clock_at(T0):
        return transfer.import_library(ws, path, **kw)


def test_csv_import_adds_every_row(ws, tmp_path):
    f = tmp_path / "items.csv"
    f.write_text(GOOD, encoding="utf-8-sig")  # Excel's BOM
    assert imp(ws, f, dry_run=True) == {"added": 3, "updated": 0}
    assert ws.store.scalar("SELECT count(*) FROM content_items") == 0
    assert imp(ws, f) == {"added": 3, "updated": 0}
    rows = ws.store.query("SELECT title, purpose, tags, text FROM content_items ORDER BY id")
    assert rows[0] == {"title": "早安问候", "purpose": "activation", "tags": "早安,问候",
                       "text": "早安 {group}！\n今天也要元气满满"}
    assert [r["purpose"] for r in rows] == ["activation", "activation", "conversion"]


def test_bad_rows_refuse_the_file_with_their_lines(ws, tmp_path):
    f = tmp_path / "bad.csv"
    # line 2-3 hold one record (a line break in a cell): the bad rows start on lines 4 and 6
    f.write_text("title,purpose,text\n好,促活,\"第一行\n第二行\"\n坏,sale,x\n好2,brand,ok\n坏2,brand,{nickname}\n",
                 encoding="utf-8")
    with pytest.raises(ImportRefused) as e:
        imp(ws, f)
    assert [str(x) for x in e.value.errors] == [
        "bad.csv line 4: purpose: 'sale' is not one of activation, conversion, brand",
        "bad.csv line 6: text: unknown placeholder {nickname}; allowed: {group} {owner} {date} {product} {link}"]
    assert ws.store.scalar("SELECT count(*) FROM content_items") == 0  # nothing half-written


def test_header_cells_and_ids(ws, tmp_path):
    f = tmp_path / "h.csv"
    f.write_text("title,kind,text\n", encoding="utf-8")
    with pytest.raises(ContentError) as e:
        imp(ws, f)
    assert str(e.value).startswith("h.csv line 1: header: unknown column(s) kind, missing purpose;")
    f.write_text("title,purpose,text\na,brand,x,extra\nb,brand\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as e:
        imp(ws, f)
    assert [str(x) for x in e.value.errors] == ["h.csv line 2: 4 cells; the header has 3",
                                                "h.csv line 3: 2 cells; the header has 3"]
    f.write_text("id,title,purpose,text\n42,a,brand,x\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="line 2: id: no library item 42; leave id empty"):
        imp(ws, f)


def test_gb18030_from_a_chinese_spreadsheet(ws, tmp_path):
    f = tmp_path / "wps.csv"
    f.write_bytes("title,purpose,text\n周末福利,转化,满99减20\n".encode("gb18030"))
    assert imp(ws, f) == {"added": 1, "updated": 0}
    assert ws.store.scalar("SELECT text FROM content_items") == "满99减20"


def test_a_missing_image_in_an_import_names_its_line(ws, tmp_path):
    (tmp_path / "ok.png").write_bytes(b"png")
    f = tmp_path / "img.csv"
    f.write_text("title,purpose,image\n有图,brand,ok.png\n没图,brand,gone.png\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as e:
        imp(ws, f)
    assert [str(x) for x in e.value.errors] == ["img.csv line 3: image: gone.png does not exist (a file path, relative "
                                                "to the imported file or the workspace folder, or an http(s) link)"]
    assert not (library.folder(ws) / "content_files").exists()  # the good row's image was not copied either


def test_csv_round_trip_updates_by_id(ws, tmp_path):
    f = tmp_path / "items.csv"
    f.write_text(GOOD, encoding="utf-8")
    imp(ws, f)
    with ws.clock_at(T0):
        library.save(ws, {"title": "=危险", "text": "-1 元秒杀", "purpose": "conversion"})
    out = transfer.export_library(ws, "csv")
    assert out.splitlines()[0] == "id,title,text,image,purpose,tags,group_type,product,link,season"
    assert "'=危险" in out  # a spreadsheet shows it as text, never runs it
    back = tmp_path / "back.csv"
    back.write_text(out.replace("晚安～", "晚安，好梦～"), encoding="utf-8")
    assert imp(ws, back) == {"added": 0, "updated": 4}
    assert ws.store.scalar("SELECT text FROM content_items WHERE title = '晚安'") == "晚安，好梦～"
    assert ws.store.scalar("SELECT title FROM content_items WHERE id = 4") == "=危险"  # read back without the '


MD = """---
title: 早安问候
purpose: 促活
tags: [早安, 问候]
---
早安 {group}！

---
不是新素材的分隔线，留在正文里
---
title: 周末福利
purpose: conversion
product: 坚果礼盒
---
本周 {product} 特价
"""


def test_markdown_items_with_front_matter(ws, tmp_path):
    f = tmp_path / "items.md"
    f.write_text(MD, encoding="utf-8")
    assert imp(ws, f) == {"added": 2, "updated": 0}
    first, second = ws.store.query("SELECT * FROM content_items ORDER BY id")
    assert first["text"] == "早安 {group}！\n\n---\n不是新素材的分隔线，留在正文里" and first["tags"] == "早安,问候"
    assert (second["title"], second["product"], second["text"]) == ("周末福利", "坚果礼盒", "本周 {product} 特价")
    again = tmp_path / "again.md"
    again.write_text(transfer.export_library(ws, "md"), encoding="utf-8")
    assert imp(ws, again) == {"added": 0, "updated": 2}
    assert ws.store.query("SELECT * FROM content_items ORDER BY id")[0]["text"] == first["text"]


def test_markdown_errors_name_their_lines(ws, tmp_path):
    f = tmp_path / "bad.md"
    f.write_text("---\ntitle: a\npurpose: brand\n---\nok\n---\ntitle: b\n没有冒号的行\n---\nx\n---\ntitle: c\n"
                 "purpose: nope\n---\ny\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as e:
        imp(ws, f)
    assert [str(x) for x in e.value.errors] == ["bad.md line 8: front matter: '没有冒号的行' is not key: value",
                                                "bad.md line 11: purpose: 'nope' is not one of activation, conversion, "
                                                "brand"]
    f.write_text("just text\n", encoding="utf-8")
    with pytest.raises(ContentError, match="bad.md line 1: expected --- and a front matter"):
        imp(ws, f)


def test_cli_import_lists_every_bad_row_and_exits_2(config_path, tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("title,purpose,text\n坏,sale,x\n坏2,brand,{nickname}\n", encoding="utf-8")
    r = cli(config_path, "content", "library", "import", str(f))
    assert r.exit_code == 2
    assert r.output.splitlines() == [
        "Error: bad.csv line 2: purpose: 'sale' is not one of activation, conversion, brand",
        "Error: bad.csv line 3: text: unknown placeholder {nickname}; allowed: {group} {owner} {date} {product} {link}"]
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    r = cli(config_path, "content", "library", "import", str(good))
    assert r.exit_code == 0 and r.output.strip() == "Library items added: 3, updated: 0"
    r = cli(config_path, "content", "library", "list", "--tag", "早安", "--json")
    assert [x["title"] for x in json.loads(r.output)] == ["早安问候"]
    r = cli(config_path, "content", "library", "add", "--title", "t", "--purpose", "brand", "--text", "{who}")
    assert r.exit_code == 2 and "unknown placeholder {who}" in r.output
