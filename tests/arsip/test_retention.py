"""Retention arithmetic (arsip.retention): calendar years, leap days, inherited rules. Hand-computed."""

from datetime import date

import pytest

from arsip.retention import Code, Rule, applicable_rule, dates_for, retention_dates
from kantor_virtual.errors import Refused

TRAVEL = Rule(code="000.1.2", active_years=2, inactive_years=3, final_disposition="musnah")
HEADING = Rule(code="000.1", active_years=1, inactive_years=1, final_disposition="dinilai_kembali")


def test_an_ordinary_date_adds_whole_calendar_years():
    dates = retention_dates(TRAVEL, closed_on=date(2026, 11, 25))

    assert dates.active_until == date(2028, 11, 25)
    assert dates.inactive_until == date(2031, 11, 25)
    assert dates.final_disposition == "musnah"


def test_a_record_closed_on_a_leap_day_reaches_its_anniversaries_on_28_february():
    dates = retention_dates(TRAVEL, closed_on=date(2024, 2, 29))

    assert dates.active_until == date(2026, 2, 28)
    assert dates.inactive_until == date(2029, 2, 28)


def test_the_inactive_period_counts_from_the_end_of_the_active_one_not_from_the_closing_day():
    # 29 Feb 2024 + 1 year = 28 Feb 2025; + 3 years = 28 Feb 2028, although 2028 has a 29 February.
    rule = Rule(code="000.5.3.4", active_years=1, inactive_years=3, final_disposition="musnah")

    dates = retention_dates(rule, closed_on=date(2024, 2, 29))

    assert (dates.active_until, dates.inactive_until) == (date(2025, 2, 28), date(2028, 2, 28))


def test_leap_day_onto_a_leap_year_keeps_29_february():
    rule = Rule(code="000.3", active_years=4, inactive_years=0, final_disposition="permanen")

    dates = retention_dates(rule, closed_on=date(2024, 2, 29))

    assert dates.active_until == dates.inactive_until == date(2028, 2, 29)


def test_the_last_day_of_the_year_and_zero_years():
    rule = Rule(code="000.4", active_years=0, inactive_years=10, final_disposition="musnah")

    dates = retention_dates(rule, closed_on=date(2026, 12, 31))

    assert (dates.active_until, dates.inactive_until) == (date(2026, 12, 31), date(2036, 12, 31))


CODES = {
    1: Code(code="000", parent_id=None, rule=None),
    2: Code(code="000.1", parent_id=1, rule=HEADING),
    3: Code(code="000.1.2", parent_id=2, rule=TRAVEL),
    4: Code(code="000.1.7", parent_id=2, rule=None),
    5: Code(code="000.1.7.1", parent_id=4, rule=None),
    6: Code(code="000.2", parent_id=1, rule=None),
}


def test_a_code_with_its_own_rule_uses_it_and_one_without_inherits_the_nearest_ancestors():
    assert applicable_rule(CODES, 3) == TRAVEL
    assert applicable_rule(CODES, 4) == HEADING
    assert applicable_rule(CODES, 5) == HEADING, "two levels up"

    dates = dates_for(CODES, 5, closed_on=date(2026, 3, 1))
    assert (dates.active_until, dates.inactive_until) == (date(2027, 3, 1), date(2028, 3, 1))
    assert (dates.final_disposition, dates.rule_code) == ("dinilai_kembali", "000.1")


def test_no_rule_up_the_tree_is_refused_with_the_code_named():
    with pytest.raises(Refused) as refusal:
        dates_for(CODES, 6, closed_on=date(2026, 3, 1))

    assert refusal.value.code == "no_retention_rule"
    assert "000.2" in refusal.value.message
    assert applicable_rule(CODES, 1) is None


def test_a_parent_loop_ends_without_a_rule_instead_of_hanging():
    looped = {1: Code(code="A", parent_id=2, rule=None), 2: Code(code="B", parent_id=1, rule=None)}

    assert applicable_rule(looped, 1) is None
