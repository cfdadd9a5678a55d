"""Forms of the incoming register and the inbox. They check shape; rules live in persuratan.services."""

from datetime import date
from urllib.parse import urlencode

from django import forms
from django.forms.models import ModelChoiceIterator
from django.urls import reverse
from django.utils import timezone

from kantor_virtual.forms import DateInput, LongSelect, MultipleFileField, StyledForm
from organisasi.models import Opd, Position, User
from organisasi.org_chart_selectors import active_staff
from organisasi.pickers import PersonPicker, PositionsPicker
from organisasi.selectors import leading_positions, open_positions
from persuratan.models import (
    Classification,
    Correspondent,
    InboxItem,
    IncomingLetter,
    LetterType,
    SecurityClass,
    Urgency,
)
from persuratan.selectors import InboxFilters
from persuratan.services import LetterDetails, Sender


class _CodesAndNames(ModelChoiceIterator):
    """The codes as (id, "code — name") pairs read straight from the rows: no model per code."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, code, name in self.queryset.values_list("pk", "code", "name"):
            yield (pk, Classification.label(code, name))


class ClassificationField(forms.ModelChoiceField):
    """An active classification code, chosen from the hundred or so of the province's scheme."""

    iterator = _CodesAndNames

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("empty_label", "— pilih kode klasifikasi —")
        queryset = Classification.objects.filter(active=True).order_by("code")
        super().__init__(queryset=queryset, widget=LongSelect, **kwargs)


class LetterMetadataForm(StyledForm):
    """What every letter states about itself, incoming or outgoing."""

    subject = forms.CharField(label="Perihal", max_length=500)
    letter_type = forms.ChoiceField(
        label="Jenis naskah", choices=LetterType.choices, initial=LetterType.OFFICIAL_LETTER
    )
    security_class = forms.ChoiceField(
        label="Sifat", choices=SecurityClass.choices, initial=SecurityClass.ORDINARY
    )
    urgency = forms.ChoiceField(label="Derajat kecepatan", choices=Urgency.choices, initial=Urgency.NORMAL)
    classification = ClassificationField(label="Kode klasifikasi")
    attachment_count = forms.IntegerField(label="Jumlah lampiran", min_value=0, max_value=999, initial=0)


class IncomingLetterForm(LetterMetadataForm):
    sender_kind = forms.ChoiceField(
        label="Jenis pengirim", choices=Correspondent.Kind.choices, initial=Correspondent.Kind.INSTITUTION
    )
    sender_name = forms.CharField(
        label="Pengirim",
        max_length=255,
        help_text="Nama instansi atau orang. Pengirim yang pernah dicatat akan disarankan.",
    )
    sender_address = forms.CharField(label="Alamat pengirim", max_length=255, required=False)
    sender_number = forms.CharField(label="Nomor surat", max_length=100)
    letter_date = forms.DateField(label="Tanggal surat", widget=DateInput())
    received_on = forms.DateField(label="Tanggal diterima", widget=DateInput())
    summary = forms.CharField(label="Ringkasan isi", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    addressees = PositionsPicker(
        label="Ditujukan kepada",
        queryset=Position.objects.none(),
        help_text="Satu atau lebih jabatan OPD ini; ketik untuk mencari jabatan lain.",
    )
    copies = PositionsPicker(label="Tembusan", queryset=Position.objects.none(), required=False)
    scans = MultipleFileField(
        label="Pindaian surat",
        help_text="PDF, JPEG atau PNG; boleh lebih dari satu berkas.",
    )
    confirm_duplicate = forms.BooleanField(
        label="Saya sudah memeriksa: surat ini bukan duplikat, tetap catat.", required=False
    )

    def __init__(self, *args, opd: Opd, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.opd = opd
        today = timezone.localdate()
        # Letters of the OPD go to its positions, found by typing; its head and those just below are
        # offered first.
        positions = open_positions(on=today, opd=opd)
        search_url = f"{reverse('persuratan:positions')}?{urlencode({'opd': opd.code})}"
        for name in ("addressees", "copies"):
            self.fields[name].queryset = positions
            self.fields[name].offer(search_url=search_url, suggested=leading_positions(opd=opd, on=today))
        self.fields["received_on"].initial = today
        self.fields["sender_name"].widget.attrs.update(
            {
                "list": "saran-pengirim",
                "autocomplete": "off",
                "hx-get": f"{reverse('persuratan:sender_suggestions')}?opd={opd.code}",
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#saran-pengirim",
                "hx-swap": "outerHTML",
            }
        )
        self.fields["confirm_duplicate"].widget = forms.HiddenInput()
        head = positions.filter(heads_opd=True).first()
        if head is not None:
            self.fields["addressees"].initial = [head.pk]

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        letter_date, received_on = cleaned.get("letter_date"), cleaned.get("received_on")
        if letter_date and letter_date > today:
            self.add_error("letter_date", "Tanggal surat tidak boleh setelah hari ini.")
        if received_on and received_on > today:
            self.add_error("received_on", "Tanggal diterima tidak boleh setelah hari ini.")
        if letter_date and received_on and letter_date > received_on:
            self.add_error("letter_date", "Tanggal surat tidak boleh setelah tanggal diterima.")
        return cleaned

    def details(self) -> LetterDetails:
        data = self.cleaned_data
        return LetterDetails(
            sender=Sender(kind=data["sender_kind"], name=data["sender_name"], address=data["sender_address"]),
            sender_number=data["sender_number"],
            letter_date=data["letter_date"],
            received_on=data["received_on"],
            subject=data["subject"],
            letter_type=data["letter_type"],
            security_class=data["security_class"],
            urgency=data["urgency"],
            classification=data["classification"],
            summary=data["summary"],
            attachment_count=data["attachment_count"],
        )


class InboxFilterForm(StyledForm):
    """The inbox filters. Bad values are dropped with a message; the inbox never breaks on them."""

    STATUS_CHOICES = [
        ("", "Semua status"),
        ("new", "Belum saya baca"),
        *((value, label) for value, label in InboxItem.Status.choices if value != "withdrawn"),
        ("overdue", "Melewati batas waktu"),
    ]

    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, required=False)
    urgency = forms.ChoiceField(label="Kecepatan", choices=[("", "Semua"), *Urgency.choices], required=False)
    security_class = forms.ChoiceField(
        label="Sifat", choices=[("", "Semua"), *SecurityClass.choices], required=False
    )
    received_from = forms.DateField(label="Diterima sejak", required=False, widget=DateInput())
    received_to = forms.DateField(label="Sampai", required=False, widget=DateInput())
    sender = forms.CharField(label="Pengirim", required=False, max_length=100)
    classification = forms.CharField(label="Kode klasifikasi", required=False, max_length=30)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("received_from"), cleaned.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", "Tanggal akhir harus sama atau setelah tanggal awal.")
        return cleaned

    def filters(self) -> InboxFilters:
        """The valid part of the input: a field with an error filters nothing."""
        self.is_valid()  # fields with an error are left out of cleaned_data
        data = self.cleaned_data
        return InboxFilters(
            status=data.get("status") or "",
            urgency=data.get("urgency") or "",
            security_class=data.get("security_class") or "",
            received_from=data.get("received_from"),
            received_to=data.get("received_to"),
            sender=data.get("sender") or "",
            classification=data.get("classification") or "",
        )


NOT_STAFF = "Pegawai itu tidak dapat dipilih: surat hanya dapat dibagikan kepada pegawai aktif."


class ShareForm(StyledForm):
    """Whom to share a letter with: any active member of staff, found by NIP, name or e-mail."""

    person = PersonPicker(
        label="Pegawai",
        queryset=User.objects.none(),
        help_text="Ketik NIP, nama atau alamat surel, lalu pilih pegawainya.",
        error_messages={
            "required": "Pilih pegawai yang akan menerima surat ini.",
            "invalid_choice": NOT_STAFF,
        },
    )

    def __init__(self, *args, letter: IncomingLetter, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        person.queryset = active_staff()
        person.offer(search_url=reverse("persuratan:share_people", args=[letter.pk]))


def parse_date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None
