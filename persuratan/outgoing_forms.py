"""Forms of outgoing letters. They check shape; rules live in persuratan.services.outgoing."""

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django_prose_editor.widgets import ProseEditorWidget

from kantor_virtual.errors import Refused
from kantor_virtual.forms import MultipleFileField, StyledForm
from organisasi.models import Position, User
from organisasi.pickers import PositionPicker, PositionsPicker
from organisasi.selectors import heads_of_opds, open_positions, superiors_of
from persuratan.forms import LetterMetadataForm
from persuratan.letter_templates import DRAFTABLE_TYPES
from persuratan.models import IncomingLetter, OutgoingRecipient, SecurityClass, SigningMode
from persuratan.outgoing_selectors import recent_addressee_ids
from persuratan.services.outgoing import (
    DraftDetails,
    RecipientSpec,
    check_signing_authority,
    propose_review_chain,
    reply_security_class,
    signing_authority,
)

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
    """The editor with kv/editor.js, which names its editable area after the field's label and keeps
    the editor from injecting an inline style (its rules come from kv/prosemirror.css)."""

    @property
    def media(self):
        return super().media + forms.Media(css={"all": ["kv/prosemirror.css"]}, js=["kv/editor.js"])


class BodyField(forms.CharField):
    """The body of a letter or template, written in the rich-text editor (a textarea without script)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", "Isi surat")
        widget = _LabelledEditor(
            config={"extensions": _EDITOR_EXTENSIONS}, preset="configurable", attrs={"rows": 14}
        )
        super().__init__(widget=widget, **kwargs)


class _NamesItsOpd:
    """The a.n./u.b. choices (a few superiors of the signer) may be of another OPD: each says which."""

    def label_from_instance(self, position: Position) -> str:
        return f"{position.name} — {position.opd.short_name}"


class _LawfulSuperiorField(_NamesItsOpd, forms.ModelChoiceField):
    pass


RECENT_ADDRESSEES = 10
MAX_REVIEWERS = 5


class _ReviewChainField(PositionsPicker):
    """The paraf chain in the order its positions were chosen (shown, and posted, top first)."""

    def clean(self, value) -> list[Position]:
        posted = [str(item) for item in value or []]
        if len(set(posted)) < len(posted):
            raise forms.ValidationError("Satu jabatan cukup sekali dalam rantai paraf.")
        if len(posted) > MAX_REVIEWERS:
            raise forms.ValidationError(f"Rantai paraf paling banyak {MAX_REVIEWERS} jabatan.")
        found = {str(position.pk): position for position in super().clean(value)}
        return [found[item] for item in posted]


class DraftForm(LetterMetadataForm):
    signer_position = PositionPicker(label="Penandatangan", queryset=Position.objects.none())
    signing_mode = forms.ChoiceField(
        label="Cara tanda tangan", choices=SigningMode.choices, initial=SigningMode.OWN
    )
    on_behalf_of = _LawfulSuperiorField(
        label="Atas nama (a.n.)",
        queryset=Position.objects.none(),
        required=False,
        empty_label="— tidak ada —",
        help_text="Hanya atasan penandatangan yang boleh diwakilinya.",
    )
    by_order_of = _LawfulSuperiorField(
        label="Untuk beliau (u.b.)",
        queryset=Position.objects.none(),
        required=False,
        empty_label="— tidak ada —",
        help_text="Untuk a.n. … u.b.: pejabat yang menandatangani a.n. jabatan di atas, "
        "dan untuk beliau penandatangan menandatangani.",
    )
    addressees = PositionsPicker(
        label="Kepada (jabatan di lingkungan provinsi)",
        queryset=Position.objects.none(),
        required=False,
        help_text="Ketik untuk mencari; boleh lebih dari satu. Sebelum mengetik: kepala OPD dan "
        "tujuan surat Anda yang terakhir.",
    )
    external_name = forms.CharField(label="Kepada (pihak luar): nama", max_length=255, required=False)
    external_institution = forms.CharField(label="Instansi", max_length=255, required=False)
    external_address = forms.CharField(label="Alamat", max_length=255, required=False)
    external_email = forms.EmailField(label="Surel", required=False)
    copies = PositionsPicker(label="Tembusan", queryset=Position.objects.none(), required=False)
    reviewers = _ReviewChainField(
        label="Pemaraf",
        queryset=Position.objects.none(),
        required=False,
        help_text="Berurutan dari atas: pemaraf pertama memaraf lebih dulu. Untuk mengubah urutan, hapus "
        "lalu tambahkan lagi.",
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
        drafter: User,
        position: Position,
        letter_type: str,
        starting_body: str,
        reply_to: IncomingLetter | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.reply_to = reply_to
        if reply_to is not None:
            # A reply goes back to whoever sent the letter, under the letter's classification, and is
            # at least as secret as it (the service holds the same rule).
            self.fields["subject"].initial = _reply_subject(reply_to)
            self.fields["classification"].initial = reply_to.classification_id
            self.fields["external_name"].initial = reply_to.sender_name
            self.fields["external_address"].initial = reply_to.sender_address
            self.fields["external_email"].initial = reply_to.sender_email
            order = SecurityClass.values
            self.fields["security_class"].choices = [
                (value, label)
                for value, label in SecurityClass.choices
                if order.index(value) >= order.index(reply_to.security_class)
            ]
            self.fields["security_class"].initial = reply_security_class(
                chosen=SecurityClass.ORDINARY, in_reply_to=reply_to
            )
        # The type was chosen on the step before, and the body starts from the OPD's template for it.
        self.fields["letter_type"].choices = [(kind.value, kind.label) for kind in DRAFTABLE_TYPES]
        self.fields["letter_type"].initial = letter_type
        self.fields["letter_type"].widget = forms.HiddenInput()
        self.fields["body"].initial = starting_body
        today = timezone.localdate()
        positions = open_positions(on=today).select_related("opd")
        # Any open position of the province may sign, receive or paraf; they are found by typing. Before
        # any typing, the drafter's own chain is offered to sign and paraf, and the heads of OPDs and
        # the drafter's latest addressees to receive.
        chain = superiors_of(position)
        search_url = reverse("surat_keluar:positions")
        receivers = [
            *recent_addressee_ids(drafter=drafter, limit=RECENT_ADDRESSEES),
            *heads_of_opds(on=today).values_list("pk", flat=True),
        ]
        for name in ("signer_position", "addressees", "copies"):
            self.fields[name].queryset = positions
            self.fields[name].offer(
                search_url=search_url, suggested=chain if name == "signer_position" else receivers
            )
        head = positions.filter(opd_id=position.opd_id, heads_opd=True).first()
        if head is not None:
            self.fields["signer_position"].initial = head.pk
        signer = self._chosen_signer(positions, default=head)
        self._offer_lawful_signatures(positions, signer)
        proposed = propose_review_chain(drafter_position=position, signer_position=signer) if signer else []
        reviewers = self.fields["reviewers"]
        reviewers.queryset = positions
        reviewers.initial = [reviewer.pk for reviewer in proposed]
        reviewers.offer(search_url=search_url, suggested=chain)

    def _chosen(self, name: str) -> str:
        """The value of a field as the person left it: posted, or asked for by the page."""
        source = self.data if self.is_bound else self.initial
        return str(source.get(name) or "")

    def _chosen_signer(self, positions: QuerySet[Position], *, default: Position | None) -> Position | None:
        chosen = self._chosen("signer_position")
        if chosen.isdigit():
            return positions.filter(pk=int(chosen)).first()
        return default

    def _offer_lawful_signatures(self, positions: QuerySet[Position], signer: Position | None) -> None:
        """Only what the chosen signer may sign: its own name, a.n. its superiors up to the head of
        its OPD (the Gubernur for the Sekda, an Asisten or a head), u.b. one level below that. The
        page asks again when the signer or the mode changes; the service checks whatever is posted."""
        fields = self.fields
        if signer is None:
            fields["signing_mode"].choices = [(SigningMode.OWN.value, SigningMode.OWN.label)]
            fields["on_behalf_of"].queryset = fields["by_order_of"].queryset = Position.objects.none()
            return
        authority = signing_authority(signer_position=signer, on=timezone.localdate())
        fields["signing_mode"].choices = [(mode, SigningMode(mode).label) for mode in authority.modes]
        mode = self._chosen("signing_mode")
        direct = [position.pk for position in authority.on_behalf_of]
        above = [pair[0].pk for pair in authority.by_order_of]
        chosen_above = self._chosen("on_behalf_of")
        middles = [
            middle.pk
            for top, middle in authority.by_order_of
            if mode != SigningMode.ON_BEHALF_BY or not chosen_above or str(top.pk) == chosen_above
        ]
        offered = {SigningMode.ON_BEHALF: direct, SigningMode.ON_BEHALF_BY: above}.get(mode, direct + above)
        fields["on_behalf_of"].queryset = positions.filter(pk__in=offered)
        fields["by_order_of"].queryset = positions.filter(pk__in=middles)
        fields["on_behalf_of"].error_messages["invalid_choice"] = authority.explain(
            SigningMode.ON_BEHALF_BY if mode == SigningMode.ON_BEHALF_BY else SigningMode.ON_BEHALF
        )
        fields["by_order_of"].error_messages["invalid_choice"] = authority.explain(SigningMode.ON_BEHALF_BY)
        # The page asks for the lawful choices again when the signer or the mode changes (htmx); the
        # signer's picker announces a new choice with its own event.
        fields["signer_position"].widget.attrs["hx-trigger"] = "kv-picker-change"
        for name in ("signer_position", "signing_mode", "on_behalf_of"):
            fields[name].widget.attrs.update(
                {
                    "hx-get": reverse("surat_keluar:signer_fields"),
                    "hx-target": "#penandatangan",
                    "hx-swap": "outerHTML",
                    "hx-include": "#penandatangan",
                }
            )
        # A new signer means a new proposal of the paraf chain.
        fields["signer_position"].widget.attrs["hx-vals"] = '{"paraf": "1"}'

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("signer_position") in cleaned.get("reviewers", []):
            self.add_error(None, "Penanda tangan tidak perlu memaraf; hapus jabatannya dari rantai paraf.")
        external = any(cleaned.get(f"external_{part}") for part in ("institution", "address", "email"))
        if external and not cleaned.get("external_name"):
            self.add_error("external_name", "Isi nama penerima di luar provinsi.")
        mode = cleaned.get("signing_mode")
        if mode not in (None, SigningMode.OWN) and not cleaned.get("on_behalf_of"):
            self.add_error("on_behalf_of", "Pilih jabatan yang diwakili (a.n.).")
        elif mode == SigningMode.ON_BEHALF_BY and not cleaned.get("by_order_of"):
            self.add_error("by_order_of", "Pilih pejabat yang ditandatangani u.b. (untuk beliau).")
        elif mode and cleaned.get("signer_position") and not self.errors:
            try:
                check_signing_authority(
                    signer_position=cleaned["signer_position"],
                    signing_mode=mode,
                    on_behalf_of=cleaned.get("on_behalf_of"),
                    by_order_of=cleaned.get("by_order_of"),
                    on=timezone.localdate(),
                )
            except Refused as refusal:
                field = "by_order_of" if refusal.code == "not_by_order" else "on_behalf_of"
                self.add_error(field if field in self.fields else None, refusal.message)
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
            by_order_of=data["by_order_of"],
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


def _reply_subject(letter: IncomingLetter) -> str:
    """The perihal a reply starts with. A rahasia letter's perihal stays where its readers are: the
    reply's reviewers and the OPD's register need not be among them, so the reply names the letter
    by its number and date instead."""
    if letter.is_narrowed:
        return f"Jawaban atas surat nomor {letter.sender_number} tanggal {date_format(letter.letter_date, 'j F Y')}"
    return f"Jawaban atas {letter.subject}"


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
