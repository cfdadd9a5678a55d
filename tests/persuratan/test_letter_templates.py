"""Templat naskah: the placeholder language, who may edit an OPD's templates, the layout of each type,
and drafts that start from them."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from kantor_virtual.errors import Refused
from kantor_virtual.timeline import timeline_for
from persuratan.letter_templates import DEFAULT_BODIES, DRAFTABLE_TYPES, check_placeholders, fill
from persuratan.models import LetterTemplate, LetterType, OutgoingLetter, OutgoingRecipient
from persuratan.outgoing_selectors import starting_bodies
from persuratan.rendering import render_outgoing_pdf
from persuratan.services.letter_templates import reset_template, save_template
from persuratan.services.outgoing import DraftDetails, RecipientSpec, assign_number, create_draft

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_otp(settings):
    settings.OTP_REQUIRED = False


@pytest.fixture
def office(opd, other_opd, make_position, make_user, make_admin_opd):
    kadis = make_position(name="Kepala Dinas Kominfos", heads_opd=True)
    staf = make_position(name="Pranata Komputer", parent=kadis, kind="fungsional")
    return {
        "kadis": kadis,
        "staf": staf,
        "kadis_user": make_user(holds=kadis, full_name="Hendra Siregar", nip="197001011995031001"),
        "staf_user": make_user(holds=staf),
        "admin": make_admin_opd(opd=opd),
        "other_admin": make_admin_opd(opd=other_opd),
        "other_head": make_position(name="Kepala Dinas Sosial", opd=other_opd, heads_opd=True),
    }


def _draft(office, classification, *, letter_type="internal_memo", body="<p>Isi.</p>", subject="Rapat SPBE"):
    return create_draft(
        actor=office["staf_user"],
        position=office["staf"],
        details=DraftDetails(
            letter_type=letter_type,
            subject=subject,
            security_class="ordinary",
            urgency="normal",
            classification=classification,
            signer_position=office["kadis"],
        ),
        recipients=[RecipientSpec(kind=OutgoingRecipient.Kind.TO, position=office["other_head"])],
        body_html=body,
        reviewers=[],
    )


def _pdf_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


# ── The placeholder language ────────────────────────────────────────────────────────────────


def test_known_placeholders_pass_and_a_dollar_sign_is_written_twice():
    check_placeholders("<p>Nomor ${nomor}, perihal $perihal, biaya $$5.</p>")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("<p>${nama_pemohon}</p>", "unknown_placeholder"),
        ("<p>{{ request.user.password }} ${perihal} ${__class__}</p>", "unknown_placeholder"),
        ("<p>Biaya $5</p>", "bad_placeholder"),
        ("<p>${perihal</p>", "bad_placeholder"),
    ],
)
def test_unknown_or_broken_placeholders_are_refused(text, code):
    with pytest.raises(Refused) as refused:
        check_placeholders(text)
    assert refused.value.code == code


def test_the_refusal_names_the_unknown_placeholder_and_what_is_available():
    with pytest.raises(Refused) as refused:
        check_placeholders("<p>${nama_pemohon}</p>")
    assert "${nama_pemohon}" in refused.value.message and "${perihal}" in refused.value.message


def test_values_are_escaped_when_filled():
    assert fill("<p>${perihal}</p>", {"perihal": "<script>alert(1)</script>"}) == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )


def test_every_default_body_uses_only_known_placeholders():
    for letter_type in DRAFTABLE_TYPES:
        check_placeholders(DEFAULT_BODIES[letter_type])


# ── Who edits an OPD's templates ────────────────────────────────────────────────────────────


def test_the_opds_admin_saves_a_template_that_drafts_then_start_from(office, opd):
    save_template(
        actor=office["admin"],
        opd=opd,
        letter_type=LetterType.INVITATION_LETTER,
        body_html="<p>Kami mengundang Bapak/Ibu dalam ${perihal}.</p><script>alert(1)</script>",
    )
    saved = LetterTemplate.objects.get()
    assert saved.body_html == "<p>Kami mengundang Bapak/Ibu dalam ${perihal}.</p>", "sanitised like a draft"
    assert starting_bodies(opd_id=opd.pk)[LetterType.INVITATION_LETTER] == saved.body_html
    assert [event.verb for event in timeline_for(target=opd)] == ["template_saved"]

    reset_template(actor=office["admin"], opd=opd, letter_type=LetterType.INVITATION_LETTER)
    assert (
        starting_bodies(opd_id=opd.pk)[LetterType.INVITATION_LETTER]
        == DEFAULT_BODIES[LetterType.INVITATION_LETTER]
    )


@pytest.mark.parametrize("who", ["other_admin", "staf_user", "kadis_user"])
def test_only_the_opds_admin_may_change_its_templates(office, opd, who):
    with pytest.raises(Refused) as refused:
        save_template(actor=office[who], opd=opd, letter_type=LetterType.CIRCULAR, body_html="<p>Edaran.</p>")
    assert refused.value.code == "not_admin"
    assert not LetterTemplate.objects.exists()


@pytest.mark.parametrize(
    ("letter_type", "body", "code"),
    [
        (LetterType.DECREE, "<p>Keputusan.</p>", "unknown_type"),
        (LetterType.CIRCULAR, "<script>alert(1)</script>", "empty_body"),
        (LetterType.CIRCULAR, "<p>${tanda_tangan_basah}</p>", "unknown_placeholder"),
    ],
)
def test_a_bad_template_is_refused_and_nothing_is_saved(office, opd, letter_type, body, code):
    with pytest.raises(Refused) as refused:
        save_template(actor=office["admin"], opd=opd, letter_type=letter_type, body_html=body)
    assert refused.value.code == code
    assert not LetterTemplate.objects.exists()


def test_the_template_pages_belong_to_the_opds_admin(client, office, opd):
    client.force_login(office["admin"])
    page = client.get(reverse("surat_keluar:templates"))
    assert [row.label for row in page.context["templates"]][:2] == ["Nota Dinas", "Surat Dinas"]
    url = reverse("surat_keluar:template_edit", args=["circular"])
    refused = client.post(url, {"body": "<p>Berlaku mulai ${tanggal_berlaku}.</p>"})
    assert refused.status_code == 200
    assert "Penanda tidak dikenal: ${tanggal_berlaku}" in refused.content.decode()
    assert refused.context["form"]["body"].value() == "<p>Berlaku mulai ${tanggal_berlaku}.</p>", "input kept"
    assert not LetterTemplate.objects.exists()
    saved = client.post(url, {"body": "<p>Edaran tentang ${perihal}.</p>"})
    assert saved.status_code == 302 and LetterTemplate.objects.get().letter_type == "circular"

    client.force_login(office["staf_user"])
    assert client.get(reverse("surat_keluar:templates")).status_code == 403
    assert client.post(url, {"body": "<p>Diubah.</p>"}).status_code == 403
    client.force_login(office["other_admin"])
    assert client.post(f"{url}?opd={opd.code}", {"body": "<p>Diubah.</p>"}).status_code == 403
    assert LetterTemplate.objects.get().body_html == "<p>Edaran tentang ${perihal}.</p>"


# ── Layouts and placeholders in letters ─────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("letter_type", "printed"),
    [
        ("internal_memo", ["NOTA DINAS", "Dari", "Kepala Dinas Kominfos", "Hal"]),
        ("official_letter", ["Nomor", "Lampiran", "Yth.", "Kepala Dinas Sosial"]),
        ("invitation_letter", ["Nomor", "Yth.", "tempat"]),
        ("circular", ["SURAT EDARAN", "TENTANG", "RAPAT SPBE", "Ditetapkan di"]),
        ("assignment_letter", ["SURAT TUGAS", "menugaskan kepada", "Ditetapkan di"]),
        ("certificate_letter", ["SURAT KETERANGAN", "menerangkan bahwa"]),
        ("official_record", ["BERITA ACARA", "RAPAT SPBE", "Pada hari ini"]),
    ],
)
def test_each_type_is_laid_out_as_its_naskah_with_the_placeholders_filled(
    office, classification, today, letter_type, printed
):
    letter = _draft(office, classification, letter_type=letter_type, body=DEFAULT_BODIES[letter_type])
    assign_number(letter_id=letter.pk)
    letter = OutgoingLetter.objects.get(pk=letter.pk)
    letter.signed_by, letter.signed_as = office["kadis_user"], "definitif"
    text = _pdf_text(render_outgoing_pdf(letter=letter))
    for words in [*printed, letter.number, "PEMERINTAH", "Hendra Siregar", "NIP 197001011995031001"]:
        assert words in text, words
    assert "$" not in text, "no placeholder is left unfilled"


def test_placeholders_in_the_body_take_the_letters_values(office, classification, opd, today):
    letter = _draft(
        office, classification, body="<p>Surat ${nomor} tanggal ${tanggal} dari ${opd} kepada ${tujuan}.</p>"
    )
    assign_number(letter_id=letter.pk)
    letter = OutgoingLetter.objects.get(pk=letter.pk)
    letter.signed_by = office["kadis_user"]
    text = " ".join(_pdf_text(render_outgoing_pdf(letter=letter)).split())
    assert f"Surat {letter.number} tanggal {today.day} " in text
    assert f"dari {opd.name} kepada Kepala Dinas Sosial." in text


def test_a_draft_with_an_unknown_placeholder_is_refused(office, classification):
    with pytest.raises(Refused) as refused:
        _draft(office, classification, body="<p>${nama_pemohon}</p>")
    assert refused.value.code == "unknown_placeholder"
    assert not OutgoingLetter.objects.exists()


def test_the_preview_is_the_layout_marked_konsep_without_a_number(client, office, classification):
    letter = _draft(
        office, classification, letter_type="circular", body="<p>Edaran ${nomor} tentang ${perihal}.</p>"
    )
    client.force_login(office["staf_user"])
    response = client.get(reverse("surat_keluar:preview", args=[letter.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and response["X-Frame-Options"] == "SAMEORIGIN"
    assert "KONSEP" in html and "SURAT EDARAN" in html and "Edaran … tentang Rapat SPBE." in html
    client.force_login(office["other_admin"])
    assert client.get(reverse("surat_keluar:preview", args=[letter.pk])).status_code == 404
