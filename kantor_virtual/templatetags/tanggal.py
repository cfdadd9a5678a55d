"""Dates as the office writes them, "24 November 2026" and "24 November 2026, 14.05".

Every template has these filters (TEMPLATES builtins). Django's `date` filter gives the same text
through its general formatter (parsing the format, translating each month name), which cost more
than the rest of an inbox row: list pages draw dozens of dates per request.
"""

from datetime import date, datetime

from django import template

BULAN = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip

register = template.Library()


@register.filter(expects_localtime=True)
def tanggal(value: date | None) -> str:
    """A date, or a datetime in the office's time zone: 24 November 2026."""
    if not value:
        return ""
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


@register.filter(expects_localtime=True)
def tanggal_jam(value: datetime | None) -> str:
    """A datetime in the office's time zone with its time: 24 November 2026, 14.05."""
    if not value:
        return ""
    return f"{tanggal(value)}, {value:%H.%M}"
