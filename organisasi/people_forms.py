"""Forms of the people pages. They check shape only; the rules live in organisasi.services.people."""

from urllib.parse import urlencode

from django import forms
from django.urls import reverse

from kantor_virtual.forms import DateInput, StyledForm
from organisasi.models import Opd, Position, User
from organisasi.pickers import PositionPicker
from organisasi.selectors import leading_positions, open_positions


class PeopleSearchForm(StyledForm):
    q = forms.CharField(
        label="Cari menurut NIP, sebagian nama, atau alamat surel",
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )


class PersonForm(StyledForm):
    """A new member of staff of an OPD, with the definitive position they hold, if any."""

    nip = forms.CharField(
        label="NIP",
        max_length=30,
        required=False,
        help_text="18 angka. Wajib untuk ASN; pegawai non-ASN tanpa NIP masuk dengan alamat surelnya.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    full_name = forms.CharField(label="Nama lengkap", max_length=200, help_text="Dengan gelar, bila ada.")
    employment = forms.ChoiceField(
        label="Status kepegawaian",
        choices=[(User.Employment.ASN, "ASN (PNS/PPPK)"), (User.Employment.NON_ASN, "Non-ASN")],
    )
    email = forms.EmailField(
        label="Alamat surel",
        required=False,
        max_length=254,
        help_text="Tautan untuk mengatur kata sandi pertama dikirim ke alamat ini. Tanpa alamat surel, "
        "tautan ditampilkan sekali kepada Anda untuk diserahkan kepada pegawai itu.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    nik = forms.CharField(
        label="NIK",
        max_length=30,
        required=False,
        help_text="16 angka sesuai KTP-el (boleh dikosongkan).",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    opd = forms.ModelChoiceField(label="OPD induk", queryset=Opd.objects.none(), empty_label=None)
    position = PositionPicker(
        label="Jabatan definitif",
        queryset=Position.objects.none(),
        required=False,
        help_text="Jabatan yang dipegangnya secara definitif, bila sudah ada; ketik untuk mencari. "
        "Kosongkan bila belum ada atau diatur nanti.",
    )
    start = forms.DateField(
        label="Menjabat mulai",
        required=False,
        widget=DateInput,
        help_text="Kosongkan untuk hari ini.",
    )
    decree_number = forms.CharField(
        label="Nomor SK",
        max_length=100,
        required=False,
        help_text="Nomor SK pengangkatan dalam jabatan; wajib bila jabatan definitif dipilih.",
    )

    def __init__(self, *args, opds, opd: Opd, on, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opd"].queryset = opds
        self.fields["opd"].initial = opd.pk
        # The open positions of the OPD the page is for (?opd=), found by typing; its head and those
        # right below are offered first. The service refuses one outside the OPD induk chosen.
        position = self.fields["position"]
        position.queryset = open_positions(on=on, opd=opd)
        position.offer(
            search_url=f"{reverse('organisasi:person_positions')}?{urlencode({'opd': opd.code})}",
            suggested=leading_positions(opd=opd, on=on),
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("position") and not (cleaned.get("decree_number") or "").strip():
            self.add_error("decree_number", "Isi nomor SK pengangkatan dalam jabatan ini.")
        return cleaned

    def person(self) -> dict:
        """The answers as organisasi.services.create_person takes them."""
        return dict(self.cleaned_data)
