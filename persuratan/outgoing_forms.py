"""Forms of outgoing letters. They check shape; rules live in persuratan.services.outgoing."""

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django_prose_editor.widgets import ProseEditorWidget

from kantor_virtual.forms import MultipleFileField, StyledForm
from organisasi.models import Position
from persuratan.forms import LetterMetadataForm
from persuratan.letter_templates import DRAFTABLE_TYPES
from persuratan.models import IncomingLetter, OutgoingRecipient, SigningMode
from persuratan.services.outgoing import DraftDetails, RecipientSpec, propose_review_chain

# What the editor offers matches what services.outgoing.sanitize_body keeps.
_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "HardBreak": True,
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "History": True,
}


class _LabelledEditor(ProseEditorWidget):
    """The editor with kv/editor.js, which names its editable area after the field's label."""

    @property
    def media(self):
        return super().media + forms.Media(js=["kv/editor.js"])


class BodyField(forms.CharField):
    """The body of a letter or template, written in the rich-text editor (a textarea without script)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", "Isi surat")
        widget = _LabelledEditor(
            config={"extensions": _EDITOR_EXTENSIONS}, preset="configurable", attrs={"rows": 14}
        )
        super().__init__(widget=widget, **kwargs)


class _NamesItsOpd:
    """Positions of every OPD are offered: each says which OPD it belongs to."""

    def label_from_instance(self, position: Position) -> str:
        return f"{position.name} — {position.opd.short_name}"


class ProvincePositionField(_NamesItsOpd, forms.ModelChoiceField):
    pass


class ProvincePositionsField(_NamesItsOpd, forms.ModelMultipleChoiceField):
    pass


def _open_positions() -> QuerySet[Position]:
    """Every open position: one installation serves one province (DESIGN.md)."""
    return (
        Position.objects.exclude(closed_on__lte=timezone.localdate())
        .select_related("opd")
        .order_by("opd__name", "-heads_opd", "order", "name")
    )


MAX_REVIEWERS = 5


class DraftForm(LetterMetadataForm):
    signer_position = ProvincePositionField(
        label="Penandatangan", queryset=Position.objects.none(), empty_label="— pilih jabatan —"
    )
    signing_mode = forms.ChoiceField(
        label="Cara tanda tangan", choices=SigningMode.choices, initial=SigningMode.OWN
    )
    on_behalf_of = ProvincePositionField(
        label="Atas nama (a.n.)",
        queryset=Position.objects.none(),
        required=False,
        empty_label="— tidak ada —",
        help_text="Diisi bila penandatangan menandatangani a.n. jabatan lain.",
    )
    addressees = ProvincePositionsField(
        label="Kepada (jabatan di lingkungan provinsi)",
        queryset=Position.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Tahan Ctrl untuk memilih lebih dari satu.",
    )
    external_name = forms.CharField(label="Kepada (pihak luar): nama", max_length=255, required=False)
    external_institution = forms.CharField(label="Instansi", max_length=255, required=False)
    external_address = forms.CharField(label="Alamat", max_length=255, required=False)
    external_email = forms.EmailField(label="Surel", required=False)
    copies = ProvincePositionsField(
        label="Tembusan",
        queryset=Position.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    body = BodyField(
        help_text="Paragraf, huruf tebal/miring, daftar dan tabel sederhana dipertahankan. "
        "Penanda seperti ${nomor} dan ${tanggal} terisi saat surat ditandatangani."
    )
    attachments = MultipleFileField(
        label="Berkas lampiran",
        required=False,
        help_text="PDF, JPEG atau PNG; dikirim bersama surat kepada setiap penerima.",
    )

    def __init__(
        self,
        *args,
        position: Position,
        letter_type: str,
        starting_body: str,
        reply_to: IncomingLetter | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.reply_to = reply_to
        if reply_to is not None:
            # A reply goes back to whoever sent the letter, under the letter's classification.
            self.fields["subject"].initial = f"Jawaban atas {reply_to.subject}"
            self.fields["classification"].initial = reply_to.classification_id
            self.fields["external_name"].initial = reply_to.sender_name
            self.fields["external_address"].initial = reply_to.sender_address
            self.fields["external_email"].initial = reply_to.sender_email
        # The type was chosen on the step before, and the body starts from the OPD's template for it.
        self.fields["letter_type"].choices = [(kind.value, kind.label) for kind in DRAFTABLE_TYPES]
        self.fields["letter_type"].initial = letter_type
        self.fields["letter_type"].widget = forms.HiddenInput()
        self.fields["body"].initial = starting_body
        positions = _open_positions()
        for name in ("signer_position", "on_behalf_of", "addressees", "copies"):
            self.fields[name].queryset = positions
        head = positions.filter(opd_id=position.opd_id, heads_opd=True).first()
        proposed = propose_review_chain(drafter_position=position, signer_position=head) if head else []
        if head is not None:
            self.fields["signer_position"].initial = head.pk
        # One select per step, so the order on screen is the paraf order; the proposal fills the first ones.
        for step in range(1, MAX_REVIEWERS + 1):
            self.fields[f"reviewer_{step}"] = ProvincePositionField(
                label=f"Pemaraf ke-{step}",
                queryset=positions,
                required=False,
                empty_label="— tidak ada —",
                initial=proposed[step - 1].pk if step <= len(proposed) else None,
            )

    def reviewer_fields(self) -> list[forms.BoundField]:
        return [self[f"reviewer_{step}"] for step in range(1, MAX_REVIEWERS + 1)]

    def clean(self):
        cleaned = super().clean()
        chain = [cleaned.get(f"reviewer_{step}") for step in range(1, MAX_REVIEWERS + 1)]
        cleaned["reviewers"] = [position for position in chain if position is not None]
        if len(set(cleaned["reviewers"])) < len(cleaned["reviewers"]):
            self.add_error(None, "Satu jabatan cukup sekali dalam rantai paraf.")
        if cleaned.get("signer_position") in cleaned["reviewers"]:
            self.add_error(None, "Penanda tangan tidak perlu memaraf; hapus jabatannya dari rantai paraf.")
        external = any(cleaned.get(f"external_{part}") for part in ("institution", "address", "email"))
        if external and not cleaned.get("external_name"):
            self.add_error("external_name", "Isi nama penerima di luar provinsi.")
        if cleaned.get("signing_mode") not in (None, SigningMode.OWN) and not cleaned.get("on_behalf_of"):
            self.add_error("on_behalf_of", "Pilih jabatan yang diwakili (a.n.).")
        return cleaned

    def details(self) -> DraftDetails:
        data = self.cleaned_data
        return DraftDetails(
            letter_type=data["letter_type"],
            subject=data["subject"],
            security_class=data["security_class"],
            urgency=data["urgency"],
            classification=data["classification"],
            signer_position=data["signer_position"],
            signing_mode=data["signing_mode"],
            on_behalf_of=data["on_behalf_of"],
            attachment_count=max(data["attachment_count"], len(data["attachments"])),
            in_reply_to=self.reply_to,
        )

    def recipients(self) -> list[RecipientSpec]:
        data = self.cleaned_data
        specs = [RecipientSpec(kind=OutgoingRecipient.Kind.TO, position=p) for p in data["addressees"]]
        if data["external_name"]:
            specs.append(
                RecipientSpec(
                    kind=OutgoingRecipient.Kind.TO,
                    name=data["external_name"],
                    institution=data["external_institution"],
                    address=data["external_address"],
                    email=data["external_email"],
                )
            )
        specs += [RecipientSpec(kind=OutgoingRecipient.Kind.COPY, position=p) for p in data["copies"]]
        return specs


class ReviseForm(StyledForm):
    body = BodyField()
    note = forms.CharField(label="Catatan perubahan", max_length=500, required=False)


class ReviewNoteForm(StyledForm):
    note = forms.CharField(label="Catatan", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SignForm(StyledForm):
    passphrase = forms.CharField(
        label="Kata sandi TTE", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "off"})
    )


class TemplateForm(StyledForm):
    body = BodyField(
        label="Isi templat",
        help_text="Penanda seperti ${perihal} diganti dengan data surat; tulis $$ untuk tanda dolar.",
    )
