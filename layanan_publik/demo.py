"""The demo catalogue of Provinsi Nusa Mandiri, and `seed_demo_services()` that loads it.

Runs after `organisasi.demo.seed_demo_province()`. The twelve sample services of
reference/public-service.md §4, each in the demo OPD that answers for it (the demo has no Badan
Kesbangpol: the research letter is issued by the DPMPTSP, as where the province delegated it), the
general "Kirim surat" service of every OPD, and every OPD's maklumat pelayanan. Requirements, time
limits and legal bases are realistic samples, not a real province's standar pelayanan.

Everything goes through the catalogue's services, acting as the demo's SPBE admin. A service is
written with its questions and documents in one transaction; a second run finds what exists in a
few queries and writes nothing.
"""

from dataclasses import dataclass
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from layanan_publik.catalogue_selectors import head_of
from layanan_publik.models import Applicant, Service, ServicePledge
from layanan_publik.services.catalogue import (
    DEFAULT_PLEDGE_TEXT,
    ServiceDetails,
    add_document,
    add_field,
    ensure_general_service,
    save_service,
    set_pledge,
)
from organisasi.demo import CITIZEN, SPBE_ADMIN
from organisasi.models import Opd, Position, User
from organisasi.selectors import holders_of
from persuratan.models import Classification
from persuratan.reference import load_classification_codes

G2C, G2B, BOTH = Service.Channel.G2C, Service.Channel.G2B, Service.Channel.BOTH
# The portal serves the public: a G2G service of the reference (a subdomain, a signing certificate)
# is applied for by an agency as an organisation.
G2G = G2B

UU_PELAYANAN_PUBLIK = "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik"
UU_KESEJAHTERAAN_SOSIAL = "Undang-Undang Nomor 11 Tahun 2009 tentang Kesejahteraan Sosial"
UU_KIP = "Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik"
PERPRES_SPBE = "Peraturan Presiden Nomor 95 Tahun 2018 tentang Sistem Pemerintahan Berbasis Elektronik"
PP_BMD = "Peraturan Pemerintah Nomor 27 Tahun 2014 tentang Pengelolaan Barang Milik Negara/Daerah"

PLEDGE_VALUES = "Kami melayani dengan cepat, tepat, transparan dan tanpa pungutan liar."


class Question(NamedTuple):
    key: str
    label: str
    kind: str = "text"
    choices: tuple[str, ...] = ()
    required: bool = True
    help_text: str = ""


class DemoService(NamedTuple):
    opd: str
    slug: str
    name: str
    summary: str
    channel: str
    questions: tuple[Question, ...]
    documents: tuple[str, ...]  # wajib
    sla_days: int
    product: str
    classification: str
    process: str  # what the OPD does between verification and the product
    legal_basis: tuple[str, ...]
    optional_documents: tuple[str, ...] = ()
    addressee: str = ""  # a position code; "" for the OPD's head
    fee_basis: str = ""


# fmt: off
SERVICES = (
    DemoService(
        "DINSOS", "rekomendasi-ugb", "Rekomendasi Izin Undian Gratis Berhadiah (UGB)",
        "Rekomendasi provinsi untuk izin undian gratis berhadiah dari Kementerian Sosial.", G2B,
        (Question("nama_program", "Nama program undian"),
         Question("periode", "Periode undian", help_text="Mis. 1 Maret s.d. 31 Mei 2027"),
         Question("wilayah", "Wilayah penyelenggaraan"),
         Question("nilai_hadiah", "Nilai seluruh hadiah (Rp)", "number"),
         Question("cara_pengundian", "Cara pengundian", "textarea")),
        ("Surat permohonan", "Akta pendirian perusahaan dan pengesahan Kementerian Hukum", "NIB", "NPWP",
         "KTP penanggung jawab", "Rencana penyelenggaraan undian (periode, wilayah, mekanisme, cara pengundian)",
         "Daftar jenis dan nilai hadiah", "Bukti ketersediaan atau jaminan hadiah",
         "Contoh kupon atau materi promosi"),
        7, "Surat rekomendasi untuk izin Kementerian Sosial", "400.9",
        "Bidang Pemberdayaan Sosial menelaah rencana undian dan menyiapkan rekomendasi",
        (UU_PELAYANAN_PUBLIK, "Undang-Undang Nomor 22 Tahun 1954 tentang Undian"),
    ),
    DemoService(
        "DINSOS", "proposal-bantuan-sosial", "Permohonan Bantuan Sosial dan Hibah",
        "Proposal bantuan sosial atau hibah; pendanaan mengikuti siklus APBD.", BOTH,
        (Question("nama_lembaga", "Nama lembaga atau kelompok penerima"),
         Question("jenis_bantuan", "Jenis bantuan", "choice", ("Hibah uang", "Bantuan sosial uang", "Bantuan sosial barang")),
         Question("nilai_usulan", "Nilai yang diusulkan (Rp)", "number"),
         Question("jumlah_penerima", "Jumlah penerima manfaat", "number", required=False),
         Question("ringkasan", "Ringkasan kegiatan", "textarea")),
        ("Proposal dengan rencana anggaran biaya (RAB)", "Surat permohonan kepada Gubernur", "KTP ketua",
         "Status badan hukum atau surat keterangan domisili lembaga", "Rekening bank lembaga",
         "Surat pernyataan tanggung jawab"),
        14, "Hasil verifikasi administrasi; NPHD bila disetujui", "400.9.7",
        "Tim verifikasi memeriksa proposal dan mengusulkannya dalam siklus anggaran (TAPD)",
        (UU_PELAYANAN_PUBLIK, UU_KESEJAHTERAAN_SOSIAL,
         "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah"),
        optional_documents=("Daftar nama dan alamat (BNBA) penerima, untuk bantuan perorangan",),
    ),
    DemoService(
        "DINSOS", "proposal-kube", "Proposal Kelompok Usaha Bersama (KUBE)",
        "Pengajuan bantuan usaha bagi kelompok keluarga miskin.", G2C,
        (Question("nama_kelompok", "Nama kelompok"),
         Question("kabupaten_kota", "Kabupaten/kota"),
         Question("jenis_usaha", "Jenis usaha"),
         Question("jumlah_anggota", "Jumlah anggota", "number")),
        ("Proposal kelompok", "Daftar anggota (nama, alamat, NIK) dari data terpadu kesejahteraan sosial",
         "Rekomendasi dinas sosial kabupaten/kota", "Rencana usaha", "Berita acara pembentukan kelompok"),
        14, "Surat hasil verifikasi dan pencantuman sebagai calon penerima bantuan", "400.9.12",
        "Bidang Penanganan Fakir Miskin memverifikasi kelompok dan data anggotanya",
        (UU_PELAYANAN_PUBLIK, UU_KESEJAHTERAAN_SOSIAL),
    ),
    DemoService(
        "DINSOS", "tanda-daftar-lks", "Tanda Daftar Lembaga Kesejahteraan Sosial (LKS)",
        "Pendaftaran LKS yang wilayah kerjanya lintas kabupaten/kota.", G2B,
        (Question("nama_lembaga", "Nama lembaga"),
         Question("bidang_pelayanan", "Bidang pelayanan", "choice",
                  ("Anak", "Lanjut usia", "Penyandang disabilitas", "Fakir miskin", "Lainnya")),
         Question("jumlah_klien", "Jumlah klien", "number", required=False),
         Question("alamat_lembaga", "Alamat lembaga", "textarea")),
        ("Surat permohonan", "Akta pendirian dan pengesahan badan hukum", "Anggaran dasar dan anggaran rumah tangga",
         "Susunan pengurus", "NPWP lembaga", "Surat keterangan domisili", "Program kerja dan data klien",
         "Rekomendasi dinas sosial kabupaten/kota"),
        14, "Tanda daftar LKS yang berlaku untuk jangka waktu tertentu", "400.9.12",
        "Petugas meninjau lembaga dan Bidang Rehabilitasi Sosial menerbitkan tanda daftar",
        (UU_PELAYANAN_PUBLIK, UU_KESEJAHTERAAN_SOSIAL),
        optional_documents=("Foto sarana dan prasarana",),
    ),
    DemoService(
        "SETDA", "peminjaman-gedung", "Peminjaman Gedung, Aula dan Ruang Rapat",
        "Pemakaian aula dan ruang rapat Kantor Gubernur untuk kegiatan masyarakat dan instansi.", BOTH,
        (Question("ruang", "Ruang yang dipinjam", "choice", ("Aula Utama", "Ruang Pola", "Ruang Rapat Lantai 2")),
         Question("nama_kegiatan", "Nama kegiatan"),
         Question("tanggal_kegiatan", "Tanggal kegiatan", "date"),
         Question("jumlah_peserta", "Jumlah peserta", "number")),
        ("Surat permohonan yang menyebut kegiatan, tanggal dan jumlah peserta", "KTP penanggung jawab",
         "Surat pernyataan mematuhi tata tertib pemakaian"),
        3, "Surat persetujuan atau konfirmasi pemakaian ruang", "000.1.4",
        "Bagian Rumah Tangga memeriksa jadwal ruang",
        (UU_PELAYANAN_PUBLIK, PP_BMD),
        optional_documents=("Status badan hukum, untuk organisasi",),
        addressee="SETDA.KARO-UMUM",
        fee_basis="Kegiatan komersial dikenai retribusi sesuai peraturan daerah",
    ),
    DemoService(
        "SETDA", "peminjaman-kendaraan", "Peminjaman Kendaraan Dinas (Bus/Operasional)",
        "Peminjaman bus atau kendaraan operasional untuk kegiatan instansi dan kegiatan sosial.", G2G,
        (Question("jenis_kendaraan", "Jenis kendaraan", "choice", ("Bus", "Mobil operasional")),
         Question("tanggal_pemakaian", "Tanggal pemakaian", "date"),
         Question("lama_pemakaian", "Lama pemakaian (hari)", "number"),
         Question("tujuan", "Tujuan perjalanan"),
         Question("jumlah_penumpang", "Jumlah penumpang", "number")),
        ("Surat permohonan dari pimpinan unit atau lembaga", "Rencana perjalanan",
         "Surat pernyataan tanggung jawab (pengemudi dan bahan bakar)"),
        3, "Surat persetujuan dan penugasan kendaraan", "000.1.7",
        "Bagian Rumah Tangga memeriksa ketersediaan kendaraan dan pengemudi",
        (UU_PELAYANAN_PUBLIK, PP_BMD),
        addressee="SETDA.KARO-UMUM",
        fee_basis="Bahan bakar dan biaya tol ditanggung peminjam",
    ),
    DemoService(
        "SETDA", "audiensi-pimpinan", "Permohonan Audiensi dengan Gubernur, Wakil Gubernur atau Sekretaris Daerah",
        "Permohonan bertemu pimpinan daerah untuk menyampaikan aspirasi atau kerja sama.", BOTH,
        (Question("pimpinan", "Bertemu dengan", "choice", ("Gubernur", "Wakil Gubernur", "Sekretaris Daerah")),
         Question("maksud", "Maksud dan pokok bahasan", "textarea"),
         Question("jumlah_peserta", "Jumlah peserta", "number"),
         Question("narahubung", "Narahubung", help_text="Nama dan nomor telepon yang dapat dihubungi")),
        ("Surat permohonan yang menyebut maksud dan pokok bahasan", "Daftar peserta", "KTP pemohon"),
        5, "Jadwal audiensi, atau surat balasan dan arahan ke perangkat daerah terkait", "400.14.1",
        "Bagian Protokol dan Komunikasi Pimpinan menyesuaikan dengan agenda pimpinan",
        (UU_PELAYANAN_PUBLIK,),
        optional_documents=("Profil organisasi",),
        addressee="SETDA.KARO-UMUM",
    ),
    DemoService(
        "DISKOMINFOS", "permohonan-informasi", "Permohonan Informasi Publik",
        "Permohonan informasi publik kepada PPID Utama Provinsi Nusa Mandiri.", BOTH,
        (Question("rincian_informasi", "Rincian informasi yang dibutuhkan", "textarea"),
         Question("tujuan_penggunaan", "Tujuan penggunaan informasi", "textarea"),
         Question("cara_memperoleh", "Cara memperoleh informasi", "choice",
                  ("Melihat, membaca, mendengarkan atau mencatat", "Mendapatkan salinan")),
         Question("bentuk_salinan", "Bentuk salinan", "choice",
                  ("Salinan elektronik (softcopy)", "Salinan cetak (hardcopy)"), required=False)),
        ("KTP (perorangan) atau akta badan hukum (organisasi)",),
        10, "Informasi yang diminta, atau surat keputusan PPID (dikabulkan, sebagian, atau ditolak dengan alasan)",
        "500.12.12",
        "PPID menelusuri informasi dan menetapkan keputusan; dapat diperpanjang 7 hari kerja dengan pemberitahuan",
        (UU_PELAYANAN_PUBLIK, UU_KIP),
        optional_documents=("Surat kuasa, bila permohonan dikuasakan",),
        fee_basis="Informasi tidak dipungut biaya; biaya penggandaan salinan cetak ditanggung pemohon",
    ),
    DemoService(
        "SETDA", "keberatan-informasi", "Keberatan atas Layanan Informasi Publik",
        "Keberatan kepada atasan PPID atas permohonan informasi yang ditolak atau tidak ditanggapi.", BOTH,
        (Question("kode_permohonan", "Nomor atau kode permohonan informasi"),
         Question("alasan", "Alasan keberatan", "choice",
                  ("Permohonan informasi ditolak", "Informasi berkala tidak disediakan",
                   "Permohonan informasi tidak ditanggapi", "Ditanggapi tidak sebagaimana yang diminta",
                   "Biaya yang dikenakan tidak wajar", "Melebihi jangka waktu")),
         Question("uraian", "Uraian keberatan", "textarea")),
        ("Salinan permohonan informasi", "Tanggapan PPID, atau bukti permohonan tidak ditanggapi"),
        30, "Tanggapan tertulis atasan PPID atas keberatan", "500.12.12",
        "Sekretaris Daerah selaku atasan PPID memeriksa keberatan dan memutuskannya",
        (UU_PELAYANAN_PUBLIK, UU_KIP),
    ),
    DemoService(
        "DISKOMINFOS", "permohonan-subdomain", "Permohonan Subdomain nusamandiri.go.id",
        "Subdomain resmi untuk situs dan aplikasi perangkat daerah.", G2G,
        (Question("subdomain", "Nama subdomain", help_text="Mis. ppid.nusamandiri.go.id"),
         Question("tujuan", "Tujuan penggunaan", "textarea"),
         Question("pic_nama", "Nama penanggung jawab"),
         Question("pic_nip", "NIP penanggung jawab"),
         Question("pic_kontak", "Telepon atau surel penanggung jawab"),
         Question("hosting", "Alamat IP atau tempat hosting", required=False)),
        ("Surat permohonan yang ditandatangani kepala perangkat daerah",
         "Surat pernyataan komitmen keamanan dan konten"),
        3, "Subdomain aktif, atau penolakan dengan alasan", "500.12.6",
        "Bidang Aplikasi Informatika memeriksa nama dan kesiapan server lalu mendaftarkan subdomain",
        (UU_PELAYANAN_PUBLIK, PERPRES_SPBE),
    ),
    DemoService(
        "DISKOMINFOS", "sertifikat-elektronik", "Penerbitan Sertifikat Elektronik (TTE) untuk ASN",
        "Pendaftaran sertifikat elektronik BSrE bagi ASN yang menandatangani naskah dinas.", G2G,
        (Question("nama_pegawai", "Nama pegawai"),
         Question("nip", "NIP"),
         Question("jabatan", "Jabatan"),
         Question("surel_dinas", "Alamat surel dinas")),
        ("Surat permohonan dari instansi pegawai", "KTP", "SK jabatan atau kartu pegawai", "Rekomendasi atasan"),
        3, "Sertifikat elektronik dari BSrE; pegawai mengatur passphrase sendiri", "000.6.5",
        "Bidang Statistik dan Persandian memverifikasi identitas sebagai otoritas pendaftaran",
        (UU_PELAYANAN_PUBLIK, "Undang-Undang Nomor 11 Tahun 2008 tentang Informasi dan Transaksi Elektronik",
         PERPRES_SPBE),
        addressee="DISKOMINFOS.KABID-STATSANDI",
    ),
    DemoService(
        "DPMPTSP", "surat-keterangan-penelitian", "Surat Keterangan Penelitian",
        "Surat keterangan untuk penelitian mahasiswa, dosen dan lembaga di wilayah provinsi.", G2C,
        (Question("judul_penelitian", "Judul penelitian"),
         Question("lembaga", "Perguruan tinggi atau lembaga"),
         Question("lokasi", "Lokasi penelitian", "textarea"),
         Question("tanggal_mulai", "Tanggal mulai", "date"),
         Question("tanggal_selesai", "Tanggal selesai", "date")),
        ("Surat pengantar perguruan tinggi atau lembaga", "Proposal penelitian", "KTP",
         "Kartu mahasiswa atau kartu pegawai", "Surat pernyataan mematuhi peraturan"),
        3, "Surat Keterangan Penelitian", "000.9",
        "Bidang Perizinan memeriksa berkas dan menerbitkan surat keterangan",
        (UU_PELAYANAN_PUBLIK, "Peraturan Menteri Dalam Negeri Nomor 3 Tahun 2018 tentang Penerbitan Surat "
         "Keterangan Penelitian"),
        addressee="DPMPTSP.KABID-PERIZINAN",
    ),
)
# fmt: on


@dataclass(frozen=True)
class ServiceSeedSummary:
    services: int  # active services in the catalogue after this run
    created: int  # services this run made, the general ones included
    pledges: int


def seed_demo_services() -> ServiceSeedSummary:
    """Loads the demo catalogue; running it again writes nothing."""
    present = set(Service.objects.values_list("opd__code", "slug"))
    missing = [spec for spec in SERVICES if (spec.opd, spec.slug) not in present]
    without_general = list(Opd.objects.exclude(public_services__is_general=True))
    without_pledge = list(Opd.objects.filter(service_pledge__isnull=True))
    if missing or without_pledge:
        load_classification_codes(Classification)  # no-op unless the table was emptied
        admin = User.objects.get(username=SPBE_ADMIN.username)
        for spec in missing:
            _create(spec, admin)
        for opd in without_pledge:
            _publish_pledge(opd, admin)
    for opd in without_general:
        ensure_general_service(opd=opd)
    return ServiceSeedSummary(
        services=Service.objects.filter(active=True).count(),
        created=len(missing) + len(without_general),
        pledges=ServicePledge.objects.count(),
    )


@transaction.atomic
def _create(spec: DemoService, admin: User) -> None:
    """The service with its questions and documents: all of it or nothing."""
    opd = Opd.objects.get(code=spec.opd)
    addressee = Position.objects.get(code=spec.addressee) if spec.addressee else head_of(opd_id=opd.pk)
    documents = [*spec.documents, *spec.optional_documents]
    service = save_service(
        actor=admin,
        opd=opd,
        details=ServiceDetails(
            slug=spec.slug,
            name=spec.name,
            summary=spec.summary,
            channel=spec.channel,
            legal_basis="\n".join(spec.legal_basis),
            requirements="\n".join(
                [*spec.documents, *(f"{name} (bila ada)" for name in spec.optional_documents)]
            ),
            procedure="\n".join(
                (
                    "Pemohon mengisi formulir dan mengunggah persyaratan melalui portal ini",
                    "Petugas memverifikasi kelengkapan berkas; berkas yang belum lengkap dikembalikan untuk dilengkapi",
                    spec.process,
                    "Pemohon menerima hasil layanan melalui portal ini dan mengisi survei kepuasan",
                )
            ),
            sla_days=spec.sla_days,
            fee_basis=spec.fee_basis,
            product=spec.product,
            classification=Classification.objects.get(code=spec.classification),
            addressee=addressee,
        ),
    )
    for question in spec.questions:
        add_field(
            actor=admin, service=service, **question._asdict() | {"choices": "\n".join(question.choices)}
        )
    for name in documents:
        add_document(actor=admin, service=service, name=name, required=name in spec.documents)


def _publish_pledge(opd: Opd, admin: User) -> None:
    """Signed by whoever holds the head position today (its Plt or Plh when it is vacant)."""
    today = timezone.localdate()
    head = head_of(opd_id=opd.pk)
    holders = holders_of(position_ids=[head.pk], on=today).get(head.pk, [])
    set_pledge(
        actor=admin,
        opd=opd,
        text=f"{DEFAULT_PLEDGE_TEXT}\n\n{PLEDGE_VALUES}",
        signer_name=holders[0].full_name if holders else "",
        signer_position=head.name,
        effective_on=today.replace(month=1, day=2),
    )


# The demo citizen (organisasi.demo.CITIZEN) as a pemohon with a verified e-mail and a NIK of
# Kota Mandala; demo only.
CITIZEN_NIK = "7171015003900001"


def seed_demo_applicant() -> Applicant:
    """The demo citizen's applicant profile, so `warga@contoh.id` can submit at once."""
    user = User.objects.get(username=CITIZEN.username)
    applicant, _ = Applicant.objects.get_or_create(
        user=user,
        defaults={"kind": Applicant.Kind.PERSON, "nik": CITIZEN_NIK, "email_verified_at": timezone.now()},
    )
    return applicant
