"""A position's inbox version (InboxTally.version, replaced by triggers) changes with everything an
inbox row shows, however it changes, and with nothing else: the kept inbox page is keyed by it."""

import pytest

from persuratan.models import InboxItem, InboxTally, IncomingLetter

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(opd, kadis, register):
    return register(opd=opd, to=[kadis], subject="Undangan rapat koordinasi")


def version(position):
    return InboxTally.objects.get(position=position).version


CHANGES = {
    "a letter delivered": lambda letter, register: register(
        opd=letter.opd, to=[letter.inbox_items.get().position]
    ),
    "items changed in bulk": lambda letter, register: InboxItem.objects.filter(letter=letter).update(
        status=InboxItem.Status.IN_PROGRESS
    ),
    "an item removed": lambda letter, register: InboxItem.objects.filter(letter=letter).delete(),
    "the subject edited": lambda letter, register: IncomingLetter.objects.filter(pk=letter.pk).update(
        subject="Undangan rapat evaluasi"
    ),
    "the sender's number edited": lambda letter, register: IncomingLetter.objects.filter(pk=letter.pk).update(
        sender_number="005/99/2026"
    ),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_every_change_an_inbox_row_shows_gives_its_position_a_new_version(change, letter, kadis, register):
    before = version(kadis)

    change(letter, register)

    assert version(kadis) != before


def test_what_no_inbox_row_shows_leaves_the_version(letter, kadis, make_position, register):
    before = version(kadis)
    other = make_position(name="Sekretaris")
    register(opd=letter.opd, to=[other])

    IncomingLetter.objects.filter(pk=letter.pk).update(summary="Ringkasan yang diperbaiki")
    IncomingLetter.objects.filter(pk=letter.pk).update(subject=letter.subject)  # the same words again

    assert version(kadis) == before
