"""Proposals: the OPD's arsiparis proposes due records, the head of the OPD decides, and approving
drafts the berita acara ready for them to sign."""

from datetime import timedelta

import pytest

from arsip.models import FinalDisposition, Loan, Proposal
from arsip.services.proposals import approve, propose, reject
from kantor_virtual.errors import Refused
from kantor_virtual.models import Notification
from kantor_virtual.timeline import timeline_for
from persuratan.models import LetterType, OutgoingLetter

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(office, make_record):
    def make(*, kind=Proposal.Kind.DESTROY, records=None, actor=None):
        records = records or [make_record(title="Laporan pengadaan 2015"), make_record(title="Nota $ biaya")]
        return propose(
            actor=actor or office["arsiparis"],
            opd=records[0].opd,
            kind=kind,
            records=records,
            note="Sudah melewati retensi inaktif.",
        )

    return make


def _refusal(call, **kwargs) -> str:
    with pytest.raises(Refused) as refusal:
        call(**kwargs)
    return refusal.value.code


def test_the_arsiparis_proposes_and_the_head_of_the_opd_is_asked(office, proposed):
    proposal = proposed()

    assert proposal.status == Proposal.Status.PROPOSED
    assert proposal.approver_position == office["kadis"], "the head of the OPD decides"
    assert proposal.records.count() == 2
    assert [event.verb for event in timeline_for(target=proposal)] == ["proposed"]
    notice = Notification.objects.get(user=office["kadis_user"])
    assert notice.url == f"/arsip/usul/{proposal.pk}/"


def test_the_province_arsiparis_proposes_for_any_opd(office, proposed):
    assert proposed(actor=office["province_arsiparis"]).proposed_by == office["province_arsiparis"]


def test_nobody_else_proposes(office, make_record):
    record = make_record()
    for outsider in (office["dinsos_arsiparis"], office["staf_user"], office["kadis_user"]):
        code = _refusal(propose, actor=outsider, opd=record.opd, kind=Proposal.Kind.DESTROY, records=[record])
        assert code == "not_arsiparis"
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("kind", "record_fields", "code"),
    [
        (Proposal.Kind.DESTROY, {"final_disposition": FinalDisposition.PERMANENT}, "permanent_record"),
        (Proposal.Kind.DESTROY, {"legal_hold": True, "hold_reason": "Perkara"}, "held_record"),
        (Proposal.Kind.DESTROY, {"final_disposition": FinalDisposition.REASSESS}, "not_due"),
        (Proposal.Kind.HAND_OVER, {}, "not_due"),
        (Proposal.Kind.TRANSFER, {"state": "inactive"}, "not_due"),
    ],
)
def test_records_that_may_not_go_that_way_are_refused_with_a_clear_message(
    office, make_record, kind, record_fields, code
):
    record = make_record(title="Arsip yang diuji", **record_fields)
    with pytest.raises(Refused) as refusal:
        propose(actor=office["arsiparis"], opd=record.opd, kind=kind, records=[make_record(), record])
    assert refusal.value.code == code
    assert record.number in refusal.value.message
    assert not Proposal.objects.exists(), "nothing of a refused proposal is kept"


def test_records_not_yet_due_of_another_opd_or_already_proposed_are_refused(
    office, make_record, proposed, other_opd, today
):
    young = make_record(inactive_until=today + timedelta(days=30))
    assert (
        _refusal(
            propose, actor=office["arsiparis"], opd=young.opd, kind=Proposal.Kind.DESTROY, records=[young]
        )
        == "not_due"
    )
    foreign = make_record(opd=other_opd)
    assert (
        _refusal(
            propose, actor=office["arsiparis"], opd=young.opd, kind=Proposal.Kind.DESTROY, records=[foreign]
        )
        == "foreign_record"
    )
    first = proposed()
    again = list(first.records.all())
    assert (
        _refusal(
            propose, actor=office["arsiparis"], opd=young.opd, kind=Proposal.Kind.TRANSFER, records=again
        )
        == "proposed"
    )


def test_a_record_out_on_loan_is_not_destroyed(office, make_record, today):
    record = make_record()
    Loan.objects.create(
        record=record,
        borrower=office["staf_user"],
        purpose="Audit",
        status=Loan.Status.HANDED_OUT,
        due_on=today,
    )
    assert (
        _refusal(
            propose, actor=office["arsiparis"], opd=record.opd, kind=Proposal.Kind.DESTROY, records=[record]
        )
        == "on_loan"
    )


def test_approval_drafts_the_berita_acara_ready_for_the_head_to_sign(office, proposed):
    proposal = approve(actor=office["kadis_user"], proposal=proposed(), note="Setuju.")

    letter = proposal.berita_acara
    assert proposal.status == Proposal.Status.APPROVED and proposal.decided_by == office["kadis_user"]
    assert letter.status == OutgoingLetter.Status.APPROVED, "no paraf: ready to sign"
    assert letter.letter_type == LetterType.OFFICIAL_RECORD
    assert letter.subject == "Pemusnahan Arsip"
    assert letter.classification.code == "000.5.6.2"
    assert letter.signer_position == letter.drafter_position == office["kadis"]
    assert letter.opd == proposal.opd
    body = letter.versions.get().body_html
    assert body.count("<tr>") == 3, "a header row and one row per record"
    for record in proposal.records.all():
        assert record.title.replace("$", "$$") in body and record.classification.code in body
    assert "<th>Kode klasifikasi</th>" in body and "${tanggal}" in body


def test_an_acting_head_decides_but_not_another_pimpinan(office, proposed, make_user):
    proposal = proposed()
    for outsider in (office["sekdis_user"], office["dinsos_head_user"], office["arsiparis"]):
        assert _refusal(approve, actor=outsider, proposal=proposal) == "not_approver"
        assert _refusal(reject, actor=outsider, proposal=proposal, note="Tidak.") == "not_approver"
    plh = make_user(acts_for=office["kadis"], kind="plh")
    assert approve(actor=plh, proposal=proposal).decided_by == plh


def test_a_proposal_is_decided_once(office, proposed):
    approved = approve(actor=office["kadis_user"], proposal=proposed())
    assert _refusal(approve, actor=office["kadis_user"], proposal=approved) == "already_decided"
    assert _refusal(reject, actor=office["kadis_user"], proposal=approved, note="Batal") == "already_decided"
    assert OutgoingLetter.objects.count() == 1, "one berita acara"

    rejected = proposed()
    assert _refusal(reject, actor=office["kadis_user"], proposal=rejected, note=" ") == "missing_note"
    reject(actor=office["kadis_user"], proposal=rejected, note="Arsip masih dipakai untuk audit.")
    assert _refusal(approve, actor=office["kadis_user"], proposal=rejected) == "already_decided"
    assert Notification.objects.filter(user=office["arsiparis"], title__contains="ditolak").count() == 1


def test_a_hold_placed_after_the_proposal_stops_the_approval(office, proposed):
    proposal = proposed()
    proposal.records.filter(title="Nota $ biaya").update(legal_hold=True, hold_reason="Sita penyidik")
    assert _refusal(approve, actor=office["kadis_user"], proposal=proposal) == "held_record"
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PROPOSED and proposal.berita_acara is None
