"""Outgoing letter pages: drafting through the form, the paraf turn, who may see a letter, signing progress."""

import pytest
from django.urls import reverse

from persuratan.models import OutgoingLetter, ReviewStep
from persuratan.services.outgoing import submit_for_review
from tests.persuratan.conftest import PASSPHRASE, draft_form_data
from tte.services import enrol

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_otp(settings):
    settings.OTP_REQUIRED = False


def test_a_new_draft_starts_by_choosing_the_letter_type(client, chain):
    client.force_login(chain["staf_user"])
    response = client.get(reverse("surat_keluar:new"))
    assert "form" not in response.context
    assert [row.label for row in response.context["templates"]] == [
        "Nota Dinas",
        "Surat Dinas",
        "Surat Undangan",
        "Surat Edaran",
        "Surat Tugas",
        "Surat Keterangan",
        "Berita Acara",
    ]
    unknown = client.get(reverse("surat_keluar:new"), {"jenis": "decree"})
    assert "form" not in unknown.context, "types without a layout are not offered"


def test_the_new_draft_form_proposes_the_superiors_as_reviewers(client, chain):
    client.force_login(chain["staf_user"])
    form = client.get(reverse("surat_keluar:new"), {"jenis": "internal_memo"}).context["form"]
    assert form["reviewers"].initial == [chain["kabid"].pk, chain["sekdis"].pk]
    assert form["signer_position"].initial == chain["kadis"].pk
    assert form["letter_type"].initial == "internal_memo"
    assert "${perihal}" in form["body"].initial, "the body starts from the nota dinas template"


def test_a_drafter_creates_a_draft_through_the_form(client, chain, classification):
    client.force_login(chain["staf_user"])
    response = client.post(
        reverse("surat_keluar:new"),
        draft_form_data(
            chain,
            classification,
            addressees=[str(chain["other_head"].pk)],
            external_name="Kepala BPS Provinsi",
            external_email="bps@example.org",
            copies=[str(chain["sekdis"].pk)],
            body="<p>Dengan hormat.</p><script>alert(1)</script>",
            reviewers=[str(chain["sekdis"].pk), str(chain["kabid"].pk)],
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    letter = OutgoingLetter.objects.get()
    assert response.url == reverse("surat_keluar:letter", args=[letter.pk])
    assert letter.drafter == chain["staf_user"] and letter.status == OutgoingLetter.Status.DRAFT
    assert [s.position for s in letter.review_steps.all()] == [chain["sekdis"], chain["kabid"]], "order kept"
    assert [(r.kind, str(r)) for r in letter.recipients.all()] == [
        ("copy", "Sekretaris Dinas"),
        ("to", "Kepala Dinas Sosial"),
        ("to", "Kepala BPS Provinsi"),
    ]
    assert "<script>" not in letter.versions.get().body_html


def test_a_draft_without_addressees_is_refused_with_the_input_kept(client, chain, classification):
    client.force_login(chain["staf_user"])
    response = client.post(reverse("surat_keluar:new"), draft_form_data(chain, classification, addressees=[]))
    assert response.status_code == 200
    assert "Isi sedikitnya satu tujuan surat." in response.content.decode()
    assert response.context["form"]["subject"].value() == "Rapat evaluasi SPBE"
    assert not OutgoingLetter.objects.exists()


def test_the_overview_lists_what_waits_for_each_person(client, draft, chain):
    letter = draft()
    submit_for_review(actor=chain["staf_user"], letter=letter)
    client.force_login(chain["kabid_user"])
    assert client.get(reverse("surat_keluar:overview")).context["to_paraf"] == [letter]
    client.force_login(chain["sekdis_user"])
    assert client.get(reverse("surat_keluar:overview")).context["to_paraf"] == [], "not their turn yet"
    client.force_login(chain["staf_user"])
    assert client.get(reverse("surat_keluar:overview")).context["drafts"] == [letter]


def test_a_reviewer_out_of_turn_gets_the_refusal_and_nothing_changes(client, draft, chain):
    letter = draft()
    submit_for_review(actor=chain["staf_user"], letter=letter)
    client.force_login(chain["sekdis_user"])
    response = client.post(
        reverse("surat_keluar:review", args=[letter.pk]), {"action": "paraf", "note": "Setuju."}
    )
    assert response.status_code == 200
    assert "Belum giliran Anda memaraf konsep ini." in response.content.decode()
    assert response.context["review_form"]["note"].value() == "Setuju."
    letter.refresh_from_db()
    assert letter.status == OutgoingLetter.Status.IN_REVIEW
    assert not letter.review_steps.exclude(status=ReviewStep.Status.WAITING).exists()


def test_a_reviewer_returns_the_draft_and_the_drafter_revises_it(client, draft, chain):
    letter = draft()
    submit_for_review(actor=chain["staf_user"], letter=letter)
    client.force_login(chain["kabid_user"])
    client.post(reverse("surat_keluar:review", args=[letter.pk]), {"action": "return", "note": "Tambah jam."})
    client.force_login(chain["staf_user"])
    response = client.post(
        reverse("surat_keluar:revise", args=[letter.pk]), {"body": "<p>Rapat pukul 09.00.</p>", "note": "Jam"}
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == OutgoingLetter.Status.RETURNED
    assert [v.number for v in letter.versions.all()] == [1, 2]


def test_a_stranger_gets_404_on_the_letter_page_and_the_pdf(client, draft, chain, make_user):
    letter = draft()
    client.force_login(make_user())
    assert client.get(reverse("surat_keluar:letter", args=[letter.pk])).status_code == 404
    assert client.get(reverse("surat_keluar:signed_pdf", args=[letter.pk])).status_code == 404
    assert client.get(reverse("surat_keluar:signing_status", args=[letter.pk])).status_code == 404


def test_the_signer_signs_and_the_status_partial_shows_the_number(
    approved, client, draft, chain, django_capture_on_commit_callbacks
):
    enrol(user=chain["kadis_user"], passphrase=PASSPHRASE)
    letter = approved()
    client.force_login(chain["kadis_user"])
    page = client.get(reverse("surat_keluar:letter", args=[letter.pk]))
    assert page.context["can_sign"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("surat_keluar:sign", args=[letter.pk]), {"passphrase": PASSPHRASE})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == OutgoingLetter.Status.SIGNED and letter.number

    status = client.get(reverse("surat_keluar:signing_status", args=[letter.pk])).content.decode()
    assert letter.number in status and "hx-trigger" not in status, "polling stops once signed"
    assert reverse("verifikasi:letter", args=[letter.verification_code]) in status
    pdf = client.get(reverse("surat_keluar:signed_pdf", args=[letter.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_a_wrong_passphrase_shows_the_refusal_in_the_status(
    approved, client, draft, chain, django_capture_on_commit_callbacks
):
    enrol(user=chain["kadis_user"], passphrase=PASSPHRASE)
    letter = approved()
    client.force_login(chain["kadis_user"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("surat_keluar:sign", args=[letter.pk]), {"passphrase": "salah"})
    assert response.wsgi_request.sensitive_post_parameters == ("passphrase",)  # hidden in error reports
    letter.refresh_from_db()
    assert letter.status == OutgoingLetter.Status.APPROVED and not letter.signed_pdf
    status = client.get(reverse("surat_keluar:signing_status", args=[letter.pk])).content.decode()
    assert "Ditolak" in status


def test_someone_else_cannot_sign_and_sees_why(approved, client, draft, chain):
    letter = approved()
    client.force_login(chain["sekdis_user"])
    response = client.post(reverse("surat_keluar:sign", args=[letter.pk]), {"passphrase": PASSPHRASE})
    assert "Anda tidak berwenang menandatangani surat ini hari ini." in response.content.decode()
    letter.refresh_from_db()
    assert letter.status == OutgoingLetter.Status.APPROVED


def test_the_opds_operator_sees_only_the_metadata_of_a_rahasia_letter(
    client, draft, opd, make_operator, make_scan
):
    letter = draft(subject="Penanganan insiden keamanan siber", attachments=[make_scan(name="log.pdf")])
    client.force_login(make_operator(opd=opd))
    ordinary = client.get(reverse("surat_keluar:letter", args=[letter.pk])).content.decode()
    assert "Penanganan insiden keamanan siber" in ordinary and "Dengan hormat" in ordinary

    OutgoingLetter.objects.filter(pk=letter.pk).update(security_class="secret")
    page = client.get(reverse("surat_keluar:letter", args=[letter.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and letter.classification.code in html
    assert "Penanganan insiden" not in html and "Dengan hormat" not in html and "log.pdf" not in html
    attachment = letter.attachments.get()
    for url in (
        reverse("surat_keluar:preview", args=[letter.pk]),
        reverse("surat_keluar:compare", args=[letter.pk]),
        reverse("surat_keluar:attachment", args=[letter.pk, attachment.pk]),
        reverse("surat_keluar:signed_pdf", args=[letter.pk]),
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize(
    ("chain_fields", "message"),
    [
        (["kabid", "kabid"], "Satu jabatan cukup sekali dalam rantai paraf."),
        (["kabid", "kadis"], "Penanda tangan tidak perlu memaraf"),
    ],
)
def test_a_chain_with_a_repeated_position_or_the_signer_is_refused(
    client, chain, classification, chain_fields, message
):
    client.force_login(chain["staf_user"])
    chosen = [str(chain[key].pk) for key in chain_fields]
    response = client.post(
        reverse("surat_keluar:new"), draft_form_data(chain, classification, reviewers=chosen)
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert response.context["form"]["reviewers"].value()[0] == str(chain["kabid"].pk), "input kept"
    assert not OutgoingLetter.objects.exists()
