"""Nobody signs for someone they may not sign for: "a.n." only for a superior in the tree (up to the
head of the signer's OPD; the Gubernur for the Sekda, an Asisten and the heads of OPD), "u.b." one
level further down that chain, with the paraf of everyone between drafter and signer, checked at
drafting, at signing and again by the worker on the day it signs; and a reply is as secret as the
letter it answers."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from kantor_virtual.errors import Refused
from organisasi.models import Assignment
from persuratan.models import OutgoingLetter, OutgoingRecipient, SigningMode, SigningRequest
from persuratan.rendering import signature_block
from persuratan.services.outgoing import (
    DraftDetails,
    RecipientSpec,
    create_draft,
    paraf,
    request_signature,
    sign_outgoing,
    submit_for_review,
)
from tests.factories import OpdFactory
from tte.services import enrol

pytestmark = pytest.mark.django_db
PASSPHRASE = "sandi-tte-uji-2026"
AN, UB = SigningMode.ON_BEHALF, SigningMode.ON_BEHALF_BY


@pytest.fixture
def province(opd, other_opd, make_position, make_user):
    """Gubernur → Sekda (head of the Setda) → two Asisten; under one the Biro Umum down to a Pengelola
    Surat, and the Kepala Dinas Kominfos down to a Pranata Komputer; under the other the Kepala Dinas
    Sosial. Everyone but the Gubernur holds their post."""
    setda = OpdFactory(code="SETDA", name="Sekretariat Daerah Provinsi Nusa Mandiri", short_name="Setda")
    p = {"gubernur": make_position(name="Gubernur Nusa Mandiri", opd=setda)}
    p["sekda"] = make_position(name="Sekretaris Daerah", opd=setda, parent=p["gubernur"], heads_opd=True)
    p["asisten"] = make_position(name="Asisten Administrasi Umum", opd=setda, parent=p["sekda"])
    p["asisten_kesra"] = make_position(name="Asisten Kesejahteraan Rakyat", opd=setda, parent=p["sekda"])
    p["karo"] = make_position(name="Kepala Biro Umum", opd=setda, parent=p["asisten"])
    p["kabag"] = make_position(name="Kepala Bagian Tata Usaha Pimpinan", opd=setda, parent=p["karo"])
    p["pengelola"] = make_position(name="Pengelola Surat", opd=setda, parent=p["kabag"], kind="pelaksana")
    p["kadis"] = make_position(name="Kepala Dinas Kominfos", parent=p["asisten"], heads_opd=True)
    p["kabid"] = make_position(name="Kepala Bidang Aplikasi Informatika", parent=p["kadis"])
    p["kasi"] = make_position(name="Kepala Seksi Tata Kelola", parent=p["kabid"])
    p["staf"] = make_position(name="Pranata Komputer", parent=p["kasi"], kind="fungsional")
    p["kadinsos"] = make_position(
        name="Kepala Dinas Sosial", opd=other_opd, parent=p["asisten_kesra"], heads_opd=True
    )
    for name in ("sekda", "asisten", "karo", "kabag", "pengelola", "kadis", "kabid", "kasi", "staf"):
        p[f"{name}_user"] = make_user(holds=p[name], full_name=f"Pejabat {name.title()}")
    return p


@pytest.fixture
def draft(province, classification):
    def make(
        *,
        drafter: str,
        signer: str,
        mode: str = SigningMode.OWN,
        on_behalf_of: str | None = None,
        by_order_of: str | None = None,
        reviewers: tuple[str, ...] = (),
        subject: str = "Undangan rapat koordinasi SPBE",
    ) -> OutgoingLetter:
        return create_draft(
            actor=province[f"{drafter}_user"],
            position=province[drafter],
            details=DraftDetails(
                letter_type="official_letter",
                subject=subject,
                security_class="ordinary",
                urgency="normal",
                classification=classification,
                signer_position=province[signer],
                signing_mode=mode,
                on_behalf_of=province[on_behalf_of] if on_behalf_of else None,
                by_order_of=province[by_order_of] if by_order_of else None,
            ),
            recipients=[RecipientSpec(kind=OutgoingRecipient.Kind.TO, name="Bupati Kupang")],
            body_html="<p>Dengan hormat, kami mengundang Bapak/Ibu.</p>",
            reviewers=[province[name] for name in reviewers],
        )

    return make


@pytest.fixture
def approve(province):
    """Sends the draft up its chain and has every reviewer paraf it in turn."""

    holders = {
        province[key.removesuffix("_user")].pk: user
        for key, user in province.items()
        if key.endswith("_user")
    }

    def run(letter: OutgoingLetter) -> OutgoingLetter:
        submit_for_review(actor=letter.drafter, letter=letter)
        for step in letter.review_steps.order_by("order"):
            paraf(actor=holders[step.position_id], letter=letter)
        letter.refresh_from_db()
        assert letter.status == OutgoingLetter.Status.APPROVED
        return letter

    return run


def _sign(letter: OutgoingLetter, signer) -> OutgoingLetter:
    enrol(user=signer, passphrase=PASSPHRASE)
    request_signature(actor=signer, letter=letter, passphrase=PASSPHRASE)
    assert sign_outgoing(letter_id=letter.pk) is True
    letter.refresh_from_db()
    return letter


def _pdf_lines(letter: OutgoingLetter) -> list[str]:
    with letter.signed_pdf.open("rb") as handle:
        text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(handle.read())).pages)
    return [line.strip() for line in text.splitlines() if line.strip()]


def _in_order(lines: list[str], wanted: list[str]) -> bool:
    """Whether `wanted` are consecutive lines of `lines`."""
    return any(lines[i : i + len(wanted)] == wanted for i in range(len(lines)))


# ── a.n.: only for a superior in the tree ────────────────────────────────────────────────────


def test_a_kasi_may_not_sign_on_behalf_of_the_gubernur(draft):
    with pytest.raises(Refused) as refusal:
        draft(drafter="kasi", signer="kasi", mode=AN, on_behalf_of="gubernur")
    assert refusal.value.code == "not_on_behalf"
    assert refusal.value.message == (
        "Kepala Seksi Tata Kelola hanya dapat menandatangani a.n. Kepala Bidang Aplikasi Informatika "
        "atau Kepala Dinas Kominfos."
    )
    with pytest.raises(Refused) as refusal:
        draft(drafter="kasi", signer="kasi", mode=UB, on_behalf_of="gubernur", by_order_of="sekda")
    assert refusal.value.code == "not_by_order", "nor u.b. for an official outside the Kasi's chain"
    assert not OutgoingLetter.objects.exists()


def test_a_kasi_letter_forced_to_read_an_gubernur_in_the_database_is_not_signed(draft, approve, province):
    letter = approve(draft(drafter="kasi", signer="kasi"))
    OutgoingLetter.objects.filter(pk=letter.pk).update(signing_mode=AN, on_behalf_of=province["gubernur"])
    enrol(user=province["kasi_user"], passphrase=PASSPHRASE)
    with pytest.raises(Refused) as refusal:
        request_signature(actor=province["kasi_user"], letter=letter, passphrase=PASSPHRASE)
    assert refusal.value.code == "not_on_behalf"
    letter.refresh_from_db()
    assert letter.status == OutgoingLetter.Status.APPROVED and not SigningRequest.objects.exists()


def test_the_signer_of_a_letter_no_longer_lawful_reads_why_instead_of_a_sign_form(
    client, draft, approve, province, no_second_factor
):
    letter = approve(draft(drafter="kasi", signer="kasi"))
    client.force_login(province["kasi_user"])
    assert "Tandatangani" in client.get(reverse("surat_keluar:letter", args=[letter.pk])).content.decode()

    OutgoingLetter.objects.filter(pk=letter.pk).update(signing_mode=AN, on_behalf_of=province["gubernur"])
    page = client.get(reverse("surat_keluar:letter", args=[letter.pk])).content.decode()
    assert "a.n. pada surat ini tidak lagi sesuai struktur organisasi" in page
    assert "Tandatangani" not in page and reverse("surat_keluar:sign", args=[letter.pk]) not in page


def test_a_letter_changed_to_an_gubernur_after_the_request_is_not_signed_by_the_worker(
    draft, approve, province
):
    letter = approve(draft(drafter="kasi", signer="kasi"))
    enrol(user=province["kasi_user"], passphrase=PASSPHRASE)
    request_signature(actor=province["kasi_user"], letter=letter, passphrase=PASSPHRASE)
    OutgoingLetter.objects.filter(pk=letter.pk).update(signing_mode=AN, on_behalf_of=province["gubernur"])

    assert sign_outgoing(letter_id=letter.pk) is False
    letter.refresh_from_db()
    assert letter.status == OutgoingLetter.Status.APPROVED
    assert not letter.signed_pdf and not letter.number, "no number is taken for a letter not signed"
    assert SigningRequest.objects.get(letter=letter).state == SigningRequest.State.REFUSED


@pytest.mark.parametrize("other", ["kadinsos", "asisten", "sekda"])
def test_a_kepala_dinas_signs_an_only_for_the_gubernur(draft, other):
    with pytest.raises(Refused) as refusal:
        draft(drafter="kadis", signer="kadis", mode=AN, on_behalf_of=other)
    assert refusal.value.code == "not_on_behalf"
    assert (
        refusal.value.message
        == "Kepala Dinas Kominfos hanya dapat menandatangani a.n. Gubernur Nusa Mandiri."
    )
    assert draft(drafter="kadis", signer="kadis", mode=AN, on_behalf_of="gubernur").on_behalf_of.name == (
        "Gubernur Nusa Mandiri"
    )


# ── The paraf of everyone between drafter and signer ─────────────────────────────────────────


def test_a_drafter_may_not_send_an_on_behalf_letter_past_the_superiors_in_between(draft):
    with pytest.raises(Refused) as refusal:
        draft(drafter="staf", signer="kabid", mode=AN, on_behalf_of="kadis")
    assert refusal.value.code == "missing_paraf"
    assert "Kepala Seksi Tata Kelola" in refusal.value.message
    assert not OutgoingLetter.objects.exists()
    assert draft(drafter="staf", signer="kabid", mode=AN, on_behalf_of="kadis", reviewers=("kasi",))


def test_an_on_behalf_letter_forced_past_its_paraf_is_not_signed(draft, approve, province):
    # Drafted as the Kepala Bidang's own letter, which needs no paraf, then turned into "a.n.
    # Kepala Dinas" in the database: the Kepala Seksi between drafter and signer never saw it.
    letter = approve(draft(drafter="staf", signer="kabid"))
    OutgoingLetter.objects.filter(pk=letter.pk).update(signing_mode=AN, on_behalf_of=province["kadis"])
    enrol(user=province["kabid_user"], passphrase=PASSPHRASE)
    with pytest.raises(Refused) as refusal:
        request_signature(actor=province["kabid_user"], letter=letter, passphrase=PASSPHRASE)
    assert refusal.value.code == "missing_paraf"


# ── Plt and Plh: inside their dates only ─────────────────────────────────────────────────────


def test_a_plt_whose_dates_end_before_the_worker_signs_gets_the_letter_back(
    draft, approve, province, make_user, today
):
    plt = make_user(acts_for=province["kadis"], until=today, full_name="Yohanes Manafe")
    letter = approve(draft(drafter="kabid", signer="kadis", mode=AN, on_behalf_of="gubernur"))
    enrol(user=plt, passphrase=PASSPHRASE)
    request_signature(actor=plt, letter=letter, passphrase=PASSPHRASE)  # on the last day of the Plt
    # The national service was down; by the time the worker gets through, the Plt has ended.
    Assignment.objects.filter(user=plt).update(start=today - timedelta(days=8), end=today - timedelta(days=1))

    assert sign_outgoing(letter_id=letter.pk) is False
    letter.refresh_from_db()
    request = SigningRequest.objects.get(letter=letter)
    assert letter.status == OutgoingLetter.Status.APPROVED and not letter.signed_pdf and not letter.number
    assert request.state == SigningRequest.State.REFUSED and "Plt" in request.error
    assert request.passphrase_token == ""
    with pytest.raises(Refused) as refusal:
        request_signature(actor=plt, letter=letter, passphrase=PASSPHRASE)
    assert refusal.value.code == "not_signer"


# ── What is lawful, signed and shown as such ─────────────────────────────────────────────────


def test_the_sekda_signs_on_behalf_of_the_gubernur(client, draft, approve, province):
    letter = approve(
        draft(drafter="karo", signer="sekda", mode=AN, on_behalf_of="gubernur", reviewers=("asisten",))
    )
    letter = _sign(letter, province["sekda_user"])
    wanted = ["a.n. Gubernur Nusa Mandiri", "Sekretaris Daerah"]
    assert signature_block(letter) == wanted
    assert _in_order(_pdf_lines(letter), ["a.n. Gubernur Nusa Mandiri,", "Sekretaris Daerah,"])
    page = client.get(reverse("verifikasi:letter", args=[letter.verification_code]))
    assert page.context["signer_lines"] == wanted


def test_the_kepala_biro_signs_ub_for_the_sekda_who_signs_an_gubernur(client, draft, approve, province):
    letter = approve(
        draft(
            drafter="pengelola",
            signer="karo",
            mode=UB,
            on_behalf_of="gubernur",
            by_order_of="sekda",
            reviewers=("kabag",),
        )
    )
    letter = _sign(letter, province["karo_user"])
    # The Biro's own superior is the Asisten; the letter says whom it was signed for, as drafted.
    wanted = ["a.n. Gubernur Nusa Mandiri", "Sekretaris Daerah", "u.b.", "Kepala Biro Umum"]
    assert signature_block(letter) == wanted
    assert _in_order(
        _pdf_lines(letter), ["a.n. Gubernur Nusa Mandiri,", "Sekretaris Daerah,", "u.b.", "Kepala Biro Umum,"]
    )
    page = client.get(reverse("verifikasi:letter", args=[letter.verification_code]))
    assert page.context["signer_lines"] == wanted


def test_ub_only_for_an_official_in_the_signer_chain_who_may_sign_an_the_one_above(draft):
    with pytest.raises(Refused) as refusal:
        draft(drafter="pengelola", signer="karo", mode=UB, on_behalf_of="gubernur", by_order_of="kadis")
    assert refusal.value.code == "not_by_order"
    assert "a.n. Gubernur Nusa Mandiri / Sekretaris Daerah / u.b. Kepala Biro Umum" in refusal.value.message
    with pytest.raises(Refused) as refusal:  # the Asisten signs a.n. the Sekda, never the Sekda a.n. him
        draft(drafter="pengelola", signer="karo", mode=UB, on_behalf_of="asisten", by_order_of="sekda")
    assert refusal.value.code == "not_by_order"


# ── The form offers only what is lawful ──────────────────────────────────────────────────────


@pytest.fixture
def drafting_client(client, settings):
    settings.OTP_REQUIRED = False
    return client


def _offered(form, name: str) -> set[str]:
    return {position.name for position in form.fields[name].queryset}


def test_the_form_offers_only_lawful_an_and_ub_choices(drafting_client, province):
    drafting_client.force_login(province["staf_user"])
    form = drafting_client.get(reverse("surat_keluar:new"), {"jenis": "internal_memo"}).context["form"]
    assert form["signer_position"].initial == province["kadis"].pk
    assert _offered(form, "on_behalf_of") == {"Gubernur Nusa Mandiri"}, "the Kepala Dinas: the Gubernur only"

    def fields(signer: str, mode: str = "", on_behalf_of: str | None = None):
        """What the page offers once the drafter has chosen the signer, the mode and the a.n."""
        query = {"signer_position": province[signer].pk, "signing_mode": mode}
        if on_behalf_of:
            query["on_behalf_of"] = province[on_behalf_of].pk
        return drafting_client.get(reverse("surat_keluar:signer_fields"), query).context["form"]

    kasi = fields("kasi", AN)
    assert _offered(kasi, "on_behalf_of") == {"Kepala Bidang Aplikasi Informatika", "Kepala Dinas Kominfos"}
    assert [value for value, _ in kasi.fields["signing_mode"].choices] == ["own", "an", "an_ub"]

    karo = fields("karo", UB)
    assert _offered(karo, "on_behalf_of") == {"Sekretaris Daerah", "Gubernur Nusa Mandiri"}
    assert _offered(karo, "by_order_of") == {"Asisten Administrasi Umum", "Sekretaris Daerah"}
    karo = fields("karo", UB, on_behalf_of="sekda")
    assert _offered(karo, "by_order_of") == {"Asisten Administrasi Umum"}

    gubernur = fields("gubernur")
    assert [value for value, _ in gubernur.fields["signing_mode"].choices] == ["own"]


def test_a_new_signer_brings_a_new_paraf_proposal(drafting_client, province):
    drafting_client.force_login(province["staf_user"])
    response = drafting_client.get(
        reverse("surat_keluar:signer_fields"), {"signer_position": province["kabid"].pk, "paraf": "1"}
    )
    form = response.context["form"]
    assert form["reviewers"].initial == [province["kasi"].pk]
    assert 'id="rantai-paraf"' in response.content.decode() and "hx-swap-oob" in response.content.decode()


def test_a_form_posted_by_hand_with_an_unlawful_an_saves_nothing(drafting_client, province, classification):
    drafting_client.force_login(province["kasi_user"])
    response = drafting_client.post(
        reverse("surat_keluar:new"),
        {
            "letter_type": "internal_memo",
            "subject": "Rapat evaluasi SPBE",
            "security_class": "ordinary",
            "urgency": "normal",
            "classification": str(classification.pk),
            "attachment_count": "0",
            "signer_position": str(province["kasi"].pk),
            "signing_mode": AN,
            "on_behalf_of": str(province["gubernur"].pk),
            "external_name": "Bupati Kupang",
            "body": "<p>Dengan hormat.</p>",
        },
    )
    assert response.status_code == 200 and not OutgoingLetter.objects.exists()
    assert "Kepala Seksi Tata Kelola hanya dapat menandatangani a.n." in response.content.decode()


# ── A reply is as secret as the letter it answers ────────────────────────────────────────────


@pytest.fixture
def secret_letter(register, opd, province):
    return register(
        opd=opd, to=[province["kadis"]], security_class="secret", subject="Hasil audit investigasi pengadaan"
    )


@pytest.mark.parametrize(("chosen", "kept"), [("ordinary", "secret"), ("top_secret", "top_secret")])
def test_a_reply_takes_the_higher_sifat_of_the_two(province, classification, secret_letter, chosen, kept):
    reply = create_draft(
        actor=province["kadis_user"],
        position=province["kadis"],
        details=DraftDetails(
            letter_type="official_letter",
            subject="Jawaban",
            security_class=chosen,
            urgency="normal",
            classification=classification,
            signer_position=province["kadis"],
            in_reply_to=secret_letter,
        ),
        recipients=[RecipientSpec(kind=OutgoingRecipient.Kind.TO, name="Inspektorat Jenderal")],
        body_html="<p>Dengan hormat.</p>",
        reviewers=[],
    )
    assert reply.security_class == kept


def test_the_reply_form_starts_rahasia_without_the_rahasia_perihal(drafting_client, province, secret_letter):
    drafting_client.force_login(province["kadis_user"])
    form = drafting_client.get(
        reverse("surat_keluar:new"), {"jenis": "official_letter", "balas": secret_letter.pk}
    ).context["form"]
    assert "Hasil audit investigasi" not in form["subject"].initial
    assert secret_letter.sender_number in form["subject"].initial
    assert form["security_class"].initial == "secret"
    assert [value for value, _ in form.fields["security_class"].choices] == ["secret", "top_secret"]


def test_the_reply_to_a_letter_biasa_starts_from_its_perihal(drafting_client, province, register, opd):
    letter = register(opd=opd, to=[province["kadis"]], subject="Undangan rapat koordinasi")
    drafting_client.force_login(province["kadis_user"])
    form = drafting_client.get(
        reverse("surat_keluar:new"), {"jenis": "official_letter", "balas": letter.pk}
    ).context["form"]
    assert form["subject"].initial == "Jawaban atas Undangan rapat koordinasi"
    assert form["security_class"].initial == "ordinary"
