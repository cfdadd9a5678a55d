"""The national signing service is down when the signer signs: the request waits in the database
while the real worker retries, and the letter is signed and delivered once the service is back."""

import posixpath
import time
from io import BytesIO

import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from persuratan.models import (
    InboxItem,
    OutgoingLetter,
    OutgoingRecipient,
    SigningRequest,
)
from persuratan.services.outgoing import (
    request_signature,
)
from persuratan.tasks import deliver_outgoing, sign_outgoing
from tests.signing import outcome
from tests.waiting import wait_for
from tte.services import enrol

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
PASSPHRASE = "sandi-tte-kadis"


def test_a_signature_requested_while_the_national_service_is_down_is_made_and_delivered_once_it_is_back(
    national, worker, nik_signer, approved_nota_dinas
):
    enrol(user=nik_signer, passphrase=PASSPHRASE)  # registered and issued at the service, by NIK
    national.stop()

    request_signature(actor=nik_signer, letter=approved_nota_dinas, passphrase=PASSPHRASE)

    # request_signature only queued the task, so the signer may leave; the worker meets a closed
    # port and keeps retrying.
    wait_for(
        lambda: SigningRequest.objects.filter(
            letter=approved_nota_dinas, state=SigningRequest.State.WAITING_SERVICE, attempts__gte=2
        ).exists(),
        what="the worker did not try twice and mark the request as waiting for the service",
    )
    waiting = outcome(approved_nota_dinas.pk)
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
        lambda: (
            not OutgoingRecipient.objects.filter(
                letter=approved_nota_dinas, delivered_at__isnull=True
            ).exists()
        ),
        what="the retried task did not sign and deliver the letter",
    )

    signed = outcome(approved_nota_dinas.pk)
    assert signed["status"] == OutgoingLetter.Status.SIGNED
    assert signed["number"] == waiting["number"] and signed["numbers_taken"] == [1]
    assert signed["request"] == (SigningRequest.State.DONE, ""), "done, and the passphrase is wiped"
    assert national.requests == 1
    stored = OutgoingLetter.objects.get(pk=approved_nota_dinas.pk).signed_pdf
    with stored.open("rb") as handle:
        (signature,) = PdfFileReader(BytesIO(handle.read())).embedded_signatures
    root = asn1_x509.Certificate.load(pem.unarmor(national.root_pem.encode())[2])
    status = validate_pdf_signature(
        signature, signer_validation_context=ValidationContext(trust_roots=[root], allow_fetching=False)
    )
    assert status.bottom_line and status.signing_cert.subject.native["common_name"] == "Hendra Siregar"
    folder, name = posixpath.split(stored.name)
    assert [
        f for f in stored.storage.listdir(folder)[1] if f.startswith(approved_nota_dinas.verification_code)
    ] == [name]
    assert signed["incoming"] == [("BAPPEDA", waiting["number"][0]), ("DINSOS", waiting["number"][0])]
    assert signed["inbox"] == [
        ("Kepala Bappeda", InboxItem.Reason.ADDRESSEE),
        ("Kepala Dinas Sosial", InboxItem.Reason.ADDRESSEE),
        ("Sekretaris Dinas Sosial", InboxItem.Reason.COPY),
    ]

    # The broker delivers the message again (a worker died before acknowledging it): nothing changes.
    assert sign_outgoing.delay(approved_nota_dinas.pk).get(timeout=30) is False
    assert deliver_outgoing.delay(approved_nota_dinas.pk).get(timeout=30) == 0
    assert outcome(approved_nota_dinas.pk) == signed
    assert national.requests == 1, "the service is not asked to sign twice"


def test_a_request_the_service_never_answered_expires_and_is_not_retried_after(
    national, worker, nik_signer, approved_nota_dinas, settings
):
    """The service stays down until the request's expiry: the worker's last try ends it (the
    passphrase wiped, the letter back to "approved"), and when the service is back nothing runs."""
    from datetime import timedelta

    from celery.signals import task_prerun, task_retry
    from django.utils import timezone

    from kantor_virtual.models import Notification

    enrol(user=nik_signer, passphrase=PASSPHRASE)
    national.stop()
    runs, retries = [], []

    def ran(sender=None, args=(), **kwargs):
        if sender.name == sign_outgoing.name and list(args) == [approved_nota_dinas.pk]:
            runs.append(time.monotonic())

    def retried(sender=None, **kwargs):
        if sender.name == sign_outgoing.name:
            retries.append(time.monotonic())

    task_prerun.connect(ran, weak=False)
    task_retry.connect(retried, weak=False)
    try:
        request_signature(actor=nik_signer, letter=approved_nota_dinas, passphrase=PASSPHRASE)
        wait_for(
            lambda: SigningRequest.objects.filter(
                letter=approved_nota_dinas, state=SigningRequest.State.WAITING_SERVICE
            ).exists(),
            what="the worker did not meet the closed port",
        )
        # The request was made TTE_REQUEST_TTL_HOURS ago but for five seconds.
        made = timezone.now() - timedelta(hours=settings.TTE_REQUEST_TTL_HOURS, seconds=-5)
        SigningRequest.objects.filter(letter=approved_nota_dinas).update(requested_at=made)
        wait_for(
            lambda: SigningRequest.objects.filter(
                letter=approved_nota_dinas, state=SigningRequest.State.EXPIRED
            ).exists(),
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

    expired = outcome(approved_nota_dinas.pk)
    assert expired["request"] == (SigningRequest.State.EXPIRED, ""), "the passphrase is wiped"
    assert expired["status"] == OutgoingLetter.Status.APPROVED
    assert expired["signed"] == ("", "", None) and expired["incoming"] == []
    assert national.requests == 0, "the service is never asked for the expired request"
    assert (
        Notification.objects.filter(user=nik_signer, key__startswith="tanda-tangan-kedaluwarsa:").count() == 1
    )
