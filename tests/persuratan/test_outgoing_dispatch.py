"""Delivery of a signed letter to outside recipients: by e-mail for biasa and terbatas letters, on
paper for rahasia and sangat rahasia ones (and for recipients without an address), printed by the
OPD's operator, who records each copy's dispatch on the letter's timeline."""

from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.contrib.messages import get_messages
from django.core.mail.backends import locmem
from django.urls import reverse

from kantor_virtual.errors import Refused
from kantor_virtual.models import Event, Notification
from persuratan.models import IncomingLetter, OutgoingLetter, OutgoingRecipient, SecurityClass
from persuratan.services.outgoing import (
    DraftDetails,
    RecipientSpec,
    create_draft,
    deliver_outgoing,
    record_dispatch,
    request_signature,
    sign_outgoing,
    submit_for_review,
)
from persuratan.tasks import deliver_outgoing as deliver_outgoing_task
from tests.persuratan.conftest import PASSPHRASE
from tte.services import enrol

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_second_factor")]

PERIHAL = "Hasil audit investigasi dana hibah"
NARROWED = [SecurityClass.SECRET, SecurityClass.TOP_SECRET]


@pytest.fixture(autouse=True)
def _mail_to_the_outbox(settings):
    """E-mail goes to Django's locmem outbox: we cannot reach a mail server from here."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def signed(chain, classification):
    """`signed(security_class)`: a nota dinas of the Kepala Dinas to the head of another OPD, to the
    Kejati by e-mail address and in tembusan to the Inspektur (no address), signed by the worker's
    service; delivered too unless `deliver=False`."""
    enrol(user=chain["kadis_user"], passphrase=PASSPHRASE)
    to, copy = OutgoingRecipient.Kind.TO, OutgoingRecipient.Kind.COPY

    def make(security_class: str, *, deliver: bool = True) -> OutgoingLetter:
        letter = create_draft(
            actor=chain["staf_user"],
            position=chain["staf"],
            details=DraftDetails(
                letter_type="internal_memo",
                subject=PERIHAL,
                security_class=security_class,
                urgency="normal",
                classification=classification,
                signer_position=chain["kadis"],
            ),
            recipients=[
                RecipientSpec(kind=to, position=chain["other_head"]),
                RecipientSpec(
                    kind=to,
                    name="Kepala Kejaksaan Tinggi",
                    institution="Kejati Nusa Mandiri",
                    address="Jl. Ahmad Yani 1, Kupang",
                    email="kejati@contoh.go.id",
                ),
                RecipientSpec(kind=copy, name="Inspektur Provinsi", address="Jl. Merdeka 2, Kupang"),
            ],
            body_html="<p>Dengan hormat, bersama ini kami sampaikan hasilnya.</p>",
            reviewers=[],
        )
        submit_for_review(actor=chain["staf_user"], letter=letter)
        request_signature(actor=chain["kadis_user"], letter=letter, passphrase=PASSPHRASE)
        assert sign_outgoing(letter_id=letter.pk) is True
        if deliver:
            deliver_outgoing(letter_id=letter.pk)
        letter.refresh_from_db()
        return letter

    return make


def outside(letter, name: str) -> OutgoingRecipient:
    return letter.recipients.get(name=name)


def mail_text(message) -> str:
    return "\n".join(
        [message.subject, message.body, *(body for body, _ in getattr(message, "alternatives", []))]
    )


def flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("security_class", NARROWED)
def test_a_rahasia_letter_is_never_emailed_and_the_operators_are_asked_to_print_it_by_its_number(
    signed, opd, other_opd, make_operator, make_user, chain, mailoutbox, security_class,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    operator = make_operator(opd=opd, email="tu.kominfos@nusamandiri.go.id")
    other_operator = make_operator(opd=other_opd, email="tu.dinsos@nusamandiri.go.id")
    make_user(holds=chain["other_head"], email="kadinsos@nusamandiri.go.id")

    with django_capture_on_commit_callbacks(execute=True):
        letter = signed(security_class)
        assert deliver_outgoing(letter_id=letter.pk) == 0, "a second run sends nothing"

    assert not [message for message in mailoutbox if "kejati@contoh.go.id" in message.to]
    assert not [message for message in mailoutbox if message.attachments], "no letter left by e-mail"
    for message in mailoutbox:  # the notices' e-mails
        assert "audit" not in mail_text(message).lower()
    assert outside(letter, "Kepala Kejaksaan Tinggi").delivered_at is None
    assert outside(letter, "Inspektur Provinsi").delivered_at is None
    arrived = IncomingLetter.objects.get(origin_key=f"outgoing:{letter.pk}:{other_opd.code}")
    assert arrived.security_class == security_class, "inside the province it still goes to the inbox"

    [notice] = Notification.objects.filter(key=f"kirim-cetak:{letter.pk}")
    assert notice.user_id == operator.pk
    assert notice.title == f"Kirim cetak: Nota Dinas nomor {letter.number}"
    assert "2 penerima" in notice.body and "amplop tertutup" in notice.body
    assert "audit" not in (notice.title + notice.body).lower()
    assert notice.url == reverse("surat_keluar:letter", args=[letter.pk])
    assert not Notification.objects.filter(user=other_operator, key__startswith="kirim-cetak:").exists()


def test_a_terbatas_letter_is_emailed_under_its_number_and_a_biasa_one_with_its_perihal(signed, mailoutbox):
    restricted = signed(SecurityClass.RESTRICTED)
    [sent] = [message for message in mailoutbox if message.attachments]
    assert sent.to == ["kejati@contoh.go.id"]
    assert sent.subject == f"Nota Dinas {restricted.number}"
    assert PERIHAL not in mail_text(sent) and restricted.number in sent.body
    assert outside(restricted, "Inspektur Provinsi").delivered_at is None, "no address: on paper"

    mailoutbox.clear()
    ordinary = signed(SecurityClass.ORDINARY)
    [sent] = [message for message in mailoutbox if message.attachments]
    assert sent.subject == f"Nota Dinas {ordinary.number}: {PERIHAL}"


class FailsOnce(locmem.EmailBackend):
    """The mail server refuses the first connection (we cannot reach a real one from here)."""

    failures = 0

    def send_messages(self, messages):
        if FailsOnce.failures:
            FailsOnce.failures -= 1
            raise ConnectionRefusedError("server surel tidak menjawab")
        return super().send_messages(messages)


def test_an_email_that_failed_is_sent_by_the_retry_instead_of_being_skipped(signed, settings, mailoutbox):
    letter = signed(SecurityClass.ORDINARY, deliver=False)
    settings.EMAIL_BACKEND = f"{__name__}.FailsOnce"
    FailsOnce.failures = 1

    with pytest.raises(Retry):  # eager: the task asks to be retried instead of running later
        deliver_outgoing_task.apply((letter.pk,)).get()
    assert outside(letter, "Kepala Kejaksaan Tinggi").delivered_at is None, "the claim is given back"

    assert deliver_outgoing_task.apply((letter.pk,)).get() == 1  # the retry
    assert FailsOnce.failures == 0
    assert [message.to for message in mailoutbox if message.attachments] == [["kejati@contoh.go.id"]]
    assert outside(letter, "Kepala Kejaksaan Tinggi").delivered_at is not None


def test_the_operator_prints_and_records_each_paper_copy_on_the_letters_timeline(
    client, signed, opd, make_operator, today
):
    operator = make_operator(opd=opd, full_name="Siti Rahmawati")
    letter = signed(SecurityClass.SECRET)
    letter_url = reverse("surat_keluar:letter", args=[letter.pk])
    kejati, inspektur = outside(letter, "Kepala Kejaksaan Tinggi"), outside(letter, "Inspektur Provinsi")
    client.force_login(operator)

    page = client.get(letter_url).content.decode()
    assert page.count("Kirim cetak") == 2
    for recipient in (kejati, inspektur):
        assert reverse("surat_keluar:dispatch", args=[letter.pk, recipient.pk]) in page
    assert PERIHAL not in page, "the operator of a rahasia letter sees its register entry only"

    printed = client.get(reverse("surat_keluar:print_copy", args=[letter.pk]))
    assert printed.status_code == 200 and printed["Content-Type"] == "application/pdf"
    assert (
        Event.objects.filter(target_id=str(letter.pk), verb="print_copy_opened", actor=operator).count() == 1
    )
    assert client.get(reverse("surat_keluar:signed_pdf", args=[letter.pk])).status_code == 404

    form = client.get(reverse("surat_keluar:dispatch", args=[letter.pk, kejati.pk])).content.decode()
    assert letter.number in form and "Kepala Kejaksaan Tinggi" in form and PERIHAL not in form
    response = client.post(
        reverse("surat_keluar:dispatch", args=[letter.pk, kejati.pk]),
        {"sent_on": today.isoformat(), "means": "kurir", "note": "Diantar Pak Joko, diterima sekretariat."},
    )
    assert response.status_code == 302 and response.url == letter_url
    assert flashed(response) == [
        f"Pengiriman Nota Dinas nomor {letter.number} kepada Kepala Kejaksaan Tinggi, Kejati Nusa Mandiri dicatat."
    ]
    kejati.refresh_from_db()
    assert kejati.delivered_at is not None
    event = Event.objects.get(target_id=str(letter.pk), verb="dispatched")
    assert event.actor == operator
    assert event.details == {
        "recipient": kejati.pk,
        "to": "Kepala Kejaksaan Tinggi, Kejati Nusa Mandiri",
        "on": today.isoformat(),
        "means": "kurir",
        "note": "Diantar Pak Joko, diterima sekretariat.",
    }

    again = client.post(
        reverse("surat_keluar:dispatch", args=[letter.pk, kejati.pk]),
        {"sent_on": today.isoformat(), "means": "pos", "note": "Resi 123"},
    )
    assert again.status_code == 200 and "sudah dicatat" in again.content.decode()
    assert "Resi 123" in again.content.decode(), "the form keeps what was typed"
    assert Event.objects.filter(target_id=str(letter.pk), verb="dispatched").count() == 1

    record_dispatch(actor=operator, letter=letter, recipient=inspektur, sent_on=today, means="pos")
    page = client.get(letter_url).content.decode()
    assert "Kirim cetak" not in page and page.count("Terkirim (cetak)") == 2
    assert "lewat kurir, dicatat oleh Siti Rahmawati" in page and "Diantar Pak Joko" in page
    assert client.get(reverse("surat_keluar:print_copy", args=[letter.pk])).status_code == 404, (
        "nothing waits to be printed: the operator reads it no more"
    )


def test_only_an_operator_of_the_letters_opd_records_a_dispatch_and_only_of_a_paper_copy(
    client, signed, chain, opd, other_opd, make_operator, today
):
    letter = signed(SecurityClass.SECRET)
    kejati = outside(letter, "Kepala Kejaksaan Tinggi")
    operator = make_operator(opd=opd)
    not_allowed = {
        "drafter": chain["staf_user"],
        "signer": chain["kadis_user"],
        "operator of another OPD": make_operator(opd=other_opd),
    }
    for who, user in not_allowed.items():
        with pytest.raises(Refused) as refusal:
            record_dispatch(actor=user, letter=letter, recipient=kejati, sent_on=today, means="kurir")
        assert refusal.value.code == "not_operator", who
        client.force_login(user)
        url = reverse("surat_keluar:dispatch", args=[letter.pk, kejati.pk])
        assert client.get(url).status_code == 404, who
        posted = client.post(url, {"sent_on": today.isoformat(), "means": "kurir"})
        if who == "operator of another OPD":
            assert posted.status_code == 404, "the letter is not theirs to see"
        else:
            assert "Hanya operator perangkat daerah pengirim" in posted.content.decode(), who
        assert client.get(reverse("surat_keluar:print_copy", args=[letter.pk])).status_code == 404, who

    def refused(*, of=letter, **changes) -> str:
        arguments = {"recipient": kejati, "sent_on": today, "means": "kurir"} | changes
        with pytest.raises(Refused) as refusal:
            record_dispatch(actor=operator, letter=of, **arguments)
        return refusal.value.code

    internal = letter.recipients.get(position__isnull=False)
    assert refused(recipient=internal) == "not_printed", "an inbox is not a paper copy"
    assert refused(sent_on=today + timedelta(days=1)) == "bad_dispatch_date"
    assert refused(sent_on=today - timedelta(days=1)) == "bad_dispatch_date", "before it was signed"
    assert refused(means="merpati") == "unknown_means"
    emailed = signed(SecurityClass.ORDINARY)
    assert refused(of=emailed, recipient=outside(emailed, "Kepala Kejaksaan Tinggi")) == "not_printed"

    kejati.refresh_from_db()
    assert kejati.delivered_at is None
    assert not Event.objects.filter(verb="dispatched").exists()
