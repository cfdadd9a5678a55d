"""Forms of penyusutan. They check shape; the rules live in arsip.services.proposals."""

from django import forms

from arsip.models import Record
from kantor_virtual.forms import StyledForm


class ProposalForm(StyledForm):
    records = forms.ModelMultipleChoiceField(
        queryset=Record.objects.all(),
        error_messages={"required": "Pilih sedikitnya satu arsip."},
    )
    note = forms.CharField(
        label="Pertimbangan",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Mis. dasar usul dan kondisi fisik arsip; dibaca oleh pimpinan yang memutuskan.",
    )


class DecisionForm(StyledForm):
    note = forms.CharField(
        label="Catatan keputusan",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Wajib diisi bila usul ditolak.",
    )
