"""A signing request holds the signer's passphrase only while it waits: however it ends — signed,
refused, failed, expired — the passphrase_token column is empty afterwards, the letter can be signed
again, and nothing signs or retries after the end."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kantor_virtual.models import Event, Notification
from persuratan.models import OutgoingLetter, SigningRequest
from persuratan.services.outgoing import expire_signing_requests, request_signature, sign_outgoing
from persuratan.tasks import expire_signing_requests as expire_signing_requests_task
from persuratan.tasks import sign_outgoing as sign_outgoing_task
from tests.persuratan.conftest import PASSPHRASE
from tte.services import enrol

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_second_factor")]


@pytest.fixture
def signer(chain):
    enrol(user=chain["kadis_user"], passphrase=PASSPHRASE)
    return chain["kadis_user"]


def stored_token(letter) -> str:
    """What the database holds, read afresh: the column the endings must empty."""
    return SigningRequest.objects.values_list("passphrase_token", flat=True).get(letter=letter)


def requested(letter, signer, passphrase=PASSPHRASE) -> SigningRequest:
    """The signer signs; the task is not run yet (no on-commit callbacks here), as when the worker
    is busy or the broker holds the message."""
    request_signature(actor=signer, letter=letter, passphrase=passphrase)
    request = SigningRequest.objects.get(letter=letter)
    assert request.passphrase_token and request.is_live
    return request


def age(letter, **delta) -> None:
    """Move the request's start into the past, as if that much time had gone by."""
    SigningRequest.objects.filter(letter=letter).update(requested_at=timezone.now() - timedelta(**delta))


def verbs(letter) -> list[str]:
    return list(
        Event.objects.filter(target_id=str(letter.pk), verb__startswith="signing").values_list(
            "verb", flat=True
        )
    )


def test_a_signed_letter_keeps_no_passphrase(approved, signer):
    letter = approved()
    requested(letter, signer)

    assert sign_outgoing(letter_id=letter.pk) is True

    assert stored_token(letter) == ""
    assert SigningRequest.objects.get(letter=letter).state == SigningRequest.State.DONE


def test_a_refused_passphrase_is_wiped_and_the_letter_comes_back(approved, signer):
    letter = approved()
    requested(letter, signer, passphrase="bukan-sandinya")

    assert sign_outgoing(letter_id=letter.pk) is False

    assert stored_token(letter) == ""
    request = SigningRequest.objects.get(letter=letter)
    assert request.state == SigningRequest.State.REFUSED and request.error == "Kata sandi TTE salah."
    assert OutgoingLetter.objects.get(pk=letter.pk).status == OutgoingLetter.Status.APPROVED


def test_a_failure_that_is_not_an_outage_ends_the_request_and_the_task_gives_up(
    approved, signer, monkeypatch
):
    """A fault of ours, here a rendering that breaks (made to break: WeasyPrint itself is sound), is
    not retried: the same input would fail again while the passphrase waits."""
    letter = approved()
    requested(letter, signer)
    renders = []

    def broken_render(*, letter):
        renders.append(letter.pk)
        raise ValueError("templat rusak")

    monkeypatch.setattr("persuratan.rendering.render_outgoing_pdf", broken_render)

    assert sign_outgoing_task.apply((letter.pk,)).get() is False  # eager: a retry would raise Retry here

    assert renders == [letter.pk], "tried once, never again"
    assert stored_token(letter) == ""
    request = SigningRequest.objects.get(letter=letter)
    assert request.state == SigningRequest.State.FAILED and "ValueError" not in request.error
    letter.refresh_from_db()
    assert letter.status == OutgoingLetter.Status.APPROVED and not letter.signed_pdf
    assert verbs(letter)[-1] == "signing_failed"
    notice = Notification.objects.get(user=signer)
    assert notice.title == f"Tanda tangan gagal: Nota Dinas nomor {letter.number}"
    assert notice.url == reverse("surat_keluar:letter", args=[letter.pk])

    assert sign_outgoing_task.apply((letter.pk,)).get() is False, "a redelivered task finds nothing waiting"
    assert renders == [letter.pk]


def test_an_expired_request_is_wiped_the_signer_told_and_the_letter_may_be_signed_again(
    approved, signer, settings, client
):
    settings.TTE_REQUEST_TTL_HOURS = 72
    letter = approved()
    requested(letter, signer)
    age(letter, hours=71, minutes=59)
    assert expire_signing_requests() == 0, "not yet"
    assert stored_token(letter)

    age(letter, hours=72, seconds=1)
    assert expire_signing_requests_task.apply().get() == 1

    assert stored_token(letter) == ""
    request = SigningRequest.objects.get(letter=letter)
    assert request.state == SigningRequest.State.EXPIRED and not request.is_live
    letter.refresh_from_db()
    assert letter.status == OutgoingLetter.Status.APPROVED
    assert letter.number == "", "the worker never ran: no number was taken"
    assert verbs(letter) == ["signing_requested", "signing_expired"]
    [notice] = Notification.objects.filter(user=signer)
    assert notice.title.startswith("Tanda tangan kedaluwarsa: konsep Nota Dinas tanggal ")
    assert "72 jam" in notice.body and "tanda tangani lagi" in notice.body
    assert letter.subject not in notice.title + notice.body

    assert expire_signing_requests() == 0, "a second run ends nothing and tells nobody again"
    assert Notification.objects.filter(user=signer).count() == 1

    # The broker delivers the old task now: nothing is numbered, rendered or signed.
    assert sign_outgoing_task.apply((letter.pk,)).get() is False
    letter.refresh_from_db()
    assert (letter.status, letter.number_seq, letter.signed_pdf.name) == (
        OutgoingLetter.Status.APPROVED,
        None,
        "",
    )

    client.force_login(signer)
    page = client.get(reverse("surat_keluar:letter", args=[letter.pk])).content.decode()
    assert "Kedaluwarsa — tanda tangani lagi" in page
    assert 'name="passphrase"' in page, "the sign form is back"
    assert "every 2s" not in page, "an ended request is not polled"

    request_signature(actor=signer, letter=letter, passphrase=PASSPHRASE)
    fresh = SigningRequest.objects.get(letter=letter)
    assert fresh.requested_at > timezone.now() - timedelta(minutes=1), "signing again starts a new clock"
    assert sign_outgoing(letter_id=letter.pk) is True
    assert stored_token(letter) == ""


def test_a_request_waiting_for_the_service_stops_being_retried_at_its_expiry(approved, signer, settings):
    """The task asks when to try again: never later than the expiry, and not at all after it."""
    from persuratan.services.outgoing import next_signing_attempt_in

    settings.TTE_REQUEST_TTL_HOURS = 72
    letter = approved()
    requested(letter, signer)
    SigningRequest.objects.filter(letter=letter).update(
        state=SigningRequest.State.WAITING_SERVICE, attempts=3
    )

    assert next_signing_attempt_in(letter_id=letter.pk, backoff=900) == 900
    age(letter, hours=71, minutes=59, seconds=30)
    assert 1 <= next_signing_attempt_in(letter_id=letter.pk, backoff=900) <= 30, (
        "the last try lands on the expiry"
    )
    assert stored_token(letter)

    age(letter, hours=72)
    assert next_signing_attempt_in(letter_id=letter.pk, backoff=900) is None
    assert stored_token(letter) == ""
    assert SigningRequest.objects.get(letter=letter).state == SigningRequest.State.EXPIRED
    assert next_signing_attempt_in(letter_id=letter.pk, backoff=1) is None, "nothing waits any more"


def test_a_redelivered_task_after_the_expiry_signs_nothing(approved, signer, settings):
    settings.TTE_REQUEST_TTL_HOURS = 1
    letter = approved()
    requested(letter, signer)
    age(letter, hours=1)

    assert sign_outgoing_task.apply((letter.pk,)).get() is False  # the task itself ends the request

    assert stored_token(letter) == ""
    letter.refresh_from_db()
    assert (letter.status, letter.number_seq, letter.signed_pdf.name) == (
        OutgoingLetter.Status.APPROVED,
        None,
        "",
    )
    assert SigningRequest.objects.get(letter=letter).state == SigningRequest.State.EXPIRED
    assert sign_outgoing_task.apply((letter.pk,)).get() is False
    assert verbs(letter).count("signing_expired") == 1
    assert Notification.objects.filter(user=signer, key__startswith="tanda-tangan-kedaluwarsa:").count() == 1


def test_a_signature_that_returns_after_the_request_expired_is_dropped(approved, signer, monkeypatch):
    """The hourly job ends the request while the service is still signing (a slow national
    service): the signer was told to sign again, so the late signature is not stored."""
    from persuratan.services import outgoing

    letter = approved()
    requested(letter, signer)
    real_backend = outgoing.backend

    class SlowService:
        def sign(self, **kwargs):
            signed = real_backend().sign(**kwargs)
            age(letter, hours=73)
            assert expire_signing_requests() == 1  # meanwhile, in the beat's worker
            return signed

    monkeypatch.setattr(outgoing, "backend", SlowService)

    assert sign_outgoing(letter_id=letter.pk) is False

    letter.refresh_from_db()
    assert letter.status == OutgoingLetter.Status.APPROVED and not letter.signed_pdf
    assert stored_token(letter) == ""
    assert SigningRequest.objects.get(letter=letter).state == SigningRequest.State.EXPIRED


def test_the_beat_runs_the_expiry_every_hour(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["expire-signing-requests"]
    assert entry["task"] == expire_signing_requests_task.name
    assert entry["schedule"].hour == set(range(24))
