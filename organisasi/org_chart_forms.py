"""Forms of the org chart pages. They check shape only; the rules live in organisasi.services."""

import re
from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils import timezone

from kantor_virtual.csv_files import CsvFileField
from kantor_virtual.forms import DateInput, StyledForm
from organisasi.models import Assignment, Opd, Position, Unit, User
from organisasi.org_chart_selectors import active_staff, parent_choices, people_matching, units_of
from organisasi.pickers import PersonPicker, PositionPicker
from organisasi.selectors import PICKER_ROWS, leading_positions

ESELON_CHOICES = [("", "— tanpa eselon —")] + [
    (value, value) for value in ("I.a", "I.b", "II.a", "II.b", "III.a", "III.b", "IV.a", "IV.b", "V.a")
]


NOT_A_PARENT = (
    "Jabatan itu tidak dapat menjadi atasan di sini (sudah ditutup, di luar pilihan, atau bawahan jabatan "
    "ini sendiri). Ketik untuk mencari jabatan lain."
)


def _parent_picker(label: str) -> PositionPicker:
    return PositionPicker(
        label=label,
        queryset=Position.objects.none(),  # parent_choices(...) in __init__: accepted, never listed
        required=False,
        help_text="Ketik nama jabatan, unit atau pejabatnya; tanpa atasan, jabatan ini menjadi puncak struktur.",
        error_messages={"invalid_choice": NOT_A_PARENT},
    )


def _offer_parents(field: PositionPicker, *, opd: Opd, search_url: str, current: int | None) -> None:
    """Before any typing: the current superior, then the OPD's head and the positions right below it,
    among those that may be chosen (the picker keeps only those: a moving position's own
    subordinates never are)."""
    leading = [position.pk for position in leading_positions(opd=opd, on=timezone.localdate())]
    first = [current] if current is not None else []
    field.offer(search_url=search_url, suggested=[*first, *leading][:PICKER_ROWS])


def _as_id(value) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() else None


def person_typed(text: str) -> User:
    """The one active member of staff that `text` names: a NIP of 18 digits, or (a unique part of) a
    name or an e-mail address."""
    text = text.strip()
    nip = re.sub(r"\s", "", text)
    if re.fullmatch(r"[0-9]{18}", nip):
        matches = [person for person in people_matching(query=nip, limit=2) if person.nip == nip]
        if not matches:
            raise forms.ValidationError(f"Tidak ada pegawai aktif dengan NIP {nip}.")
        return matches[0]
    matches = people_matching(query=text, limit=2)
    if not matches:
        raise forms.ValidationError(
            f"Tidak ada pegawai yang cocok dengan “{text}”. Ketik NIP 18 angka atau nama lengkapnya."
        )
    if len(matches) > 1:
        raise forms.ValidationError(
            f"Lebih dari satu pegawai cocok dengan “{text}”. Ketik NIP-nya atau pilih dari hasil pencarian."
        )
    return matches[0]


class AppointeeField(PersonPicker):
    """An active member of staff, found by typing and chosen. When none was chosen but words were typed
    in the search box (and the form sent without "Cari"), they must name exactly one person, as a NIP
    or a unique name (`person_typed`)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", "Pegawai")
        kwargs.setdefault("help_text", "Ketik NIP, nama atau alamat surel, lalu pilih pegawainya.")
        not_staff = "Pegawai itu tidak dapat dipilih: bukan pegawai aktif. Ketik untuk mencari pegawai."
        kwargs.setdefault("error_messages", {"invalid_choice": not_staff})
        super().__init__(queryset=User.objects.none(), **kwargs)

    def clean(self, value):
        typed = self.widget.typed.strip()
        if value in self.empty_values and typed:
            return person_typed(typed)
        return super().clean(value)


class PositionForm(StyledForm):
    name = forms.CharField(label="Nama jabatan", max_length=255)
    kind = forms.ChoiceField(label="Jenis", choices=Position.Kind.choices)
    parent = _parent_picker("Atasan")
    unit = forms.ModelChoiceField(
        label="Unit kerja", queryset=Unit.objects.none(), required=False, empty_label="— tanpa unit —"
    )
    eselon = forms.ChoiceField(label="Eselon", choices=ESELON_CHOICES, required=False)
    heads_opd = forms.BooleanField(label="Jabatan ini kepala perangkat daerah (kepala OPD)", required=False)
    code = forms.CharField(
        label="Kode jabatan",
        max_length=60,
        required=False,
        help_text="Boleh dikosongkan: kode dibuat otomatis.",
    )

    def __init__(self, *args, opd: Opd, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        parent.queryset = parent_choices(opd=opd)
        search_url = f"{reverse('organisasi:org_chart_parents')}?{urlencode({'opd': opd.code})}"
        _offer_parents(parent, opd=opd, search_url=search_url, current=_as_id(self.initial.get("parent")))
        self.fields["unit"].queryset = units_of(opd=opd)


class MovePositionForm(StyledForm):
    new_parent = _parent_picker("Atasan baru")

    def __init__(self, *args, position: Position, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        new_parent = self.fields["new_parent"]
        new_parent.queryset = parent_choices(opd=position.opd, moving=position)
        new_parent.initial = position.parent_id
        search_url = f"{reverse('organisasi:org_chart_parents')}?{urlencode({'jabatan': position.pk})}"
        _offer_parents(new_parent, opd=position.opd, search_url=search_url, current=position.parent_id)


class ClosePositionForm(StyledForm):
    on = forms.DateField(
        label="Ditutup mulai tanggal",
        widget=DateInput,
        help_text="Hari pertama jabatan ini tidak berlaku lagi.",
    )


class AppointmentForm(StyledForm):
    """Whom a position gets: a member of staff found by typing (org_chart_people answers the picker)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        user = self.fields["user"]
        user.queryset = active_staff()
        user.offer(search_url=reverse("organisasi:org_chart_people"))


class AssignDefinitiveForm(AppointmentForm):
    user = AppointeeField()
    start = forms.DateField(label="Mulai", widget=DateInput)
    end = forms.DateField(
        label="Sampai",
        widget=DateInput,
        required=False,
        help_text="Kosongkan bila sampai ada keputusan lain.",
    )
    decree_number = forms.CharField(
        label="Nomor SK",
        max_length=100,
        help_text="Nomor SK pengangkatan dalam jabatan yang menjadi dasar penetapan ini.",
        error_messages={"required": "Isi nomor SK yang menjadi dasar penugasan ini."},
    )


class AppointActingForm(AppointmentForm):
    user = AppointeeField()
    kind = forms.ChoiceField(
        label="Sebagai",
        choices=[
            (Assignment.Kind.PLT, "Plt — jabatan kosong"),
            (Assignment.Kind.PLH, "Plh — pejabat definitif berhalangan sementara"),
        ],
    )
    start = forms.DateField(label="Mulai", widget=DateInput)
    end = forms.DateField(label="Sampai", widget=DateInput)
    decree_number = forms.CharField(
        label="Nomor surat perintah",
        max_length=100,
        help_text="Nomor surat perintah Plt/Plh yang menjadi dasar penunjukan ini.",
        error_messages={"required": "Isi nomor surat perintah yang menjadi dasar penugasan ini."},
    )


class EndAssignmentForm(StyledForm):
    end = forms.DateField(label="Tanggal terakhir", widget=DateInput)


class ImportForm(StyledForm):
    jabatan = CsvFileField(
        label="Berkas jabatan (CSV)",
        required=False,
        help_text="Kolom: kode, nama, jenis, kode_atasan, unit, eselon, kepala_opd.",
    )
    pegawai = CsvFileField(
        label="Berkas pegawai (CSV)",
        required=False,
        help_text="Kolom: nip, nama, email, kode_jabatan, status, mulai, selesai, nomor_sk "
        "(wajib untuk setiap penugasan baru).",
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.errors and not cleaned.get("jabatan") and not cleaned.get("pegawai"):
            raise forms.ValidationError("Pilih berkas jabatan, berkas pegawai, atau keduanya.")
        return cleaned
