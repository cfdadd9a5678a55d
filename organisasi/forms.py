import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm

from kantor_virtual.forms import StyledForm
from organisasi.services import request_password_reset, set_password_by_link
from organisasi.services.passwords import accounts_for_reset
from organisasi.services.second_factor import RECOVERY_CODE, normal_recovery_code


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="NIP atau alamat surel",
        max_length=254,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}
        ),
    )
    password = forms.CharField(
        label="Kata sandi",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": "NIP/surel atau kata sandi salah. Periksa kembali lalu coba lagi.",
        "inactive": "Akun ini tidak aktif. Hubungi admin OPD Anda.",
    }


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Kode 6 angka dari aplikasi autentikator",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError("Kode harus terdiri dari 6 angka.")
        return token


class SecondFactorForm(forms.Form):
    """At sign-in: the authenticator's 6 digits, or one of the recovery codes for a phone not at hand."""

    token = forms.CharField(
        label="Kode 6 angka dari aplikasi autentikator, atau kode cadangan",
        max_length=20,
        help_text="Ponsel tidak ada? Masukkan salah satu kode cadangan Anda (8 huruf dan angka, "
        "mis. abcd-ef23). Setiap kode cadangan hanya berlaku sekali.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip()
        if re.fullmatch(r"[0-9]{6}", token.replace(" ", "")):
            self.is_recovery_code = False
            return token.replace(" ", "")
        if RECOVERY_CODE.fullmatch(normal_recovery_code(token)):
            self.is_recovery_code = True
            return normal_recovery_code(token)
        raise forms.ValidationError(
            "Masukkan 6 angka dari aplikasi autentikator, atau salah satu kode cadangan (8 huruf dan angka)."
        )


class PasswordResetRequestForm(PasswordResetForm, StyledForm):
    """ "Lupa kata sandi": an e-mail address. Django's form, with our rules for whom it reaches."""

    email = forms.EmailField(
        label="Alamat surel",
        max_length=254,
        help_text="Alamat surel yang terdaftar pada akun Anda.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def get_users(self, email):
        """Active accounts with that address, those without a password yet (staff created by the
        import or by an admin) included; Django's own form leaves them out."""
        return accounts_for_reset(email=email)

    def save(self, **options) -> None:
        """Django's view passes its e-mail options; the e-mail is ours, sent by a worker after commit."""
        request_password_reset(email=self.cleaned_data["email"])


class NewPasswordForm(SetPasswordForm, StyledForm):
    """The page a password link opens: the new password twice, checked by AUTH_PASSWORD_VALIDATORS
    (whose messages Django's Indonesian translation gives)."""

    error_messages = {"password_mismatch": "Kedua kata sandi tidak sama."}
    new_password1 = forms.CharField(
        label="Kata sandi baru",
        strip=False,
        help_text="Minimal 10 karakter, bukan hanya angka, bukan kata sandi yang umum, dan tidak mirip "
        "nama, NIP atau alamat surel Anda.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
    )
    new_password2 = forms.CharField(
        label="Ulangi kata sandi baru",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def save(self, commit: bool = True):
        return set_password_by_link(user=self.user, password=self.cleaned_data["new_password1"])


class SwitchPositionForm(forms.Form):
    position = forms.IntegerField()
    next = forms.CharField(required=False)
