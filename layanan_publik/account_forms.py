"""The registration form. It checks the shape of what is typed; the rules (NIK and NIB digits, a free
e-mail address, a strong password) live in layanan_publik.services.accounts."""

from django import forms
from django.core.validators import RegexValidator

from kantor_virtual.forms import StyledForm
from kantor_virtual.protection import HumanCheckMixin
from layanan_publik.models import Applicant

_ACCOUNT_FIELDS = ("full_name", "nik", "business_name", "nib", "email", "phone", "password")


class RegisterForm(HumanCheckMixin, StyledForm):
    """A person gives their name and NIK; a business its name, NIB and contact person."""

    business_name = forms.CharField(label="Nama badan usaha/organisasi", max_length=200)
    nib = forms.CharField(
        label="NIB",
        max_length=20,
        help_text="13 angka Nomor Induk Berusaha dari OSS.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    full_name = forms.CharField(
        label="Nama lengkap",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    nik = forms.CharField(
        label="NIK",
        max_length=20,
        help_text="16 angka Nomor Induk Kependudukan, sesuai KTP-el.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label="Alamat surel",
        max_length=254,
        help_text="Tautan verifikasi dikirim ke alamat ini, dan Anda masuk dengan alamat ini.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label="Nomor telepon/WhatsApp",
        max_length=30,
        validators=[
            RegexValidator(
                r"^\+?[0-9 ()-]{8,20}$", "Isi nomor telepon yang dapat dihubungi, misalnya 0812 3456 7890."
            )
        ],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    password = forms.CharField(
        label="Kata sandi",
        strip=False,
        help_text="Minimal 10 karakter, bukan hanya angka, dan tidak mirip nama atau alamat surel Anda.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="Ulangi kata sandi",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, kind: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if kind == Applicant.Kind.PERSON:
            del self.fields["business_name"], self.fields["nib"]
        else:
            del self.fields["nik"]
            self.fields["full_name"].label = "Nama penanggung jawab"
            self.fields["full_name"].help_text = "Orang yang kami hubungi tentang permohonan badan usaha ini."

    def clean(self):
        cleaned = super().clean()
        password, again = cleaned.get("password"), cleaned.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", "Kedua kata sandi tidak sama.")
        return cleaned

    def registration(self) -> dict[str, str]:
        """The answers as layanan_publik.services.accounts.register_applicant takes them."""
        return {name: self.cleaned_data[name] for name in _ACCOUNT_FIELDS if name in self.cleaned_data}
