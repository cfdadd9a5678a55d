"""Forms of the complaint channel: the applicant's pengaduan and the operator's answer."""

from django import forms

from kantor_virtual.forms import StyledForm
from kantor_virtual.protection import HumanCheckMixin
from layanan_publik.models import Submission
from layanan_publik.survey_forms import PortalOpdField


class ComplaintForm(HumanCheckMixin, StyledForm):
    opd = PortalOpdField(label="Perangkat daerah yang diadukan", empty_label="— Pilih perangkat daerah —")
    submission = forms.ChoiceField(
        label="Terkait permohonan",
        required=False,
        help_text="Pilih bila pengaduan menyangkut salah satu permohonan Anda.",
    )
    subject = forms.CharField(label="Pokok pengaduan", max_length=200)
    body = forms.CharField(
        label="Uraian pengaduan",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Ceritakan apa yang terjadi, kapan, dan apa yang Anda harapkan.",
    )

    def __init__(self, *args, submissions: list[Submission], **kwargs) -> None:
        """`submissions`: the applicant's own, to choose from by tracking code."""
        super().__init__(*args, **kwargs)
        self._submissions = {submission.tracking_code: submission for submission in submissions}
        self.fields["submission"].choices = [("", "Tidak terkait permohonan tertentu")] + [
            (submission.tracking_code, f"{submission.tracking_code} — {submission.service.name}")
            for submission in submissions
        ]

    def clean_submission(self) -> Submission | None:
        return self._submissions.get(self.cleaned_data["submission"])


class AnswerForm(StyledForm):
    answer = forms.CharField(label="Tanggapan", max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
