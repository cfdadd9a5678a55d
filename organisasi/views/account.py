"""Signing in and out, the second factor, password change and choosing the position to act as."""

from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisasi.forms import LoginForm, SwitchPositionForm, TokenForm
from organisasi.middleware import ACTING_POSITION_SESSION_KEY


class LoginView(auth_views.LoginView):
    template_name = "organisasi/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "organisasi/password_change.html"
    success_url = reverse_lazy("beranda")

    def form_valid(self, form):
        messages.success(self.request, "Kata sandi Anda sudah diganti.")
        return super().form_valid(form)


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
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect("organisasi:otp_setup")
    form = TokenForm(request.POST or None)
    if form.is_valid() and _token_accepted(form, device):
        otp_login(request, device)
        return redirect(_safe_next(request, request.GET.get("next")))
    return render(request, "organisasi/otp_verify.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP authenticator: show its QR code, confirm it with a first code."""
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
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        messages.success(request, "Verifikasi dua langkah aktif.")
        return redirect("beranda")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5, title="Kode QR autentikator")
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "organisasi/otp_setup.html", {"form": form, "qr_svg": qr_svg, "secret": secret})


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
