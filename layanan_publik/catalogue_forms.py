"""Forms of the catalogue: the public search, and the admin's service, question, document and maklumat
forms. They check shape; the rules live in layanan_publik.services.catalogue."""

from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils import timezone

from kantor_virtual.forms import DateInput, StyledForm
from layanan_publik.models import Service, ServiceField
from layanan_publik.services.catalogue import DEFAULT_COMPLAINT_CHANNEL, ServiceDetails
from organisasi.models import Opd, Position
from organisasi.pickers import PositionPicker
from organisasi.selectors import leading_positions, open_positions
from persuratan.forms import ClassificationField


def _text_area(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class CatalogueSearchForm(StyledForm):
    q = forms.CharField(label="Cari layanan", max_length=100, required=False)
    opd = forms.ChoiceField(label="Perangkat daerah", required=False)

    def __init__(self, *args, opds: list[Opd], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opd"].choices = [("", "Semua perangkat daerah")] + [(opd.code, opd.name) for opd in opds]
        self.fields["opd"].error_messages["invalid_choice"] = "Perangkat daerah itu tidak ada dalam daftar."


class ServiceForm(StyledForm):
    name = forms.CharField(label="Nama layanan", max_length=200)
    slug = forms.SlugField(
        label="Kode layanan",
        max_length=60,
        required=False,
        help_text="Huruf kecil, angka dan tanda hubung; menjadi alamat halaman layanan. "
        "Kosongkan untuk dibuat dari nama layanan.",
    )
    summary = forms.CharField(label="Ringkasan", max_length=300, required=False)
    channel = forms.ChoiceField(
        label="Sasaran", choices=Service.Channel.choices, initial=Service.Channel.BOTH
    )
    requirements = forms.CharField(
        label="Persyaratan", required=False, widget=_text_area(5), help_text="Satu persyaratan per baris."
    )
    procedure = forms.CharField(
        label="Sistem, mekanisme dan prosedur",
        required=False,
        widget=_text_area(5),
        help_text="Satu langkah per baris, berurutan.",
    )
    sla_days = forms.IntegerField(label="Jangka waktu penyelesaian (hari kerja)")
    fee_amount = forms.IntegerField(
        label="Biaya (Rp)", initial=0, help_text="Isi 0 bila layanan tidak dipungut biaya."
    )
    fee_basis = forms.CharField(
        label="Dasar biaya", max_length=200, required=False, help_text="Wajib bila biaya lebih dari Rp0."
    )
    product = forms.CharField(label="Produk pelayanan", max_length=300)
    complaint_channel = forms.CharField(
        label="Penanganan pengaduan, saran dan masukan",
        required=False,
        widget=_text_area(3),
        initial=DEFAULT_COMPLAINT_CHANNEL,
    )
    legal_basis = forms.CharField(
        label="Dasar hukum", required=False, widget=_text_area(3), help_text="Satu peraturan per baris."
    )
    classification = ClassificationField(label="Kode klasifikasi surat permohonan")
    addressee = PositionPicker(
        label="Jabatan penerima permohonan",
        queryset=Position.objects.none(),
        help_text="Permohonan yang lengkap masuk ke kotak surat jabatan ini. Ketik untuk mencari jabatan "
        "OPD ini.",
    )
    active = forms.BooleanField(label="Tampilkan di daftar layanan publik", required=False, initial=True)

    def __init__(self, *args, opd: Opd, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The open positions of the service's OPD, found by typing; its head and those right below
        # are offered first.
        today = timezone.localdate()
        addressee = self.fields["addressee"]
        addressee.queryset = open_positions(on=today, opd=opd)
        addressee.offer(
            search_url=f"{reverse('layanan:positions')}?{urlencode({'opd': opd.code})}",
            suggested=leading_positions(opd=opd, on=today),
        )

    def clean_slug(self) -> str:
        return self.cleaned_data["slug"].lower()

    def details(self) -> ServiceDetails:
        return ServiceDetails(**self.cleaned_data)


class FieldForm(StyledForm):
    """A question of the service's form, as it is edited: its key stays."""

    label = forms.CharField(label="Pertanyaan", max_length=200)
    kind = forms.ChoiceField(label="Jenis isian", choices=ServiceField.Kind.choices)
    choices = forms.CharField(
        label="Pilihan",
        required=False,
        widget=_text_area(3),
        help_text="Untuk jenis Pilihan: satu pilihan per baris.",
    )
    required = forms.BooleanField(label="Wajib diisi", required=False, initial=True)
    help_text = forms.CharField(label="Keterangan untuk pemohon", max_length=300, required=False)


class NewFieldForm(FieldForm):
    key = forms.RegexField(
        label="Kode isian",
        max_length=40,
        regex=r"^[a-z][a-z0-9_]*$",
        error_messages={
            "invalid": "Pakai huruf kecil, angka dan garis bawah, diawali huruf (mis. nama_lembaga)."
        },
        help_text="Nama jawaban di setiap permohonan; tidak dapat diubah setelah disimpan.",
    )

    field_order = ["label", "key", "kind", "choices", "required", "help_text"]


class DocumentForm(StyledForm):
    name = forms.CharField(label="Nama dokumen", max_length=200)
    required = forms.BooleanField(label="Wajib diunggah", required=False, initial=True)
    help_text = forms.CharField(label="Keterangan untuk pemohon", max_length=300, required=False)


class PledgeForm(StyledForm):
    text = forms.CharField(label="Isi maklumat", widget=_text_area(6))
    signer_name = forms.CharField(label="Nama penanda tangan", max_length=200)
    signer_position = forms.CharField(label="Jabatan penanda tangan", max_length=200)
    effective_on = forms.DateField(label="Berlaku sejak", widget=DateInput())
