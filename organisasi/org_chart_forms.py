"""Forms of the org chart pages. They check shape only; the rules live in organisasi.services."""

import re

from django import forms
from django.urls import reverse

from kantor_virtual.csv_files import CsvFileField
from kantor_virtual.forms import DateInput, StyledForm
from organisasi.models import Assignment, Opd, Position, Unit
from organisasi.org_chart_selectors import parent_choices, people_matching, units_of

ESELON_CHOICES = [("", "— tanpa eselon —")] + [
    (value, value) for value in ("I.a", "I.b", "II.a", "II.b", "III.a", "III.b", "IV.a", "IV.b", "V.a")
]


class PositionChoiceField(forms.ModelChoiceField):
    """Positions of other OPDs show which OPD they belong to."""

    default_error_messages = {
        "invalid_choice": "Pilih jabatan dari daftar. Jabatan itu tidak dapat menjadi atasan di sini "
        "(sudah ditutup, atau bawahan jabatan ini sendiri)."
    }

    def __init__(self, *args, opd: Opd, **kwargs) -> None:
        self.opd = opd
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Position) -> str:
        return obj.name if obj.opd_id == self.opd.pk else f"{obj.name} ({obj.opd.short_name or obj.opd.name})"


class PersonField(forms.CharField):
    """A person typed as NIP, e-mail or (a unique part of) the name; cleans to the User."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", "Pegawai")
        kwargs.setdefault("help_text", "Ketik NIP atau nama, lalu pilih dari saran yang muncul.")
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value).strip()
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
                f"Lebih dari satu pegawai cocok dengan “{text}”. Ketik NIP-nya atau pilih dari saran."
            )
        return matches[0]


class PositionForm(StyledForm):
    name = forms.CharField(label="Nama jabatan", max_length=255)
    kind = forms.ChoiceField(label="Jenis", choices=Position.Kind.choices)
    parent = forms.ModelChoiceField(queryset=Position.objects.none())  # replaced in __init__
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

    field_order = ["name", "kind", "parent", "unit", "eselon", "heads_opd", "code"]

    def __init__(self, *args, opd: Opd, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"] = PositionChoiceField(
            label="Atasan",
            queryset=parent_choices(opd=opd),
            required=False,
            empty_label="— tanpa atasan (puncak struktur) —",
            opd=opd,
            widget=forms.Select(attrs={"class": "form-select"}),
        )
        self.fields["unit"].queryset = units_of(opd=opd)
        self.order_fields(self.field_order)


class MovePositionForm(StyledForm):
    new_parent = forms.ModelChoiceField(queryset=Position.objects.none())  # replaced in __init__

    def __init__(self, *args, position: Position, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_parent"] = PositionChoiceField(
            label="Atasan baru",
            queryset=parent_choices(opd=position.opd, moving=position),
            required=False,
            empty_label="— tanpa atasan (puncak struktur) —",
            opd=position.opd,
            initial=position.parent_id,
            widget=forms.Select(attrs={"class": "form-select"}),
        )


class ClosePositionForm(StyledForm):
    on = forms.DateField(
        label="Ditutup mulai tanggal",
        widget=DateInput,
        help_text="Hari pertama jabatan ini tidak berlaku lagi.",
    )


class PersonSearchForm(StyledForm):
    """While the admin types in the person field, htmx fills a <datalist> with matching staff."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.suggestions_id = f"saran-{self.prefix or 'pegawai'}"
        self.fields["user"].widget.attrs.update(
            {
                "list": self.suggestions_id,
                "autocomplete": "off",
                "hx-get": reverse("organisasi:org_chart_people"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": f"#{self.suggestions_id}",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
            }
        )


class AssignDefinitiveForm(PersonSearchForm):
    user = PersonField()
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


class AppointActingForm(PersonSearchForm):
    user = PersonField()
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
