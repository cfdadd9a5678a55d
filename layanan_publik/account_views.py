"""Applicant accounts: registration as a person or a business, the account page that asks to check
the mailbox, the verification link, and a new link on request."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kantor_virtual.access import public
from kantor_virtual.errors import Refused
from kantor_virtual.protection import limited
from layanan_publik.account_forms import RegisterForm
from layanan_publik.models import Applicant
from layanan_publik.services.accounts import (
    applicant_for_link,
    register_applicant,
    resend_verification,
    verify_email,
)

PORTAL_FRAME = "layanan_publik/base.html"
KINDS = {"perorangan": Applicant.Kind.PERSON, "badan-usaha": Applicant.Kind.BUSINESS}
# A refusal is shown beside the field it is about; the others above the form.
REFUSED_FIELD = {
    "bad_nik": "nik",
    "no_business_name": "business_name",
    "bad_nib": "nib",
    "no_name": "full_name",
    "email_taken": "email",
    "weak_password": "password",
}


@public
@require_GET
def register_choice(request: HttpRequest) -> HttpResponse:
    return render(request, "layanan_publik/account/register_choice.html")


@public
@require_http_methods(["GET", "POST"])
@limited("register", ip_rate="PORTAL_RATE_REGISTER_IP", frame=PORTAL_FRAME)
def register(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    if request.user.is_authenticated:
        messages.info(request, "Anda sudah masuk. Keluar dahulu untuk mendaftarkan akun lain.")
        return redirect("pemohon:account")
    form = RegisterForm(request.POST or None, kind=KINDS[kind])
    if form.is_valid():
        try:
            applicant = register_applicant(kind=KINDS[kind], **form.registration())
        except Refused as refusal:
            form.add_error(REFUSED_FIELD.get(refusal.code), refusal.message)
        else:
            # Signed in at once: the account page tells them to check their mailbox.
            login(request, applicant.user, backend="organisasi.backends.NipOrEmailBackend")
            messages.success(request, "Akun Anda sudah dibuat.")
            return redirect("pemohon:account")
    context = {"form": form, "kind": KINDS[kind]}
    return render(request, "layanan_publik/account/register.html", context)


@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    applicant = get_object_or_404(Applicant.objects.select_related("user"), user=request.user)
    return render(request, "layanan_publik/account/account.html", {"applicant": applicant})


@login_required
@require_POST
@limited(
    "resend_verification",
    ip_rate="PORTAL_RATE_RESEND_IP",
    user_rate="PORTAL_RATE_RESEND_ACCOUNT",
    frame=PORTAL_FRAME,
)
def resend(request: HttpRequest) -> HttpResponse:
    try:
        resend_verification(actor=request.user)
    except Refused as refusal:
        messages.info(request, refusal.message)
    else:
        messages.success(request, f"Tautan verifikasi baru sudah dikirim ke {request.user.email}.")
    return redirect("pemohon:account")


@public
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """The link shows a button and the POST verifies: a mail scanner that opens every link in a
    mailbox must not verify an address someone else registered."""
    try:
        if request.method == "POST":
            if verify_email(token=token):
                messages.success(request, "Terima kasih, alamat surel Anda sudah terverifikasi.")
            else:
                messages.info(request, "Alamat surel ini sudah terverifikasi sebelumnya.")
            return redirect("pemohon:verify", token=token)
        applicant = applicant_for_link(token=token)
    except Refused as refusal:
        return render(request, "layanan_publik/account/verify.html", {"refusal": refusal}, status=400)
    return render(request, "layanan_publik/account/verify.html", {"applicant": applicant})
