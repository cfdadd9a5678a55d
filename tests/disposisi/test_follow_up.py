import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from disposisi.models import FollowUp, FollowUpFile, Instruction
from disposisi.services import dispose, report_follow_up, withdraw
from kantor_virtual.errors import Refused
from kantor_virtual.timeline import timeline_for
from organisasi.models import Assignment
from persuratan.models import InboxItem
from tests.disposisi.conftest import node

pytestmark = pytest.mark.django_db


@pytest.fixture
def kabid_node(letter, org):
    dispose(
        actor=org.people["kadis"],
        from_item=node(letter, org.kadis),
        to=[org.kabid],
        instructions=[Instruction.FOLLOW_UP],
    )
    return node(letter, org.kabid)


def test_a_recipient_reports_progress_with_files_and_the_node_is_in_progress(
    letter, org, kabid_node, make_scan, pdf_bytes
):
    report = make_scan(text="Notulen rapat", name="notulen.pdf")

    follow_up = report_follow_up(
        actor=org.people["kabid"], item=kabid_node, text="  Rapat sudah dijadwalkan.  ", files=[report]
    )

    assert follow_up.text == "Rapat sudah dijadwalkan." and not follow_up.marks_done
    assert (follow_up.author, follow_up.position) == (org.people["kabid"], org.kabid)
    stored = FollowUpFile.objects.get(follow_up=follow_up)
    assert stored.original_name == "notulen.pdf" and stored.content_type == "application/pdf"
    assert stored.sha256 == hashlib.sha256(pdf_bytes("Notulen rapat")).hexdigest()
    with stored.file.open("rb") as handle:
        assert handle.read() == pdf_bytes("Notulen rapat")
    item = node(letter, org.kabid)
    assert item.status == InboxItem.Status.IN_PROGRESS and item.done_at is None
    event = [event for event in timeline_for(target=letter) if event.verb == "follow_up"][-1]
    assert event.details == {"item": item.pk, "follow_up": follow_up.pk, "done": False, "files": 1}


def test_marking_done_closes_the_node_and_a_second_done_is_refused(letter, org, kabid_node):
    report_follow_up(actor=org.people["kabid"], item=kabid_node, text="Sudah dijawab.", done=True)
    item = node(letter, org.kabid)
    assert item.status == InboxItem.Status.DONE and item.done_at is not None

    with pytest.raises(Refused) as refusal:
        report_follow_up(actor=org.people["kabid"], item=item, text="Selesai lagi.", done=True)

    assert refusal.value.code == "item_closed"
    assert "sudah selesai" in refusal.value.message
    assert FollowUp.objects.filter(item=item).count() == 1


def test_a_plh_inside_the_dates_reports_for_the_position(letter, org, kabid_node, make_user, today):
    plh = make_user(acts_for=org.kabid, kind=Assignment.Kind.PLH, until=today)
    follow_up = report_follow_up(actor=plh, item=kabid_node, text="Dikerjakan oleh Plh.", done=True)
    assert follow_up.author == plh and follow_up.position == org.kabid
    assert node(letter, org.kabid).status == InboxItem.Status.DONE


def test_someone_else_an_empty_report_and_a_tembusan_are_refused(letter, org, kabid_node, make_user, today):
    former = make_user(acts_for=org.kabid, until=today - timedelta(days=1))
    for actor in (org.people["kabid_stat"], org.people["kadis"], former):
        with pytest.raises(Refused) as refusal:
            report_follow_up(actor=actor, item=kabid_node, text="Bukan urusan saya.")
        assert refusal.value.code == "not_recipient"
    with pytest.raises(Refused) as refusal:
        report_follow_up(actor=org.people["kabid"], item=kabid_node, text="   ")
    assert refusal.value.code == "no_text"
    with pytest.raises(Refused) as refusal:
        report_follow_up(actor=org.people["sekdis"], item=node(letter, org.sekdis), text="Sudah dibaca.")
    assert refusal.value.code == "copy_only"
    assert not FollowUp.objects.exists()
    assert node(letter, org.kabid).status == InboxItem.Status.UNREAD


def test_a_withdrawn_node_takes_no_report(letter, org, kabid_node):
    withdraw(actor=org.people["kadis"], item=kabid_node)
    with pytest.raises(Refused) as refusal:
        report_follow_up(actor=org.people["kabid"], item=node(letter, org.kabid), text="Terlambat.")
    assert refusal.value.code == "item_closed"
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64, "laporan.pdf", "bad_type"),
        (b"<!doctype html><html><body>laporan</body></html>", "laporan.pdf", "bad_type"),
        (b"", "kosong.pdf", "empty"),
    ],
    ids=["executable", "html", "empty"],
)
def test_a_file_that_is_not_what_it_claims_saves_nothing(letter, org, kabid_node, content, name, code):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        report_follow_up(
            actor=org.people["kabid"], item=kabid_node, text="Terlampir.", files=[upload], done=True
        )
    assert error.value.code == code
    assert not FollowUp.objects.exists() and not FollowUpFile.objects.exists()
    assert node(letter, org.kabid).status == InboxItem.Status.UNREAD


def test_an_oversized_file_saves_nothing(letter, org, kabid_node, make_scan, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        report_follow_up(actor=org.people["kabid"], item=kabid_node, text="Terlampir.", files=[make_scan()])
    assert error.value.code == "too_large"
    assert not FollowUp.objects.exists()
