"""Complaints (pengaduan): filed by an applicant to an OPD, about a submission or in general, answered
by that OPD's operators only, followed by the complainant only, with an e-mail on the answer."""

import pytest
from django.core import mail
from django.urls import reverse

from kantor_virtual.errors import Refused
from kantor_virtual.models import Notification
from kantor_virtual.protection import HONEYPOT_FIELD
from kantor_virtual.timeline import timeline_for
from layanan_publik.models import Complaint
from layanan_publik.services.accounts import UNVERIFIED
from layanan_publik.services.complaints import answer_complaint, file_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def dinsos_operator(make_operator, dinsos):
    return make_operator(opd=dinsos, full_name="Operator Dinsos")


@pytest.fixture
def submission(make_submission, service, applicant):
    return make_submission(service=service, applicant=applicant)


@pytest.fixture
def complaint(applicant, dinsos, submission):
    return file_complaint(
        actor=applicant.user,
        opd=dinsos,
        submission=submission,
        subject="Tanda daftar belum diterima",
        body="Sudah dua minggu sejak dinyatakan selesai.",
    )


def test_an_applicant_complains_about_a_submission_and_the_opd_receives_it(complaint, dinsos, submission):
    complaint.refresh_from_db()

    assert (complaint.opd, complaint.submission, complaint.status) == (
        dinsos,
        submission,
        Complaint.Status.OPEN,
    )
    assert len(complaint.tracking_code) == 10 and complaint.tracking_code != submission.tracking_code
    assert [event.verb for event in timeline_for(target=complaint)] == ["complaint_filed"]


def test_a_complaint_may_be_general(applicant, opd):
    complaint = file_complaint(
        actor=applicant.user, opd=opd, subject="Situs lambat", body="Sering gagal dimuat."
    )

    assert complaint.submission is None and complaint.opd == opd


@pytest.mark.parametrize(
    ("who", "what", "code"),
    [
        ("unverified", "general", "email_unverified"),
        ("staff", "general", "not_applicant"),
        ("applicant", "someone_elses", "not_own_submission"),
        ("applicant", "to_another_opd", "submission_of_other_opd"),
        ("applicant", "empty", "empty_complaint"),
    ],
)
def test_complaints_that_are_refused(
    who, what, code, applicant, make_applicant, make_user, make_submission, service, dinsos, opd
):
    actor = {
        "unverified": lambda: make_applicant(verified=False).user,
        "staff": lambda: make_user(),
        "applicant": lambda: applicant.user,
    }[who]()
    fields = {"opd": dinsos, "subject": "Pelayanan lambat", "body": "Berkas belum diproses."}
    if what == "someone_elses":
        fields["submission"] = make_submission(service=service)
    elif what == "to_another_opd":
        fields |= {"opd": opd, "submission": make_submission(service=service, applicant=applicant)}
    elif what == "empty":
        fields["body"] = "   "

    with pytest.raises(Refused) as refusal:
        file_complaint(actor=actor, **fields)

    assert refusal.value.code == code
    assert not Complaint.objects.exists()


def test_an_operator_of_the_opd_answers_once_and_the_complainant_gets_an_email(
    complaint, dinsos_operator, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer_complaint(actor=dinsos_operator, complaint=complaint, answer="Tanda daftar dikirim hari ini.")

    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ANSWERED and complaint.answered_by == dinsos_operator
    assert complaint.answer == "Tanda daftar dikirim hari ini." and complaint.answered_at is not None
    assert [e.verb for e in timeline_for(target=complaint)] == ["complaint_filed", "complaint_answered"]
    [email] = mail.outbox
    assert email.to == [applicant.user.email] and complaint.tracking_code in email.subject
    assert "Tanda daftar dikirim hari ini." in email.body
    assert Notification.objects.get(user=applicant.user).url == reverse(
        "skm:complaint", args=[complaint.tracking_code]
    )

    with pytest.raises(Refused) as refusal:
        answer_complaint(actor=dinsos_operator, complaint=complaint, answer="Sekali lagi.")
    assert refusal.value.code == "already_answered"
    assert len(mail.outbox) == 1


def test_only_operators_of_the_opd_may_answer(complaint, make_operator, make_user, opd, applicant):
    for outsider in (make_operator(opd=opd), make_user(), applicant.user):
        with pytest.raises(Refused) as refusal:
            answer_complaint(actor=outsider, complaint=complaint, answer="Bukan urusan saya.")
        assert refusal.value.code == "not_operator"
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.OPEN and not mail.outbox


# ── Pages ────────────────────────────────────────────────────────────────────────────────────


def test_the_applicant_files_a_complaint_on_the_page_and_follows_it(
    client, applicant, submission, dinsos, human_check
):
    client.force_login(applicant.user)
    form = client.get(reverse("skm:complaint_new")).content.decode()
    assert submission.tracking_code in form  # one's own submissions to choose from

    sent = client.post(
        reverse("skm:complaint_new"),
        {
            "opd": dinsos.code,
            "submission": submission.tracking_code,
            "subject": "Belum ada kabar",
            "body": "Mohon info.",
        }
        | human_check,
    )

    complaint = Complaint.objects.get()
    assert complaint.submission == submission and complaint.opd == dinsos
    assert sent.url == reverse("skm:complaint", args=[complaint.tracking_code])
    page = client.get(sent.url).content.decode()
    assert complaint.tracking_code in page and "Menunggu tanggapan" in page and "Mohon info." in page
    assert "Belum ada kabar" in client.get(reverse("skm:complaint_new")).content.decode()


def test_a_refused_complaint_keeps_what_was_typed(client, make_applicant, service, human_check):
    client.force_login(make_applicant(verified=False).user)

    page = client.post(
        reverse("skm:complaint_new"),
        {"opd": service.opd.code, "subject": "Antrean panjang", "body": "Dua jam menunggu."} | human_check,
    )

    assert page.status_code == 200
    assert page.context["form"].non_field_errors() == [UNVERIFIED]
    html = page.content.decode()
    assert "Antrean panjang" in html and "Dua jam menunggu." in html
    assert f'<option value="{service.opd.code}" selected>' in html
    assert not Complaint.objects.exists()


def test_someone_elses_submission_cannot_be_chosen(
    client, applicant, make_submission, service, dinsos, human_check
):
    other = make_submission(service=service)
    client.force_login(applicant.user)

    page = client.post(
        reverse("skm:complaint_new"),
        {"opd": dinsos.code, "submission": other.tracking_code, "subject": "Coba", "body": "Coba."}
        | human_check,
    )

    assert page.status_code == 200 and "pilihan yang tersedia" in page.content.decode()
    assert not Complaint.objects.exists()


def test_the_complaint_form_turns_away_bots_and_floods(client, applicant, service, human_check, settings):
    client.force_login(applicant.user)
    url = reverse("skm:complaint_new")
    fields = {"opd": service.opd.code, "subject": "Antrean panjang", "body": "Dua jam menunggu."}

    trapped = client.post(url, fields | human_check | {HONEYPOT_FIELD: "http://spam.example"})
    assert trapped.status_code == 200 and "kiriman otomatis" in trapped.content.decode()
    assert not Complaint.objects.exists()

    settings.PORTAL_RATE_COMPLAINT_ACCOUNT = "2/h"
    assert [client.post(url, fields | human_check).status_code for _ in range(2)] == [302, 302]
    assert client.post(url, fields | human_check).status_code == 429
    assert Complaint.objects.count() == 2


def test_the_operator_sees_waiting_complaints_first_and_answers_on_the_page(
    client, complaint, dinsos_operator, applicant, dinsos
):
    answered = file_complaint(
        actor=applicant.user, opd=dinsos, subject="Parkir sempit", body="Tidak ada tempat."
    )
    answer_complaint(actor=dinsos_operator, complaint=answered, answer="Lahan parkir diperluas.")
    client.force_login(dinsos_operator)

    inbox = client.get(reverse("skm:complaint_inbox")).content.decode()
    assert (
        inbox.index(complaint.tracking_code)
        < inbox.index("Sudah ditanggapi")
        < inbox.index(answered.tracking_code)
    )
    assert applicant.display_name in inbox  # the OPD sees who complains, the public never does

    url = reverse("skm:complaint_answer", args=[complaint.tracking_code])
    assert "Tanggapi pengaduan" in client.get(url).content.decode()
    sent = client.post(url, {"answer": "Sudah kami kirim."})

    assert sent.status_code == 302 and sent.url == f"{reverse('skm:complaint_inbox')}?opd={dinsos.code}"
    complaint.refresh_from_db()
    assert complaint.answer == "Sudah kami kirim."
    client.force_login(applicant.user)
    assert (
        "Sudah kami kirim."
        in client.get(reverse("skm:complaint", args=[complaint.tracking_code])).content.decode()
    )


def test_outsiders_neither_see_nor_answer_a_complaint(
    client, complaint, make_applicant, make_operator, make_user, opd, applicant
):
    follow = reverse("skm:complaint", args=[complaint.tracking_code])
    answer = reverse("skm:complaint_answer", args=[complaint.tracking_code])
    inbox = reverse("skm:complaint_inbox")

    for url in (reverse("skm:complaint_new"), follow, inbox, answer):
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("organisasi:login"))

    client.force_login(make_applicant().user)
    assert client.get(follow).status_code == 404
    assert client.get(answer).status_code == 404

    client.force_login(make_operator(opd=opd))
    assert complaint.tracking_code not in client.get(inbox).content.decode()
    assert client.get(answer).status_code == 404
    assert client.post(answer, {"answer": "Bukan urusan saya."}).status_code == 404

    client.force_login(make_user())  # staff without the operator role
    assert client.get(inbox).status_code == 403
    assert client.get(answer).status_code == 404

    client.force_login(applicant.user)  # the complainant follows it, but does not answer it
    assert client.get(follow).status_code == 200
    assert client.post(answer, {"answer": "Saya jawab sendiri."}).status_code == 404
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.OPEN
