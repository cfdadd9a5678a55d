"""An outgoing letter laid out as naskah dinas: the final PDF, and the same page as a preview.

The layout comes from the letter's type (persuratan.letter_templates.LAYOUTS); the body's
placeholders are filled here, so `${nomor}` and `${tanggal}` show the values of the signature.
"""

from datetime import date

import segno
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe

from kantor_virtual.pdf import render_pdf
from organisasi.models import User
from organisasi.selectors import holders_of
from persuratan.letter_templates import fill, layout_for
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
        # The official named when the letter was drafted and checked again when it was signed.
        lines += [letter.by_order_of.name, "u.b."]
    lines.append(own)
    return lines


def _signer(letter: OutgoingLetter, day: date) -> User | None:
    """Who signs: the one who did, or for a preview the position's holder today."""
    if letter.signed_by_id:
        return letter.signed_by
    holders = holders_of(position_ids=[letter.signer_position_id], on=day).get(letter.signer_position_id)
    return holders[0] if holders else None


def naskah_context(letter: OutgoingLetter, *, body_html: str | None = None) -> dict:
    """What the type's layout needs; a letter without a number is laid out as a preview ("KONSEP")."""
    preview = not letter.number
    day = timezone.localdate(letter.signed_at) if letter.signed_at else timezone.localdate()
    recipients = list(letter.recipients.select_related("position"))
    to = [r for r in recipients if r.kind == OutgoingRecipient.Kind.TO]
    signer = _signer(letter, day)
    values = {
        "nomor": letter.number or "…",
        "tanggal": date_format(day, "j F Y"),
        "tahun": str(day.year),
        "perihal": letter.subject,
        "sifat": letter.get_security_class_display(),
        "lampiran": f"{letter.attachment_count} berkas" if letter.attachment_count else "-",
        "tujuan": ", ".join(r.label for r in to),
        "opd": letter.opd.name,
        "kota": letter.opd.city,
        "penandatangan": signer.full_name if signer else "",
        "nip_penandatangan": (signer.nip or "") if signer else "",
        "jabatan_penandatangan": letter.signer_position.name,
    }
    marks = {SecurityClass.SECRET: "RAHASIA", SecurityClass.TOP_SECRET: "SANGAT RAHASIA"}
    body = body_html if body_html is not None else latest_version(letter).body_html
    context = {
        "opd": letter.opd,
        "letter": letter,
        "layout": layout_for(letter.letter_type),
        "values": values,
        "to": to,
        "copies": [r for r in recipients if r.kind == OutgoingRecipient.Kind.COPY],
        "from_position": letter.on_behalf_of.name if letter.on_behalf_of_id else letter.signer_position.name,
        # Sanitised with an allow-list when it was saved; the filled values are escaped.
        "body": mark_safe(fill(body, values)),
        "signature_lines": signature_block(letter),
        "security_mark": marks.get(letter.security_class, ""),
        "preview": preview,
    }
    if not preview:
        context["qr"] = segno.make(verification_url(letter), error="m").png_data_uri(scale=3, border=1)
        context["verification_url"] = verification_url(letter)
    return context


def render_outgoing_pdf(*, letter: OutgoingLetter) -> bytes:
    return render_pdf(template=layout_for(letter.letter_type).template, context=naskah_context(letter))
