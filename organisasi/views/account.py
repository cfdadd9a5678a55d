"""Signing in and out, the second factor and its recovery codes, password change, "Lupa kata sandi"
and the password links, and choosing the position to act as."""

from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from kantor_virtual.errors import Refused
from organisasi.forms import (
    LoginForm,
    NewPasswordForm,
    PasswordResetRequestForm,
    SecondFactorForm,
    SwitchPositionForm,
    TokenForm,
)
from organisasi.middleware import ACTING_POSITION_SESSION_KEY
from organisasi.people_selectors import recovery_codes_left
from organisasi.services import confirm_authenticator, make_recovery_codes, use_recovery_code
from organisasi.services.passwords import link_valid_days


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "organisasi/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@method_decorator(sensitive_post_parameters(), name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "organisasi/password_change.html"
    success_url = reverse_lazy("beranda")

    def form_valid(self, form):
        messages.success(self.request, "Kata sandi Anda sudah diganti.")
        return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    """ "Lupa kata sandi": the same answer whether or not the address has an account; the e-mail goes
    out from a worker after commit (PasswordResetRequestForm.save)."""

    template_name = "organisasi/password_reset_form.html"
    form_class = PasswordResetRequestForm
    success_url = reverse_lazy("organisasi:password_reset_done")
    title = "Lupa kata sandi"


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "organisasi/password_reset_done.html"
    title = "Periksa surel Anda"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "days": link_valid_days()}


@method_decorator(sensitive_post_parameters(), name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The page every password link opens: "Atur kata sandi pertama" for someone who never had one
    (staff created by an admin or by the import), "Atur kata sandi baru" otherwise."""

    template_name = "organisasi/password_reset_confirm.html"
    form_class = NewPasswordForm

    def get_user(self, uidb64: str):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None  # a deactivated account: no link works

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        first = self.user is not None and not self.user.has_usable_password()
        if context.get("validlink"):
            context["title"] = "Atur kata sandi pertama" if first else "Atur kata sandi baru"
        else:
            context["title"] = "Tautan tidak berlaku"
        context["first"] = first
        return context

    def form_valid(self, form):
        self.first = not self.user.has_usable_password()
        return super().form_valid(form)

    def get_success_url(self) -> str:
        url = reverse("organisasi:password_reset_complete")
        return f"{url}?pertama=1" if getattr(self, "first", False) else url


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "organisasi/password_reset_complete.html"
    title = "Kata sandi sudah diatur"


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return reverse_lazy("beranda")


def _token_accepted(form: TokenForm, device: TOTPDevice) -> bool:
    """Checks the code, honouring django-otp's throttle: each failure doubles the wait before the next try."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        form.add_error(
            "token", "Terlalu banyak percobaan. Tunggu beberapa detik, lalu masukkan kode terbaru."
        )
        return False
    if device.verify_token(form.cleaned_data["token"]):
        return True
    form.add_error(
        "token", "Kode salah atau sudah kedaluwarsa. Pastikan jam ponsel tepat dan pakai kode terbaru."
    )
    return False


@login_required
@sensitive_post_parameters("token")
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The code from the authenticator app, or one of the recovery codes (each good once)."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect("organisasi:otp_setup")
    form = SecondFactorForm(request.POST or None)
    if form.is_valid():
        if form.is_recovery_code:
            try:
                used = use_recovery_code(user=request.user, code=form.cleaned_data["token"])
            except Refused as refusal:
                form.add_error("token", refusal.message)
            else:
                otp_login(request, used)
                left = recovery_codes_left(user=request.user)
                messages.warning(
                    request,
                    f"Anda masuk dengan kode cadangan; tersisa {left} kode. Buat kode cadangan baru bila "
                    "tinggal sedikit, dan atur ulang aplikasi autentikator bila ponsel Anda hilang.",
                )
                return redirect(_safe_next(request, request.GET.get("next")))
        elif _token_accepted(form, device):
            otp_login(request, device)
            return redirect(_safe_next(request, request.GET.get("next")))
    return render(request, "organisasi/otp_verify.html", {"form": form})


def _show_recovery_codes(request: HttpRequest, codes: list[str], *, first: bool) -> HttpResponse:
    """The codes, shown this once and never again (the page is not kept by any cache)."""
    response = render(request, "organisasi/recovery_codes_new.html", {"codes": codes, "first": first})
    add_never_cache_headers(response)
    return response


@login_required
@sensitive_post_parameters("token")
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP authenticator: show its QR code, confirm it with a first code, then show the
    recovery codes once."""
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        if request.user.is_verified():
            messages.info(request, "Verifikasi dua langkah sudah aktif untuk akun Anda.")
            return redirect("beranda")
        return redirect("organisasi:otp_verify")
    device, _ = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "Aplikasi autentikator"}
    )
    form = TokenForm(request.POST or None)
    if form.is_valid() and _token_accepted(form, device):
        codes = confirm_authenticator(user=request.user, device=device)
        otp_login(request, device)
        return _show_recovery_codes(request, codes, first=True)
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5, title="Kode QR autentikator")
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "organisasi/otp_setup.html", {"form": form, "qr_svg": qr_svg, "secret": secret})


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """How many recovery codes are left, and a new set on request (the old set stops working)."""
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        messages.info(request, "Atur verifikasi dua langkah dahulu; kode cadangan dibuat bersamanya.")
        return redirect("organisasi:otp_setup")
    if not request.user.is_verified():
        # Only someone who has just passed the second factor may make codes that replace it.
        return redirect(f"{reverse('organisasi:otp_verify')}?next={request.path}")
    if request.method == "POST":
        return _show_recovery_codes(request, make_recovery_codes(user=request.user), first=False)
    return render(request, "organisasi/recovery_codes.html", {"left": recovery_codes_left(user=request.user)})


@login_required
@require_POST
def switch_position(request: HttpRequest) -> HttpResponse:
    form = SwitchPositionForm(request.POST)
    if form.is_valid():
        wanted = form.cleaned_data["position"]
        position = next((p for p in request.acting_positions if p.pk == wanted), None)
        if position is None:
            messages.error(request, "Anda tidak menjabat atau bertindak untuk jabatan itu hari ini.")
        else:
            request.session[ACTING_POSITION_SESSION_KEY] = position.pk
            messages.success(request, f"Sekarang Anda bertindak sebagai {position}.")
        return redirect(_safe_next(request, form.cleaned_data["next"]))
    return redirect("beranda")
