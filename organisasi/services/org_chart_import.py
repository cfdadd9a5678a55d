"""Importing an OPD's org chart from two CSV files: positions, and people with their assignments.

An assignment the people file creates rests on its decree (column nomor_sk: the SK of a definitive
holder, the surat perintah of a Plt/Plh), whoever imports; a row naming the admin who imports is
refused, as every appointment of oneself is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q

from kantor_virtual.csv_files import read_rows
from kantor_virtual.errors import Refused
from kantor_virtual.timeline import record_event
from organisasi.models import Assignment, Opd, Position, Unit, User
from organisasi.services.assignments import DECREE_MAX_LENGTH, _assign, _change_end
from organisasi.services.common import SYSTEM, event_actor, refusal_for, require_admin_of
from organisasi.services.people import PasswordLink, offer_first_password_links
from organisasi.services.positions import _create_position, _move_position, _update_position


class RowError(NamedTuple):
    file: str  # "jabatan" or "pegawai"
    line: int
    reason: str


@dataclass
class ImportReport:
    """What an import did, or why it did nothing: every bad row with its line number."""

    rows_ok: int = 0
    errors: list[RowError] = field(default_factory=list)
    positions_created: int = 0
    positions_updated: int = 0
    units_created: int = 0
    users_created: int = 0
    assignments_created: int = 0
    assignments_updated: int = 0
    new_people: list[User] = field(default_factory=list, repr=False)
    # A link for each new person to set their first password: e-mailed, or to be shown once to the
    # admin who imported (the page, the command's output) and kept nowhere.
    password_links: list[PasswordLink] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def links_to_hand_over(self) -> list[PasswordLink]:
        """The links of new people without an e-mail address, for the admin to pass on."""
        return [link for link in self.password_links if not link.emailed]

    @property
    def links_emailed(self) -> int:
        return sum(link.emailed for link in self.password_links)

    @property
    def changes(self) -> int:
        return (
            self.positions_created
            + self.positions_updated
            + self.units_created
            + self.users_created
            + self.assignments_created
            + self.assignments_updated
        )

    def refuse(self, file: str, line: int, reason: str) -> None:
        self.errors.append(RowError(file, line, reason))

    def summary(self) -> str:
        if self.errors:
            return (
                f"Impor dibatalkan, tidak ada yang diubah: {len(self.errors)} masalah pada berkas. "
                "Perbaiki baris-baris berikut lalu unggah lagi."
            )
        if not self.changes:
            return f"{self.rows_ok} baris diperiksa; semuanya sudah sesuai, tidak ada yang diubah."
        return (
            f"{self.rows_ok} baris diimpor: {self.positions_created} jabatan baru, "
            f"{self.positions_updated} jabatan diperbarui, {self.units_created} unit kerja baru, "
            f"{self.users_created} pegawai baru, {self.assignments_created} penugasan baru, "
            f"{self.assignments_updated} penugasan diperbarui."
        )

    def lines(self) -> list[str]:
        return [self.summary()] + [
            f"Berkas {error.file}, baris {error.line}: {error.reason}" for error in self.errors
        ]


POSITION_COLUMNS = ("kode", "nama", "jenis", "kode_atasan", "unit", "eselon", "kepala_opd")
POSITION_REQUIRED_COLUMNS = ("kode", "nama", "jenis")
PEOPLE_COLUMNS = ("nip", "nama", "email", "kode_jabatan", "status", "mulai", "selesai", "nomor_sk")
PEOPLE_REQUIRED_COLUMNS = ("nip", "nama", "kode_jabatan", "status", "mulai")
ESELON_PATTERN = re.compile(r"^(I|II|III|IV|V)\.?\s*([AaBb])$")
TRUE_WORDS = {"ya", "y", "1", "true", "benar", "iya"}
FALSE_WORDS = {"", "tidak", "t", "n", "0", "false", "salah", "bukan"}
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")
NO_DECREE = {
    Assignment.Kind.DEFINITIVE: "Kolom nomor_sk wajib diisi untuk penugasan baru: nomor SK pengangkatan "
    "dalam jabatan.",
    Assignment.Kind.PLT: "Kolom nomor_sk wajib diisi untuk penugasan baru: nomor surat perintah Plt.",
    Assignment.Kind.PLH: "Kolom nomor_sk wajib diisi untuk penugasan baru: nomor surat perintah Plh.",
}


def _parse_date(value: str) -> date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def _normal_eselon(value: str) -> str | None:
    if not value:
        return ""
    match = ESELON_PATTERN.match(value.strip().upper())
    return f"{match.group(1)}.{match.group(2).lower()}" if match else None


@dataclass
class _PositionRow:
    """A checked row of the positions file. None: the column is absent, keep what is there."""

    line: int
    code: str
    name: str
    kind: str
    parent_code: str | None
    unit: str | None
    eselon: str | None
    heads_opd: bool | None
    depth: int = 0


@dataclass
class _PersonRow:
    line: int
    nip: str
    name: str
    email: str
    position_code: str
    kind: str
    start: date
    end: date | None
    decree_number: str


class _RollBack(Exception):
    """Leaves the import's transaction so that nothing of a refused import stays."""


@transaction.atomic
def import_org_chart(
    *,
    actor: User,
    opd: Opd,
    positions_csv_text: str | None = None,
    people_csv_text: str | None = None,
) -> ImportReport:
    """Create or update the OPD's positions and who holds them, from CSV: every row, or nothing.

    Every row is checked first; then everything is applied in one transaction, each row in its own
    savepoint, so that the database's rules (overlapping holders, Plt/Plh rules) are reported for
    each row too. Any problem rolls the whole import back. Importing the same files again changes
    nothing: positions are matched by code, people by NIP, assignments by (person, position,
    status, start date); people are never renamed by an import.
    """
    require_admin_of(actor=actor, opd_id=opd.pk)
    if not positions_csv_text and not people_csv_text:
        raise Refused("Pilih berkas jabatan, berkas pegawai, atau keduanya.", code="nothing_to_import")
    report = ImportReport()
    position_rows = (
        read_rows(
            positions_csv_text,
            columns=POSITION_COLUMNS,
            required=POSITION_REQUIRED_COLUMNS,
            refuse=partial(report.refuse, "jabatan"),
        )
        if positions_csv_text
        else []
    )
    people_rows = (
        read_rows(
            people_csv_text,
            columns=PEOPLE_COLUMNS,
            required=PEOPLE_REQUIRED_COLUMNS,
            refuse=partial(report.refuse, "pegawai"),
        )
        if people_csv_text
        else []
    )
    file_codes = {row["kode"] for _, row in position_rows if row["kode"]}
    referenced = file_codes | {row.get("kode_atasan") or "" for _, row in position_rows}
    referenced |= {row["kode_jabatan"] for _, row in people_rows}
    known = {
        p.code: p
        for p in Position.objects.filter(Q(opd=opd) | Q(code__in=referenced - {""})).select_related("opd")
    }
    positions = _check_position_rows(position_rows, opd=opd, known=known, report=report)
    people = _check_people_rows(
        people_rows, actor=actor, opd=opd, known=known, file_codes=file_codes, report=report
    )

    try:
        with transaction.atomic():
            by_code = _apply_positions(positions, actor=actor, opd=opd, known=known, report=report)
            _apply_people(people, actor=actor, opd=opd, by_code=by_code, report=report)
            if report.errors:
                raise _RollBack
    except _RollBack:
        report.positions_created = report.positions_updated = report.units_created = 0
        report.users_created = report.assignments_created = report.assignments_updated = 0
        report.new_people = []
    else:
        report.password_links = offer_first_password_links(actor=actor, people=report.new_people)
    refused = {(error.file, error.line) for error in report.errors}
    report.rows_ok = sum(("jabatan", row.line) not in refused for row in positions) + sum(
        ("pegawai", row.line) not in refused for row in people
    )
    report.errors.sort(key=lambda error: (error.file != "jabatan", error.line))
    return report


def _check_position_rows(
    rows: list[tuple[int, dict[str, str]]], *, opd: Opd, known: dict[str, Position], report: ImportReport
) -> list[_PositionRow]:
    good: list[_PositionRow] = []
    seen: dict[str, int] = {}
    code_max = Position._meta.get_field("code").max_length
    for line, row in rows:
        problems: list[str] = []
        code, name, kind = row["kode"], row["nama"], row["jenis"].lower()
        parent_code = row.get("kode_atasan")
        existing = known.get(code)
        if not code:
            problems.append("Kolom kode wajib diisi.")
        elif len(code) > code_max:
            problems.append(f"Kode terlalu panjang (paling banyak {code_max} karakter).")
        elif code in seen:
            problems.append(f"Kode {code} sudah dipakai di baris {seen[code]}.")
        elif existing is not None and existing.opd_id != opd.pk:
            problems.append(f"Kode {code} adalah jabatan milik {existing.opd.name}, bukan OPD ini.")
        elif existing is not None and existing.closed_on is not None:
            problems.append(f"Jabatan {code} sudah ditutup; tidak dapat diubah lewat impor.")
        if not name:
            problems.append("Kolom nama wajib diisi.")
        elif len(name) > Position._meta.get_field("name").max_length:
            problems.append("Nama jabatan terlalu panjang.")
        if kind not in Position.Kind.values:
            problems.append(
                f"Jenis '{row['jenis']}' tidak dikenal; gunakan struktural, fungsional atau pelaksana."
            )
        if parent_code:
            parent = known.get(parent_code)
            if parent_code == code:
                problems.append("Jabatan tidak dapat menjadi atasan dirinya sendiri.")
            elif parent_code in seen:
                pass  # defined on an earlier line of this file
            elif parent is None:
                problems.append(
                    f"Kode atasan {parent_code} tidak dikenal: tulis jabatan atasannya di baris sebelumnya "
                    "atau pastikan jabatan itu sudah ada."
                )
            elif parent.closed_on is not None:
                problems.append(f"Jabatan atasan {parent_code} sudah ditutup.")
        eselon = _normal_eselon(row["eselon"]) if "eselon" in row else None
        if "eselon" in row and eselon is None:
            problems.append(f"Eselon '{row['eselon']}' tidak dikenal (contoh: II.a, III.b, IV.a).")
        heads = row["kepala_opd"].lower() if "kepala_opd" in row else None
        if heads is not None and heads not in TRUE_WORDS | FALSE_WORDS:
            problems.append("Kolom kepala_opd harus 'ya' atau 'tidak'.")
        unit = row.get("unit")
        if unit and len(unit) > Unit._meta.get_field("name").max_length:
            problems.append("Nama unit kerja terlalu panjang.")
        if code and code not in seen:
            seen[code] = line
        if problems:
            report.refuse("jabatan", line, " ".join(problems))
            continue
        good.append(
            _PositionRow(
                line=line,
                code=code,
                name=name,
                kind=kind,
                parent_code=parent_code,
                unit=unit,
                eselon=eselon,
                heads_opd=None if heads is None else heads in TRUE_WORDS,
            )
        )
    return _check_tree(good, opd=opd, known=known, report=report)


def _check_tree(
    rows: list[_PositionRow], *, opd: Opd, known: dict[str, Position], report: ImportReport
) -> list[_PositionRow]:
    """The tree as it will be after the import: no loop, one head per OPD. Each row gets its depth."""
    code_of = {p.pk: code for code, p in known.items()}
    parent_of = {code: code_of.get(p.parent_id, "") for code, p in known.items() if p.opd_id == opd.pk}
    parent_of.update({row.code: row.parent_code for row in rows if row.parent_code is not None})
    bad: set[int] = set()
    for row in rows:
        chain, code = [row.code], parent_of.get(row.code, "")
        while code and code in parent_of and code not in chain:
            chain.append(code)
            code = parent_of[code]
        if code in chain:
            loop = " → ".join([*chain[chain.index(code) :], code])
            report.refuse("jabatan", row.line, f"Susunan atasan membentuk lingkaran: {loop}.")
            bad.add(row.line)
        row.depth = len(chain)

    def heads_after(code: str, position: Position) -> bool:
        row = in_file.get(code)
        return position.heads_opd if row is None or row.heads_opd is None else row.heads_opd

    in_file = {row.code: row for row in rows}
    heads = [row for row in rows if row.heads_opd and row.code not in known]
    heads += [row for row in rows if row.code in known and row.heads_opd and not known[row.code].heads_opd]
    staying = [
        p
        for code, p in known.items()
        if p.opd_id == opd.pk and p.closed_on is None and p.heads_opd and heads_after(code, p)
    ]
    heads.sort(key=lambda row: row.line)
    for row in heads[(0 if staying else 1) :]:
        if staying:
            reason = (
                f"OPD ini sudah memiliki kepala: {staying[0].name} ({staying[0].code}). Bila kepalanya "
                f"berganti, tulis juga baris {staying[0].code} dengan kepala_opd 'tidak'."
            )
        else:
            reason = (
                f"Satu OPD hanya punya satu kepala; baris {heads[0].line} sudah menandai {heads[0].code}."
            )
        report.refuse("jabatan", row.line, reason)
        bad.add(row.line)
    return [row for row in rows if row.line not in bad]


def _check_people_rows(
    rows: list[tuple[int, dict[str, str]]],
    *,
    actor,
    opd: Opd,
    known: dict[str, Position],
    file_codes: set[str],
    report: ImportReport,
) -> list[_PersonRow]:
    # Whoever imports is matched by NIP, as every row is: their own row would appoint themselves.
    own_nip = None if actor is SYSTEM else actor.nip
    emails = {(row.get("email") or "").lower() for _, row in rows} - {""}
    owner_of_email: dict[str, str | None] = {}
    if emails:
        # Case-insensitive, as the database's unique constraint on e-mail is.
        lookup = Q()
        for email in emails:
            lookup |= Q(email__iexact=email)
        owner_of_email = {
            e.lower(): nip for e, nip in User.objects.filter(lookup).values_list("email", "nip")
        }
    first_seen: dict[str, tuple[int, str, str]] = {}
    email_in_file: dict[str, tuple[int, str]] = {}
    good: list[_PersonRow] = []
    for line, row in rows:
        problems: list[str] = []
        nip = re.sub(r"\s", "", row["nip"])
        name, email = row["nama"], (row.get("email") or "").lower()
        code, kind = row["kode_jabatan"], row["status"].lower()
        if not re.fullmatch(r"[0-9]{18}", nip):
            problems.append(f"NIP harus 18 angka (tertulis '{row['nip']}').")
        elif own_nip and nip == own_nip:
            problems.append(
                "Baris ini menugaskan Anda sendiri: tidak seorang pun menetapkan atau menunjuk dirinya "
                "sendiri. Hapus baris ini; penugasan Anda ditetapkan oleh admin lain."
            )
        if not name:
            problems.append("Kolom nama wajib diisi.")
        elif len(name) > User._meta.get_field("full_name").max_length:
            problems.append("Nama terlalu panjang.")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(f"Alamat surel '{row['email']}' tidak sah.")
            else:
                if email in owner_of_email and owner_of_email[email] != nip:
                    problems.append(f"Surel {email} sudah dipakai pengguna lain.")
                elif email in email_in_file and email_in_file[email][1] != nip:
                    problems.append(
                        f"Surel {email} sudah dipakai NIP lain di baris {email_in_file[email][0]}."
                    )
                email_in_file.setdefault(email, (line, nip))
        if nip in first_seen and first_seen[nip][1:] != (name, email):
            problems.append(f"Nama atau surel untuk NIP {nip} berbeda dengan baris {first_seen[nip][0]}.")
        first_seen.setdefault(nip, (line, name, email))
        position = known.get(code)
        if not code:
            problems.append("Kolom kode_jabatan wajib diisi.")
        elif position is not None and position.opd_id != opd.pk:
            problems.append(f"Jabatan {code} milik {position.opd.name}, bukan OPD ini.")
        elif position is not None and position.closed_on is not None:
            problems.append(f"Jabatan {code} sudah ditutup.")
        elif position is None and code not in file_codes:
            problems.append(
                f"Kode jabatan {code} tidak dikenal: jabatan itu belum ada dan tidak ada di berkas jabatan."
            )
        if kind not in Assignment.Kind.values:
            problems.append(f"Status '{row['status']}' tidak dikenal; gunakan definitif, plt atau plh.")
        start = _parse_date(row["mulai"])
        if not row["mulai"]:
            problems.append("Tanggal mulai wajib diisi.")
        elif start is None:
            problems.append(f"Tanggal mulai '{row['mulai']}' tidak sah; gunakan TTTT-BB-HH atau HH-BB-TTTT.")
        end_text = row.get("selesai") or ""
        end = _parse_date(end_text) if end_text else None
        if end_text and end is None:
            problems.append(f"Tanggal selesai '{end_text}' tidak sah; gunakan TTTT-BB-HH atau HH-BB-TTTT.")
        elif not end_text and kind in (Assignment.Kind.PLT, Assignment.Kind.PLH):
            problems.append("Tanggal selesai wajib diisi untuk Plt/Plh.")
        if start and end and end < start:
            problems.append("Tanggal selesai sebelum tanggal mulai.")
        decree_number = " ".join((row.get("nomor_sk") or "").split())
        if len(decree_number) > DECREE_MAX_LENGTH:
            problems.append(f"Nomor SK terlalu panjang (paling banyak {DECREE_MAX_LENGTH} karakter).")
        if problems:
            report.refuse("pegawai", line, " ".join(problems))
            continue
        good.append(_PersonRow(line, nip, name, email, code, kind, start, end, decree_number))
    return good


def _apply_one(report: ImportReport, file: str, line: int, action) -> bool:
    """Run one row's changes in a savepoint: a refusal becomes that row's error and undoes that row only."""
    try:
        with transaction.atomic():
            action()
    except Refused as refusal:
        report.refuse(file, line, refusal.message)
        return False
    return True


def _unit_for(
    *, actor, opd: Opd, name: str | None, units: dict[str, Unit], report: ImportReport
) -> Unit | None:
    """The OPD's unit written in the file (its code or its name); a new unit when there is none yet."""
    if not name:
        return None
    if name.lower() in units:
        return units[name.lower()]
    base = re.sub(r"[^A-Z0-9]+", "-", name.upper()).strip("-")[:30] or "UNIT"
    code, number = base, 1
    while code.lower() in units:
        number += 1
        code = f"{base[: 29 - len(str(number))]}-{number}"
    try:
        with transaction.atomic():
            unit = Unit.objects.create(opd=opd, code=code, name=name)
    except IntegrityError as error:  # another import created it meanwhile
        raise refusal_for(error) from error
    record_event(
        target=unit, verb="dibuat", actor=event_actor(actor), to_state="aktif", details={"sumber": "impor"}
    )
    report.units_created += 1
    units[name.lower()] = units[code.lower()] = unit
    return unit


def _apply_positions(
    rows: list[_PositionRow], *, actor, opd: Opd, known: dict[str, Position], report: ImportReport
) -> dict[str, Position]:
    by_code = dict(known)
    units: dict[str, Unit] = {}
    for unit in Unit.objects.filter(opd=opd):
        units.setdefault(unit.code.lower(), unit)
        units.setdefault(unit.name.lower(), unit)
    updated: set[int] = set()
    # A head that stops being head goes first, so that its successor in the file can become one.
    for row in rows:
        existing = known.get(row.code)
        if existing is not None and existing.heads_opd and row.heads_opd is False:
            stepped_down = _apply_one(
                report,
                "jabatan",
                row.line,
                lambda existing=existing: _update_position(actor=actor, position=existing, heads_opd=False),
            )
            if stepped_down:
                updated.add(row.line)
    # Superiors before subordinates: each move then sees the final chain above it.
    for row in sorted(rows, key=lambda row: row.depth):
        parent = by_code.get(row.parent_code) if row.parent_code else None
        if row.parent_code and parent is None:
            report.refuse("jabatan", row.line, f"Jabatan atasan {row.parent_code} tidak ikut diimpor.")
            continue

        def apply(row=row, parent=parent) -> None:
            unit = _unit_for(actor=actor, opd=opd, name=row.unit, units=units, report=report)
            existing = known.get(row.code)
            if existing is None:
                by_code[row.code] = _create_position(
                    actor=actor,
                    opd=opd,
                    name=row.name,
                    kind=row.kind,
                    parent=parent,
                    unit=unit,
                    eselon=row.eselon or "",
                    heads_opd=bool(row.heads_opd),
                    code=row.code,
                )
                report.positions_created += 1
                return
            changes = {"name": row.name, "kind": row.kind}
            if row.unit is not None:
                changes["unit_id"] = unit.pk if unit else None
            if row.eselon is not None:
                changes["eselon"] = row.eselon
            if row.heads_opd is not None:
                changes["heads_opd"] = row.heads_opd
            if _update_position(actor=actor, position=existing, **changes):
                updated.add(row.line)
            if row.parent_code is not None and existing.parent_id != (parent.pk if parent else None):
                by_code[row.code] = _move_position(actor=actor, position=existing, new_parent=parent)
                updated.add(row.line)

        _apply_one(report, "jabatan", row.line, apply)
    report.positions_updated += len(updated)
    return by_code


def _apply_people(
    rows: list[_PersonRow], *, actor, opd: Opd, by_code: dict[str, Position], report: ImportReport
) -> None:
    nips = {row.nip for row in rows}
    users = {user.nip: user for user in User.objects.filter(nip__in=nips)}
    existing = {
        (a.user_id, a.position_id, a.kind, a.start): a
        for a in Assignment.objects.filter(user__nip__in=nips, position__opd=opd)
    }
    # Definitive holders first: a Plh stands in for one, so the holder must be in place already.
    for row in sorted(rows, key=lambda row: row.kind != Assignment.Kind.DEFINITIVE):
        position = by_code.get(row.position_code)
        if position is None:
            report.refuse(
                "pegawai",
                row.line,
                f"Jabatan {row.position_code} tidak ikut diimpor karena barisnya di berkas jabatan bermasalah.",
            )
            continue

        def apply(row=row, position=position) -> None:
            user = users.get(row.nip)
            if user is None:
                user = users[row.nip] = _create_person(
                    actor=actor, opd=opd, nip=row.nip, name=row.name, email=row.email
                )
                report.users_created += 1
                report.new_people.append(user)
            key = (user.pk, position.pk, row.kind, row.start)
            if key not in existing:
                # Whoever imports, the server's operator included: a new assignment rests on a decree.
                if not row.decree_number:
                    raise Refused(NO_DECREE[row.kind], code="decree_required")
                existing[key] = _assign(
                    actor=actor,
                    position=position,
                    user=user,
                    kind=row.kind,
                    start=row.start,
                    end=row.end,
                    decree_number=row.decree_number,
                )
                report.assignments_created += 1
            elif existing[key].end != row.end:
                _change_end(actor=actor, assignment=existing[key], end=row.end, verb="diubah")
                report.assignments_updated += 1

        _apply_one(report, "pegawai", row.line, apply)


def _create_person(*, actor, opd: Opd, nip: str, name: str, email: str) -> User:
    """A new ASN account from the import, without a password: once the import succeeds, they get a
    link to set their first one (organisasi.services.people.offer_first_password_links)."""
    user = User(username=nip, nip=nip, full_name=name, email=email, employment=User.Employment.ASN, opd=opd)
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save(force_insert=True)
    except IntegrityError as error:
        raise refusal_for(error) from error
    record_event(
        target=user, verb="dibuat", actor=event_actor(actor), to_state="aktif", details={"sumber": "impor"}
    )
    return user
