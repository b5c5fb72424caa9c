"""Cron expressions in the workspace's time zone, and the schedules that could never fire."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from plugins.content import cron
from plugins.content.errors import ContentError

SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d, h=0, mi=0, tz=SH) -> int:
    return int(datetime(y, m, d, h, mi, tzinfo=tz).timestamp())


def test_daily_greetings_fire_at_local_time():
    c = cron.parse("30 7,21 * * *")
    assert c.times_between(SH, at(2025, 6, 16), at(2025, 6, 18)) == [at(2025, 6, 16, 7, 30), at(2025, 6, 16, 21, 30),
                                                                     at(2025, 6, 17, 7, 30), at(2025, 6, 17, 21, 30)]
    # the same cron read in another zone fires at that zone's 07:30
    ny = ZoneInfo("America/New_York")
    assert cron.parse("30 7 * * *").times_between(ny, at(2025, 6, 16, tz=ny), at(2025, 6, 17, tz=ny)) == [
        at(2025, 6, 16, 7, 30, tz=ny)]


def test_window_edges_steps_names_and_weekdays():
    c = cron.parse("*/20 22 * * sun")
    assert c.times_between(SH, at(2025, 6, 15, 22, 20), at(2025, 6, 15, 22, 40)) == [at(2025, 6, 15, 22, 20)]
    assert cron.parse("0 9 * jun mon-fri").day_matches(date(2025, 6, 16))  # a Monday in June
    assert not cron.parse("0 9 * jun mon-fri").day_matches(date(2025, 6, 15))  # a Sunday
    assert cron.parse("0 9 * * 7").day_matches(date(2025, 6, 15))  # 7 is Sunday too


def test_day_of_month_or_day_of_week_as_vixie_cron():
    c = cron.parse("0 9 1 * mon")
    days = [d for d in range(1, 31) if c.day_matches(date(2025, 6, d))]
    assert days == [1, 2, 9, 16, 23, 30]  # the 1st, and every Monday


def test_next_fire_and_a_cron_that_never_fires():
    assert cron.parse("0 22 * * *").next_fire(SH, at(2025, 6, 16, 22)) == at(2025, 6, 16, 22)
    assert cron.parse("0 22 * * *").next_fire(SH, at(2025, 6, 16, 22) + 1) == at(2025, 6, 17, 22)
    assert cron.parse("0 22 * * *").next_fire(SH, at(2025, 6, 16, 22, 1)) == at(2025, 6, 17, 22)
    assert cron.parse("0 9 29 2 *").next_fire(SH, at(2025, 6, 16)) == at(2028, 2, 29, 9)
    assert cron.parse("0 9 31 2 *").next_fire(SH, at(2025, 6, 16)) is None
    assert cron.parse("0 9 * * *").next_fire(SH, at(2025, 6, 16, 10), until=date(2025, 6, 16)) is None


@pytest.mark.parametrize("text, message", [
    ("61 * * * *", "cron: field 1 (minute) has 61, outside 0-59; e.g. 30 7 * * * (07:30 every day) or 0 20 * * sun "
                   "(Sundays 20:00)"),
    ("0 24 * * *", "cron: field 2 (hour) has 24, outside 0-23;"),
    ("0 9 * * funday", "cron: field 5 (day-of-week) has 'funday', not a number or a name;"),
    ("0 9 5-1 * *", "cron: field 3 (day-of-month) has the range 5-1, which runs backwards;"),
    ("*/0 9 * * *", "cron: field 1 (minute) has step '0'; a step is a whole number of 1 or more;"),
    ("0 9 * *", "cron: '0 9 * *' has 4 fields; expected 5 (minute hour day-of-month month day-of-week),"),
])
def test_bad_crons_name_the_field_and_its_range(text, message):
    with pytest.raises(ContentError) as e:
        cron.parse(text)
    assert str(e.value).startswith(message)


def test_words_become_crons():
    assert cron.from_words(daily="07:30") == "30 7 * * *"
    assert cron.from_words(weekly="sun 20:00") == "0 20 * * sun"
    assert cron.from_words(weekly="mon, thu 21:05") == "5 21 * * mon,thu"
    with pytest.raises(ContentError, match="daily: '7:3' is not a time of day"):
        cron.from_words(daily="7:3")
    with pytest.raises(ContentError, match="weekly: 'sunday' is not a day"):
        cron.from_words(weekly="sunday 20:00")
