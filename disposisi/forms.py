"""Forms of the disposition pages. They check shape only; the rules live in disposisi.services."""

from django import forms

from disposisi.models import Instruction
from kantor_virtual.forms import DateInput, MultipleFileField, StyledForm
from organisasi.models import Position
from organisasi.pickers import PositionsPicker
from persuratan.models import Priority

NOTE_MAX = 2000
TEXT_MAX = 5000

# Which field shows a service's refusal, so the message sits next to what must change.
REFUSAL_FIELDS = {
    "no_target": "targets",
    "outside_authority": "targets",
    "closed_position": "targets",
    "already_disposed": "targets",
    "no_instruction": "instructions",
    "past_deadline": "due_on",
    "bad_priority": "priority",
    "no_text": "text",
}


_UNKNOWN_POSITION = {
    "invalid_choice": "Jabatan yang dipilih tidak ditemukan.",
    "invalid_pk_value": "Jabatan yang dipilih tidak ditemukan.",
}


class DisposeForm(StyledForm):
    """The positions right below are boxes to tick (`targets`); any deeper one is found by typing
    (`more_targets`). Any position id is accepted here: whether it is below the user is the
    service's decision, which answers with a message that names the position."""

    targets = forms.ModelMultipleChoiceField(
        label="Diteruskan kepada",
        queryset=Position.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=_UNKNOWN_POSITION,
    )
    more_targets = PositionsPicker(
        label="Jabatan lain di bawah Anda",
        queryset=Position.objects.all(),
        required=False,
        help_text="Ketik nama jabatan, unit atau pejabat untuk meneruskan lebih ke bawah.",
        error_messages=_UNKNOWN_POSITION,
    )
    instructions = forms.MultipleChoiceField(
        label="Instruksi",
        choices=Instruction.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Pilih sedikitnya satu instruksi.",
            "invalid_choice": "Pilih instruksi dari daftar.",
        },
    )
    note = forms.CharField(
        label="Catatan",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"Catatan paling panjang {NOTE_MAX} karakter."},
    )
    due_on = forms.DateField(
        label="Batas waktu",
        widget=DateInput(),
        error_messages={"required": "Isi batas waktu.", "invalid": "Tanggal batas waktu tidak valid."},
    )
    priority = forms.ChoiceField(
        label="Prioritas",
        choices=Priority.choices,
        initial=Priority.NORMAL,
        error_messages={"invalid_choice": "Pilih prioritas dari daftar."},
    )

    def __init__(self, *args, search_url: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["more_targets"].offer(search_url=search_url)

    def clean(self) -> dict:
        cleaned = super().clean()
        chosen = [*cleaned.get("targets", []), *cleaned.get("more_targets", [])]
        cleaned["targets"] = list(dict.fromkeys(chosen))
        if not cleaned["targets"] and not self.has_error("targets") and not self.has_error("more_targets"):
            self.add_error("targets", "Pilih sedikitnya satu jabatan tujuan disposisi.")
        return cleaned


class FollowUpForm(StyledForm):
    text = forms.CharField(
        label="Laporan tindak lanjut",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Tuliskan laporan tindak lanjut.",
            "max_length": f"Laporan paling panjang {TEXT_MAX} karakter.",
        },
    )
    files = MultipleFileField(
        label="Berkas pendukung",
        required=False,
        help_text="PDF, JPEG atau PNG. Boleh lebih dari satu berkas.",
        error_messages={"empty": "Berkas yang diunggah kosong."},
    )
    done = forms.BooleanField(
        label="Tandai selesai",
        required=False,
        help_text="Bagian Anda dinyatakan selesai; setelah itu tidak dapat dilaporkan atau diteruskan lagi.",
    )
