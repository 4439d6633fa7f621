"""Business days, business hours and holiday files."""
from datetime import date, datetime

import pytest

from promiseaudit.audit import add_business_days, business_hours_between, load_holidays
from promiseaudit.audit.recurrence import (add_months, calendar_periods, periods_ending,
                                          periods_from)
from promiseaudit.errors import RecordError

MEMORIAL_DAY = date(2027, 5, 31)


def test_business_days_skip_the_weekend():
    # Friday + 1 business day is Monday; Friday + 10 is the Friday two weeks later.
    assert add_business_days(date(2027, 1, 8), 1) == date(2027, 1, 11)
    assert add_business_days(date(2027, 1, 8), 10) == date(2027, 1, 22)


def test_business_days_skip_a_holiday():
    # Thursday 2027-05-27 + 3 business days: Fri 28, (weekend), (Mon 31 holiday), Tue, Wed.
    assert add_business_days(date(2027, 5, 27), 3) == date(2027, 6, 1)
    assert add_business_days(date(2027, 5, 27), 3, frozenset({MEMORIAL_DAY})) == date(2027, 6, 2)


def test_business_days_backwards_and_zero():
    assert add_business_days(date(2027, 6, 1), -1) == date(2027, 5, 31)
    assert add_business_days(date(2027, 6, 1), -1, frozenset({MEMORIAL_DAY})) == date(2027, 5, 28)
    assert add_business_days(date(2027, 6, 5), 0) == date(2027, 6, 5)


def test_business_hours_count_only_nine_to_five_on_weekdays():
    # Friday 16:00 -> Monday 11:30 is 1 h on Friday + 2.5 h on Monday.
    fri, mon = datetime(2027, 5, 28, 16, 0), datetime(2027, 5, 31, 11, 30)
    assert business_hours_between(fri, mon) == pytest.approx(3.5)
    # Monday is Memorial Day: only Friday's hour counts.
    assert business_hours_between(fri, mon, frozenset({MEMORIAL_DAY})) == pytest.approx(1.0)
    # A ticket at 02:14 on a Saturday answered at 02:49 uses no business hours.
    assert business_hours_between(datetime(2027, 4, 24, 2, 14), datetime(2027, 4, 24, 2, 49)) == 0
    assert business_hours_between(mon, fri) == 0


def test_load_holidays_text_with_names_comments_and_header(tmp_path):
    path = tmp_path / "us-holidays-2027.csv"
    path.write_text("date,name\n# US federal holidays we observe\n2027-05-31, Memorial Day\n"
                    "\n2027-07-05,Independence Day (observed)\n2027-09-06\n", encoding="utf-8")
    assert load_holidays(path) == frozenset(
        {date(2027, 5, 31), date(2027, 7, 5), date(2027, 9, 6)})


def test_load_holidays_bad_line_names_file_and_line(tmp_path):
    path = tmp_path / "holidays.txt"
    path.write_text("2027-05-31\n31/05/2027 Memorial Day\n", encoding="utf-8")
    with pytest.raises(RecordError) as err:
        load_holidays(path)
    assert str(err.value) == (
        "holidays.txt line 2: '31/05/2027 Memorial Day' does not start with a date; write one "
        "date per line as YYYY-MM-DD, optionally followed by a comma and a name")


def test_load_holidays_impossible_date(tmp_path):
    path = tmp_path / "holidays.txt"
    path.write_text("2027-02-30, not a day\n", encoding="utf-8")
    with pytest.raises(RecordError, match="holidays.txt line 1"):
        load_holidays(path)


def test_load_holidays_missing_file(tmp_path):
    with pytest.raises(RecordError, match="not found; give a text file"):
        load_holidays(tmp_path / "nope.txt")


def test_load_holidays_from_an_ics_calendar(tmp_path):
    path = tmp_path / "holidays.ics"
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        "BEGIN:VEVENT\r\nUID:1\r\nSUMMARY:Memorial Day\r\nDTSTART;VALUE=DATE:20270531\r\n"
        "DTEND;VALUE=DATE:20270601\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:2\r\nSUMMARY:Christmas break\r\nDTSTART;VALUE=DATE:20271224\r\n"
        "DTEND;VALUE=DATE:20271227\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", encoding="utf-8")
    assert load_holidays(path) == frozenset(
        {date(2027, 5, 31), date(2027, 12, 24), date(2027, 12, 25), date(2027, 12, 26)})


def test_months_match_relativedelta():
    from dateutil.relativedelta import relativedelta

    for start in (date(2027, 1, 31), date(2028, 2, 29), date(2027, 8, 30), date(2027, 12, 15)):
        for n in (-13, -1, 1, 3, 6, 12, 25):
            assert add_months(start, n) == start + relativedelta(months=n)


def test_periods_from_an_anchor_and_ending_on_a_stated_date():
    gen = periods_from(date(2027, 1, 31), "monthly")
    assert [next(gen) for _ in range(3)] == [
        (date(2027, 1, 31), date(2027, 2, 27)), (date(2027, 2, 28), date(2027, 3, 30)),
        (date(2027, 3, 31), date(2027, 4, 29))]
    gen = periods_ending(date(2027, 3, 31), "quarterly")
    assert [next(gen) for _ in range(2)] == [
        (date(2027, 1, 1), date(2027, 3, 31)), (date(2027, 4, 1), date(2027, 6, 30))]
    gen = periods_from(date(2027, 5, 28), "daily", business_days=True,
                       holidays=frozenset({MEMORIAL_DAY}))
    assert [next(gen)[0] for _ in range(3)] == [date(2027, 5, 28), date(2027, 6, 1),
                                                date(2027, 6, 2)]


def test_calendar_periods_for_measured_levels():
    gen = calendar_periods(date(2027, 4, 22), "monthly")
    assert [next(gen) for _ in range(3)] == [
        (date(2027, 4, 22), date(2027, 4, 30)), (date(2027, 5, 1), date(2027, 5, 31)),
        (date(2027, 6, 1), date(2027, 6, 30))]
    gen = calendar_periods(date(2027, 2, 10), "quarterly")
    assert [next(gen) for _ in range(2)] == [
        (date(2027, 2, 10), date(2027, 3, 31)), (date(2027, 4, 1), date(2027, 6, 30))]
