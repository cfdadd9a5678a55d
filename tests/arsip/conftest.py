"""Shared archive fixtures. Add yours below; keep the ones above as they are (two engineers share it)."""

from datetime import timedelta

import pytest

from arsip.models import FinalDisposition, Record
from organisasi.models import RoleGrant

# ── Penyusutan and peminjaman: an OPD with its head, staff and arsiparis, and records made directly ──


@pytest.fixture
def office(opd, other_opd, make_position, make_user, grant_role):
    """Diskominfos: a Kepala Dinas (who approves), a Sekretaris (to whom letters come), a staff member,
    its arsiparis; the arsiparis of Dinsos and of the province, and Dinsos's head."""
    kadis = make_position(name="Kepala Dinas Kominfos", heads_opd=True)
    sekdis = make_position(name="Sekretaris Dinas Kominfos", parent=kadis)
    staf = make_position(name="Pranata Komputer", parent=sekdis, kind="fungsional")
    arsiparis = make_position(name="Arsiparis Ahli Muda", parent=sekdis, kind="fungsional")
    dinsos_head = make_position(name="Kepala Dinas Sosial", opd=other_opd, heads_opd=True)
    dinsos_arsiparis = make_position(name="Arsiparis Dinsos", opd=other_opd, kind="fungsional")
    role = RoleGrant.Role.ARSIPARIS
    return {
        "kadis": kadis, "sekdis": sekdis, "staf": staf, "dinsos_head": dinsos_head,
        "kadis_user": make_user(holds=kadis, full_name="Hendra Siregar", nip="197001011995031001"),
        "sekdis_user": make_user(holds=sekdis, full_name="Yohanes Lumban"),
        "staf_user": make_user(holds=staf, full_name="Made Wirawan"),
        "arsiparis": grant_role(make_user(holds=arsiparis, full_name="Rina Arsiparis"), role, opd),
        "dinsos_arsiparis": grant_role(make_user(holds=dinsos_arsiparis), role, other_opd),
        "province_arsiparis": grant_role(make_user(), role, None),
        "dinsos_head_user": make_user(holds=dinsos_head),
    }  # fmt: skip


@pytest.fixture
def make_record(office, register, today):
    """`make_record(title=..., final_disposition=..., legal_hold=..., active_until=..., inactive_until=...)`:
    a record of a registered letter addressed to the Sekretaris (so its scan is really stored). By
    default both retention periods ended yesterday or before: due for every kind of proposal."""

    def make(
        *,
        opd=None,
        title: str = "Laporan kegiatan pengadaan 2015",
        final_disposition: str = FinalDisposition.DESTROY,
        active_until=None,
        inactive_until=None,
        to=None,
        **fields,
    ) -> Record:
        opd = opd or office["kadis"].opd
        if to is None:
            to = office["sekdis"] if opd.pk == office["sekdis"].opd_id else office["dinsos_head"]
        letter = register(opd=opd, to=[to], subject=title, **fields.pop("letter", {}))
        inactive_until = inactive_until or today - timedelta(days=1)
        return Record.objects.create(
            opd=opd,
            incoming=letter,
            classification=letter.classification,
            number=letter.sender_number,
            title=title,
            letter_date=letter.letter_date,
            security_class=letter.security_class,
            closed_on=letter.received_on,
            active_until=active_until or min(inactive_until, today - timedelta(days=1)),
            inactive_until=inactive_until,
            final_disposition=final_disposition,
            **fields,
        )

    return make
