"""Forms of the filing pages, the daftar arsip and the archive search: shape only; the rules live in
arsip.services.filing."""

from django import forms

from arsip.models import Berkas, Record
from arsip.search import ArchiveFilters
from arsip.selectors import RegisterFilters, berkas_choices
from arsip.services.filing import NewBerkas
from kantor_virtual.forms import LongSelect, StyledForm
from organisasi.models import Opd, Unit
from persuratan.models import IncomingLetter, OutgoingLetter
from persuratan.search_forms import SearchForm, validate_classification_code

YEAR_MESSAGES = {"invalid": "Tulis tahun dengan empat angka, misalnya 2026."}


def classification_field() -> forms.CharField:
    return forms.CharField(
        label="Kode klasifikasi",
        required=False,
        max_length=30,
        validators=[validate_classification_code],
        help_text="Termasuk kode di bawahnya, misalnya 000.1.",
    )


def year_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=False, min_value=1900, max_value=2999, error_messages=YEAR_MESSAGES
    )


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit: Unit) -> str:
        return unit.name


class RegisterFilterForm(StyledForm):
    """The daftar's filters, in the address so that a list can be bookmarked and printed as shown."""

    status = forms.ChoiceField(
        label="Daftar",
        required=False,
        choices=[(Record.State.ACTIVE, "Arsip aktif"), (Record.State.INACTIVE, "Arsip inaktif")],
    )
    tahun = year_field("Tahun berkas")
    kode = classification_field()
    unit = UnitChoiceField(
        label="Unit pengolah", required=False, queryset=Unit.objects.none(), empty_label="Semua unit"
    )

    def __init__(self, *args, opd: Opd, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(opd=opd).order_by("name")

    def filters(self) -> RegisterFilters:
        data = self.cleaned_data
        return RegisterFilters(
            state=data["status"] or Record.State.ACTIVE,
            year=data["tahun"],
            classification=data["kode"],
            unit_id=data["unit"].pk if data["unit"] else None,
        )


class FilingFilterForm(StyledForm):
    kode = classification_field()


class BerkasChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, berkas: Berkas) -> str:
        return f"{berkas.number}/{berkas.year} · {berkas.classification.code} · {berkas.title}"


class FilingForm(StyledForm):
    """The letters ticked in the lists, and the berkas they go into: an existing one or a new one."""

    surat_masuk = forms.ModelMultipleChoiceField(queryset=IncomingLetter.objects.none(), required=False)
    surat_keluar = forms.ModelMultipleChoiceField(queryset=OutgoingLetter.objects.none(), required=False)
    berkas = BerkasChoiceField(
        label="Berkas tujuan",
        required=False,
        queryset=Berkas.objects.none(),
        empty_label="— Buka berkas baru —",
        widget=LongSelect,
        help_text="Berkas tahun ini dan tahun lalu; kodenya harus sama dengan kode surat yang dipilih.",
    )
    uraian = forms.CharField(
        label="Uraian berkas baru",
        required=False,
        max_length=300,
        help_text="Misalnya “Perjalanan dinas dalam negeri tahun 2026”.",
    )
    unit = UnitChoiceField(
        label="Unit pengolah berkas baru", required=False, queryset=Unit.objects.none(), empty_label="—"
    )

    def __init__(self, *args, opd: Opd, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["surat_masuk"].queryset = IncomingLetter.objects.filter(opd=opd)
        self.fields["surat_keluar"].queryset = OutgoingLetter.objects.filter(opd=opd)
        self.fields["berkas"].queryset = berkas_choices(opd=opd)
        self.fields["unit"].queryset = Unit.objects.filter(opd=opd).order_by("name")

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("surat_masuk") and not cleaned.get("surat_keluar") and not self.errors:
            raise forms.ValidationError("Centang sedikitnya satu surat untuk diberkaskan.")
        if (
            not cleaned.get("berkas")
            and not cleaned.get("uraian", "").strip()
            and "uraian" not in self.errors
        ):
            self.add_error("uraian", "Tuliskan uraian berkas baru, atau pilih berkas yang sudah ada.")
        return cleaned

    def target(self) -> Berkas | NewBerkas:
        data = self.cleaned_data
        return data["berkas"] or NewBerkas(title=data["uraian"], unit=data["unit"])

    def ticked(self, name: str) -> set[str]:
        """The ids ticked in the submitted form, to tick them again when it comes back with an error."""
        return set(self.data.getlist(name)) if self.is_bound else set()


class ArchiveSearchForm(SearchForm):
    """The letter search's words, number, sender and code, with the archive's year and state."""

    received_from = None
    received_to = None
    tahun = year_field("Tahun surat")
    status = forms.ChoiceField(
        label="Status arsip",
        required=False,
        choices=[("", "Semua"), *Record.State.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].help_text = (
            "Uraian, nomor, pengirim, ringkasan atau isi surat. "
            "Gunakan tanda kutip untuk frasa dan tanda minus untuk mengecualikan kata."
        )
        self.fields["tahun"].widget.attrs["class"] = "form-control"
        self.order_fields(["q", "classification", "tahun", "number", "sender", "status"])

    def filters(self) -> ArchiveFilters:
        data = self.cleaned_data
        return ArchiveFilters(
            classification=data["classification"],
            year=data["tahun"],
            number=data["number"],
            sender=data["sender"],
            state=data["status"],
        )
