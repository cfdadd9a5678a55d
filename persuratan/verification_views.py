"""Public verification of signed outgoing letters: the QR code's page and a PDF upload for anyone.

No login: the verification code is unguessable, and the page shows only what the letter itself
prints (number, date, signer, OPD, and perihal only for sifat biasa).
"""

import hashlib
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from kantor_virtual.access import public
from kantor_virtual.protection import limited
from kantor_virtual.templatetags.tanggal import tanggal_jam
from persuratan.models import OutgoingLetter, SecurityClass
from persuratan.outgoing_selectors import signed_letter_by_code, signed_letter_by_sha256
from persuratan.rendering import signature_block
from persuratan.verification_forms import VerifyUploadForm
from tte.signing import Verification, verify_pdf


@dataclass(frozen=True)
class Verdict:
    """What a verification means, in one plain sentence for the public, and a note when the
    signer's certificate was revoked after the signature was made."""

    valid: bool
    headline: str
    result: Verification
    revoked_since: str = ""


def verdict_of(result: Verification) -> Verdict:
    if not result.signed:
        return Verdict(False, "Tidak valid: dokumen ini tidak memuat tanda tangan elektronik.", result)
    if result.revoked and result.valid_when_signed:
        # Signed (time-stamped) before the revocation: the signature stays as it was made, with the fact told.
        when = f"{tanggal_jam(timezone.localtime(result.revoked_at))} WIB"
        return Verdict(
            True,
            "Tanda tangan elektronik valid pada saat naskah ditandatangani.",
            result,
            revoked_since=f"Sertifikat elektronik penanda tangan telah dicabut pada {when}, "
            "setelah naskah ini ditandatangani. Tanda tangan yang dibuat sebelumnya tetap tercatat pada waktunya.",
        )
    if result.revoked:
        return Verdict(False, "Tidak valid: sertifikat elektronik penanda tangan telah dicabut.", result)
    if result.valid:
        return Verdict(True, "Dokumen asli dan tanda tangan elektronik valid.", result)
    if result.intact and not result.trusted:
        return Verdict(False, "Tidak valid: tanda tangan tidak diterbitkan oleh Kantor Virtual.", result)
    return Verdict(False, "Tidak valid: dokumen telah diubah setelah ditandatangani.", result)


def _stored_verdict(letter: OutgoingLetter) -> Verdict:
    try:
        with letter.signed_pdf.open("rb") as handle:
            content = handle.read()
    except (FileNotFoundError, ValueError):  # the file is gone: nothing to vouch for
        content = b""
    return verdict_of(verify_pdf(content))


@public
@never_cache
@require_GET
def letter(request: HttpRequest, code: str) -> HttpResponse:
    found = signed_letter_by_code(code)
    if found is None:
        # Unknown and not-yet-signed look the same: the page never tells whether a code exists.
        return render(request, "persuratan/verification_letter.html", {"letter": None}, status=404)
    context = {
        "letter": found,
        "signer_lines": signature_block(found),
        "show_subject": found.security_class == SecurityClass.ORDINARY,
        "verdict": _stored_verdict(found),
    }
    return render(request, "persuratan/verification_letter.html", context)


@public
@never_cache
@require_http_methods(["GET", "POST"])
# Verifying a PDF costs a signature validation: uploads are capped per client address.
@limited("verification_upload", ip_rate="PORTAL_RATE_VERIFICATION_IP")
def upload(request: HttpRequest) -> HttpResponse:
    form = VerifyUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if form.is_valid():
        content = form.cleaned_data["document"].read()
        digest = hashlib.sha256(content).hexdigest()
        context["verdict"] = verdict_of(verify_pdf(content))
        context["match"] = signed_letter_by_sha256(digest)
    return render(request, "persuratan/verification.html", context)
