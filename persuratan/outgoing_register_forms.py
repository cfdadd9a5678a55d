"""The outgoing register's search form: the incoming search form's checks, on the register's own fields."""

from django import forms

from kantor_virtual.forms import DateInput
from persuratan.models import LetterType, SecurityClass
from persuratan.outgoing_selectors import RegisterFilters
from persuratan.search_forms import DATE_MESSAGE, SearchForm

ANY = [("", "Semua")]


class OutgoingRegisterForm(SearchForm):
    date_range = ("signed_from", "signed_to")
    field_order = [
        "q",
        "signed_from",
        "signed_to",
        "number",
        "security_class",
        "letter_type",
        "classification",
    ]

    received_from = received_to = sender = None
    signed_from = forms.DateField(
        label="Ditandatangani dari",
        required=False,
        widget=DateInput(attrs={"class": "form-control"}),
        error_messages={"invalid": DATE_MESSAGE},
    )
    signed_to = forms.DateField(
        label="Ditandatangani sampai",
        required=False,
        widget=DateInput(attrs={"class": "form-control"}),
        error_messages={"invalid": DATE_MESSAGE},
    )
    number = forms.CharField(
        label="Nomor surat",
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text="Nomor lengkap, misalnya 000.1.2/12/DISKOMINFOS/2026.",
        error_messages={"max_length": "Nomor paling banyak %(limit_value)d karakter."},
    )
    security_class = forms.ChoiceField(
        label="Sifat",
        required=False,
        choices=ANY + SecurityClass.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    letter_type = forms.ChoiceField(
        label="Jenis naskah",
        required=False,
        choices=ANY + LetterType.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].help_text = (
            "Perihal atau nomor surat. Gunakan tanda kutip untuk frasa dan tanda minus untuk "
            "mengecualikan kata. Surat rahasia tidak dicari menurut kata; temukan dengan saringan."
        )

    def filters(self) -> RegisterFilters:
        data = self.cleaned_data
        return RegisterFilters(
            signed_from=data["signed_from"],
            signed_to=data["signed_to"],
            number=data["number"],
            security_class=data["security_class"],
            letter_type=data["letter_type"],
            classification=data["classification"],
        )
