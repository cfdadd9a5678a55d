"""What every organisasi service shares: who may act, how a refusal of the database reads, dates."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError
from django.utils.formats import date_format

from kantor_virtual.errors import Refused
from organisasi.models import User
from organisasi.selectors import opds_administered_by


class _System:
    """The server operator running a management command: may administer every OPD, recorded as no actor."""

    is_authenticated = True

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = _System()


def event_actor(actor) -> User | None:
    return None if actor is SYSTEM else actor


def require_admin_of(*, actor, opd_id: int) -> None:
    if actor is SYSTEM:
        return
    if (
        actor is None
        or not actor.is_authenticated
        or not opds_administered_by(user=actor).filter(pk=opd_id).exists()
    ):
        raise Refused("Anda bukan admin OPD ini.", code="not_admin_opd")


def format_day(value: date | None) -> str:
    """A date as the office writes it: 24 November 2026."""
    return date_format(value, "j F Y") if value else "-"


# What each database constraint means to the person who ran into it.
CONSTRAINT_REFUSALS = {
    "assignment_one_definitive_holder": (
        "Jabatan ini sudah memiliki pejabat definitif pada rentang tanggal itu.",
        "position_has_definitive",
    ),
    "assignment_one_definitive_post": (
        "Pegawai ini sudah memegang jabatan definitif lain pada rentang tanggal itu.",
        "user_has_definitive",
    ),
    "assignment_one_acting_holder": (
        "Jabatan ini sudah memiliki Plt/Plh pada rentang tanggal itu.",
        "position_has_acting",
    ),
    "assignment_end_after_start": ("Tanggal selesai tidak boleh sebelum tanggal mulai.", "end_before_start"),
    "assignment_acting_has_end": ("Tanggal selesai wajib diisi untuk Plt/Plh.", "end_required"),
    "position_one_head_per_opd": (
        "OPD ini sudah memiliki jabatan kepala perangkat daerah yang aktif.",
        "opd_has_head",
    ),
    "position_not_own_parent": ("Jabatan tidak dapat menjadi atasan dirinya sendiri.", "cycle"),
    "organisasi_position_code_key": ("Kode jabatan itu sudah dipakai.", "duplicate_code"),
    "user_email_unique_ci": ("Alamat surel itu sudah dipakai pengguna lain.", "email_taken"),
    "organisasi_user_nip_key": ("NIP itu sudah terdaftar untuk pengguna lain.", "nip_taken"),
    "organisasi_user_nik_key": ("NIK itu sudah terdaftar untuk pengguna lain.", "nik_taken"),
    "organisasi_user_username_key": ("Nama pengguna itu sudah dipakai.", "username_taken"),
    "unit_code_unique_in_opd": ("Kode unit kerja itu sudah dipakai di OPD ini.", "duplicate_unit_code"),
}


def refusal_for(error: IntegrityError) -> Refused:
    constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None) or ""
    if constraint not in CONSTRAINT_REFUSALS:
        raise error  # not a rule we know: a bug, let it show
    message, code = CONSTRAINT_REFUSALS[constraint]
    return Refused(message, code=code)
