"""The SKM questionnaire and the statistics page's period filter."""

from django import forms
from django.utils import timezone

from kantor_virtual.forms import StyledForm
from layanan_publik.catalogue_selectors import opds_with_services
from layanan_publik.models import SKM_ELEMENTS
from organisasi.models import Opd

# The question and the four answers (1 to 4) of each unsur, as in the sample questionnaire of
# PermenPANRB 14/2017 (reference/skm.md §1).
QUESTIONS = {
    "requirements": (
        "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    ),
    "procedure": (
        "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
        ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
    ),
    "completion_time": (
        "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
        ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
    ),
    "cost": (
        "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
        ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
    ),
    "product": (
        "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam "
        "standar pelayanan dengan hasil yang diberikan?",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    ),
    "staff_competence": (
        "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
        ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
    ),
    "staff_behaviour": (
        "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
        ("Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah"),
    ),
    "complaint_handling": (
        "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
        ("Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik"),
    ),
    "facilities": (
        "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
        ("Buruk", "Cukup", "Baik", "Sangat baik"),
    ),
}


class PortalOpdField(forms.ModelChoiceField):
    """One of the OPDs that offer public services, chosen by its code and shown by its full name."""

    def __init__(self, **kwargs) -> None:
        super().__init__(queryset=opds_with_services(), to_field_name="code", **kwargs)

    def label_from_instance(self, obj: Opd) -> str:
        return obj.name


class SurveyForm(StyledForm):
    comment = forms.CharField(
        label="Saran dan masukan",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Tidak wajib. Jangan menuliskan data pribadi.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Added after StyledForm's classes: the radios are drawn by the template, one fieldset each.
        for name, label in SKM_ELEMENTS:
            question, answers = QUESTIONS[name]
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                help_text=question,
                choices=list(enumerate(answers, start=1)),
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Pilih salah satu jawaban."},
            )
        self.order_fields([name for name, _ in SKM_ELEMENTS])

    @property
    def questions(self) -> list:
        return [self[name] for name, _ in SKM_ELEMENTS]

    def answers(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name, _ in SKM_ELEMENTS}


def _years() -> list[tuple[int, int]]:
    this_year = timezone.localdate().year
    return [(year, year) for year in range(this_year, this_year - 5, -1)]


class StatisticsFilterForm(StyledForm):
    """`?tahun=2026&opd=DINSOS`: the year (this one by default) and, optionally, one OPD."""

    tahun = forms.TypedChoiceField(label="Tahun", choices=_years, coerce=int, required=False)
    opd = PortalOpdField(label="Perangkat daerah", required=False, empty_label="Semua perangkat daerah")

    def year(self) -> int:
        return (self.is_valid() and self.cleaned_data["tahun"]) or timezone.localdate().year

    def chosen_opd(self) -> Opd | None:
        return self.cleaned_data["opd"] if self.is_valid() else None
