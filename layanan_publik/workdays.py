"""Working days (hari kerja): service time limits count Monday to Friday.

Public holidays and cuti bersama are not modelled yet: a limit that spans Lebaran reads a few days
shorter than the office counts it.
"""

from datetime import date, timedelta


def add_working_days(start: date, days: int) -> date:
    """The day the limit falls on: `days` working days after `start` (the start itself not counted)."""
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`; negative when `end` is earlier."""
    if end < start:
        return -working_days_between(end, start)
    weeks, extra = divmod((end - start).days, 7)
    count = weeks * 5
    for offset in range(1, extra + 1):
        if (start + timedelta(days=offset)).weekday() < 5:
            count += 1
    return count
