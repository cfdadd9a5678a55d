"""An OPD's admin keeps the starting bodies of its naskah dinas (persuratan.letter_templates)."""

from django.db import transaction

from kantor_virtual.errors import Refused
from kantor_virtual.timeline import record_event
from organisasi.models import Opd, User
from organisasi.selectors import opds_administered_by
from persuratan.letter_templates import DRAFTABLE_TYPES, check_placeholders
from persuratan.models import LetterTemplate
from persuratan.services.outgoing import sanitize_body


def _check_admin(actor: User, opd: Opd, letter_type: str) -> None:
    if not opds_administered_by(user=actor).filter(pk=opd.pk).exists():
        raise Refused("Hanya admin OPD ini yang dapat mengubah templatnya.", code="not_admin")
    if letter_type not in DRAFTABLE_TYPES:
        raise Refused("Jenis naskah ini tidak memiliki templat.", code="unknown_type")


@transaction.atomic
def save_template(*, actor: User, opd: Opd, letter_type: str, body_html: str) -> LetterTemplate:
    """Keep the OPD's body for a type: sanitised like a draft, every placeholder known."""
    _check_admin(actor, opd, letter_type)
    body = sanitize_body(body_html)
    if not body:
        raise Refused("Isi templat masih kosong.", code="empty_body")
    check_placeholders(body)
    template, _ = LetterTemplate.objects.update_or_create(
        opd=opd, letter_type=letter_type, defaults={"body_html": body, "updated_by": actor}
    )
    record_event(target=opd, verb="template_saved", actor=actor, details={"type": letter_type})
    return template


@transaction.atomic
def reset_template(*, actor: User, opd: Opd, letter_type: str) -> None:
    """Back to the product's default body for the type."""
    _check_admin(actor, opd, letter_type)
    if LetterTemplate.objects.filter(opd=opd, letter_type=letter_type).delete()[0]:
        record_event(target=opd, verb="template_reset", actor=actor, details={"type": letter_type})
