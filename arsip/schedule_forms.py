"""Forms of the classification and JRA pages."""

from django import forms

from arsip.models import FinalDisposition
from arsip.services.schedule import MAX_YEARS, RuleValues
from kantor_virtual.csv_files import CsvFileField
from kantor_virtual.forms import StyledForm


class CsvImportForm(StyledForm):
    berkas = CsvFileField(label="Berkas CSV")


def years_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_YEARS,
        error_messages={"invalid": "Tulis jumlah tahun dengan angka."},
    )


class RetentionForm(StyledForm):
    active_years = years_field("Retensi aktif (tahun)")
    inactive_years = years_field("Retensi inaktif (tahun)")
    final_disposition = forms.ChoiceField(label="Keterangan akhir", choices=FinalDisposition.choices)
    notes = forms.CharField(label="Catatan", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def values(self) -> RuleValues:
        return RuleValues(**self.cleaned_data)
