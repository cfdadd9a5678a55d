from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection

from kantor_virtual.errors import Refused
from kantor_virtual.timeline import timeline_for
from persuratan.models import Correspondent, InboxItem, IncomingLetter, LetterFile
from persuratan.selectors import possible_duplicates
from persuratan.services import register_incoming

pytestmark = pytest.mark.django_db


def test_registered_letter_gets_agenda_number_and_reaches_addressee_and_copies(
    opd, make_position, register, today
):
    kadis, sekdis = make_position(name="Kepala Dinas"), make_position(name="Sekretaris Dinas")
    letter = register(opd=opd, to=[kadis], copies=[sekdis])

    assert (letter.agenda_year, letter.agenda_number) == (today.year, 1)
    assert letter.agenda_label == f"0001/{today.year}"
    items = {(item.position_id, item.reason) for item in letter.inbox_items.all()}
    assert items == {(kadis.pk, InboxItem.Reason.ADDRESSEE), (sekdis.pk, InboxItem.Reason.COPY)}
    stored = letter.files.get()
    assert len(stored.sha256) == 64 and stored.content_type == "application/pdf"
    assert [event.verb for event in timeline_for(target=letter)] == ["registered", "delivered", "delivered"]
    assert register(opd=opd, to=[kadis]).agenda_number == 2


def test_operator_of_another_opd_is_refused_and_uses_no_number(
    opd, other_opd, make_position, make_operator, letter_details, make_scan
):
    kadis = make_position(name="Kepala Dinas")
    with pytest.raises(Refused) as refusal:
        register_incoming(
            actor=make_operator(opd=other_opd),
            opd=opd,
            details=letter_details(),
            addressees=[kadis],
            scans=[make_scan()],
        )
    assert refusal.value.code == "not_operator"
    assert not IncomingLetter.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"letter_date_offset": 1}, "future_letter_date"),
        ({"subject": "  "}, "missing_details"),
    ],
)
def test_bad_details_are_refused_and_nothing_is_saved(opd, make_position, register, today, overrides, code):
    kadis = make_position(name="Kepala Dinas")
    details = {"subject": overrides.get("subject", "Perihal")}
    if "letter_date_offset" in overrides:
        details["letter_date"] = today + timedelta(days=overrides["letter_date_offset"])
    with pytest.raises(Refused) as refusal:
        register(opd=opd, to=[kadis], **details)
    assert refusal.value.code == code
    assert not IncomingLetter.objects.exists() and not LetterFile.objects.exists()


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64, "surat.pdf"),
        (b"<!doctype html><html><body>surat</body></html>", "surat.pdf"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "surat.png"),
    ],
    ids=["executable", "html", "svg"],
)
def test_a_scan_that_is_not_what_its_name_says_is_refused(
    opd, make_position, register, make_scan, content, name
):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        register(
            opd=opd, to=[make_position(name="Kepala Dinas")], scans=[make_scan(content=content, name=name)]
        )
    assert error.value.code == "bad_type"
    assert not IncomingLetter.objects.exists()


def test_an_oversized_scan_is_refused(opd, make_position, register, make_scan, settings):
    from django.core.exceptions import ValidationError

    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        register(opd=opd, to=[make_position(name="Kepala Dinas")], scans=[make_scan()])
    assert error.value.code == "too_large"


def test_position_of_another_opd_cannot_be_addressed(opd, other_opd, make_position, register):
    foreign = make_position(name="Kepala Dinas Sosial", opd=other_opd)
    with pytest.raises(Refused) as refusal:
        register(opd=opd, to=[foreign])
    assert refusal.value.code == "foreign_position"


def test_same_sender_number_and_date_is_flagged_as_possible_duplicate(opd, make_position, register, today):
    kadis = make_position(name="Kepala Dinas")
    first = register(opd=opd, to=[kadis])
    found = possible_duplicates(
        opd_id=opd.pk,
        sender_name="  kementerian  dalam negeri ",
        sender_number="000.1.2/123/sj",
        letter_date=first.letter_date,
    )
    assert found == [first]
    assert (
        possible_duplicates(
            opd_id=opd.pk,
            sender_name="Kementerian Dalam Negeri",
            sender_number="000.1.2/124/SJ",
            letter_date=first.letter_date,
        )
        == []
    )
    assert Correspondent.objects.filter(opd=opd).count() == 1


@pytest.mark.django_db(transaction=True)
def test_thirty_parallel_registrations_get_thirty_consecutive_numbers(
    opd, make_position, make_operator, letter_details, make_scan
):
    kadis = make_position(name="Kepala Dinas")
    operators = [make_operator(opd=opd) for _ in range(30)]
    details = letter_details()
    scans = [make_scan() for _ in range(30)]

    def register_one(index: int) -> int:
        try:  # each thread has its own database connection
            letter = register_incoming(
                actor=operators[index], opd=opd, details=details, addressees=[kadis], scans=[scans[index]]
            )
            return letter.agenda_number
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=30) as pool:
        numbers = list(pool.map(register_one, range(30)))

    assert sorted(numbers) == list(range(1, 31))
    assert IncomingLetter.objects.count() == 30


def test_a_letter_that_arrives_twice_from_the_same_origin_is_entered_once(
    opd, make_position, letter_details, make_scan
):
    from persuratan.services import receive_letter

    kadis = make_position(name="Kepala Dinas")

    def arrive():
        return receive_letter(
            opd=opd,
            details=letter_details(),
            addressees=[kadis],
            files=[make_scan()],
            source=IncomingLetter.Source.INTERNAL,
            origin_key="outgoing:77:DISKOMINFOS",
        )

    first, retried = arrive(), arrive()
    assert first.pk == retried.pk and first.registered_by is None
    assert IncomingLetter.objects.count() == 1 and InboxItem.objects.count() == 1
    assert arrive().agenda_number == 1, "a retried delivery uses no second number"
