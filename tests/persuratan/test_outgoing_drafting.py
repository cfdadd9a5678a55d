"""Drafting details: lampiran that travel with the letter, and any two versions compared."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from persuratan.models import IncomingLetter, OutgoingAttachment, OutgoingLetter, OutgoingRecipient
from persuratan.services.outgoing import request_signature, revise_draft
from persuratan.version_diff import compare
from tests.persuratan.conftest import PASSPHRASE
from tte.services import enrol

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_otp(settings):
    settings.OTP_REQUIRED = False


def test_lampiran_are_kept_and_delivered_with_the_letter_to_every_recipient(
    approved, chain, make_user, make_scan, django_capture_on_commit_callbacks, mailoutbox
):
    letter = approved(attachments=[make_scan(text="Daftar hadir", name="daftar-hadir.pdf")])
    assert [a.original_name for a in letter.attachments.all()] == ["daftar-hadir.pdf"]
    OutgoingRecipient.objects.create(letter=letter, kind="to", name="Rektor", email="rektor@kampus.ac.id")
    enrol(user=chain["kadis_user"], passphrase=PASSPHRASE)
    with django_capture_on_commit_callbacks(execute=True):
        request_signature(actor=chain["kadis_user"], letter=letter, passphrase=PASSPHRASE)

    arrived = IncomingLetter.objects.get()
    assert arrived.files.count() == 2, "the signed PDF and its lampiran"
    assert arrived.files.last().sha256 == letter.attachments.get().sha256
    sent = [mail for mail in mailoutbox if mail.attachments]
    assert [name for name, _, _ in sent[0].attachments][1:] == ["daftar-hadir.pdf"]


def test_a_lampiran_that_is_not_what_it_claims_is_refused_and_no_draft_is_kept(draft, make_scan):
    with pytest.raises(ValidationError):
        draft(attachments=[make_scan(content=b"MZ\x90\x00 not a pdf", name="lampiran.pdf")])
    assert not OutgoingLetter.objects.exists() and not OutgoingAttachment.objects.exists()


def test_only_those_who_see_the_letter_open_its_lampiran(client, draft, chain, make_scan, make_user):
    letter = draft(attachments=[make_scan(name="anggaran.pdf")])
    url = reverse("surat_keluar:attachment", args=[letter.pk, letter.attachments.get().pk])
    client.force_login(chain["staf_user"])
    assert client.get(url)["Content-Type"] == "application/pdf"
    client.force_login(make_user())
    assert client.get(url).status_code == 404


def test_the_comparison_shows_removed_and_added_words():
    segments = compare(
        "<p>Rapat hari Senin di Aula.</p>", "<p>Rapat hari Selasa di Aula.</p><p>Membawa laptop.</p>"
    )
    changes = [(s.kind, " ".join(w or "¶" for w in s.words)) for s in segments if s.kind != "same"]
    assert changes == [("removed", "Senin"), ("added", "Selasa"), ("added", "Membawa laptop. ¶")]


def test_any_two_versions_can_be_compared_by_those_who_see_the_letter(client, draft, chain, make_user):
    letter = draft()
    revise_draft(
        actor=chain["staf_user"], letter=letter, body_html="<p>Dengan hormat, kami mengundang Saudara.</p>"
    )
    revise_draft(
        actor=chain["staf_user"], letter=letter, body_html="<p>Kami mengundang Saudara.</p>", note="Ringkas"
    )
    client.force_login(chain["staf_user"])
    response = client.get(reverse("surat_keluar:compare", args=[letter.pk]), {"a": 1, "b": 3})
    assert (response.context["old"].number, response.context["new"].number) == (1, 3)
    html = response.content.decode()
    assert '<del class="kv-del">Dengan hormat, kami </del><ins class="kv-ins">Kami </ins>mengundang' in html
    assert '<del class="kv-del">Bapak/Ibu. </del><ins class="kv-ins">Saudara. </ins>' in html
    default = client.get(reverse("surat_keluar:compare", args=[letter.pk]))
    assert (default.context["old"].number, default.context["new"].number) == (2, 3), (
        "the last change by default"
    )
    client.force_login(make_user())
    assert client.get(reverse("surat_keluar:compare", args=[letter.pk])).status_code == 404
