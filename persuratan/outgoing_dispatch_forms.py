"""The operator's record of a printed letter leaving the office: when, how, and a note."""

from django import forms
from django.utils import timezone

from kantor_virtual.forms import DateInput, StyledForm
from persuratan.models import DispatchMeans


class DispatchForm(StyledForm):
    sent_on = forms.DateField(
        label="Tanggal kirim",
        widget=DateInput(),
        error_messages={"required": "Isi tanggal kirim.", "invalid": "Tulis tanggal seperti 2026-05-31."},
    )
    means = forms.ChoiceField(
        label="Dikirim lewat",
        choices=DispatchMeans.choices,
        error_messages={
            "required": "Pilih cara pengiriman.",
            "invalid_choice": "Pilih cara pengiriman dari daftar.",
        },
    )
    note = forms.CharField(
        label="Catatan",
        required=False,
        max_length=500,
        help_text="Misalnya nomor resi pos atau nama kurir.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {"sent_on": timezone.localdate(), "means": DispatchMeans.COURIER})
        super().__init__(*args, **kwargs)
