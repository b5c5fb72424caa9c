"""Export the table shown (ctrl+e or "Export" in the palette) to CSV, JSON or Markdown:
every row the filter keeps, every page; numbers as numbers, times ISO, formulas
neutralised; the KPI table's week exported with its keys counted (docs/console.md)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from console.tui.export import ExportScreen, number, typed
from console.tui.kpi_table import KpiTableScreen, amount
from console.tui.rows import Column

from .test_tui_bulk import Keys
from .world import make_app, settle


def read_csv(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


async def palette_shows(pilot, title: str) -> None:
    """Wait for the palette's search (its own worker and timers) to list ``title`` first: on a
    busy machine it comes later than the keys."""
    from textual.command import CommandList

    for _ in range(500):
        await pilot.pause()
        try:
            box = pilot.app.screen.query_one(CommandList)
        except Exception:
            continue
        if box.highlighted is not None and title in str(box.get_option_at_index(box.highlighted).prompt):
            return
    raise AssertionError(f"the palette never listed {title!r} first")


def toasts(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def test_cells_written_for_people_become_numbers():
    assert number("11,981") == 11981 and number("12.5%") == 0.125 and number("-3") == -3
    assert number("0.0%") == 0 and number("1,2") is None and number("3/10") is None and number("A1") is None
    col = Column("shown", "value")
    assert typed(col, {"shown": "—"}, None) is None
    assert typed(col, {"shown": "27.1%"}, None) == 0.271
    assert typed(Column("opened_at", "time"), {"opened_at": 1731902400}, __import__("zoneinfo").ZoneInfo(
        "Asia/Shanghai")) == "2024-11-18T12:00:00+08:00"
    assert typed(Column("n", "n"), {"n": 7}, None) == 7
    # a share is shown with the precision its size needs
    assert amount(0.000416, "ratio") == "0.042%" and amount(0.2708, "ratio") == "27.1%" and amount(11981, "n") == "11,981"


def test_page_after_page_makes_one_file_in_every_format(tui_ws, tmp_path):
    from console.tui.export import export
    from console.tui.rows import ListSource

    rows = [{"id": i, "name": f"=n{i}" if i == 11 else f"名{i}", "sent_at": 1731902400 + i, "share": "12.5%"}
            for i in range(1, 13)]
    cols = [Column("id", "id"), Column("name", "name"), Column("sent_at", "time"), Column("share", "share")]
    for fmt in ("csv", "json", "md"):
        path = tmp_path / f"x.{fmt}"
        assert export(tui_ws, ListSource(rows), cols, fmt, path, str, page=5) == 12  # pages of 5, 5 and 2
        text = path.read_text(encoding="utf-8-sig")
        if fmt == "csv":
            got = list(csv.DictReader(io.StringIO(text)))
            assert [r["id"] for r in got] == [str(i) for i in range(1, 13)] and got[10]["name"] == "'=n11"
            assert got[0]["time"] == "2024-11-18T12:00:01+08:00" and got[0]["share"] == "0.125"
        elif fmt == "json":
            got = json.loads(text)
            assert [r["id"] for r in got] == list(range(1, 13)) and got[-1]["share"] == 0.125
        else:
            lines = text.strip().split("\n")
            assert len(lines) == 2 + 12 and lines[0] == "| id | name | time | share |" and lines[2].startswith("| 1 | 名1 |")
    assert not list(tmp_path.glob("*.part"))  # nothing left beside them
    assert export(tui_ws, ListSource([]), cols, "json", tmp_path / "e.json", str) == 0
    assert json.loads((tmp_path / "e.json").read_text(encoding="utf-8")) == []


async def test_export_a_week_of_kpis_from_the_keyboard(tui_ws):
    ws = tui_ws
    want = {k: s.compute(ws, "all", None, None) for k, s in ws.registry.kpis.items()}
    app = make_app(ws)
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        await keys("ctrl+p", "k", "p", "i")
        await palette_shows(pilot, "KPI table")
        await keys("enter")
        assert isinstance(app.screen, KpiTableScreen)
        await keys("ctrl+e")
        assert isinstance(app.screen, ExportScreen)
        await keys("enter", "enter")  # CSV, the default file beside the workspace
        assert keys.n == 8
        path = ws.settings.root / "exports" / "kpis-20241118-1200.csv"
        assert any(f"Exported 10 rows to {path}" == m for m in toasts(app))
    rows = {r["KPI id"]: r for r in read_csv(path)}
    assert set(rows) == set(want)
    churn = rows["churn_rate"]
    assert float(churn["value"]) == want["churn_rate"]["value"] and "%" not in churn["value"]  # 0.2708…, not 27.1%
    assert churn["stage"] == "acquisition" and churn["note"] == want["churn_rate"]["note"] and "left" in churn["note"]
    vol = rows["message_volume"]
    assert vol["value"] == str(want["message_volume"]["value"]) and "," not in vol["value"] and vol["before"] == "0"
    assert rows["join_rate"]["change"] == ""  # no value before: an empty cell, not "—"
    assert all("—" not in v for r in rows.values() for v in r.values())
    mix = json.loads(rows["segment_mix"]["value"])  # a mapping stays data
    assert set(mix) == {"loyal", "bargain", "need", "low_need", "unknown"}


async def test_the_kpi_window_is_checked_before_it_changes(tui_ws):
    app = make_app(tui_ws)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(KpiTableScreen())
        await settle(pilot)
        screen = app.screen
        await pilot.press("p")
        await settle(pilot)
        app.screen.query_one("#answer").value = "2024-11-18 2024-11-15"  # from after to
        await pilot.press("enter")
        await settle(pilot)
        assert screen.since is None and any("2024-11-18" in m and "after" in m for m in toasts(app))
        await pilot.press("p")
        await settle(pilot)
        app.screen.query_one("#answer").value = "2024-11-16 2024-11-17"
        await pilot.press("enter")
        await settle(pilot)
        assert (screen.since, screen.until) == ("2024-11-16", "2024-11-17")
        vol = next(r for r in screen.query_one("#kpis").source.data if r["name"] == "message_volume")
        assert vol["value"] == tui_ws.registry.kpis["message_volume"].compute(tui_ws, "all", "2024-11-16",
                                                                               "2024-11-17")["value"]


async def test_the_groups_filter_is_what_is_exported_and_numbers_stay_numbers(tui_ws):
    ws = tui_ws
    with ws.store.write() as c:  # a name a spreadsheet would run as a formula, on a full group
        c.execute("UPDATE groups SET name = '=HYPERLINK(\"http://x\")福利', member_count = 139, capacity = 139"
                  " WHERE id = 2")
    app = make_app(ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("g", "slash", *"welfare", "enter")
        await settle(pilot)
        assert app.screen.query_one("#table").total == 3
        await pilot.press("ctrl+e")
        await settle(pilot)
        await pilot.press("enter", "enter")
        await settle(pilot)
    path = ws.settings.root / "exports" / "groups-table-20241118-1200.csv"
    rows = read_csv(path)
    assert [r["id"] for r in rows] == ["2", "4", "6"]  # the three welfare groups, not all six
    assert rows[0]["group"] == "'=HYPERLINK(\"http://x\")福利"  # neutralised as the CLI's CSV does
    assert rows[0]["members"] == "139" and rows[0]["capacity"] == "139" and rows[0]["fill"] == "1.0"
    assert rows[1]["type"] == "welfare" and rows[1]["tier"] == "高消费" and rows[2]["tier"] == "低消费"


async def test_every_page_is_exported_as_json_with_iso_times(tui_ws):
    ws = tui_ws
    app = make_app(ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        table = app.screen.query_one("#events")
        assert table.total > 100  # more than one page (the table holds 100 rows a page)
        await pilot.press("ctrl+e")
        await settle(pilot)
        await pilot.press("j", "enter")  # JSON: the path's extension follows
        await settle(pilot)
        box = app.screen.query_one("#path")
        assert box.value.endswith("activity-events-20241118-1200.json")
        box.value = "out/events.json"  # beside the workspace; the folder is made
        await pilot.press("enter")
        await settle(pilot)
        total = table.total
    data = json.loads((ws.settings.root / "out" / "events.json").read_text(encoding="utf-8"))
    assert len(data) == total
    newest = ws.store.one("SELECT ts FROM events ORDER BY ts DESC, id DESC LIMIT 1")["ts"]
    from datetime import datetime

    assert data[0]["ts"] == datetime.fromtimestamp(newest, ws.tz).isoformat(timespec="seconds")
    assert data[0]["ts"].endswith("+08:00") and isinstance(data[-1]["ts"], str)


async def test_a_folder_or_an_existing_file_is_not_written_over_unasked(tui_ws):
    ws = tui_ws
    with ws.store.write() as c:
        c.execute("UPDATE groups SET member_count = 145, capacity = 500 WHERE id = 1")
    app = make_app(ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("g", "ctrl+e")
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # Markdown
        await settle(pilot)
        app.screen.query_one("#path").value = str(ws.settings.root)  # a folder
        await pilot.press("enter")
        await settle(pilot)
        assert any("is a folder" in m for m in toasts(app))
        target = ws.settings.root / "groups.md"
        target.write_text("keep me", encoding="utf-8")
        await pilot.press("ctrl+e")
        await settle(pilot)
        await pilot.press("down", "down", "enter")
        app.screen.query_one("#path").value = "groups.md"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "ConfirmScreen" and "Replace" in app.screen.question
        await pilot.press("n")
        await settle(pilot)
        assert target.read_text(encoding="utf-8") == "keep me"
        await pilot.press("ctrl+e")
        await settle(pilot)
        await pilot.press("down", "down", "enter")
        app.screen.query_one("#path").value = "groups.md"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    text = target.read_text(encoding="utf-8")
    assert text.startswith("| id | group | platform |") and "| 145 | 500 |" in text
    assert text.count("\n") == 2 + 6


async def test_the_kpi_table_keeps_the_key_map_rule(tui_ws):
    from console.tui.keymap import collisions
    from console.tui.vtable import VirtualTable

    app = make_app(tui_ws)
    async with app.run_test(size=(100, 30)):
        app_bindings = [b for _, b in app._bindings if not b.system]
        assert collisions(app_bindings, VirtualTable.BINDINGS, {"kpis": KpiTableScreen}) == []
        # ctrl+e is every screen's: a screen that took it would be named
        from textual.binding import Binding

        bad = type("Bad", (KpiTableScreen,), {"BINDINGS": [Binding("ctrl+e", "period", "x", id="kpis.bad")]})
        assert collisions(app_bindings, VirtualTable.BINDINGS, {"bad": bad}) == ["kpis.bad: ctrl+e is also screen.export"]
