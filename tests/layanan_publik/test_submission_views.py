"""Submission pages: who reaches what. Tracking codes and ids cannot be walked: another applicant,
an operator of another OPD or a stranger gets the same 404 as for a code that does not exist."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from layanan_publik.models import Submission
from layanan_publik.services.submissions import Upload, accept, submit

pytestmark = pytest.mark.django_db
ANSWERS = {"nama_lembaga": "LKS Kasih Bunda", "jumlah_klien": "42"}


@pytest.fixture(autouse=True)
def _no_otp(settings):
    settings.OTP_REQUIRED = False


@pytest.fixture
def submitted(service, applicant, make_scan, django_capture_on_commit_callbacks):
    uploads = [
        Upload(file=make_scan(name=f"{doc.order}.pdf"), requirement=doc)
        for doc in service.documents.filter(required=True)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        return submit(actor=applicant.user, service=service, answers=ANSWERS, uploads=uploads)


def _applicant_urls(submission: Submission) -> list[str]:
    code = submission.tracking_code
    document = submission.versions.get().documents.first()
    return [
        reverse("permohonan:detail", args=[code]),
        reverse("permohonan:receipt", args=[code]),
        reverse("permohonan:receipt_status", args=[code]),
        reverse("permohonan:document", args=[code, document.pk]),
    ]


def test_the_applicant_reaches_their_own_pages(client, submitted, applicant):
    client.force_login(applicant.user)
    for url in _applicant_urls(submitted):
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("permohonan:detail", args=[submitted.tracking_code])).content.decode()
    assert "Permohonan diterima" in page and "LKS Kasih Bunda" in page
    assert applicant.nik not in page, "the NIK is not echoed back"
    mine = client.get(reverse("permohonan:mine"))
    assert list(mine.context["submissions"]) == [submitted]


def test_another_applicant_or_a_wrong_code_gets_404(client, submitted, make_applicant):
    client.force_login(make_applicant().user)
    for url in _applicant_urls(submitted):
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("permohonan:detail", args=["ZZZZZZZZZZ"])).status_code == 404
    assert client.get(reverse("permohonan:mine")).context["submissions"] == []


def test_a_stranger_is_sent_to_sign_in(client, submitted):
    response = client.get(reverse("permohonan:detail", args=[submitted.tracking_code]))
    assert response.status_code == 302 and reverse("organisasi:login") in response.url


def test_the_public_look_up_shows_the_status_and_nothing_personal(client, submitted, applicant):
    found = client.get(reverse("permohonan:track"), {"kode": submitted.tracking_code.lower()})
    html = found.content.decode()
    assert found.context["found"] == submitted and "Menunggu verifikasi" in html
    for personal in (applicant.user.full_name, applicant.nik, applicant.user.email, "LKS Kasih Bunda"):
        assert personal not in html
    missing = client.get(reverse("permohonan:track"), {"kode": "ZZZZZZZZZZ"})
    assert missing.context["found"] is None and "tidak ditemukan" in missing.content.decode()


def test_the_verifying_operator_sees_the_full_nik_and_decides_through_the_page(
    client, submitted, applicant, make_operator, dinsos, dinsos_head
):
    client.force_login(make_operator(opd=dinsos))
    queue = client.get(reverse("permohonan:queue"))
    assert [row.submission for row in queue.context["rows"]] == [submitted]
    assert applicant.nik not in queue.content.decode(), "the queue shows names, not NIKs"
    url = reverse("permohonan:review", args=[submitted.pk])
    assert applicant.nik in client.get(url).content.decode()

    refused = client.post(url, {"action": "return", "note": ""})
    assert refused.status_code == 200 and "Tuliskan apa yang perlu dilengkapi" in refused.content.decode()
    assert client.post(url, {"action": "accept"}).status_code == 302
    assert Submission.objects.get().status == Submission.Status.ACCEPTED


@pytest.mark.parametrize("who", ["other_operator", "staff", "applicant"])
def test_others_cannot_reach_the_verification(
    client, submitted, make_operator, make_user, opd, applicant, who
):
    user = {
        "other_operator": lambda: make_operator(opd=opd),
        "staff": make_user,
        "applicant": lambda: applicant.user,
    }[who]()
    client.force_login(user)
    document = submitted.versions.get().documents.first()
    assert client.get(reverse("permohonan:review", args=[submitted.pk])).status_code == 404
    assert (
        client.post(reverse("permohonan:review", args=[submitted.pk]), {"action": "accept"}).status_code
        == 404
    )
    assert (
        client.get(reverse("permohonan:operator_document", args=[submitted.pk, document.pk])).status_code
        == 404
    )
    assert Submission.objects.get().status == Submission.Status.SUBMITTED


def test_no_reply_is_offered_before_the_submission_is_finished(
    client, submitted, applicant, make_operator, dinsos
):
    client.force_login(applicant.user)
    assert client.get(reverse("permohonan:reply", args=[submitted.tracking_code])).status_code == 404
    accept(actor=make_operator(opd=dinsos), submission=submitted)
    assert client.get(reverse("permohonan:reply", args=[submitted.tracking_code])).status_code == 404


def test_the_queue_runs_the_same_queries_for_few_and_many(
    client, service, make_applicant, make_scan, make_operator, dinsos
):
    client.force_login(make_operator(opd=dinsos))
    counts = []
    for total in (2, 8):
        while Submission.objects.count() < total:
            applicant = make_applicant()
            uploads = [
                Upload(file=make_scan(name="a.pdf"), requirement=doc)
                for doc in service.documents.filter(required=True)
            ]
            submit(actor=applicant.user, service=service, answers=ANSWERS, uploads=uploads)
        client.get(reverse("permohonan:queue"))  # who the user is and what they hold: kept from then on
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(reverse("permohonan:queue")).context["rows"]) == total
        counts.append(len(queries))
    assert counts[0] == counts[1]


def _form_post(service, make_scan, human_check, **extra):
    data = {"answer_nama_lembaga": "LKS Kasih Bunda", "answer_jumlah_klien": "42"} | human_check | extra
    for doc in service.documents.filter(required=True):
        data[f"document_{doc.pk}"] = make_scan(name=f"{doc.order}.pdf")
    return data


def test_an_applicant_submits_through_the_page(client, service, applicant, make_scan, human_check):
    client.force_login(applicant.user)
    url = reverse("permohonan:submit", args=[service.opd.code, service.slug])
    response = client.post(url, _form_post(service, make_scan, human_check))
    submission = Submission.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "permohonan:detail", args=[submission.tracking_code]
    )
    assert submission.versions.get().documents.count() == 2


def test_a_filled_honeypot_or_a_missing_document_changes_nothing_and_keeps_the_answers(
    client, service, applicant, make_scan, human_check
):
    client.force_login(applicant.user)
    url = reverse("permohonan:submit", args=[service.opd.code, service.slug])
    bot = client.post(url, _form_post(service, make_scan, human_check, website="http://spam.example"))
    assert bot.status_code == 200 and not Submission.objects.exists()
    data = _form_post(service, make_scan, human_check)
    data.pop(f"document_{service.documents.get(name='Akta pendirian').pk}")
    missing = client.post(url, data)
    assert missing.status_code == 200 and "Akta pendirian" in missing.content.decode()
    assert missing.context["form"]["answer_nama_lembaga"].value() == "LKS Kasih Bunda"
    assert not Submission.objects.exists()


def test_an_unverified_applicant_is_told_to_verify_first(
    client, service, make_applicant, make_scan, human_check
):
    client.force_login(make_applicant(verified=False).user)
    url = reverse("permohonan:submit", args=[service.opd.code, service.slug])
    response = client.post(url, _form_post(service, make_scan, human_check))
    assert "Verifikasi alamat surel" in response.content.decode() and not Submission.objects.exists()


def test_submissions_and_look_ups_are_rate_limited(
    client, service, applicant, make_scan, human_check, settings
):
    settings.PORTAL_RATE_TRACKING_IP = "2/m"
    for _ in range(2):
        assert client.get(reverse("permohonan:track"), {"kode": "ZZZZZZZZZZ"}).status_code == 200
    limited = client.get(reverse("permohonan:track"), {"kode": "ZZZZZZZZZZ"})
    assert limited.status_code == 429 and "Terlalu banyak permintaan" in limited.content.decode()

    settings.PORTAL_RATE_SUBMISSION_ACCOUNT = "1/h"
    client.force_login(applicant.user)
    url = reverse("permohonan:submit", args=[service.opd.code, service.slug])
    assert client.post(url, _form_post(service, make_scan, human_check)).status_code == 302
    assert client.post(url, _form_post(service, make_scan, human_check)).status_code == 429
    assert Submission.objects.count() == 1


def test_an_applicant_signing_in_lands_on_their_submissions(client, applicant):
    client.force_login(applicant.user)
    assert client.get(reverse("beranda")).url == reverse("permohonan:mine")
