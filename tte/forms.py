"""Forms of the certificate pages: their shape only; the rules (NIK, passphrase strength, who may)
are the services' (tte.services), whose refusals land on the field they concern."""

from django import forms

from kantor_virtual.errors import Refused
from kantor_virtual.forms import StyledForm
from tte.models import Certificate


def _secret(label: str, *, autocomplete: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class RefusalOnField:
    """Puts a service's refusal beside the field it concerns (by its code), else above the form."""

    FIELDS: dict[str, str] = {}

    def add_refusal(self, refusal: Refused) -> None:
        self.add_error(self.FIELDS.get(refusal.code), refusal.message)


class CertificateRequestForm(RefusalOnField, StyledForm):
    FIELDS = {
        "bad_nik": "nik",
        "nik_taken": "nik",
        "bad_email": "email",
        "weak_passphrase": "passphrase",
        "passphrase_mismatch": "passphrase_again",
    }

    nip = forms.CharField(label="NIP", required=False, disabled=True)
    nik = forms.CharField(
        label="NIK",
        max_length=16,
        help_text="16 angka, sesuai KTP-el. Layanan TTE mengenal penanda tangan dari NIK.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    email = forms.EmailField(label="Surel", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    passphrase = _secret(
        "Kata sandi TTE",
        autocomplete="new-password",
        help_text="Minimal 10 karakter, memuat huruf dan angka, tanpa NIP, NIK atau nama Anda. "
        "Kata sandi ini tidak disimpan dan tidak dapat dipulihkan oleh siapa pun.",
    )
    passphrase_again = _secret("Ulangi kata sandi TTE", autocomplete="new-password")

    def cleaned_data_for_service(self) -> dict[str, str]:
        """What `request_certificate` takes: the NIP shown is the person's own, never from the form."""
        return {name: value for name, value in self.cleaned_data.items() if name != "nip"}


class PassphraseChangeForm(RefusalOnField, StyledForm):
    FIELDS = {
        "wrong_passphrase": "old_passphrase",
        "weak_passphrase": "new_passphrase",
        "same_passphrase": "new_passphrase",
        "passphrase_mismatch": "new_passphrase_again",
    }

    old_passphrase = _secret("Kata sandi TTE lama", autocomplete="current-password")
    new_passphrase = _secret(
        "Kata sandi TTE baru",
        autocomplete="new-password",
        help_text="Minimal 10 karakter, memuat huruf dan angka, tanpa NIP, NIK atau nama Anda.",
    )
    new_passphrase_again = _secret("Ulangi kata sandi TTE baru", autocomplete="new-password")


class RevokeForm(RefusalOnField, StyledForm):
    FIELDS = {"bad_reason": "reason"}

    reason = forms.ChoiceField(
        label="Alasan pencabutan",
        choices=[("", "— pilih alasan —")]
        + [
            (value, label)
            for value, label in Certificate.RevocationReason.choices
            if value != Certificate.RevocationReason.SUPERSEDED
        ],
    )
    note = forms.CharField(
        label="Keterangan", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(RefusalOnField, StyledForm):
    FIELDS = {"missing_reason": "reason"}

    reason = forms.CharField(
        label="Alasan penolakan",
        max_length=500,
        help_text="Disampaikan kepada pemohon, mis. NIK tidak sesuai KTP-el.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
