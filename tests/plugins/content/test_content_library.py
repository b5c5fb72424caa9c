"""The library (素材库): every field checked when an item is saved, images beside the
workspace, and the filters by purpose, tag, group type, product and season."""

from __future__ import annotations

from pathlib import Path

import pytest

from content_kit import T0
from console.workspace import Workspace
from conftest import make_config
from plugins.content import library
from plugins.content.errors import ContentError, said
from plugins.content.texts import fields_of


def save(ws, **kw):
    raw = {"title": "早安", "text": "早安 {group}！", "purpose": "activation"}
    raw.update(kw)
    with ws.clock_at(T0):
        return library.save(ws, raw)


def refused(ws, _keep=False, **kw) -> str:
    with pytest.raises(ContentError) as e:
        save(ws, **kw)
    assert _keep or ws.store.scalar("SELECT count(*) FROM content_items") == 0  # nothing half-written
    return str(e.value)


def test_a_good_item_is_stored_with_its_tags(ws):
    item_id = save(ws, tags="早安, 问候、早安", group_type="福利群", season="夏", purpose="促活", product="坚果礼盒",
                   link="https://shop.example/nuts", text="今天的{product}：{link}")
    row = library.get(ws, item_id)
    assert (row["purpose"], row["tags"], row["group_type"], row["season"]) == ("activation", "早安,问候", "welfare",
                                                                                  "summer")
    assert row["created_at"] == T0 and row["created_by"] == "tester"
    audit = ws.store.one("SELECT * FROM audit_log WHERE action = 'content_item_saved'")
    assert audit["target_id"] == str(item_id)


def test_unknown_placeholder_names_the_field_and_the_allowed_ones(ws):
    msg = refused(ws, text="欢迎 {nickname} 来到 {group}")
    assert msg == "text: unknown placeholder {nickname}; allowed: {group} {owner} {date} {product} {link}"


def test_format_specs_and_stray_braces_are_refused(ws):
    assert "takes no format" in refused(ws, text="{date:%Y}")
    assert "{group} takes no format" in refused(ws, text="{group!r}")
    assert "Single '}' encountered" in refused(ws, text="满100减20}")
    assert fields_of("{{不是占位符}} {owner}", ("owner",)) == {"owner"}  # doubled braces are literal


def test_link_and_product_placeholders_need_their_fields(ws):
    assert refused(ws, text="戳这里 {link}") == ("text: uses {link} but the item's link is empty; fill link or take "
                                                  "the placeholder out")
    assert "item's product is empty" in refused(ws, text="今日 {product}")
    assert "is not an http(s) link" in refused(ws, link="shop.example/x")


def test_words_outside_the_vocabulary_are_refused_with_the_choices(ws):
    assert refused(ws, purpose="sale") == "purpose: 'sale' is not one of activation, conversion, brand"
    assert refused(ws, group_type="vip") == "group_type: 'vip' is not one of traffic, welfare, flash, or empty"
    assert refused(ws, season="雨季") == "season: '雨季' is not one of spring, summer, autumn, winter, or empty"
    assert refused(ws, title="") == "title: 0 characters; expected 1 to 100"
    assert refused(ws, text="") == "text: empty; an item needs a text, an image or both"


def test_a_post_longer_than_the_platform_allows(ws, tmp_path):
    assert save(ws, text="好" * 2000)
    msg = refused(ws, text="好" * 2001, _keep=True)
    assert msg == "text: 2,001 characters; the limit on sandbox is 2,000 characters"
    # placeholders count at a typical length: {group} as 16 characters
    assert refused(ws, text="好" * 1990 + "{group}", _keep=True).startswith("text: 2,006 characters")
    (tmp_path / "w2").mkdir()
    cfg = make_config(tmp_path / "w2", "[content]\nmax_length = { sandbox = 10 }\n")
    with Workspace.open(cfg) as w2:
        with pytest.raises(ContentError, match="11 characters; the limit on sandbox is 10 characters"):
            save(w2, text="一二三四五六七八九十一")


def test_zh_cn_refusal_reads_chinese(tmp_path):
    (tmp_path / "z").mkdir()
    cfg = make_config(tmp_path / "z", '[console]\nlanguage = "zh-CN"\n')
    with Workspace.open(cfg) as wz:
        with pytest.raises(ContentError) as e:
            save(wz, text="好" * 2001)
        assert said(wz, e.value) == "text：2,001 个字符，sandbox 上限为 2,000 个字符"


def test_images_are_files_beside_the_workspace_or_links(ws, tmp_path):
    assert refused(ws, image=str(tmp_path / "nope.png")).startswith(f"image: {tmp_path / 'nope.png'} does not exist")
    (tmp_path / "notes.txt").write_text("x")
    assert "is not an image" in refused(ws, image=str(tmp_path / "notes.txt"))
    pic = tmp_path / "pic.PNG"
    pic.write_bytes(b"\x89PNG fake")
    item_id = save(ws, image=str(pic), text="")
    stored = library.get(ws, item_id)["image"]
    assert stored.startswith("content_files/") and stored.endswith(".png")
    copy = library.folder(ws) / stored
    assert copy.read_bytes() == b"\x89PNG fake"  # a file beside the SQLite file, never a blob
    assert library.get(ws, save(ws, image="https://cdn.example/a.jpg"))["image"] == "https://cdn.example/a.jpg"
    assert library.get(ws, save(ws, image=stored))["image"] == stored  # already beside the workspace: kept


def test_edit_keeps_fields_not_given_and_archive_hides(ws):
    item_id = save(ws, tags="早安", product="纸巾")
    with ws.clock_at(T0 + 60):
        library.save(ws, {"text": "新的早安 {group}"}, item_id)
    row = library.get(ws, item_id)
    assert (row["text"], row["tags"], row["product"], row["updated_at"]) == ("新的早安 {group}", "早安", "纸巾", T0 + 60)
    library.archive(ws, item_id)
    assert library.items(ws) == [] and [r["id"] for r in library.items(ws, archived=True)] == [item_id]
    with pytest.raises(ContentError, match="no library item 999"):
        library.save(ws, {"text": "x"}, 999)


def test_filters(ws):
    a = save(ws, title="a", tags="早安", group_type="welfare", season="summer")
    b = save(ws, title="b", tags="晚安,问候", purpose="brand")
    c = save(ws, title="c", tags="早安问候", group_type="traffic", product="纸巾", purpose="conversion",
             text="{product}")
    ids = lambda rows: [r["id"] for r in rows]  # noqa: E731
    assert ids(library.items(ws)) == [c, b, a]
    assert ids(library.items(ws, tag="早安")) == [a]  # a whole tag, not a part of one
    assert ids(library.items(ws, group_type="welfare")) == [b, a]  # b is for every type
    assert ids(library.items(ws, group_type="引流群")) == [c, b]
    assert ids(library.items(ws, season="winter")) == [c, b]
    assert ids(library.items(ws, purpose="品宣")) == [b]
    assert ids(library.items(ws, product="纸巾")) == [c]
    assert ids(library.by_tag(ws, "早安")) == [a]
    assert Path(library.folder(ws)).is_dir()
