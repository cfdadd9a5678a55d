"""The search form: checks the shape of what was typed and turns it into SearchFilters."""

from django import forms

from persuratan.models import Classification
from persuratan.search import SearchFilters

DATE_MESSAGE = "Tanggal tidak dikenali. Tulis seperti 24-11-2026 atau pilih dari kalender."


def validate_classification_code(code: str) -> None:
    """A code typed into a filter must be in the list; its children are found with it."""
    if code and not Classification.objects.filter(code=code).exists():
        raise forms.ValidationError(
            f"Kode klasifikasi “{code}” tidak ada dalam daftar.", code="unknown_classification"
        )


class SearchForm(forms.Form):
    # The two date fields whose order `clean` checks; a form that filters by another date names its own.
    date_range = ("received_from", "received_to")

    q = forms.CharField(
        label="Kata kunci",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "class": "form-control form-control-lg"}
        ),
        help_text="Perihal, pengirim, nomor, ringkasan atau isi pindaian. "
        "Gunakan tanda kutip untuk frasa dan tanda minus untuk mengecualikan kata.",
        error_messages={"max_length": "Kata kunci paling banyak %(limit_value)d karakter."},
    )
    received_from = forms.DateField(
        label="Diterima dari",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        error_messages={"invalid": DATE_MESSAGE},
    )
    received_to = forms.DateField(
        label="Diterima sampai",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        error_messages={"invalid": DATE_MESSAGE},
    )
    number = forms.CharField(
        label="Nomor surat atau agenda",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text="Misalnya 000.1.2/123/SJ atau 0007/2026.",
        error_messages={"max_length": "Nomor paling banyak %(limit_value)d karakter."},
    )
    sender = forms.CharField(
        label="Pengirim",
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text="Awal nama pengirim.",
        error_messages={"max_length": "Nama pengirim paling banyak %(limit_value)d karakter."},
    )
    classification = forms.CharField(
        label="Kode klasifikasi",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text="Termasuk kode di bawahnya, misalnya 000.1.",
        error_messages={"max_length": "Kode klasifikasi paling banyak %(limit_value)d karakter."},
    )

    def clean_classification(self) -> str:
        code = self.cleaned_data["classification"].strip()
        validate_classification_code(code)
        return code

    def clean(self) -> dict:
        cleaned = super().clean()
        first, last = self.date_range
        start, end = cleaned.get(first), cleaned.get(last)
        if start and end and start > end:
            self.add_error(
                last,
                forms.ValidationError(
                    f"Tanggal “{self.fields[last].label}” tidak boleh sebelum tanggal “{self.fields[first].label}”.",
                    code="range_reversed",
                ),
            )
        return cleaned

    def filters(self) -> SearchFilters:
        data = self.cleaned_data
        return SearchFilters(
            received_from=data["received_from"],
            received_to=data["received_to"],
            number=data["number"],
            sender=data["sender"],
            classification=data["classification"],
        )
