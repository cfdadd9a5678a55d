import pytest
from django.urls import reverse

from persuratan.models import OutgoingRecipient
from persuratan.services.outgoing import (
    DraftDetails,
    RecipientSpec,
    create_draft,
    request_signature,
    sign_outgoing,
    submit_for_review,
)
from tte.services import enrol

pytestmark = pytest.mark.django_db


def test_the_operator_finds_every_signed_letter_of_the_opd_and_others_are_refused(
    client, opd, make_position, make_user, make_operator, classification, settings
):
    settings.OTP_REQUIRED = False
    kadis = make_position(name="Kepala Dinas", heads_opd=True)
    head = make_user(holds=kadis)
    enrol(user=head, passphrase="sandi-tte-kepala")
    letter = create_draft(
        actor=head,
        position=kadis,
        details=DraftDetails(
            letter_type="official_letter",
            subject="Pemberitahuan jadwal pemeliharaan jaringan",
            security_class="ordinary",
            urgency="normal",
            classification=classification,
            signer_position=kadis,
        ),
        recipients=[RecipientSpec(kind=OutgoingRecipient.Kind.TO, name="Bupati Tanjung Mas")],
        body_html="<p>Dengan hormat.</p>",
        reviewers=[],
    )
    submit_for_review(actor=head, letter=letter)
    request_signature(actor=head, letter=letter, passphrase="sandi-tte-kepala")
    assert sign_outgoing(letter_id=letter.pk)
    letter.refresh_from_db()

    client.force_login(make_operator(opd=opd))
    page = client.get(reverse("surat_keluar:register")).content.decode()
    assert letter.number in page and "Pemberitahuan jadwal pemeliharaan jaringan" in page

    client.force_login(make_user())
    assert client.get(reverse("surat_keluar:register")).status_code == 403
