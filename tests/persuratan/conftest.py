"""An OPD that writes letters: a Kepala Dinas, two reviewers above a staff member, and the head of
another OPD to write to; `draft()` makes a nota dinas, `approved()` one that both reviewers parafed."""

import pytest

from persuratan.models import OutgoingRecipient, SigningMode
from persuratan.services.outgoing import DraftDetails, RecipientSpec, create_draft, paraf, submit_for_review

PASSPHRASE = "sandi-tte-kadis"


def draft_form_data(chain, classification, **fields) -> dict:
    """What the draft form posts for a nota dinas to the other OPD's head; `fields` change or add."""
    return {
        "letter_type": "internal_memo",
        "subject": "Rapat evaluasi SPBE",
        "security_class": "ordinary",
        "urgency": "normal",
        "classification": str(classification.pk),
        "attachment_count": "0",
        "signer_position": str(chain["kadis"].pk),
        "signing_mode": SigningMode.OWN,
        "addressees": [str(chain["other_head"].pk)],
        "body": "<p>Dengan hormat.</p>",
    } | fields


@pytest.fixture
def kadis(make_position):
    return make_position(name="Kepala Dinas")


@pytest.fixture
def chain(opd, other_opd, make_position, make_user):
    kadis = make_position(name="Kepala Dinas Kominfos", heads_opd=True)
    sekdis = make_position(name="Sekretaris Dinas", parent=kadis)
    kabid = make_position(name="Kepala Bidang Aplikasi", parent=sekdis)
    staf = make_position(name="Pranata Komputer", parent=kabid, kind="fungsional")
    other_head = make_position(name="Kepala Dinas Sosial", opd=other_opd, heads_opd=True)
    return {
        "kadis": kadis, "sekdis": sekdis, "kabid": kabid, "staf": staf, "other_head": other_head,
        "kadis_user": make_user(holds=kadis, full_name="Hendra Siregar"),
        "sekdis_user": make_user(holds=sekdis), "kabid_user": make_user(holds=kabid),
        "staf_user": make_user(holds=staf),
    }  # fmt: skip


@pytest.fixture
def draft(chain, classification):
    def make(
        *,
        subject="Undangan rapat evaluasi SPBE",
        mode=SigningMode.OWN,
        reviewers=None,
        signer=None,
        attachments=(),
    ):
        return create_draft(
            actor=chain["staf_user"],
            position=chain["staf"],
            details=DraftDetails(
                letter_type="internal_memo",
                subject=subject,
                security_class="ordinary",
                urgency="normal",
                classification=classification,
                signer_position=signer or chain["kadis"],
                signing_mode=mode,
                on_behalf_of=chain["kadis"] if mode != SigningMode.OWN else None,
            ),
            recipients=[
                RecipientSpec(kind=OutgoingRecipient.Kind.TO, position=chain["other_head"]),
                RecipientSpec(kind=OutgoingRecipient.Kind.COPY, name="Inspektur Provinsi"),
            ],
            body_html="<p>Dengan hormat, kami mengundang Bapak/Ibu.</p><script>alert(1)</script>",
            reviewers=[chain["kabid"], chain["sekdis"]] if reviewers is None else reviewers,
            attachments=attachments,
        )

    return make


@pytest.fixture
def approved(draft, chain):
    def make(**kwargs):
        letter = draft(**kwargs)
        submit_for_review(actor=chain["staf_user"], letter=letter)
        paraf(actor=chain["kabid_user"], letter=letter)
        paraf(actor=chain["sekdis_user"], letter=letter)
        letter.refresh_from_db()
        return letter

    return make
