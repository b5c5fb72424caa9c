"""The tags job keeps the rows that come back unchanged and writes only the difference
(new, changed and gone tags): a second run must leave exactly what a run on an empty
table writes, and must not touch another source's tags."""

from plugins.kpi.tags import SOURCES, rebuild
from tests.plugins.kpi.test_kpi_tags_split import DAY, chat

COLS = "person_id, tag, value, kind, provenance, source, confidence, method, computed_at"


def rows(ws):
    return [tuple(r) for r in ws.store.execute(f"SELECT {COLS} FROM tags ORDER BY person_id, tag, source")]


def ids(ws):
    return {(r[0], r[1], r[2]): r[3] for r in ws.store.execute("SELECT person_id, tag, source, id FROM tags")}


def test_a_second_run_leaves_what_a_fresh_run_writes(ws):
    chat(ws)
    end = ws.day_start("2025-06-01") + 20 * 3600
    with ws.store.write() as c:  # another source's lurker tag on person 6: not the tags job's to change
        c.execute("INSERT INTO tags(person_id, tag, value, source, computed_at) VALUES (6, 'lurker', 'by hand',"
                  " 'import', 1)")
        c.execute("UPDATE people SET city = 'Suzhou' WHERE id = 3")
    rebuild(ws)
    first = ids(ws)
    assert (6, "lurker", "kpi.rule") in first and (4, "groups", "kpi") in first
    with ws.store.write() as c:
        c.execute("UPDATE people SET city = 'Hangzhou' WHERE id = 3")  # a tag's value changes
        c.execute("UPDATE people SET city = 'Wuxi' WHERE id = 2")  # a tag appears
        c.execute("INSERT INTO speaker_days(group_id, day, person_id, messages) VALUES (1, ?, 6, 200)",
                  (ws.day(end),))  # 6 becomes the top talker: its lurker tag goes
        c.execute("UPDATE memberships SET status = 'left', left_at = ? WHERE person_id = 4", (end - DAY,))
    ws.clock = lambda: end + 9 * DAY  # a later run: every kept row gets the new computed_at
    rebuild(ws)
    again = rows(ws)
    kept = ids(ws)
    with ws.store.write() as c:
        c.execute(f"DELETE FROM tags WHERE source IN ({','.join('?' * len(SOURCES))})", SOURCES)
    rebuild(ws)
    assert again == rows(ws)
    got = {(r[0], r[1], r[5]): r for r in again}
    assert got[(3, "city", "kpi")][2] == "Hangzhou" and got[(2, "city", "kpi")][2] == "Wuxi"
    assert kept[(3, "city", "kpi")] == first[(3, "city", "kpi")]
    assert (6, "top_talker", "kpi.rule") in got and (6, "lurker", "kpi.rule") not in got
    assert (4, "churned", "kpi.rule") in got and (4, "groups", "kpi") not in got and (4, "lurker", "kpi.rule") not in got
    assert got[(6, "lurker", "import")] == (6, "lurker", "by hand", "dynamic", "fact", "import", None, None, 1)
    assert {r[8] for r in again if r[5] in SOURCES} == {end + 9 * DAY}
    # rows that stayed kept their ids (updated in place, not deleted and inserted)
    assert kept[(5, "lurker", "kpi.rule")] == first[(5, "lurker", "kpi.rule")]
    assert kept[(1, "top_talker", "kpi.rule")] == first[(1, "top_talker", "kpi.rule")]
