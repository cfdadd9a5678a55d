"""The national signing service is down when the signer signs: the request waits in the database
while the real worker retries, and the letter is signed and delivered once the service is back."""

import posixpath
import time
from collections.abc import Callable
from io import BytesIO

import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from persuratan.models import (
    InboxItem,
    IncomingLetter,
    OutgoingCounter,
    OutgoingLetter,
    OutgoingRecipient,
    SigningRequest,
)
from persuratan.services.outgoing import (
    DraftDetails,
    RecipientSpec,
    create_draft,
    request_signature,
    submit_for_review,
)
from persuratan.tasks import deliver_outgoing, sign_outgoing
from tests.factories import OpdFactory
from tte.national_standin import NationalStandIn
from tte.services import enrol

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
PASSPHRASE = "sandi-tte-kadis"


def wait_for(condition: Callable[[], bool], *, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} within {seconds:.0f} seconds"
        time.sleep(0.2)


@pytest.fixture
def national(settings):
    """The stand-in of the national service, chosen as the backend, as a server would be configured."""
    with NationalStandIn() as service:
        settings.TTE_BACKEND = "national"
        settings.TTE_NATIONAL_URL = service.url
        settings.TTE_NATIONAL_TIMEOUT = 10
        yield service


@pytest.fixture
def kadis(opd, make_position, make_user):
    return make_user(
        holds=make_position(name="Kepala Dinas Kominfos", heads_opd=True),
        full_name="Hendra Siregar",
        nik="5371011203750001",  # the national service knows signers by NIK
    )


@pytest.fixture
def letter(kadis, other_opd, make_position, make_user, classification):
    """An approved nota dinas of the Kepala Dinas to two positions of Dinsos and one of Bappeda."""
    kadis_position = kadis.assignments.get().position
    staf = make_position(name="Pranata Komputer", parent=kadis_position, kind="fungsional")
    bappeda = OpdFactory(code="BAPPEDA", name="Badan Perencanaan Pembangunan Daerah", short_name="Bappeda")
    to, copy = OutgoingRecipient.Kind.TO, OutgoingRecipient.Kind.COPY
    recipients = [
        RecipientSpec(
            kind=to, position=make_position(name="Kepala Dinas Sosial", opd=other_opd, heads_opd=True)
        ),
        RecipientSpec(kind=copy, position=make_position(name="Sekretaris Dinas Sosial", opd=other_opd)),
        RecipientSpec(kind=to, position=make_position(name="Kepala Bappeda", opd=bappeda, heads_opd=True)),
    ]
    drafter = make_user(holds=staf)
    details = DraftDetails(
        letter_type="internal_memo",
        subject="Undangan rapat evaluasi SPBE",
        security_class="ordinary",
        urgency="normal",
        classification=classification,
        signer_position=kadis_position,
    )
    draft = create_draft(
        actor=drafter,
        position=staf,
        details=details,
        recipients=recipients,
        body_html="<p>Dengan hormat, kami mengundang Bapak/Ibu.</p>",
        reviewers=[],
    )
    return submit_for_review(actor=drafter, letter=draft)  # no reviewers: approved at once


def outcome(letter_id: int) -> dict:
    """What the outage may not double: the number, the signed file, and what reached other OPDs."""
    letter = OutgoingLetter.objects.get(pk=letter_id)
    request = SigningRequest.objects.get(letter_id=letter_id)
    counters = OutgoingCounter.objects.filter(opd_id=letter.opd_id)
    incoming = IncomingLetter.objects.filter(origin_key__startswith=f"outgoing:{letter_id}:")
    return {
        "status": letter.status,
        "number": (letter.number, letter.number_seq),
        "numbers_taken": list(counters.values_list("last_number", flat=True)),
        "signed": (letter.signed_pdf.name, letter.signed_sha256, letter.signed_at),
        "request": (request.state, request.passphrase_token),
        "incoming": sorted(incoming.values_list("opd__code", "sender_number")),
        "inbox": sorted(
            InboxItem.objects.filter(letter__in=incoming).values_list("position__name", "reason")
        ),
    }


def test_a_signature_requested_while_the_national_service_is_down_is_made_and_delivered_once_it_is_back(
    national, worker, kadis, letter
):
    enrol(user=kadis, passphrase=PASSPHRASE)  # registered and issued at the service, by NIK
    national.stop()

    request_signature(actor=kadis, letter=letter, passphrase=PASSPHRASE)

    # request_signature only queued the task, so the signer may leave; the worker meets a closed
    # port and keeps retrying.
    wait_for(
        lambda: SigningRequest.objects.filter(
            letter=letter, state=SigningRequest.State.WAITING_SERVICE, attempts__gte=2
        ).exists(),
        what="the worker did not try twice and mark the request as waiting for the service",
    )
    waiting = outcome(letter.pk)
    assert waiting["status"] == OutgoingLetter.Status.SIGNING
    assert waiting["signed"] == ("", "", None), "no signed PDF while the service is down"
    # The number is printed on the PDF the service signs, so it is taken (once) before the first attempt.
    assert waiting["number"][1] == 1 and waiting["numbers_taken"] == [1]
    assert waiting["request"][1], "the passphrase waits, encrypted, for the next attempt"
    assert waiting["incoming"] == [] and waiting["inbox"] == []

    url = national.url
    national.start()
    assert national.url == url
    wait_for(
        lambda: not OutgoingRecipient.objects.filter(letter=letter, delivered_at__isnull=True).exists(),
        what="the retried task did not sign and deliver the letter",
    )

    signed = outcome(letter.pk)
    assert signed["status"] == OutgoingLetter.Status.SIGNED
    assert signed["number"] == waiting["number"] and signed["numbers_taken"] == [1]
    assert signed["request"] == (SigningRequest.State.DONE, ""), "done, and the passphrase is wiped"
    assert national.requests == 1
    stored = OutgoingLetter.objects.get(pk=letter.pk).signed_pdf
    with stored.open("rb") as handle:
        (signature,) = PdfFileReader(BytesIO(handle.read())).embedded_signatures
    root = asn1_x509.Certificate.load(pem.unarmor(national.root_pem.encode())[2])
    status = validate_pdf_signature(
        signature, signer_validation_context=ValidationContext(trust_roots=[root], allow_fetching=False)
    )
    assert status.bottom_line and status.signing_cert.subject.native["common_name"] == "Hendra Siregar"
    folder, name = posixpath.split(stored.name)
    assert [f for f in stored.storage.listdir(folder)[1] if f.startswith(letter.verification_code)] == [name]
    assert signed["incoming"] == [("BAPPEDA", waiting["number"][0]), ("DINSOS", waiting["number"][0])]
    assert signed["inbox"] == [
        ("Kepala Bappeda", InboxItem.Reason.ADDRESSEE),
        ("Kepala Dinas Sosial", InboxItem.Reason.ADDRESSEE),
        ("Sekretaris Dinas Sosial", InboxItem.Reason.COPY),
    ]

    # The broker delivers the message again (a worker died before acknowledging it): nothing changes.
    assert sign_outgoing.delay(letter.pk).get(timeout=30) is False
    assert deliver_outgoing.delay(letter.pk).get(timeout=30) == 0
    assert outcome(letter.pk) == signed
    assert national.requests == 1, "the service is not asked to sign twice"


def test_a_request_the_service_never_answered_expires_and_is_not_retried_after(
    national, worker, kadis, letter, settings
):
    """The service stays down until the request's expiry: the worker's last try ends it (the
    passphrase wiped, the letter back to "approved"), and when the service is back nothing runs."""
    from datetime import timedelta

    from celery.signals import task_prerun, task_retry
    from django.utils import timezone

    from kantor_virtual.models import Notification

    enrol(user=kadis, passphrase=PASSPHRASE)
    national.stop()
    runs, retries = [], []

    def ran(sender=None, args=(), **kwargs):
        if sender.name == sign_outgoing.name and list(args) == [letter.pk]:
            runs.append(time.monotonic())

    def retried(sender=None, **kwargs):
        if sender.name == sign_outgoing.name:
            retries.append(time.monotonic())

    task_prerun.connect(ran, weak=False)
    task_retry.connect(retried, weak=False)
    try:
        request_signature(actor=kadis, letter=letter, passphrase=PASSPHRASE)
        wait_for(
            lambda: SigningRequest.objects.filter(
                letter=letter, state=SigningRequest.State.WAITING_SERVICE
            ).exists(),
            what="the worker did not meet the closed port",
        )
        # The request was made TTE_REQUEST_TTL_HOURS ago but for five seconds.
        made = timezone.now() - timedelta(hours=settings.TTE_REQUEST_TTL_HOURS, seconds=-5)
        SigningRequest.objects.filter(letter=letter).update(requested_at=made)
        wait_for(
            lambda: SigningRequest.objects.filter(letter=letter, state=SigningRequest.State.EXPIRED).exists(),
            what="the request did not expire at its time",
            seconds=30,
        )
        assert len(runs) >= 2 and len(retries) == len(runs) - 1, "every run but the last asked to retry"
        ended_after = len(runs)

        national.start()
        time.sleep(6)  # longer than any wait the backoff could have asked for at this point
        assert len(runs) == ended_after, "nothing ran after the expiry"
    finally:
        task_prerun.disconnect(ran)
        task_retry.disconnect(retried)

    expired = outcome(letter.pk)
    assert expired["request"] == (SigningRequest.State.EXPIRED, ""), "the passphrase is wiped"
    assert expired["status"] == OutgoingLetter.Status.APPROVED
    assert expired["signed"] == ("", "", None) and expired["incoming"] == []
    assert national.requests == 0, "the service is never asked for the expired request"
    assert Notification.objects.filter(user=kadis, key__startswith="tanda-tangan-kedaluwarsa:").count() == 1
