"""The final PDF of an outgoing letter: kop surat, number, date, body, signature block and QR code."""

import segno
from django.conf import settings
from django.utils import timezone
from django.utils.safestring import mark_safe

from kantor_virtual.pdf import render_pdf
from persuratan.models import OutgoingLetter, OutgoingRecipient, SecurityClass, SigningMode
from persuratan.services.outgoing import acting_prefix, latest_version


def verification_url(letter: OutgoingLetter) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/verifikasi/{letter.verification_code}/"


def signature_block(letter: OutgoingLetter) -> list[str]:
    """The lines above the signer's name: "a.n. Kepala Dinas", "Sekretaris", "u.b." …, "Plt." where it applies."""
    own = f"{acting_prefix(letter.signed_as)}{letter.signer_position.name}"
    if letter.signing_mode == SigningMode.OWN:
        return [own]
    lines = [f"a.n. {letter.on_behalf_of.name}"]
    if letter.signing_mode == SigningMode.ON_BEHALF_BY:
        lines.append(letter.signer_position.parent.name if letter.signer_position.parent_id else "")
        lines.append("u.b.")
    lines.append(own)
    return [line for line in lines if line]


def render_outgoing_pdf(*, letter: OutgoingLetter) -> bytes:
    recipients = list(letter.recipients.select_related("position"))
    qr = segno.make(verification_url(letter), error="m")
    marks = {SecurityClass.SECRET: "RAHASIA", SecurityClass.TOP_SECRET: "SANGAT RAHASIA"}
    context = {
        "opd": letter.opd,
        "letter": letter,
        "to": [r for r in recipients if r.kind == OutgoingRecipient.Kind.TO],
        "copies": [r for r in recipients if r.kind == OutgoingRecipient.Kind.COPY],
        # Sanitised with an allow-list when it was saved (services.outgoing.sanitize_body).
        "body": mark_safe(latest_version(letter).body_html),
        "day": timezone.localdate(),
        "city": letter.opd.city,
        "signature_lines": signature_block(letter),
        "signer": letter.signed_by,
        "qr": qr.png_data_uri(scale=3, border=1),
        "verification_url": verification_url(letter),
        "security_mark": marks.get(letter.security_class, ""),
    }
    return render_pdf(template="pdf/naskah_dinas.html", context=context)
