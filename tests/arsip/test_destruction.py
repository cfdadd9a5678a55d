"""The signed berita acara carries a proposal out: destroyed records lose their files and contents and
keep their metadata; the database refuses to destroy a permanent or held record whatever the code does."""

from io import BytesIO

import pytest
from django.db import IntegrityError, connection, transaction
from pypdf import PdfReader

from arsip.models import FinalDisposition, Proposal, Record
from arsip.services.proposals import approve, carry_out, propose
from kantor_virtual.files import private_storage
from kantor_virtual.models import Event
from kantor_virtual.timeline import event_recorded, timeline_for
from persuratan.models import OutgoingLetter, OutgoingRecipient
from persuratan.services.outgoing import (
    DraftDetails,
    RecipientSpec,
    create_draft,
    submit_for_review,
)
from tte.signing import verify_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def outgoing_record(office, head_signs, classification, make_scan):
    """A record of a nota dinas the Kepala Dinas signed, with a lampiran."""
    letter = create_draft(
        actor=office["kadis_user"],
        position=office["kadis"],
        details=DraftDetails(
            letter_type="internal_memo",
            subject="Rencana pengadaan 2015",
            security_class="ordinary",
            urgency="normal",
            classification=classification,
            signer_position=office["kadis"],
        ),
        recipients=[RecipientSpec(kind=OutgoingRecipient.Kind.TO, name="Inspektur")],
        body_html="<p>Isi rencana pengadaan yang rinci.</p>",
        reviewers=[],
        attachments=[make_scan(text="Lampiran rencana")],
    )
    letter = head_signs(submit_for_review(actor=office["kadis_user"], letter=letter))
    return Record.objects.create(
        opd=letter.opd,
        outgoing=letter,
        classification=classification,
        number=letter.number,
        title=letter.subject,
        letter_date=letter.signed_at.date(),
        security_class=letter.security_class,
        closed_on=letter.signed_at.date(),
        active_until=letter.signed_at.date().replace(year=2000),
        inactive_until=letter.signed_at.date().replace(year=2001),
        final_disposition=FinalDisposition.DESTROY,
    )


def _raw_destroy(record: Record, proposal: Proposal) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE arsip_record SET state = 'destroyed', destroyed_at = now(), destroyed_by_id = %s WHERE id = %s",
            [proposal.pk, record.pk],
        )


@pytest.mark.parametrize(
    "fields",
    [{"final_disposition": FinalDisposition.PERMANENT}, {"legal_hold": True, "hold_reason": "Perkara"}],
    ids=["permanen", "ditahan"],
)
def test_the_database_refuses_to_destroy_a_permanent_or_held_record(office, make_record, fields):
    kept, destroyable = make_record(**fields), make_record()
    proposal = Proposal.objects.create(
        opd=kept.opd,
        kind=Proposal.Kind.DESTROY,
        proposed_by=office["arsiparis"],
        approver_position=office["kadis"],
    )
    with (
        pytest.raises(IntegrityError, match="record_destroyed_only_if_musnah_and_not_held"),
        transaction.atomic(),
    ):
        _raw_destroy(kept, proposal)
    _raw_destroy(destroyable, proposal)  # the same statement passes for a musnah record
    assert Record.objects.get(pk=destroyable.pk).state == Record.State.DESTROYED


def test_a_destroyed_record_names_its_berita_acara_in_the_database(office, make_record):
    record = make_record()
    with pytest.raises(IntegrityError, match="record_destroyed_names_its_berita_acara"):
        Record.objects.filter(pk=record.pk).update(state=Record.State.DESTROYED)


def test_the_signed_berita_acara_destroys_the_files_and_keeps_the_metadata(office, make_record, carried_out):
    records = [make_record(title="Laporan pengadaan 2015"), make_record(title="Nota pembayaran 2015")]
    files = {letter_file.pk: letter_file.file.name for r in records for letter_file in r.incoming.files.all()}
    assert all(private_storage.exists(name) for name in files.values())

    proposal = carried_out(Proposal.Kind.DESTROY, records)

    berita_acara = proposal.berita_acara
    assert berita_acara.status == OutgoingLetter.Status.SIGNED
    with berita_acara.signed_pdf.open("rb") as handle:
        pdf = handle.read()
    assert verify_pdf(pdf).valid and verify_pdf(pdf).signer == "Hendra Siregar", "a real PAdES signature"
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert "PEMUSNAHAN ARSIP" in text and berita_acara.number in text
    assert "Laporan pengadaan 2015" in text and "Nota pembayaran 2015" in text

    assert proposal.status == Proposal.Status.DONE and proposal.executed_at
    for before in records:
        after = Record.objects.select_related("incoming").get(pk=before.pk)
        assert after.state == Record.State.DESTROYED and after.destroyed_at and after.destroyed_by == proposal
        assert (
            after.number,
            after.title,
            after.classification_id,
            after.letter_date,
            after.inactive_until,
        ) == (
            before.number,
            before.title,
            before.classification_id,
            before.letter_date,
            before.inactive_until,
        )
        assert after.incoming.subject == before.incoming.subject and after.incoming.scan_text == ""
        assert [event.verb for event in timeline_for(target=after)] == ["destroyed"]
    for letter_file in records[0].incoming.files.model.objects.filter(pk__in=files):
        assert letter_file.file.name == "" and letter_file.text == ""
        assert letter_file.original_name and letter_file.sha256, "the file's metadata stays"
    assert not any(private_storage.exists(name) for name in files.values()), "the files left storage"


def test_carrying_out_twice_changes_nothing(office, make_record, carried_out):
    proposal = carried_out(Proposal.Kind.DESTROY, [make_record()])
    events = Event.objects.count()
    assert carry_out(proposal_id=proposal.pk) is False
    event_recorded.send(
        sender=OutgoingLetter, target=proposal.berita_acara, event=Event(verb="signed", target_id="0", seq=1)
    )
    assert Event.objects.count() == events


def test_a_destroyed_outgoing_letter_loses_its_pdf_lampiran_and_body(office, outgoing_record, carried_out):
    letter = outgoing_record.outgoing
    names = [letter.signed_pdf.name, *(attachment.file.name for attachment in letter.attachments.all())]
    assert all(private_storage.exists(name) for name in names)

    carried_out(Proposal.Kind.DESTROY, [outgoing_record])

    letter.refresh_from_db()
    assert not letter.signed_pdf and letter.number and letter.signed_sha256, "the number and the hash stay"
    assert [version.body_html for version in letter.versions.all()] == [""]
    assert [attachment.file.name for attachment in letter.attachments.all()] == [""]
    assert not any(private_storage.exists(name) for name in names)


def test_transfer_and_hand_over_move_the_records_and_keep_their_files(office, make_record, carried_out):
    active = make_record(title="Laporan triwulan")
    permanent = make_record(title="Rencana strategis", final_disposition=FinalDisposition.PERMANENT)

    transfer = carried_out(Proposal.Kind.TRANSFER, [active])
    hand_over = carried_out(Proposal.Kind.HAND_OVER, [permanent])

    assert transfer.berita_acara.subject == "Pemindahan Arsip Inaktif"
    assert hand_over.berita_acara.subject == "Penyerahan Arsip Statis"
    assert Record.objects.get(pk=active.pk).state == Record.State.INACTIVE
    assert Record.objects.get(pk=permanent.pk).state == Record.State.HANDED_OVER
    assert all(f.file for r in (active, permanent) for f in r.incoming.files.all())


def test_a_record_held_after_the_approval_is_kept_and_named(office, make_record, head_signs):
    held, other = make_record(title="Disita"), make_record(title="Biasa")
    proposal = propose(
        actor=office["arsiparis"], opd=held.opd, kind=Proposal.Kind.DESTROY, records=[held, other]
    )
    approve(actor=office["kadis_user"], proposal=proposal)
    Record.objects.filter(pk=held.pk).update(legal_hold=True, hold_reason="Sita penyidik")
    proposal.refresh_from_db()

    head_signs(proposal.berita_acara)

    assert Record.objects.get(pk=held.pk).state == Record.State.ACTIVE
    assert Record.objects.get(pk=other.pk).state == Record.State.DESTROYED
    last = list(timeline_for(target=proposal))[-1]
    assert last.verb == "carried_out" and last.details["kept"] == [held.pk]
