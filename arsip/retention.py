"""Retention arithmetic of the Jadwal Retensi Arsip: pure, no database.

A record is kept active for `active_years` after it is closed, then inactive for `inactive_years`,
then its final disposition applies (musnah, permanen, dinilai kembali). Years are calendar years:
a record closed on 29 February reaches its anniversary on 28 February of a common year
(dateutil's relativedelta), and the inactive period counts from the end of the active one.

A code without a row of its own follows its nearest ancestor's row: a schedule that sets 000.1
covers 000.1.2 and 000.1.2.3 until they get rows of their own, as the JRA's headings are read.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from kantor_virtual.errors import Refused


@dataclass(frozen=True)
class Rule:
    """One row of the schedule; `code` is the code the row belongs to (maybe an ancestor's)."""

    code: str
    active_years: int
    inactive_years: int
    final_disposition: str


@dataclass(frozen=True)
class Code:
    """A classification code as the schedule sees it: its parent and its own row, if any."""

    code: str
    parent_id: int | None
    rule: Rule | None


@dataclass(frozen=True)
class RetentionDates:
    active_until: date
    inactive_until: date
    final_disposition: str
    rule_code: str  # whose row gave the dates, shown so an inherited rule is not a surprise


def applicable_rule(codes: Mapping[int, Code], classification_id: int) -> Rule | None:
    """The code's own rule, else its nearest ancestor's; None when no code up the tree has one."""
    seen: set[int] = set()
    current: int | None = classification_id
    while current is not None and current not in seen and current in codes:
        seen.add(current)  # a parent loop cannot happen after an import, but must not hang here
        code = codes[current]
        if code.rule is not None:
            return code.rule
        current = code.parent_id
    return None


def retention_dates(rule: Rule, *, closed_on: date) -> RetentionDates:
    active_until = closed_on + relativedelta(years=rule.active_years)
    return RetentionDates(
        active_until=active_until,
        inactive_until=active_until + relativedelta(years=rule.inactive_years),
        final_disposition=rule.final_disposition,
        rule_code=rule.code,
    )


def dates_for(codes: Mapping[int, Code], classification_id: int, *, closed_on: date) -> RetentionDates:
    """The dates of a record of this code closed on `closed_on`; refused when no rule applies."""
    rule = applicable_rule(codes, classification_id)
    if rule is None:
        code = codes[classification_id].code if classification_id in codes else str(classification_id)
        raise Refused(
            f"Kode klasifikasi {code} dan kode induknya belum memiliki jadwal retensi. "
            "Minta arsiparis provinsi mengisi jadwal retensinya lebih dulu.",
            code="no_retention_rule",
        )
    return retention_dates(rule, closed_on=closed_on)
