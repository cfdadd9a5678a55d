"""The public upload form: one PDF, checked by its bytes, never stored."""

from django import forms
from django.conf import settings

from kantor_virtual.files import sniff_content_type
from kantor_virtual.forms import StyledForm


class VerifyUploadForm(StyledForm):
    document = forms.FileField(
        label="Berkas PDF",
        help_text="Unggah naskah dinas yang ingin diperiksa. Berkas tidak disimpan.",
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
        error_messages={"required": "Pilih berkas PDF yang akan diperiksa."},
    )

    def clean_document(self):
        upload = self.cleaned_data["document"]
        limit = settings.UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"Berkas terlalu besar; batasnya {limit // 1_048_576} MB.", code="too_large"
            )
        if upload.size == 0:
            raise forms.ValidationError("Berkas kosong.", code="empty")
        # By content, not by name: a renamed picture is not a PDF.
        if sniff_content_type(upload) != "application/pdf":
            raise forms.ValidationError(
                "Berkas ini bukan PDF menurut isinya. Unggah berkas PDF.", code="bad_type"
            )
        return upload
