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


# ── Pemberkasan: records made the way the application makes them, by filing finished letters ──


@pytest.fixture
def arsiparis(office):
    """The arsiparis of Diskominfos (`office["arsiparis"]`)."""
    return office["arsiparis"]


@pytest.fixture
def retention_schedule(classification):
    """The sample JRA the migration loads; loaded again after a transactional test emptied the tables."""
    from arsip.models import RetentionRule
    from arsip.reference import load_retention_schedule
    from persuratan.models import Classification

    load_retention_schedule(RetentionRule, Classification)


@pytest.fixture
def finished_letter(office, register, retention_schedule):
    """`finished_letter(**details)`: a letter of Diskominfos addressed to the Sekretaris, who reported
    it done, so it waits to be filed (code 000.1.2 by default: 2 years active, 3 inactive, musnah)."""
    from disposisi.services import report_follow_up
    from persuratan.models import InboxItem

    def make(**details):
        letter = register(opd=office["sekdis"].opd, to=[office["sekdis"]], **details)
        item = InboxItem.objects.get(letter=letter, position=office["sekdis"])
        report_follow_up(actor=office["sekdis_user"], item=item, text="Sudah dilaksanakan.", done=True)
        return letter

    return make


@pytest.fixture
def make_filed_record(arsiparis, finished_letter):
    """`make_filed_record(berkas=None, **details)`: the record of a finished letter filed by the
    arsiparis through `file_letters`, into `berkas` or a new berkas; active, closed today."""
    from arsip.services.filing import NewBerkas, file_letters

    def make(*, berkas=None, **details) -> Record:
        letter = finished_letter(**details)
        into = berkas or NewBerkas(title="Perjalanan dinas dalam negeri")
        file_letters(actor=arsiparis, opd=letter.opd, into=into, incoming=[letter])
        return Record.objects.get(incoming=letter)

    return make


@pytest.fixture
def signed_letter(office, classification, retention_schedule, head_signs):
    """`signed_letter(subject=..., security_class=...)`: a nota dinas of Diskominfos drafted by the staff
    member, parafed by the Sekretaris and signed by the Kepala Dinas (numbered, PAdES) in the worker."""
    from persuratan.models import OutgoingRecipient
    from persuratan.services.outgoing import (
        DraftDetails,
        RecipientSpec,
        create_draft,
        paraf,
        submit_for_review,
    )

    def make(*, subject="Laporan perjalanan dinas ke Jakarta", security_class="ordinary"):
        details = DraftDetails(
            letter_type="internal_memo",
            subject=subject,
            security_class=security_class,
            urgency="normal",
            classification=classification,
            signer_position=office["kadis"],
        )
        letter = create_draft(
            actor=office["staf_user"],
            position=office["staf"],
            details=details,
            recipients=[RecipientSpec(kind=OutgoingRecipient.Kind.TO, name="Kepala Biro Umum")],
            body_html="<p>Perjalanan dinas ke Jakarta telah <strong>selesai</strong> dilaksanakan.</p>",
            reviewers=[office["sekdis"]],
        )
        submit_for_review(actor=office["staf_user"], letter=letter)
        paraf(actor=office["sekdis_user"], letter=letter)
        letter = head_signs(letter)
        assert letter.status == "signed"
        return letter

    return make


# ── Penyusutan carried out: the Kepala Dinas signs the berita acara with TTE ──


@pytest.fixture
def head_signs(office, django_capture_on_commit_callbacks):
    """`head_signs(letter)`: the Kepala Dinas (enrolled here, with `signed_letter`'s passphrase) signs
    an approved letter; the worker's steps and what follows the signature run here (Celery eager)."""
    from persuratan.services.outgoing import request_signature
    from tte.models import Certificate
    from tte.services import enrol

    passphrase = "sandi-tte-kadis"
    if not Certificate.objects.filter(user=office["kadis_user"], revoked_at__isnull=True).exists():
        enrol(user=office["kadis_user"], passphrase=passphrase)

    def sign(letter):
        with django_capture_on_commit_callbacks(execute=True):
            request_signature(actor=office["kadis_user"], letter=letter, passphrase=passphrase)
        letter.refresh_from_db()
        return letter

    return sign


@pytest.fixture
def carried_out(office, head_signs):
    """`carried_out(kind, records)`: proposed by the arsiparis, approved by the Kepala Dinas and its
    berita acara signed, so the records have moved on."""
    from arsip.models import Proposal
    from arsip.services.proposals import approve, propose

    def run(kind: str, records: list[Record]) -> Proposal:
        proposal = propose(actor=office["arsiparis"], opd=records[0].opd, kind=kind, records=records)
        approve(actor=office["kadis_user"], proposal=proposal)
        proposal.refresh_from_db()
        head_signs(proposal.berita_acara)
        proposal.refresh_from_db()
        return proposal

    return run
