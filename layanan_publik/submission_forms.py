"""Forms of submissions. The questions and documents come from the service; the rules they must meet
live in layanan_publik.services.submissions, which checks everything again."""

from django import forms

from kantor_virtual.files import ALLOWED_TYPES, check_upload
from kantor_virtual.forms import DateInput, MultipleFileField, StyledForm
from kantor_virtual.protection import HumanCheckMixin
from layanan_publik.models import Service, ServiceDocument, ServiceField
from layanan_publik.services.submissions import Upload

_ACCEPT = ",".join(ALLOWED_TYPES)


def _question(field: ServiceField) -> forms.Field:
    common = {"label": field.label, "required": field.required, "help_text": field.help_text}
    if field.kind == ServiceField.Kind.LONG_TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), **common)
    if field.kind == ServiceField.Kind.NUMBER:
        return forms.IntegerField(**common)
    if field.kind == ServiceField.Kind.DATE:
        return forms.DateField(widget=DateInput(), **common)
    if field.kind == ServiceField.Kind.CHOICE:
        options = [(choice, choice) for choice in field.choices.splitlines() if choice.strip()]
        return forms.ChoiceField(choices=[("", "— pilih —"), *options], **common)
    return forms.CharField(max_length=500, **common)


class SubmissionForm(HumanCheckMixin, StyledForm):
    """The service's questions (`answer_<key>`), one file input per required document
    (`document_<id>`), and any other files. On a resubmission, documents sent before may be kept."""

    extra = MultipleFileField(
        label="Berkas lain (jika ada)",
        required=False,
        help_text="PDF, JPEG atau PNG, diperiksa menurut isinya.",
    )
    note = forms.CharField(
        label="Apa yang Anda perbaiki?", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, service: Service, kept: set[int] = frozenset(), initial_answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service
        self.questions = list(service.fields.all())
        self.requirements = list(service.documents.all())
        for question in self.questions:
            self.fields[f"answer_{question.key}"] = _question(question)
            if initial_answers and question.key in initial_answers:
                self.fields[f"answer_{question.key}"].initial = initial_answers[question.key]
        for requirement in self.requirements:
            self.fields[f"document_{requirement.pk}"] = forms.FileField(
                label=requirement.name,
                required=requirement.required and requirement.pk not in kept,
                help_text=_document_help(requirement, kept),
                widget=forms.ClearableFileInput(attrs={"accept": _ACCEPT}),
            )
        if not kept:
            del self.fields["note"]
        self.order_fields([*(f"answer_{q.key}" for q in self.questions), "note"])

    def question_fields(self) -> list[forms.BoundField]:
        return [self[f"answer_{q.key}"] for q in self.questions]

    def document_fields(self) -> list[forms.BoundField]:
        return [self[f"document_{r.pk}"] for r in self.requirements]

    def clean(self):
        cleaned = super().clean()
        for requirement in self.requirements:
            upload = cleaned.get(f"document_{requirement.pk}")
            if upload:
                try:
                    check_upload(upload)
                except forms.ValidationError as error:
                    self.add_error(f"document_{requirement.pk}", error)
        return cleaned

    def answers(self) -> dict[str, str]:
        values = {q.key: self.cleaned_data.get(f"answer_{q.key}") for q in self.questions}
        return {key: "" if value is None else str(value) for key, value in values.items()}

    def uploads(self) -> list[Upload]:
        chosen = [
            Upload(file=self.cleaned_data[f"document_{r.pk}"], requirement=r)
            for r in self.requirements
            if self.cleaned_data.get(f"document_{r.pk}")
        ]
        return chosen + [Upload(file=upload) for upload in self.cleaned_data.get("extra", [])]


def _document_help(requirement: ServiceDocument, kept: set[int]) -> str:
    parts = [requirement.help_text] if requirement.help_text else []
    if requirement.pk in kept:
        parts.append("Sudah dikirim sebelumnya; unggah hanya bila ingin mengganti.")
    elif not requirement.required:
        parts.append("Tidak wajib.")
    return " ".join(parts)


class DecisionForm(StyledForm):
    note = forms.CharField(
        label="Catatan untuk pemohon",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Wajib bila permohonan dikembalikan (apa yang perlu dilengkapi) atau ditolak (alasannya).",
    )


class TrackForm(StyledForm):
    """A GET form: the rate limit on the look-up guards it, not a bot check."""

    kode = forms.CharField(label="Kode lacak", max_length=20, help_text="10 huruf/angka pada tanda terima.")
