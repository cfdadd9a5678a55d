"""The province's classification codes and its retention schedule (JRA): imports from CSV and edits.

Both tables are province-wide, so only a province-wide arsiparis (or an administrator) changes them.
An import checks every row first; one bad row rejects the whole file with every bad row listed by
its line number, and nothing changes. A good file is applied in one transaction, with an event on
the timeline of each code it changed.

- The codes file is the complete table (the format of persuratan/data/classification-codes.csv):
  codes are matched by `code`, created or updated; a code missing from the file is never deleted
  (letters and records keep pointing at it) but marked inactive, and a code in the file is active.
  A parent must be in the same file, one level up.
- The schedule file (the format of arsip/data/retention-schedule.csv) creates or updates the rows
  it lists and leaves other codes' rows alone; a row is removed on the code's page, after which the
  code follows its nearest ancestor's row (arsip.retention).

Records already filed keep the dates they were given: a new schedule applies to what is filed next.
"""

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.db import transaction

from arsip.models import FinalDisposition, RetentionRule
from arsip.selectors import keeps_schedule
from kantor_virtual.csv_files import read_rows
from kantor_virtual.errors import Refused
from kantor_virtual.timeline import record_event
from organisasi.models import User
from persuratan.models import Classification

CODE_COLUMNS = ("code", "name_id", "parent_code", "level")
SCHEDULE_COLUMNS = ("code", "active_years", "inactive_years", "final_disposition", "notes")
CODE_PATTERN = re.compile(r"\d+(\.\d+)*")
MAX_LEVEL = 10
MAX_YEARS = 100
NAME_LENGTH = Classification._meta.get_field("name").max_length


@dataclass(frozen=True)
class BadRow:
    line: int
    code: str  # stable, for code and tests: unknown_parent, duplicate_code, bad_level, …
    reason: str  # Indonesian, for the report


class FileRejected(Refused):
    """A file with at least one bad row: nothing was changed; `rows` lists every problem in line order."""

    def __init__(self, rows: list[BadRow]) -> None:
        super().__init__(
            f"Berkas ditolak dan tidak ada yang diubah: {len(rows)} masalah. "
            "Perbaiki baris-baris berikut lalu unggah lagi.",
            code="bad_file",
        )
        self.rows = sorted(rows, key=lambda row: row.line)


@dataclass(frozen=True)
class ImportResult:
    created: int
    changed: int
    unchanged: int
    deactivated: int = 0

    @property
    def summary(self) -> str:
        text = f"{self.created} baru, {self.changed} diubah, {self.unchanged} tetap"
        return f"{text}, {self.deactivated} dinonaktifkan." if self.deactivated else f"{text}."


@dataclass(frozen=True)
class RuleValues:
    active_years: int
    inactive_years: int
    final_disposition: str
    notes: str = ""


def _require_keeper(actor: User) -> None:
    if not keeps_schedule(user=actor):
        raise Refused(
            "Kode klasifikasi dan jadwal retensi berlaku untuk seluruh provinsi: hanya arsiparis "
            "provinsi atau administrator yang dapat mengubahnya.",
            code="not_schedule_keeper",
        )


def _rows(text: str, *, columns: tuple[str, ...], required: tuple[str, ...], bad: list[BadRow]):
    def refuse(line: int, reason: str) -> None:
        bad.append(BadRow(line, "unreadable", reason))

    return read_rows(text, columns=columns, required=required, refuse=refuse)


# ── Classification codes ─────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class _CodeRow:
    line: int
    code: str
    name: str
    parent_code: str
    level: int


def _checked_codes(text: str) -> list[_CodeRow]:
    bad: list[BadRow] = []
    rows = _rows(text, columns=CODE_COLUMNS, required=CODE_COLUMNS, bad=bad)
    first_line: dict[str, int] = {}
    levels: dict[str, int | None] = {}
    for line, row in rows:
        code = row["code"]
        if code in first_line:
            bad.append(BadRow(line, "duplicate_code", f"Kode {code} sudah ada di baris {first_line[code]}."))
        elif code:
            first_line[code] = line
            levels[code] = int(row["level"]) if row["level"].isdigit() else None

    checked = []
    for line, row in rows:
        code, name, parent, raw_level = row["code"], row["name_id"], row["parent_code"], row["level"]
        problems = []
        if not CODE_PATTERN.fullmatch(code):
            problems.append(("bad_code", f"Kode “{code}” tidak berbentuk angka bertitik seperti 000.1.2."))
        if not name:
            problems.append(("no_name", "Nama kode kosong."))
        elif len(name) > NAME_LENGTH:
            problems.append(("long_name", f"Nama kode lebih dari {NAME_LENGTH} karakter."))
        level = int(raw_level) if raw_level.isdigit() else None
        if level is None or not 1 <= level <= MAX_LEVEL:
            problems.append(
                ("bad_level", f"Tingkat “{raw_level}” harus bilangan bulat 1 sampai {MAX_LEVEL}.")
            )
        elif level == 1 and parent:
            problems.append(
                ("bad_level", f"Kode tingkat 1 tidak berinduk, tetapi induknya ditulis {parent}.")
            )
        elif level > 1 and not parent:
            problems.append(("unknown_parent", f"Kode tingkat {level} harus menyebut kode induknya."))
        elif parent == code:
            problems.append(("unknown_parent", "Kode tidak boleh menjadi induknya sendiri."))
        elif parent and parent not in first_line:
            problems.append(("unknown_parent", f"Kode induk {parent} tidak ada di berkas ini."))
        elif parent and levels[parent] is not None and levels[parent] != level - 1:
            problems.append(
                (
                    "bad_level",
                    f"Tingkat {level} tidak cocok dengan induknya {parent} yang bertingkat {levels[parent]}.",
                )
            )
        bad.extend(BadRow(line, kind, reason) for kind, reason in problems)
        if not problems:
            checked.append(_CodeRow(line=line, code=code, name=name, parent_code=parent, level=level))
    if bad:
        raise FileRejected(bad)
    return checked


@transaction.atomic
def import_classification_codes(*, actor: User, csv_text: str) -> ImportResult:
    """Replace the province's classification table with the file's (see the module's notes)."""
    _require_keeper(actor)
    rows = _checked_codes(csv_text)
    if not rows:
        raise FileRejected([BadRow(2, "empty", "Berkas tidak berisi satu kode pun.")])
    # Two imports at once would each create the codes the other is creating: one waits for the other.
    existing = {code.code: code for code in Classification.objects.select_for_update()}
    created = changed = unchanged = 0
    for row in sorted(rows, key=lambda row: row.level):  # parents before their children
        values = {
            "name": row.name,
            "level": row.level,
            "parent": existing[row.parent_code] if row.parent_code else None,
            "active": True,
        }
        code = existing.get(row.code)
        if code is None:
            existing[row.code] = Classification.objects.create(code=row.code, **values)
            record_event(target=existing[row.code], verb="code_created", actor=actor, details=_shown(values))
            created += 1
            continue
        before = {field: getattr(code, field) for field in values}
        if before == values:
            unchanged += 1
            continue
        for field, value in values.items():
            setattr(code, field, value)
        code.save(update_fields=list(values))
        record_event(
            target=code,
            verb="code_changed",
            actor=actor,
            details={"before": _shown(before), "after": _shown(values)},
        )
        changed += 1
    listed = {row.code for row in rows}
    missing = [code for code in existing.values() if code.code not in listed and code.active]
    for code in missing:
        code.active = False
        code.save(update_fields=["active"])
        record_event(
            target=code, verb="code_deactivated", actor=actor, from_state="active", to_state="inactive"
        )
    return ImportResult(created=created, changed=changed, unchanged=unchanged, deactivated=len(missing))


def _shown(values: dict) -> dict:
    """What the timeline keeps of a code's fields: its parent by code, not by id."""
    parent = values["parent"]
    return {**values, "parent": parent.code if parent is not None else ""}


# ── Retention schedule ───────────────────────────────────────────────────────────────────────


def _disposition(raw: str) -> str | None:
    """musnah / permanen / dinilai_kembali, also written as their labels ("Dinilai kembali")."""
    normal = "_".join(raw.lower().split())
    labels = {"_".join(label.lower().split()): value for value, label in FinalDisposition.choices}
    return normal if normal in FinalDisposition.values else labels.get(normal)


def _years(raw: str, *, label: str, on_error: Callable[[str, str], None]) -> int | None:
    if not raw.isdigit():
        on_error("not_a_number", f"{label} “{raw}” bukan bilangan bulat tahun.")
        return None
    if int(raw) > MAX_YEARS:
        on_error("not_a_number", f"{label} {raw} tahun melebihi {MAX_YEARS} tahun.")
        return None
    return int(raw)


def _checked_schedule(text: str) -> list[tuple[int, Classification, RuleValues]]:
    bad: list[BadRow] = []
    rows = _rows(text, columns=SCHEDULE_COLUMNS, required=SCHEDULE_COLUMNS[:4], bad=bad)
    codes = Classification.objects.in_bulk([row["code"] for _, row in rows], field_name="code")
    first_line: dict[str, int] = {}
    checked = []
    for line, row in rows:
        problems: list[BadRow] = []

        def problem(kind: str, reason: str, line=line, problems=problems) -> None:
            problems.append(BadRow(line, kind, reason))

        code = row["code"]
        if code in first_line:
            problem("duplicate_code", f"Kode {code} sudah ada di baris {first_line[code]}.")
        first_line.setdefault(code, line)
        if code not in codes:
            problem("unknown_code", f"Kode {code or '(kosong)'} tidak ada dalam daftar kode klasifikasi.")
        active = _years(row["active_years"], label="Retensi aktif", on_error=problem)
        inactive = _years(row["inactive_years"], label="Retensi inaktif", on_error=problem)
        disposition = _disposition(row["final_disposition"])
        if disposition is None:
            allowed = ", ".join(FinalDisposition.values)
            problem(
                "unknown_disposition",
                f"Keterangan akhir “{row['final_disposition']}” tidak dikenal; pilih salah satu: {allowed}.",
            )
        bad.extend(problems)
        if not problems:
            values = RuleValues(active, inactive, disposition, row.get("notes", ""))
            checked.append((line, codes[code], values))
    if bad:
        raise FileRejected(bad)
    return checked


@transaction.atomic
def import_retention_schedule(*, actor: User, csv_text: str) -> ImportResult:
    """Create or update the schedule's rows listed in the file; other codes' rows stay as they are."""
    _require_keeper(actor)
    rows = _checked_schedule(csv_text)
    if not rows:
        raise FileRejected([BadRow(2, "empty", "Berkas tidak berisi satu baris jadwal pun.")])
    outcomes = [_save_rule(actor=actor, classification=code, values=values) for _, code, values in rows]
    return ImportResult(
        created=outcomes.count("created"),
        changed=outcomes.count("changed"),
        unchanged=outcomes.count("unchanged"),
    )


@transaction.atomic
def set_retention(*, actor: User, classification: Classification, values: RuleValues) -> str:
    """The arsiparis sets one code's own row of the schedule: "created", "changed" or "unchanged"."""
    _require_keeper(actor)
    if not 0 <= values.active_years <= MAX_YEARS or not 0 <= values.inactive_years <= MAX_YEARS:
        raise Refused(f"Masa retensi harus 0 sampai {MAX_YEARS} tahun.", code="bad_years")
    if values.final_disposition not in FinalDisposition.values:
        raise Refused("Keterangan akhir tidak dikenal.", code="unknown_disposition")
    return _save_rule(actor=actor, classification=classification, values=values)


@transaction.atomic
def remove_retention(*, actor: User, classification: Classification) -> bool:
    """Remove a code's own row: the code then follows its nearest ancestor's (arsip.retention)."""
    _require_keeper(actor)
    rule = RetentionRule.objects.select_for_update().filter(classification=classification).first()
    if rule is None:
        return False
    record_event(
        target=classification, verb="retention_removed", actor=actor, details={"before": _rule_facts(rule)}
    )
    rule.delete()
    return True


def _rule_facts(rule: RetentionRule) -> dict:
    return asdict(RuleValues(rule.active_years, rule.inactive_years, rule.final_disposition, rule.notes))


def _save_rule(*, actor: User, classification: Classification, values: RuleValues) -> str:
    rule = RetentionRule.objects.select_for_update().filter(classification=classification).first()
    before = _rule_facts(rule) if rule is not None else None
    after = asdict(values)
    if before == after:
        return "unchanged"
    if rule is None:
        rule = RetentionRule(classification=classification)
    for field, value in after.items():
        setattr(rule, field, value)
    rule.save()
    record_event(
        target=classification, verb="retention_set", actor=actor, details={"before": before, "after": after}
    )
    return "created" if before is None else "changed"
