"""The certificate pages: the holder's "Sertifikat TTE", admin SPBE's verification of requests, and the CRL."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kantor_virtual.access import public
from kantor_virtual.errors import Refused
from kantor_virtual.pagination import make_cursor, parse_cursor
from organisasi.selectors import is_admin
from tte import selectors
from tte.forms import CertificateRequestForm, PassphraseChangeForm, RejectForm, RevokeForm
from tte.models import Certificate
from tte.services import (
    approve_request,
    change_passphrase,
    ensure_authority,
    may_decide,
    may_hold_certificate,
    may_revoke,
    reject_request,
    request_certificate,
    revoke,
)
from tte.signing import current_crl

# Refusals about the person rather than what they typed (a request sent twice, a position lost).
PAGE_REFUSALS = {"already_enrolled", "not_pimpinan"}
PASSPHRASE_FIELDS = (
    "passphrase",
    "passphrase_again",
    "old_passphrase",
    "new_passphrase",
    "new_passphrase_again",
)


@public
@require_GET
def crl(request: HttpRequest) -> HttpResponse:
    """The revocation list named in every signer certificate: public, as X.509 requires.

    Made again as soon as a revocation bumps the CRL number; no cache may keep an older one."""
    response = HttpResponse(current_crl(ensure_authority()), content_type="application/pkix-crl")
    response["Cache-Control"] = "no-cache"
    return response


# ── The holder ───────────────────────────────────────────────────────────────────────────────


def _holder_page(request: HttpRequest, **forms) -> HttpResponse:
    user = request.user
    certificate = selectors.live_certificate_of(user=user)
    context = {
        "certificate": certificate,
        "earlier": selectors.earlier_certificates_of(user=user),
        # An expired certificate is superseded by the next request (tte.services.request_certificate).
        "may_request": (certificate is None or certificate.is_expired) and may_hold_certificate(user=user),
        "is_admin": is_admin(user=user),
        "request_form": forms.get("request_form")
        or CertificateRequestForm(
            initial={"nip": user.nip or "", "nik": user.nik or "", "email": user.email}
        ),
        "passphrase_form": forms.get("passphrase_form") or PassphraseChangeForm(),
        "revoke_form": forms.get("revoke_form") or RevokeForm(),
    }
    if certificate is not None:
        context["steps"] = selectors.lifecycle_of(certificate=certificate)
    return render(request, "tte/certificate.html", context)


@never_cache
@login_required
@sensitive_post_parameters(*PASSPHRASE_FIELDS)
@require_http_methods(["GET", "POST"])
def certificate(request: HttpRequest) -> HttpResponse:
    """The person's certificate and what they can do with it; without one, the request form."""
    if request.method == "GET":
        return _holder_page(request)
    user = request.user
    form = CertificateRequestForm(request.POST, initial={"nip": user.nip or ""})
    if form.is_valid():
        try:
            request_certificate(actor=user, **form.cleaned_data_for_service())
        except Refused as refusal:
            if refusal.code in PAGE_REFUSALS:  # the form is not shown again: say it above the page
                messages.error(request, refusal.message)
                return redirect("tte:certificate")
            form.add_refusal(refusal)
        else:
            messages.success(
                request, "Permohonan sertifikat TTE terkirim. Admin SPBE akan memeriksa identitas Anda."
            )
            return redirect("tte:certificate")
    return _holder_page(request, request_form=form)


@login_required
@sensitive_post_parameters(*PASSPHRASE_FIELDS)
@require_POST
def passphrase(request: HttpRequest) -> HttpResponse:
    held = selectors.live_certificate_of(user=request.user)
    if held is None:
        raise Http404
    form = PassphraseChangeForm(request.POST)
    if form.is_valid():
        try:
            change_passphrase(actor=request.user, certificate=held, **form.cleaned_data)
        except Refused as refusal:
            form.add_refusal(refusal)
        else:
            messages.success(
                request, "Kata sandi TTE sudah diganti. Pakai kata sandi baru saat menandatangani."
            )
            return redirect("tte:certificate")
    return _holder_page(request, passphrase_form=form)


@login_required
@require_POST
def revoke_own(request: HttpRequest) -> HttpResponse:
    held = selectors.live_certificate_of(user=request.user)
    if held is None:
        raise Http404
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            revoke(actor=request.user, certificate=held, **form.cleaned_data)
        except Refused as refusal:
            form.add_refusal(refusal)
        else:
            messages.success(
                request, "Sertifikat TTE Anda sudah dicabut. Ajukan yang baru bila Anda masih menandatangani."
            )
            return redirect("tte:certificate")
    return _holder_page(request, revoke_form=form)


# ── Admin SPBE: the registration authority ──────────────────────────────────────────────────


def _require_admin(request: HttpRequest) -> None:
    if not is_admin(user=request.user):
        raise PermissionDenied


@login_required
@require_GET
def requests(request: HttpRequest) -> HttpResponse:
    """Requests waiting for verification, oldest first, a page at a time."""
    _require_admin(request)
    rows = selectors.waiting_requests(user=request.user, after=parse_cursor(request.GET.get("setelah")))
    more = make_cursor(rows[-1].requested_at, rows[-1].pk) if len(rows) == selectors.PAGE_SIZE else None
    return render(request, "tte/requests.html", {"rows": rows, "next_after": more})


@login_required
@require_GET
def issued(request: HttpRequest) -> HttpResponse:
    """Issued certificates, to find one to revoke (by NIP, NIK or name)."""
    _require_admin(request)
    query = request.GET.get("q", "")[:100]
    rows = selectors.issued_certificates(user=request.user, query=query)
    return render(request, "tte/issued.html", {"rows": rows, "query": query, "limit": selectors.PAGE_SIZE})


def _review_page(request: HttpRequest, found: Certificate, **forms) -> HttpResponse:
    context = {
        "certificate": found,
        "steps": selectors.lifecycle_of(certificate=found),
        "can_decide": found.status == Certificate.Status.REQUESTED
        and may_decide(user=request.user, certificate=found),
        "can_revoke": found.status == Certificate.Status.ISSUED
        and not found.is_revoked
        and may_revoke(user=request.user, certificate=found),
        "holder_signs_today": may_hold_certificate(user=found.user),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "revoke_form": forms.get("revoke_form") or RevokeForm(),
    }
    return render(request, "tte/review.html", context)


def _found(request: HttpRequest, pk: int) -> Certificate:
    found = selectors.certificate_for_review(user=request.user, pk=pk)
    if found is None:
        raise Http404
    return found


@login_required
@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_page(request, _found(request, pk))


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    found = _found(request, pk)
    try:
        approve_request(actor=request.user, certificate=found)
    except Refused as refusal:
        messages.error(request, refusal.message)
        return redirect("tte:review", pk=pk)
    messages.success(request, f"Sertifikat TTE {found.full_name} diterbitkan.")
    return redirect("tte:requests")


@login_required
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    found = _found(request, pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            reject_request(actor=request.user, certificate=found, reason=form.cleaned_data["reason"])
        except Refused as refusal:
            form.add_refusal(refusal)
        else:
            messages.success(request, f"Permohonan {found.full_name} ditolak; pemohon diberi tahu alasannya.")
            return redirect("tte:requests")
    return _review_page(request, found, reject_form=form)


@login_required
@require_POST
def revoke_any(request: HttpRequest, pk: int) -> HttpResponse:
    found = _found(request, pk)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            revoke(actor=request.user, certificate=found, **form.cleaned_data)
        except Refused as refusal:
            form.add_refusal(refusal)
        else:
            messages.success(request, f"Sertifikat TTE {found.full_name} dicabut; pemiliknya diberi tahu.")
            return redirect("tte:review", pk=pk)
    return _review_page(request, found, revoke_form=form)
