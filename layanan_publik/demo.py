"""The demo catalogue of Provinsi Nusa Mandiri, `seed_demo_services()` that loads it, and the portal's
history, `seed_demo_portal_history()`.

Runs after `organisasi.demo.seed_demo_province()`. The twelve sample services of
reference/public-service.md §4, each in the demo OPD that answers for it (the demo has no Badan
Kesbangpol: the research letter is issued by the DPMPTSP, as where the province delegated it), the
general "Kirim surat" service of every OPD, and every OPD's maklumat pelayanan. Requirements, time
limits and legal bases are realistic samples, not a real province's standar pelayanan.

Everything goes through the catalogue's services, acting as the demo's SPBE admin. A service is
written with its questions and documents in one transaction; a second run finds what exists in a
few queries and writes nothing.

The history (at the end of this module) is a dozen earlier submissions to each of two services, in
Diskominfos and Dinas Sosial, played through the portal's and the office's services: enough finished
and rated ones for the public statistics to show their IKM, and open, returned and rejected ones in
the operators' verification lists.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from itertools import count
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.html import escape
from django.utils.text import slugify

from disposisi.models import Instruction
from disposisi.services import dispose, report_follow_up
from kantor_virtual.errors import Refused
from layanan_publik.catalogue_selectors import head_of
from layanan_publik.models import Applicant, Service, ServiceDocument, ServicePledge, Submission
from layanan_publik.services.catalogue import (
    DEFAULT_PLEDGE_TEXT,
    ServiceDetails,
    add_document,
    add_field,
    ensure_general_service,
    save_service,
    set_pledge,
)
from layanan_publik.services.submissions import (
    Upload,
    accept,
    finish_with_reply,
    reject,
    return_incomplete,
    submit,
)
from layanan_publik.services.survey import ELEMENT_NAMES, answer_survey
from layanan_publik.workdays import add_working_days
from organisasi.demo import (
    CITIZEN,
    DEMO_PASSWORD,
    FAMILY_NAMES,
    FEMALE_NAMES,
    FEMININE,
    MALE_NAMES,
    SPBE_ADMIN,
)
from organisasi.models import Opd, Position, RoleGrant, User
from organisasi.selectors import holders_of
from persuratan.models import (
    Classification,
    InboxItem,
    LetterType,
    OutgoingLetter,
    OutgoingRecipient,
    SecurityClass,
    Urgency,
)
from persuratan.reference import load_classification_codes
from persuratan.services import mark_read
from persuratan.services.outgoing import (
    DraftDetails,
    RecipientSpec,
    create_draft,
    request_signature,
    sign_outgoing,
    submit_for_review,
)
from tte.backends import ServiceUnavailable
from tte.demo import DEMO_TTE_PASSPHRASE

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


# ── The portal's history ─────────────────────────────────────────────────────────────────────────
#
# Earlier submissions to two services, so that the operators' verification lists hold work and the
# public statistics show an IKM before the demo citizen's first submission. Each is played through
# the services an office uses: the applicant submits with documents, the OPD's operator verifies,
# the head disposes it to a Kepala Bidang, who drafts the reply; the head signs it with the demo TTE
# passphrase, the signed reply finishes the submission and the applicant answers the SKM.

# Where a story ends today.
WAITING = "waiting"  # sent, not verified yet
RETURNED = "returned"  # back with the applicant, to complete
REJECTED = "rejected"
IN_PROGRESS = "in_progress"  # accepted and disposed, the reply not drafted yet
FINISHED = "finished"  # answered by a signed reply
APPLICANT_DOMAIN = "contoh.id"
# Kota Mandala and its kecamatan, as CITIZEN_NIK: the first six digits of a demo applicant's NIK.
NIK_REGION = "717101"


class Earlier(NamedTuple):
    """A submission made before the demo citizen's, and how far it has gone by today."""

    key: str  # seeds the applicant's generated name, NIK and hour of submission
    stage: str  # where it ends today: WAITING, RETURNED, REJECTED, IN_PROGRESS or FINISHED
    days: int  # working days before today it was submitted
    answers: dict[str, str]
    note: str = ""  # what the operator wrote back (returned, rejected)
    scores: str = ""  # a finished one's nine SKM answers, in the order of SKM_ELEMENTS; "" not rated
    comment: str = ""
    organisation: str = ""  # the applicant is this organisation (G2B); a person otherwise


class History(NamedTuple):
    opd: str
    slug: str
    bidang: str  # the Kepala Bidang's post the head disposes to; they draft the reply
    instruction: str  # the head's note on the disposition
    reply: str  # the reply's paragraphs ("\n" between them), naming {code}, {date} and the answers
    stories: tuple[Earlier, ...]


INFO, KUBE = "permohonan-informasi", "proposal-kube"
SOFTCOPY = {"cara_memperoleh": "Mendapatkan salinan", "bentuk_salinan": "Salinan elektronik (softcopy)"}
HARDCOPY = {"cara_memperoleh": "Mendapatkan salinan", "bentuk_salinan": "Salinan cetak (hardcopy)"}
READ_ONLY = {"cara_memperoleh": "Melihat, membaca, mendengarkan atau mencatat"}


def _info(details: str, purpose: str, how: dict[str, str]) -> dict[str, str]:
    return {"rincian_informasi": details, "tujuan_penggunaan": purpose, **how}


def _kube(group: str, region: str, business: str, members: int) -> dict[str, str]:
    return {
        "nama_kelompok": group,
        "kabupaten_kota": region,
        "jenis_usaha": business,
        "jumlah_anggota": str(members),
    }


# fmt: off
HISTORY = (
    History(
        "DISKOMINFOS", INFO, "DISKOMINFOS.KABID-IKP",
        "Siapkan jawaban PPID sesuai daftar informasi publik.",
        "Menindaklanjuti permohonan informasi publik Saudara dengan kode {code} tanggal {date}, dengan "
        "hormat kami sampaikan bahwa permohonan tersebut dikabulkan.\n"
        "Informasi yang Saudara minta, yaitu {rincian_informasi}, kami sampaikan bersama surat ini sesuai "
        "cara yang Saudara pilih ({cara_memperoleh}).\n"
        "Apabila Saudara tidak puas atas tanggapan ini, Saudara dapat mengajukan keberatan kepada atasan "
        "PPID melalui portal layanan publik dalam 30 hari kerja.",
        (
            Earlier("info-1", FINISHED, 6, _info(
                "Daftar aplikasi yang dikelola Pemerintah Provinsi Nusa Mandiri beserta perangkat daerah "
                "pengelolanya", "Bahan skripsi tentang tata kelola SPBE", SOFTCOPY),
                scores="443434443", comment="Balasan cepat dan jelas."),
            Earlier("info-2", FINISHED, 9, _info(
                "Realisasi anggaran belanja Diskominfos tahun lalu per program",
                "Pemantauan anggaran oleh komunitas warga", SOFTCOPY),
                scores="334333343"),
            Earlier("info-3", FINISHED, 4, _info(
                "Peta titik Wi-Fi publik gratis di Kota Mandala", "Informasi bagi mahasiswa baru", READ_ONLY),
                scores="444444434", comment="Petugasnya ramah, terima kasih."),
            Earlier("info-4", FINISHED, 13, _info(
                "Laporan kinerja instansi pemerintah (LKjIP) Diskominfos tahun lalu",
                "Penelitian tesis tentang akuntabilitas kinerja", HARDCOPY),
                scores="323332333", comment="Jawaban terlambat dari batas waktu 10 hari kerja."),
            Earlier("info-5", FINISHED, 7, _info(
                "Jumlah menara telekomunikasi berizin per kabupaten/kota",
                "Liputan jurnalisme data tentang pemerataan sinyal", SOFTCOPY),
                scores="434443444", organisation="Perkumpulan Jurnalis Data Nusa Mandiri"),
            Earlier("info-6", FINISHED, 5, _info(
                "Jadwal dan materi sosialisasi keamanan informasi bagi sekolah",
                "Persiapan kegiatan OSIS", READ_ONLY),
                scores="343434334", comment="Mohon informasi di situs web juga diperbarui."),
            Earlier("info-7", FINISHED, 8, _info(
                "Standar operasional prosedur pengelolaan pengaduan SP4N-LAPOR! di provinsi",
                "Bahan pelatihan relawan desa", SOFTCOPY)),
            Earlier("info-8", IN_PROGRESS, 4, _info(
                "Data kecepatan internet di kantor kecamatan se-Kabupaten Pesisir Utara",
                "Usulan pembangunan jaringan kepada DPRD", SOFTCOPY)),
            Earlier("info-9", WAITING, 1, _info(
                "Daftar sekolah penerima hibah perangkat TIK tahun lalu", "Pemantauan bantuan pendidikan",
                SOFTCOPY)),
            Earlier("info-10", WAITING, 0, _info(
                "Rencana pembangunan pusat data daerah dan tahapannya", "Kajian kebijakan kampus",
                READ_ONLY)),
            Earlier("info-11", RETURNED, 3, _info(
                "Hasil survei kepuasan masyarakat atas layanan Diskominfos", "Bahan diskusi komunitas",
                SOFTCOPY),
                note="Pindaian KTP tidak terbaca. Unggah ulang pindaian KTP yang jelas."),
            Earlier("info-12", REJECTED, 5, _info(
                "Data kepesertaan BPJS Kesehatan warga Kecamatan Sari Indah", "Pendataan warga tidak mampu",
                SOFTCOPY),
                note="Informasi tersebut tidak dikuasai Pemerintah Provinsi. Silakan ajukan kepada BPJS "
                     "Kesehatan Kantor Cabang Kota Mandala."),
        ),
    ),
    History(
        "DINSOS", KUBE, "DINSOS.KABID-PFM",
        "Verifikasi kelompok dan data anggotanya, siapkan jawaban.",
        "Menindaklanjuti proposal Saudara dengan kode {code} tanggal {date}, bersama ini kami sampaikan "
        "bahwa berdasarkan hasil verifikasi, {nama_kelompok} di {kabupaten_kota} dengan usaha "
        "{jenis_usaha} dan {jumlah_anggota} anggota dinyatakan memenuhi syarat.\n"
        "Kelompok tersebut kami cantumkan sebagai calon penerima bantuan Kelompok Usaha Bersama. "
        "Penyaluran bantuan mengikuti ketersediaan anggaran dan akan kami beritahukan kemudian.",
        (
            Earlier("kube-1", FINISHED, 7, _kube("KUBE Mawar Sejahtera", "Kota Mandala", "Warung sembako", 10),
                    scores="434343434", comment="Terima kasih, prosesnya jelas."),
            Earlier("kube-2", FINISHED, 11, _kube("KUBE Nelayan Bahari", "Kabupaten Pesisir Utara",
                                                  "Pengolahan ikan asin", 10),
                    scores="333343333", comment="Prosesnya agak lama, tetapi petugas membantu."),
            Earlier("kube-3", FINISHED, 6, _kube("KUBE Tenun Ikat Lestari", "Kabupaten Lembah Sari",
                                                 "Tenun ikat", 8),
                    scores="444434444"),
            Earlier("kube-4", FINISHED, 17, _kube("KUBE Tani Makmur", "Kabupaten Bukit Raya",
                                                  "Budidaya sayur hidroponik", 12),
                    scores="322332323", comment="Mohon syarat rekomendasi kabupaten dijelaskan sejak awal."),
            Earlier("kube-5", FINISHED, 9, _kube("KUBE Kue Kering Sumber Rezeki", "Kabupaten Tanjung Mas",
                                                 "Produksi kue kering", 9),
                    scores="443443443"),
            Earlier("kube-6", FINISHED, 8, _kube("KUBE Bengkel Maju Bersama", "Kota Mandala",
                                                 "Bengkel sepeda motor", 7),
                    scores="344344344", comment="Pelayanan baik."),
            Earlier("kube-7", FINISHED, 10, _kube("KUBE Ternak Kambing Subur", "Kabupaten Bukit Raya",
                                                  "Peternakan kambing", 10)),
            Earlier("kube-8", IN_PROGRESS, 6, _kube("KUBE Anyaman Pandan", "Kabupaten Pesisir Utara",
                                                    "Kerajinan anyaman pandan", 8)),
            Earlier("kube-9", WAITING, 2, _kube("KUBE Jahit Rapi", "Kabupaten Tanjung Mas", "Konveksi", 10)),
            Earlier("kube-10", WAITING, 1, _kube("KUBE Sari Laut", "Kabupaten Pesisir Utara",
                                                 "Rumput laut kering", 11)),
            Earlier("kube-11", RETURNED, 4, _kube("KUBE Kopi Lembah", "Kabupaten Lembah Sari",
                                                  "Pengolahan kopi bubuk", 9),
                    note="Rekomendasi Dinas Sosial Kabupaten Lembah Sari belum dilampirkan. Unggah "
                         "rekomendasinya bersama daftar anggota."),
            Earlier("kube-12", REJECTED, 7, _kube("KUBE Usaha Bersama Sejahtera", "Kota Mandala",
                                                  "Simpan pinjam", 15),
                    note="Usaha simpan pinjam tidak termasuk usaha yang dibantu melalui KUBE. Silakan "
                         "ajukan pembiayaan melalui koperasi."),
        ),
    ),
)
# fmt: on


class DemoApplicant(NamedTuple):
    full_name: str
    email: str  # the login, as the portal's registration makes it
    phone: str
    nik: str
    nib: str  # used when the story's applicant is an organisation


def _generated_applicant(key: str, taken: set[str]) -> DemoApplicant:
    """The same story always yields the same person: the generator is seeded with the story's key."""
    for attempt in count():
        rng = random.Random(f"pemohon/{key}/{attempt}")
        female = rng.random() < 0.5
        first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        last = rng.choice(FAMILY_NAMES)
        last = FEMININE.get(last, last) if female else last
        email = f"{first}.{last}@{APPLICANT_DOMAIN}".lower()
        if email in taken:
            continue
        taken.add(email)
        born = date(rng.randint(1965, 2004), rng.randint(1, 12), rng.randint(1, 28))
        # A NIK: region, birth date (day + 40 for a woman), then a serial.
        day = born.day + (40 if female else 0)
        nik = f"{NIK_REGION}{day:02d}{born:%m%y}{rng.randint(1, 9999):04d}"
        carrier = rng.choice(("12", "13", "21", "22", "52", "53", "77", "81", "95"))
        phone = f"08{carrier}{rng.randint(0, 10**8 - 1):08d}"
        return DemoApplicant(f"{first} {last}", email, phone, nik, f"91{rng.randint(0, 10**11 - 1):011d}")
    raise AssertionError("unreachable")


@cache
def history_applicants() -> dict[str, DemoApplicant]:
    """Story key → its applicant, one applicant per story."""
    taken = {CITIZEN.email}
    return {story.key: _generated_applicant(story.key, taken) for item in HISTORY for story in item.stories}


@dataclass(frozen=True)
class HistorySummary:
    submissions: int  # the demo applicants' submissions after this run
    created: int  # stories this run played
    finished: int  # finished with a signed reply
    rated: int  # of those, rated in the SKM
    skipped: int = 0  # stories that could not be played today (see _Stopped); tried again next run


class _Stopped(Exception):
    """A story cannot be played today: an admin changed the demo (a post it needs has nobody, its
    service is closed, the head's signature is refused). Its transaction is rolled back; the next run
    tries again."""


@dataclass
class _PortalOffice:
    """What playing the stories needs from the database, loaded in a few queries."""

    today: date
    services: dict[str, Service]  # slug → service
    required: dict[int, list[ServiceDocument]]  # service id → the documents it asks for
    positions: dict[str, Position]  # the Kepala Bidang posts, by code
    holders: dict[int, list[User]]
    operators: dict[int, User]  # OPD id → its operator
    password: Callable[[], str]
    scans: dict[str, bytes] = field(default_factory=dict)

    def service(self, item: History) -> Service:
        if item.slug not in self.services:
            raise _Stopped(f"Layanan {item.slug} tidak ada.")
        return self.services[item.slug]

    def position(self, code: str) -> Position:
        if code not in self.positions:
            raise _Stopped(f"Jabatan {code} tidak ada.")
        return self.positions[code]

    def acting_for(self, position: Position) -> User:
        """Whoever acts for the position today: a Plt or Plh comes after the definitive holder."""
        holders = self.holders.get(position.pk)
        if not holders:
            raise _Stopped(f"Tidak ada yang memegang jabatan {position.name}.")
        return holders[-1]

    def operator_of(self, service: Service) -> User:
        if service.opd_id not in self.operators:
            raise _Stopped(f"{service.opd} tidak memiliki operator.")
        return self.operators[service.opd_id]

    def uploads(self, service: Service) -> list[Upload]:
        """A one-page PDF for each document the service asks for, rendered once per document name."""
        uploads = []
        for document in self.required[service.pk]:
            if document.name not in self.scans:
                self.scans[document.name] = _render_document(document.name)
            name = f"{slugify(document.name)[:60]}.pdf"
            uploads.append(
                Upload(
                    file=SimpleUploadedFile(name, self.scans[document.name], content_type="application/pdf"),
                    requirement=document,
                )
            )
        return uploads


def seed_demo_portal_history(*, today: date | None = None) -> HistorySummary:
    """Plays the portal's earlier submissions; running it again writes nothing. `today` is for tests.

    Runs after `seed_demo_services()` and `tte.demo.seed_demo_certificates()`: the heads sign the
    replies with their demo certificates. A story is known by its applicant, who has no other
    submission in the demo: one query finds every story played before.
    """
    today = today or timezone.localdate()
    people = history_applicants()
    rows = _history_rows(people)
    played = {username for username, _, _ in rows}
    missing = [
        (item, story) for item in HISTORY for story in item.stories if people[story.key].email not in played
    ]
    skipped = 0
    if missing:
        office = _load_portal_office(today=today)
        # Oldest first: agenda and outgoing numbers follow the order of submission.
        for item, story in sorted(missing, key=lambda pair: -pair[1].days):
            try:
                _play_story(item, story, people[story.key], office)
            except (_Stopped, Refused):
                skipped += 1
        rows = _history_rows(people)
    return HistorySummary(
        submissions=len(rows),
        created=len(missing) - skipped,
        finished=sum(status == Submission.Status.FINISHED for _, status, _ in rows),
        rated=sum(survey is not None for _, _, survey in rows),
        skipped=skipped,
    )


def _history_rows(people: dict[str, DemoApplicant]) -> list[tuple[str, str, int | None]]:
    """(applicant's login, status, survey id or None) of every demo applicant's submission."""
    return list(
        Submission.objects.filter(applicant__user__username__in=[person.email for person in people.values()])
        .values_list("applicant__user__username", "status", "survey")
        .order_by()
    )


def _load_portal_office(*, today: date) -> _PortalOffice:
    wanted = Q()
    for item in HISTORY:
        wanted |= Q(opd__code=item.opd, slug=item.slug)
    services = {
        service.slug: service
        for service in Service.objects.filter(wanted).select_related("opd", "addressee", "classification")
    }
    required: dict[int, list[ServiceDocument]] = {service.pk: [] for service in services.values()}
    for document in ServiceDocument.objects.filter(service__in=services.values(), required=True):
        required[document.service_id].append(document)
    positions = {
        position.code: position
        for position in Position.objects.filter(code__in=[item.bidang for item in HISTORY])
    }
    heads = [service.addressee for service in services.values()]
    operators: dict[int, User] = {}
    grants = RoleGrant.objects.filter(
        role=RoleGrant.Role.OPERATOR, opd_id__in=[service.opd_id for service in services.values()]
    ).select_related("user")
    for grant in grants.order_by("user_id"):
        operators.setdefault(grant.opd_id, grant.user)
    return _PortalOffice(
        today=today,
        services=services,
        required=required,
        positions=positions,
        holders=holders_of(position_ids=[p.pk for p in [*heads, *positions.values()]], on=today),
        operators=operators,
        # One PBKDF2 hash for every demo applicant, as for the demo staff (organisasi.demo).
        password=cache(lambda: make_password(DEMO_PASSWORD)),
    )


@transaction.atomic
def _play_story(item: History, story: Earlier, person: DemoApplicant, office: _PortalOffice) -> None:
    """One submission from the applicant's registration to where the story ends, all of it or nothing."""
    service = office.service(item)
    applicant = _applicant(story, person, office)
    operator = office.operator_of(service)
    submission = submit(
        actor=applicant.user, service=service, answers=story.answers, uploads=office.uploads(service)
    )
    _date_back(submission, story=story, service=service, today=office.today)
    if story.stage == WAITING:
        return
    if story.stage == RETURNED:
        return_incomplete(actor=operator, submission=submission, note=story.note)
        return
    if story.stage == REJECTED:
        reject(actor=operator, submission=submission, reason=story.note)
        return

    submission = accept(actor=operator, submission=submission)
    letter = submission.letter
    head_post, bidang = service.addressee, office.position(item.bidang)
    head, kabid = office.acting_for(head_post), office.acting_for(bidang)
    node = InboxItem.objects.filter(letter=letter, position=head_post).latest("id")
    mark_read(user=head, item=node)
    [disposition] = dispose(
        actor=head, from_item=node, to=[bidang], instructions=[Instruction.DRAFT_REPLY], note=item.instruction
    )
    mark_read(user=kabid, item=disposition.item)
    if story.stage == IN_PROGRESS:
        report_follow_up(
            actor=kabid, item=disposition.item, text="Berkas sedang diverifikasi; jawaban sedang disiapkan."
        )
        return

    reply = create_draft(
        actor=kabid,
        position=bidang,
        details=DraftDetails(
            letter_type=LetterType.OFFICIAL_LETTER,
            subject=f"Jawaban atas {letter.subject}",
            security_class=SecurityClass.ORDINARY,
            urgency=Urgency.NORMAL,
            classification=service.classification,
            signer_position=head_post,
            in_reply_to=letter,
        ),
        recipients=[
            RecipientSpec(
                kind=OutgoingRecipient.Kind.TO, name=applicant.display_name, email=applicant.user.email
            )
        ],
        body_html=_reply_body(item, story, submission),
        reviewers=[],  # the Kepala Bidang reports straight to the signer: nobody parafs in between
    )
    submit_for_review(actor=kabid, letter=reply)
    report_follow_up(
        actor=kabid,
        item=disposition.item,
        text=f"Konsep surat balasan sudah diajukan kepada {head_post.name} untuk ditandatangani.",
        done=True,
    )
    request_signature(actor=head, letter=reply, passphrase=DEMO_TTE_PASSPHRASE)
    _sign_now(reply)
    # The receiver of the "signed" event finishes the submission once this transaction commits; the
    # survey needs it finished now. The service is idempotent: the receiver then finds it done.
    finish_with_reply(reply=OutgoingLetter.objects.get(pk=reply.pk))
    if story.scores:
        answer_survey(
            actor=applicant.user,
            submission=submission,
            answers=dict(zip(ELEMENT_NAMES, map(int, story.scores), strict=True)),
            comment=story.comment,
        )


def _applicant(story: Earlier, person: DemoApplicant, office: _PortalOffice) -> Applicant:
    """The story's applicant with a verified e-mail address, signing in with the demo password."""
    user, _ = User.objects.get_or_create(
        username=person.email,
        defaults={
            "email": person.email,
            "full_name": person.full_name,
            "phone": person.phone,
            "employment": User.Employment.PUBLIC,
            "password": office.password,  # called only when the user is created
        },
    )
    if story.organisation:
        identity = {"kind": Applicant.Kind.BUSINESS, "business_name": story.organisation, "nib": person.nib}
    else:
        identity = {"kind": Applicant.Kind.PERSON, "nik": person.nik}
    applicant, _ = Applicant.objects.get_or_create(
        user=user, defaults={**identity, "email_verified_at": timezone.now()}
    )
    return applicant


def _date_back(submission: Submission, *, story: Earlier, service: Service, today: date) -> None:
    """The day the applicant sent it, `story.days` working days ago (within this year, so that the year's
    statistics count it), and its time limit from that day. The services date a submission now; only
    its own date is moved, the events of its timeline keep the moment they were recorded."""
    day = today
    for _ in range(story.days):
        day -= timedelta(days=1)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
    day = max(day, today.replace(month=1, day=1))
    minutes = random.Random(f"{story.key}/jam").randint(0, 7 * 60)
    sent = timezone.make_aware(datetime.combine(day, time(8)) + timedelta(minutes=minutes))
    Submission.objects.filter(pk=submission.pk).update(
        submitted_at=min(sent, timezone.now()), due_on=add_working_days(day, service.sla_days)
    )
    submission.refresh_from_db(fields=["submitted_at", "due_on"])


def _sign_now(reply: OutgoingLetter) -> None:
    """What the worker does after `request_signature`, done here so that the history waits for no
    worker. The task queued on commit finds the letter numbered and signed, and stops."""
    try:
        sign_outgoing(letter_id=reply.pk)
    except (Refused, ServiceUnavailable) as error:
        raise _Stopped(f"Surat balasan tidak dapat ditandatangani: {error}") from error
    if not OutgoingLetter.objects.filter(pk=reply.pk, status=OutgoingLetter.Status.SIGNED).exists():
        raise _Stopped("Tanda tangan kepala perangkat daerah ditolak.")


def _reply_body(item: History, story: Earlier, submission: Submission) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        sent = formats.date_format(timezone.localdate(submission.submitted_at))
    values = {**story.answers, "code": submission.tracking_code, "date": sent}
    return "".join(f"<p>{escape(paragraph.format(**values))}</p>" for paragraph in item.reply.split("\n"))


def _render_document(name: str) -> bytes:
    """A one-page PDF standing in for a scanned requirement."""
    # Imported here: WeasyPrint takes seconds to load, and a second run renders nothing.
    from weasyprint import HTML

    html = (
        '<!doctype html><html lang="id"><head><meta charset="utf-8"></head>'
        "<body style=\"font-family: 'Liberation Serif', serif\">"
        f'<h1 style="font-size: 14pt">{escape(name)}</h1>'
        "<p>Contoh dokumen persyaratan pada data demo Kantor Virtual.</p></body></html>"
    )
    return HTML(string=html).write_pdf()
