"""Outgoing letters: the paraf chain, the signer's authority, numbering and signing in the worker."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from io import BytesIO

import pytest
from django.db import connection
from pypdf import PdfReader

from kantor_virtual.errors import Refused
from persuratan.models import OutgoingLetter, OutgoingRecipient, SigningMode, SigningRequest
from persuratan.services.outgoing import (
    assign_number,
    paraf,
    propose_review_chain,
    request_signature,
    return_draft,
    revise_draft,
    sign_outgoing,
    submit_for_review,
)
from tests.persuratan.conftest import PASSPHRASE
from tte.services import enrol
from tte.signing import verify_pdf

pytestmark = pytest.mark.django_db


def test_the_review_chain_is_proposed_from_the_hierarchy(chain):
    assert propose_review_chain(drafter_position=chain["staf"], signer_position=chain["kadis"]) == [
        chain["kabid"],
        chain["sekdis"],
    ]


def test_reviewers_paraf_in_order_and_a_return_goes_back_to_the_drafter(draft, chain):
    letter = draft()
    assert "<script>" not in letter.versions.get().body_html, "the body is sanitised"
    submit_for_review(actor=chain["staf_user"], letter=letter)

    with pytest.raises(Refused) as refusal:
        paraf(actor=chain["sekdis_user"], letter=letter)
    assert refusal.value.code == "not_your_turn"

    return_draft(actor=chain["kabid_user"], letter=letter, note="Perbaiki tanggal rapat.")
    letter.refresh_from_db()
    assert letter.status == OutgoingLetter.Status.RETURNED
    with pytest.raises(Refused) as refusal:
        paraf(actor=chain["kabid_user"], letter=letter)
    assert refusal.value.code == "not_in_review", "nobody parafs a draft that moved on"

    revise_draft(actor=chain["staf_user"], letter=letter, body_html="<p>Rapat pada hari Senin.</p>")
    submit_for_review(actor=chain["staf_user"], letter=letter)
    paraf(actor=chain["kabid_user"], letter=letter)
    paraf(actor=chain["sekdis_user"], letter=letter)
    letter.refresh_from_db()
    assert letter.status == OutgoingLetter.Status.APPROVED
    assert [v.number for v in letter.versions.all()] == [1, 2], "every version is kept"
    assert letter.review_steps.filter(round=2, status="approved").count() == 2


def test_only_the_signer_or_an_acting_official_inside_the_dates_may_sign(
    approved, draft, chain, make_user, today
):
    letter = approved()
    lapsed_plt = make_user(acts_for=chain["kadis"], until=today - timedelta(days=1))
    for outsider in (chain["sekdis_user"], lapsed_plt):
        with pytest.raises(Refused) as refusal:
            request_signature(actor=outsider, letter=letter, passphrase=PASSPHRASE)
        assert refusal.value.code == "not_signer"
    letter.refresh_from_db()
    assert letter.status == OutgoingLetter.Status.APPROVED and not letter.number


def _pdf_text(letter) -> str:
    with letter.signed_pdf.open("rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(BytesIO(handle.read())).pages)


def test_signing_numbers_renders_and_signs_once(
    approved, draft, chain, django_capture_on_commit_callbacks, today
):
    enrol(user=chain["kadis_user"], passphrase=PASSPHRASE)
    letter = approved()
    with django_capture_on_commit_callbacks(execute=True):
        request_signature(actor=chain["kadis_user"], letter=letter, passphrase=PASSPHRASE)
    letter.refresh_from_db()

    assert letter.status == OutgoingLetter.Status.SIGNED
    assert letter.number == f"000.1.2/1/{letter.opd.code}/{today.year}"
    with letter.signed_pdf.open("rb") as handle:
        result = verify_pdf(handle.read())
    assert result.valid and result.signer == "Hendra Siregar"
    text = _pdf_text(letter)
    assert letter.number in text and "Hendra Siregar" in text and "Kepala Dinas Kominfos" in text
    assert SigningRequest.objects.get(letter=letter).passphrase_token == "", "the passphrase is not kept"

    first_pdf = letter.signed_sha256
    assert sign_outgoing(letter_id=letter.pk) is False, "a retried task changes nothing"
    letter.refresh_from_db()
    assert (letter.number_seq, letter.signed_sha256) == (1, first_pdf)


def test_a_task_that_died_after_numbering_keeps_the_number_when_it_runs_again(approved, draft, chain):
    enrol(user=chain["kadis_user"], passphrase=PASSPHRASE)
    letter = approved()
    request_signature(actor=chain["kadis_user"], letter=letter, passphrase=PASSPHRASE)
    numbered = assign_number(letter_id=letter.pk)  # the first run got this far, then the worker died

    assert sign_outgoing(letter_id=letter.pk) is True
    letter.refresh_from_db()
    assert letter.number == numbered.number and letter.number_seq == 1
    assert OutgoingLetter.objects.filter(number_seq__isnull=False).count() == 1


def test_a_wrong_passphrase_gives_the_letter_back_with_a_clear_message(approved, draft, chain):
    enrol(user=chain["kadis_user"], passphrase=PASSPHRASE)
    letter = approved()
    request_signature(actor=chain["kadis_user"], letter=letter, passphrase="bukan-sandinya")
    assert sign_outgoing(letter_id=letter.pk) is False
    letter.refresh_from_db()
    request = SigningRequest.objects.get(letter=letter)
    assert letter.status == OutgoingLetter.Status.APPROVED and not letter.signed_pdf
    assert request.state == SigningRequest.State.REFUSED and request.error == "Kata sandi TTE salah."


def test_a_plt_signing_on_behalf_shows_both_on_the_letter(approved, draft, chain, make_user):
    plt = make_user(acts_for=chain["sekdis"], full_name="Yohanes Manafe")
    enrol(user=plt, passphrase=PASSPHRASE)
    letter = approved(
        mode=SigningMode.ON_BEHALF,
        signer=chain["sekdis"],
        reviewers=[chain["kabid"], chain["sekdis"]],
    )
    request_signature(actor=plt, letter=letter, passphrase=PASSPHRASE)
    assert sign_outgoing(letter_id=letter.pk) is True
    letter.refresh_from_db()
    text = _pdf_text(letter)
    assert "a.n. Kepala Dinas Kominfos" in text and "Plt. Sekretaris Dinas" in text


@pytest.mark.django_db(transaction=True)
def test_thirty_parallel_signings_get_thirty_consecutive_numbers(approved, draft, chain):
    letters = [approved(subject=f"Surat {n}") for n in range(30)]

    def number(letter_id: int) -> int:
        try:
            return assign_number(letter_id=letter_id).number_seq
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=30) as pool:
        numbers = list(pool.map(number, [letter.pk for letter in letters]))
    assert sorted(numbers) == list(range(1, 31))


def test_a_signed_letter_reaches_the_other_opd_as_an_incoming_letter_and_outsiders_by_email(
    approved, draft, chain, make_user, django_capture_on_commit_callbacks, mailoutbox
):
    from persuratan.models import IncomingLetter
    from persuratan.selectors import inbox_for
    from persuratan.services.outgoing import deliver_outgoing

    head_of_other = make_user(holds=chain["other_head"])
    enrol(user=chain["kadis_user"], passphrase=PASSPHRASE)
    letter = approved()
    OutgoingRecipient.objects.create(letter=letter, kind="to", name="Rektor", email="rektor@kampus.ac.id")
    with django_capture_on_commit_callbacks(execute=True):
        request_signature(actor=chain["kadis_user"], letter=letter, passphrase=PASSPHRASE)
    letter.refresh_from_db()

    arrived = IncomingLetter.objects.get(origin_key=f"outgoing:{letter.pk}:{chain['other_head'].opd.code}")
    assert arrived.sender_number == letter.number and arrived.agenda_number == 1
    assert [item.letter_id for item in inbox_for(user=head_of_other, position_id=chain["other_head"].pk)] == [
        arrived.pk
    ]
    letters_sent = [mail for mail in mailoutbox if mail.attachments]  # the others are inbox notices
    assert [mail.to for mail in letters_sent] == [["rektor@kampus.ac.id"]]
    assert letters_sent[0].attachments[0][2] == "application/pdf"

    assert deliver_outgoing(letter_id=letter.pk) == 0, "a retried delivery sends nothing twice"
    assert IncomingLetter.objects.count() == 1
    assert len([mail for mail in mailoutbox if mail.attachments]) == 1
