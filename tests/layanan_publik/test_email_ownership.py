"""An e-mail address is verified only by opening the link sent to that mailbox: registering with
somebody else's address and verifying it from inside the portal does not work, and a changed
address waits for its own link."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from kantor_virtual.models import Notification
from kantor_virtual.timeline import timeline_for
from layanan_publik.models import Applicant
from layanan_publik.services.accounts import register_applicant, resend_verification, verify_email
from organisasi.models import User

pytestmark = pytest.mark.django_db
PASSWORD = "Kopi-Tubruk-Pagi-2026"
SOMEONE_ELSES = "kepala.desa@contoh.id"  # an address the registering person does not read


def _token_in(body: str) -> str:
    return re.search(r"/pemohon/verifikasi-surel/([^/\s]+)/", body).group(1)


@pytest.fixture
def impostor(client, human_check, django_capture_on_commit_callbacks):
    """Someone registers on the page with an address that is not theirs, and stays signed in."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("pemohon:register_as", args=["perorangan"]),
            {
                "full_name": "Orang Lain",
                "nik": "3171010101900002",
                "email": SOMEONE_ELSES,
                "phone": "081234567890",
                "password": PASSWORD,
                "password_again": PASSWORD,
                **human_check,
            },
        )
    return Applicant.objects.get(user__email=SOMEONE_ELSES)


def test_the_link_goes_to_the_mailbox_only_never_to_a_notice_the_account_holder_reads(
    client, impostor, django_capture_on_commit_callbacks
):
    assert [message.to for message in mail.outbox] == [[SOMEONE_ELSES]]
    token = _token_in(mail.outbox[0].body)
    notices = Notification.objects.filter(user=impostor.user)
    assert not notices.filter(url__contains="verifikasi-surel").exists()
    assert not any(token in notice.body or token in notice.url for notice in notices)
    for page in (reverse("notifications"), reverse("pemohon:account")):
        assert token not in client.get(page).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("pemohon:resend"))
    assert [message.to for message in mail.outbox][-1] == [SOMEONE_ELSES]
    assert not Notification.objects.filter(user=impostor.user, url__contains="verifikasi-surel").exists()
    impostor.refresh_from_db()
    assert impostor.email_verified_at is None


def test_each_link_is_e_mailed_once_though_its_task_runs_again(django_capture_on_commit_callbacks):
    from layanan_publik.tasks import send_verification_link

    with django_capture_on_commit_callbacks(execute=True):
        applicant = register_applicant(
            kind=Applicant.Kind.PERSON,
            full_name="Budi Santoso",
            email="budi@contoh.id",
            phone="0812",
            password=PASSWORD,
            nik="3171010101900001",
        )
    with django_capture_on_commit_callbacks(execute=True):
        resend_verification(actor=applicant.user)
    assert len(mail.outbox) == 2

    sent = timeline_for(target=applicant).filter(verb="verification_sent")
    assert sent.count() == 2
    assert send_verification_link(applicant.pk, sent.first().details["permintaan"]) is False
    assert len(mail.outbox) == 2


def test_a_changed_address_is_unverified_until_its_own_link_is_opened(
    make_applicant, django_capture_on_commit_callbacks
):
    applicant = make_applicant()
    assert applicant.email_verified_at is not None

    User.objects.filter(pk=applicant.user_id).update(email="alamat.baru@contoh.id")  # any way it changes

    applicant.refresh_from_db()
    assert applicant.email_verified_at is None
    with django_capture_on_commit_callbacks(execute=True):
        resend_verification(actor=User.objects.get(pk=applicant.user_id))
    assert mail.outbox[-1].to == ["alamat.baru@contoh.id"]
    assert verify_email(token=_token_in(mail.outbox[-1].body)) is True


def test_the_same_address_in_another_letter_case_keeps_its_verification(make_applicant):
    applicant = make_applicant()
    User.objects.filter(pk=applicant.user_id).update(email=applicant.user.email.upper())

    applicant.refresh_from_db()
    assert applicant.email_verified_at is not None
