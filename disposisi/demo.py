"""Demo mail for Provinsi Nusa Mandiri: letters in every OPD's agenda and disposition trees under them.

Runs after `organisasi.demo.seed_demo_province()`, on the people and positions it made. Everything
goes through the services an office would use: `receive_letter` registers each letter (by the
OPD's operator, with `origin_key="demo:<key>"`), then the letter's story is played by whoever acts
for each position today: they open it (`mark_read`), dispose it down the chain (`dispose`) and
report follow-up (`report_follow_up`).

A letter and its story are written in one transaction, so a letter that exists has its whole
story too: a second run finds every key in one query and writes nothing at all.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.html import escape

from disposisi.models import Disposition, FollowUp, Instruction
from disposisi.services import dispose, report_follow_up
from organisasi.demo import CAPITAL, PROVINCE_NAME
from organisasi.models import Opd, Position, RoleGrant, User
from organisasi.selectors import holders_of
from persuratan.models import (
    Classification,
    Correspondent,
    InboxItem,
    IncomingLetter,
    LetterType,
    Priority,
    SecurityClass,
    Urgency,
)
from persuratan.reference import load_classification_codes
from persuratan.services import LetterDetails, Sender, mark_read, receive_letter

ORIGIN_PREFIX = "demo:"
HEAD = "HEAD"  # in a letter's table: whichever position heads its OPD (Kepala Dinas/Badan, Sekda)
SECRETARY = "SEKRETARIS"

INSTITUTION, PERSON = Correspondent.Kind.INSTITUTION, Correspondent.Kind.PERSON
BIASA, TERBATAS, RAHASIA = SecurityClass.ORDINARY, SecurityClass.RESTRICTED, SecurityClass.SECRET
SEGERA, SANGAT_SEGERA = Urgency.URGENT, Urgency.VERY_URGENT
PENTING, SANGAT_PENTING = Priority.HIGH, Priority.TOP


# ── Who writes to the province ───────────────────────────────────────────────────────────────────


class Writer(NamedTuple):
    """A sender as its letterhead and signature show it."""

    name: str
    address: str
    city: str
    signs_as: str  # the lines above the signature, "\n" between them
    signer: str
    kind: str = INSTITUTION


# fmt: off
WRITERS = {
    "kemendagri": Writer(
        "Kementerian Dalam Negeri", "Jalan Medan Merdeka Utara No. 7, Jakarta Pusat 10110", "Jakarta",
        "a.n. Menteri Dalam Negeri\nSekretaris Jenderal,", "Dr. Suhardi Wiranata, M.Si."),
    "otda": Writer(
        "Direktorat Jenderal Otonomi Daerah Kementerian Dalam Negeri",
        "Jalan Medan Merdeka Utara No. 7, Jakarta Pusat 10110", "Jakarta",
        "Direktur Jenderal Otonomi Daerah,", "Dr. Andreas Simatupang, M.Si."),
    "komdigi": Writer(
        "Kementerian Komunikasi dan Digital", "Jalan Medan Merdeka Barat No. 9, Jakarta Pusat 10110",
        "Jakarta",
        "a.n. Menteri Komunikasi dan Digital\nDirektur Jenderal Teknologi Pemerintah Digital,",
        "Ir. Wahyu Kusumanegara, M.Sc."),
    "bssn": Writer(
        "Badan Siber dan Sandi Negara", "Jalan Harsono R.M. No. 70, Ragunan, Jakarta Selatan 12550",
        "Jakarta",
        "Deputi Bidang Keamanan Siber dan Sandi\nPemerintahan dan Pembangunan Manusia,",
        "Dr. Ratih Puspitasari, S.ST., M.T."),
    "bps": Writer(
        "Badan Pusat Statistik Provinsi Nusa Mandiri", "Jalan Pattimura No. 14, Kota Mandala 93112",
        "Kota Mandala", "Kepala,", "Ir. Darmawan Sitompul, M.Si."),
    "kemenpanrb": Writer(
        "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi",
        "Jalan Jenderal Sudirman Kav. 69, Jakarta Selatan 12190", "Jakarta",
        "Deputi Bidang Pelayanan Publik,", "Drs. Hendrik Wattimury, M.A.P."),
    "komisi_informasi": Writer(
        "Komisi Informasi Provinsi Nusa Mandiri", "Jalan Pahlawan No. 40, Kota Mandala 93111", "Kota Mandala",
        "Ketua,", "Yusuf Pattiradjawane, S.Sos., M.Si."),
    "ombudsman": Writer(
        "Ombudsman Republik Indonesia Perwakilan Provinsi Nusa Mandiri",
        "Jalan Sam Ratulangi No. 22, Kota Mandala 93114", "Kota Mandala",
        "Kepala Perwakilan,", "Fransiska Lumban Tobing, S.H., M.H."),
    "tanjung_mas": Writer(
        "Pemerintah Kabupaten Tanjung Mas", "Jalan Bupati No. 1, Tanjung Mas 93211", "Tanjung Mas",
        "Bupati Tanjung Mas,", "H. Syamsul Bahri, S.E., M.M."),
    "lembah_sari": Writer(
        "Pemerintah Kabupaten Lembah Sari", "Jalan Merdeka No. 5, Sari Indah 93311", "Sari Indah",
        "Bupati Lembah Sari,", "Ir. Kornelius Ndun, M.T."),
    "pesisir_utara": Writer(
        "Pemerintah Kabupaten Pesisir Utara", "Jalan Pelabuhan No. 2, Muara Teluk 93411", "Muara Teluk",
        "Bupati Pesisir Utara,", "Drs. Abdul Rahman Tuasikal, M.Si."),
    "bukit_raya": Writer(
        "Pemerintah Kabupaten Bukit Raya", "Jalan Pemuda No. 10, Bukit Raya 93511", "Bukit Raya",
        "Bupati Bukit Raya,", "dr. Agnes Rumbekwan, M.Kes."),
    "kota_mandala": Writer(
        "Pemerintah Kota Mandala", "Jalan Balai Kota No. 1, Kota Mandala 93111", "Kota Mandala",
        "Wali Kota Mandala,", "Drs. H. Zainal Arifin, M.Si."),
    "untama": Writer(
        "Fakultas Ilmu Komputer Universitas Tanjung Mandala", "Jalan Kampus Raya No. 1, Kota Mandala 93117",
        "Kota Mandala", "Dekan,", "Prof. Dr. Gregorius Sahetapy, M.Kom."),
    "untama_fkip": Writer(
        "Fakultas Keguruan dan Ilmu Pendidikan Universitas Tanjung Mandala",
        "Jalan Kampus Raya No. 1, Kota Mandala 93117", "Kota Mandala",
        "Wakil Dekan Bidang Akademik,", "Dr. Wulan Anggraini, M.Pd."),
    "dprd": Writer(
        "Sekretariat DPRD Provinsi Nusa Mandiri", "Jalan Pahlawan No. 25, Kota Mandala 93111", "Kota Mandala",
        "Sekretaris DPRD,", "Drs. Paulus Rumbiak, M.Si."),
    "kemensos": Writer(
        "Kementerian Sosial", "Jalan Salemba Raya No. 28, Jakarta Pusat 10430", "Jakarta",
        "Sekretaris Jenderal,", "Dr. Imelda Harahap, M.Si."),
    "yayasan": Writer(
        "Yayasan Kasih Bunda Kota Mandala", "Jalan Flamboyan No. 8, Kota Mandala 93115", "Kota Mandala",
        "Ketua Yayasan,", "Theresia Manoppo, S.Sos."),
    "kemendikdasmen": Writer(
        "Kementerian Pendidikan Dasar dan Menengah", "Jalan Jenderal Sudirman, Senayan, Jakarta 10270",
        "Jakarta", "Kepala Badan Standar, Kurikulum, dan Asesmen Pendidikan,",
        "Prof. Dr. Teguh Santosa, M.Pd."),
    "kemenkes": Writer(
        "Kementerian Kesehatan", "Jalan H.R. Rasuna Said Blok X-5 Kav. 4-9, Jakarta Selatan 12950", "Jakarta",
        "Direktur Jenderal Penanggulangan Penyakit,", "dr. Lukas Manuputty, M.P.H."),
    "rsud": Writer(
        "Rumah Sakit Umum Daerah Bukit Raya", "Jalan Kesehatan No. 3, Bukit Raya 93512", "Bukit Raya",
        "Direktur,", "dr. Yulia Saragih, Sp.PD."),
    "bpjs": Writer(
        "BPJS Kesehatan Kantor Cabang Kota Mandala", "Jalan Jenderal Sudirman No. 41, Kota Mandala 93116",
        "Kota Mandala", "Kepala Cabang,", "Ronald Gunadi, S.E., M.M."),
    "bappenas": Writer(
        "Kementerian Perencanaan Pembangunan Nasional/Bappenas",
        "Jalan Taman Suropati No. 2, Jakarta Pusat 10310", "Jakarta",
        "Deputi Bidang Pengembangan Regional,", "Dr. Rinaldi Wicaksono, M.U.P."),
    "bkn": Writer(
        "Badan Kepegawaian Negara", "Jalan Mayjen Sutoyo No. 12, Cililitan, Jakarta Timur 13640", "Jakarta",
        "Deputi Bidang Pengadaan, Mutasi dan Pensiun Pegawai ASN,", "Drs. Haryono Prawiro, M.M."),
    "kemenpanrb_sdm": Writer(
        "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi",
        "Jalan Jenderal Sudirman Kav. 69, Jakarta Selatan 12190", "Jakarta",
        "Deputi Bidang Sumber Daya Manusia Aparatur,", "Dr. Markus Latumahina, M.Si."),
    "investasi": Writer(
        "Kementerian Investasi dan Hilirisasi/Badan Koordinasi Penanaman Modal",
        "Jalan Jenderal Gatot Subroto No. 44, Jakarta Selatan 12190", "Jakarta",
        "Deputi Bidang Pengendalian Pelaksanaan Penanaman Modal,", "Ir. Benediktus Sinaga, M.B.A."),
    "pt_sawit": Writer(
        "PT Sawit Lestari Nusantara", "Jalan Lintas Pesisir Km 12, Muara Teluk 93412", "Muara Teluk",
        "Direktur Utama,", "Michael Hartanto"),
    "anri": Writer(
        "Arsip Nasional Republik Indonesia", "Jalan Ampera Raya No. 7, Cilandak, Jakarta Selatan 12560",
        "Jakarta",
        "Deputi Bidang Pembinaan Kearsipan,", "Dr. Desi Pratiwi Lubis, M.Hum."),
    "perpusnas": Writer(
        "Perpustakaan Nasional Republik Indonesia", "Jalan Medan Merdeka Selatan No. 11, Jakarta Pusat 10110",
        "Jakarta", "Deputi Bidang Pengembangan Bahan Pustaka dan Jasa Informasi,",
        "Dr. Aminah Sembiring, M.Si."),
    # Citizens writing in their own name: no letterhead, no number.
    "warga_wifi": Writer(
        "Yosef Ndolu", "Jalan Kenanga No. 17, RT 003/RW 002, Kelurahan Taman Sari, Kota Mandala 93113",
        "Kota Mandala", "Hormat saya,", "Yosef Ndolu", PERSON),
    "warga_sekolah": Writer(
        "Lestari Handayani", "Jalan Melati No. 4, Kelurahan Bukit Indah, Kota Mandala 93117", "Kota Mandala",
        "Hormat saya,", "Lestari Handayani", PERSON),
    "guru_mutasi": Writer(
        "Samuel Wenda, S.Pd.", "SMP Negeri 3 Bukit Raya, Jalan Pendidikan No. 9, Bukit Raya 93513",
        "Bukit Raya",
        "Hormat saya,", "Samuel Wenda, S.Pd.", PERSON),
    "pelaku_usaha": Writer(
        "Andi Baso Pawennari", "Jalan Cendana No. 21, Kelurahan Pasar Baru, Kota Mandala 93116",
        "Kota Mandala",
        "Hormat saya,", "Andi Baso Pawennari", PERSON),
}
# fmt: on


# ── What happens to each letter ──────────────────────────────────────────────────────────────────


class Read(NamedTuple):
    """Whoever acts for `at` opens the letter and does nothing more yet."""

    at: str


class Dispose(NamedTuple):
    """Whoever acts for `at` opens the letter and disposes it down to `to`."""

    at: str
    to: tuple[str, ...]
    instructions: tuple[str, ...]
    note: str = ""
    priority: str = Priority.NORMAL


class Report(NamedTuple):
    """Whoever acts for `at` reports follow-up; `attachment` names a one-page PDF report sent with it."""

    at: str
    text: str
    done: bool = False
    attachment: str = ""


Step = Read | Dispose | Report


class DemoLetter(NamedTuple):
    """One letter. Positions are codes inside the letter's OPD ("KABID-APTIKA"), or HEAD.

    `number` and the texts may name `{y}` and `{m}`: the year and month of the letter's date, which
    moves with the day the demo is seeded.
    """

    key: str
    opd: str
    writer: str
    number: str
    sent: int  # days before today the letter is dated
    received: int  # days before today it arrived
    classification: str
    letter_type: str
    subject: str
    summary: str
    body: str  # the letter's paragraphs, "\n" between them
    security: str = BIASA
    urgency: str = Urgency.NORMAL
    attachments: int = 0
    to: tuple[str, ...] = (HEAD,)
    copies: tuple[str, ...] = (SECRETARY,)
    story: tuple[Step, ...] = ()


# fmt: off
LETTERS = (
    # ── Diskominfos: the demo accounts' own OPD ──
    DemoLetter(
        "kominfos-komdigi-arsitektur", "DISKOMINFOS", "komdigi", "B-2381/DJTPD/TI.02.01/{m}/{y}", 19, 16,
        "500.12.6", LetterType.OFFICIAL_LETTER,
        "Permintaan Data Aplikasi dan Infrastruktur Pemerintah Daerah untuk Pemetaan Arsitektur SPBE",
        "Komdigi meminta inventaris aplikasi, pusat data dan jaringan intra pemerintah daerah untuk peta "
        "arsitektur SPBE nasional, disampaikan paling lambat akhir bulan.",
        "Dalam rangka penyusunan Peta Rencana SPBE Nasional, kami meminta Saudara menyampaikan data aplikasi "
        "umum dan khusus, pusat data, serta jaringan intra pemerintah daerah yang dikelola di lingkungan "
        "Pemerintah Provinsi Nusa Mandiri.\n"
        "Data disampaikan melalui formulir terlampir paling lambat akhir bulan ini.",
        urgency=SEGERA, attachments=1,
        story=(
            Dispose(HEAD, ("KABID-APTIKA",), (Instruction.FOLLOW_UP, Instruction.PREPARE_MATERIAL),
                    "Lengkapi data aplikasi seluruh OPD, koordinasikan dengan Bidang Infrastruktur.",
                    PENTING),
            Dispose("KABID-APTIKA", ("STAF-APTIKA-1", "JF-APTIKA-1"), (Instruction.FOLLOW_UP,),
                    "Himpun inventaris aplikasi dari sembilan OPD, paling lambat Jumat."),
            Report("STAF-APTIKA-1", "Data aplikasi dari enam OPD sudah terkumpul; Dinkes, Disdik dan BKD "
                   "belum mengirim. Sudah kami ingatkan lewat surat elektronik."),
            Read(SECRETARY),
        )),
    DemoLetter(
        "kominfos-kemendagri-evaluasi-spbe", "DISKOMINFOS", "kemendagri", "500.12.6/4512/SJ", 27, 25,
        "500.12.6", LetterType.OFFICIAL_LETTER,
        "Pelaksanaan Evaluasi Mandiri Sistem Pemerintahan Berbasis Elektronik Tahun {y}",
        "Pemerintah daerah diminta mengisi lembar evaluasi mandiri SPBE beserta bukti dukung dalam aplikasi "
        "evaluasi SPBE.",
        "Sehubungan dengan pelaksanaan evaluasi SPBE tahun {y}, kami minta Saudara mengoordinasikan "
        "pengisian lembar evaluasi mandiri beserta bukti dukungnya pada aplikasi evaluasi SPBE.\n"
        "Pengisian dilaksanakan paling lambat tiga minggu sejak surat ini diterima.",
        attachments=2,
        story=(
            Dispose(HEAD, ("KABID-APTIKA",), (Instruction.STUDY_AND_REPORT, Instruction.COORDINATE_WITH),
                    "Pastikan bukti dukung lengkap sebelum batas waktu."),
            Dispose("KABID-APTIKA", ("STAF-APTIKA-1",), (Instruction.PREPARE_MATERIAL,),
                    "Susun rekap bukti dukung per indikator."),
            Report("STAF-APTIKA-1", "Rekap bukti dukung 47 indikator sudah disusun dan diunggah ke aplikasi "
                   "evaluasi SPBE. Rekap terlampir.",
                   done=True, attachment="Rekap-Evaluasi-Mandiri-SPBE.pdf"),
            Report("KABID-APTIKA", "Lembar evaluasi mandiri dan bukti dukung sudah dikirim; tanda terima "
                   "dari aplikasi sudah diarsipkan.", done=True),
            Report(HEAD, "Selesai. Arsipkan.", done=True),
            Read(SECRETARY),
        )),
    DemoLetter(
        "kominfos-bssn-csirt", "DISKOMINFOS", "bssn", "B-873/D3/PP.01.02/{m}/{y}", 9, 7,
        "500.12.10", LetterType.INVITATION_LETTER,
        "Undangan Rapat Koordinasi Penguatan Computer Security Incident Response Team Pemerintah Daerah",
        "Undangan rapat koordinasi penguatan CSIRT pemerintah daerah di Jakarta; peserta satu orang pejabat "
        "yang membidangi persandian.",
        "Dalam rangka penguatan Computer Security Incident Response Team (CSIRT) pemerintah daerah, kami "
        "mengundang Saudara atau pejabat yang membidangi persandian untuk menghadiri rapat koordinasi.\n"
        "Rapat dilaksanakan di Gedung BSSN, Jakarta, dua pekan sejak surat ini diterima, pukul 09.00 WIB.",
        urgency=SEGERA,
        story=(
            Dispose(HEAD, ("KABID-STATSANDI",), (Instruction.REPRESENT, Instruction.STUDY_AND_REPORT),
                    "Mohon diwakili dan laporkan hasilnya."),
            Dispose("KABID-STATSANDI", ("JF-STATSANDI-2",),
                    (Instruction.ATTEND, Instruction.PREPARE_MATERIAL),
                    "Siapkan profil CSIRT provinsi untuk dipaparkan."),
        )),
    DemoLetter(
        "kominfos-bssn-insiden", "DISKOMINFOS", "bssn", "R-112/D3/PP.02.01/{m}/{y}", 3, 2,
        "500.12.10", LetterType.OFFICIAL_LETTER,
        "Pemberitahuan Indikasi Insiden Keamanan Siber pada Subdomain Pemerintah Provinsi",
        "BSSN mendeteksi indikasi peretasan pada salah satu subdomain pemerintah provinsi dan meminta "
        "penanganan segera.",
        "Berdasarkan hasil pemantauan, kami mendeteksi indikasi penyusupan pada salah satu subdomain milik "
        "Pemerintah Provinsi Nusa Mandiri. Rincian teknis terdapat pada lampiran yang bersifat rahasia.\n"
        "Kami minta Saudara segera melakukan penanganan dan melaporkan hasilnya kepada BSSN.",
        security=RAHASIA, urgency=SANGAT_SEGERA, attachments=1, copies=(),
        story=(
            Dispose(HEAD, ("KABID-INFRA",), (Instruction.COMPLETE, Instruction.DISCUSS_WITH_ME),
                    "Segera tutup celahnya dan laporkan langsung kepada saya.", SANGAT_PENTING),
            Dispose("KABID-INFRA", ("KASI-INFRA-2",), (Instruction.FOLLOW_UP,),
                    "Isolasi server terdampak dan periksa log akses."),
            Report("KASI-INFRA-2", "Server terdampak sudah diisolasi, kata sandi diganti, pemindaian "
                   "kerentanan sedang berjalan."),
        )),
    DemoLetter(
        "kominfos-bps-statistik-sektoral", "DISKOMINFOS", "bps", "B-417/BPS/{y}", 22, 20,
        "500.14", LetterType.OFFICIAL_LETTER,
        "Pembinaan Statistik Sektoral dan Pengisian Metadata Kegiatan Statistik",
        "BPS meminta walidata provinsi melengkapi metadata kegiatan dan indikator statistik sektoral pada "
        "portal Satu Data.",
        "Dalam rangka pembinaan statistik sektoral, kami meminta Saudara selaku walidata melengkapi metadata "
        "kegiatan statistik dan metadata indikator pada portal Satu Data Indonesia.\n"
        "Pendampingan teknis dapat dikoordinasikan dengan Bidang Integrasi Pengolahan dan Diseminasi "
        "Statistik BPS Provinsi Nusa Mandiri.",
        story=(
            Dispose(HEAD, ("KABID-STATSANDI",), (Instruction.FOLLOW_UP,), "Tindak lanjuti bersama BPS."),
            Dispose("KABID-STATSANDI", ("JF-STATSANDI-1",),
                    (Instruction.FOLLOW_UP, Instruction.COORDINATE_WITH)),
            Report("JF-STATSANDI-1", "Metadata 24 indikator sudah diisi dan diverifikasi bersama BPS.",
                   done=True),
        )),
    DemoLetter(
        "kominfos-warga-wifi", "DISKOMINFOS", "warga_wifi", "-", 12, 10,
        "500.12", LetterType.APPLICATION,
        "Pengaduan Layanan Internet Gratis di Taman Kota Mandala yang Tidak Berfungsi",
        "Warga melaporkan titik akses internet gratis di Taman Kota Mandala mati sejak tiga minggu.",
        "Dengan hormat,\n"
        "Saya warga Kelurahan Taman Sari ingin menyampaikan bahwa layanan internet gratis di Taman Kota "
        "Mandala tidak dapat digunakan sejak tiga minggu yang lalu. Layanan ini banyak dipakai pelajar untuk "
        "mengerjakan tugas sekolah.\n"
        "Saya mohon agar layanan tersebut segera diperbaiki.",
        story=(
            Dispose(HEAD, ("KABID-INFRA",), (Instruction.FOLLOW_UP, Instruction.DRAFT_REPLY),
                    "Cek lokasi dan siapkan jawaban kepada pelapor."),
            Dispose("KABID-INFRA", ("KASI-INFRA-1",), (Instruction.FOLLOW_UP,)),
            Report("KASI-INFRA-1", "Perangkat akses di Taman Kota sudah diganti dan berfungsi kembali; "
                   "pelapor sudah dihubungi.", done=True),
        )),
    DemoLetter(
        "kominfos-tanjungmas-tte", "DISKOMINFOS", "tanjung_mas", "500.12/417/Diskominfo/{y}", 6, 5,
        "000.6.5", LetterType.OFFICIAL_LETTER,
        "Permohonan Pendampingan Penerapan Tanda Tangan Elektronik",
        "Pemerintah Kabupaten Tanjung Mas memohon pendampingan penerapan TTE tersertifikasi bagi pejabatnya.",
        "Dalam rangka penerapan naskah dinas elektronik di lingkungan Pemerintah Kabupaten Tanjung Mas, kami "
        "memohon pendampingan teknis penerapan tanda tangan elektronik tersertifikasi.\n"
        "Kami berharap pendampingan dapat dilaksanakan pada bulan ini di Kantor Bupati Tanjung Mas.",
        story=(
            Dispose(HEAD, ("KABID-APTIKA",), (Instruction.COORDINATE_WITH, Instruction.FOLLOW_UP),
                    "Koordinasikan dengan Bidang Persandian, jadwalkan pendampingan."),
            Dispose("KABID-APTIKA", ("STAF-APTIKA-1",), (Instruction.SCHEDULE, Instruction.PREPARE_MATERIAL),
                    "Siapkan materi dan usulan jadwal."),
        )),
    DemoLetter(
        "kominfos-untama-magang", "DISKOMINFOS", "untama", "1287/UTM.FIK/KM.04/{y}", 15, 13,
        "400.3", LetterType.OFFICIAL_LETTER,
        "Permohonan Izin Magang Mahasiswa Program Studi Sistem Informasi",
        "Permohonan izin magang enam mahasiswa selama dua bulan di Diskominfos.",
        "Dalam rangka pelaksanaan program magang, kami memohon izin bagi enam mahasiswa Program Studi Sistem "
        "Informasi untuk melaksanakan magang di Dinas Komunikasi, Informatika dan Statistik selama dua "
        "bulan.\n"
        "Daftar nama mahasiswa terlampir.",
        attachments=1,
        story=(
            Dispose(HEAD, (SECRETARY, "KABID-APTIKA"),
                    (Instruction.PROCESS_PER_RULES, Instruction.FOR_CONSIDERATION),
                    "Terima bila tempat memadai, tempatkan di Bidang Aplikasi Informatika."),
            Read("KABID-APTIKA"),
        )),
    DemoLetter(
        "kominfos-panrb-sp4n", "DISKOMINFOS", "kemenpanrb", "B/1432/PP.00.01/{y}", 18, 15,
        "000.8.3.4", LetterType.CIRCULAR,
        "Optimalisasi Pengelolaan Pengaduan Pelayanan Publik melalui SP4N-LAPOR!",
        "Pemerintah daerah diminta menindaklanjuti setiap aduan SP4N-LAPOR! paling lama lima hari kerja.",
        "Untuk meningkatkan kualitas pengelolaan pengaduan, kami minta setiap pemerintah daerah memastikan "
        "seluruh aduan pada SP4N-LAPOR! ditindaklanjuti paling lama lima hari kerja.\n"
        "Admin instansi diminta memantau disposisi aduan kepada unit kerja terkait.",
        story=(
            Dispose(HEAD, ("KABID-IKP",), (Instruction.FOLLOW_UP, Instruction.MONITOR)),
            Dispose("KABID-IKP", ("JF-IKP-1",), (Instruction.MONITOR,), "Laporkan rekap aduan tiap pekan."),
            Report("JF-IKP-1", "Rekap pekan ini: 31 aduan, 27 sudah ditindaklanjuti."),
        )),
    DemoLetter(
        "kominfos-komisi-informasi-monev", "DISKOMINFOS", "komisi_informasi", "045/KI-NM/IX/{y}", 8, 6,
        "500.12.11", LetterType.INVITATION_LETTER,
        "Undangan Monitoring dan Evaluasi Keterbukaan Informasi Badan Publik",
        "Undangan presentasi PPID pada monitoring dan evaluasi keterbukaan informasi badan publik.",
        "Dalam rangka monitoring dan evaluasi keterbukaan informasi badan publik, kami mengundang Pejabat "
        "Pengelola Informasi dan Dokumentasi (PPID) Utama Provinsi Nusa Mandiri untuk mempresentasikan "
        "pelaksanaan layanan informasi publik.\n"
        "Presentasi dilaksanakan di Kantor Komisi Informasi Provinsi Nusa Mandiri.",
        urgency=SEGERA,
        story=(
            Dispose(HEAD, ("KABID-IKP",), (Instruction.ATTEND, Instruction.PREPARE_MATERIAL),
                    "Siapkan bahan presentasi PPID, saya hadir sendiri.", PENTING),
            Dispose("KABID-IKP", ("JF-IKP-1", "JF-IKP-2"), (Instruction.PREPARE_MATERIAL,)),
        )),
    DemoLetter(
        "kominfos-ombudsman-klarifikasi", "DISKOMINFOS", "ombudsman", "B/0421/LM.11-31/{y}", 2, 1,
        "500.12.11", LetterType.OFFICIAL_LETTER,
        "Permintaan Klarifikasi atas Laporan Masyarakat tentang Layanan Informasi Publik",
        "Ombudsman meminta klarifikasi tertulis atas laporan masyarakat yang permohonan informasinya tidak "
        "dijawab.",
        "Kami menerima laporan masyarakat mengenai permohonan informasi publik yang tidak mendapat jawaban "
        "dalam jangka waktu yang ditentukan.\n"
        "Kami minta Saudara menyampaikan klarifikasi tertulis dalam waktu empat belas hari sejak surat ini "
        "diterima.",
        security=TERBATAS, urgency=SEGERA,
        story=(Read(HEAD),)),
    DemoLetter(
        "kominfos-kemendagri-rakornas", "DISKOMINFOS", "kemendagri", "000.1.5/6120/SJ", 1, 0,
        "500.12.6", LetterType.INVITATION_LETTER,
        "Undangan Rapat Koordinasi Nasional Transformasi Digital Pemerintah Daerah",
        "Undangan rakornas transformasi digital pemerintah daerah bagi kepala dinas yang membidangi "
        "komunikasi dan informatika.",
        "Dalam rangka percepatan transformasi digital pemerintah daerah, kami mengundang Saudara untuk "
        "menghadiri Rapat Koordinasi Nasional yang akan dibuka oleh Menteri Dalam Negeri.\n"
        "Rapat dilaksanakan di Jakarta; konfirmasi kehadiran disampaikan paling lambat tiga hari sebelum "
        "acara.",
        urgency=SEGERA),
    # ── Sekretariat Daerah ──
    DemoLetter(
        "setda-otda-eppd", "SETDA", "otda", "100.2.1.3/5521/OTDA", 24, 21,
        "100.1", LetterType.OFFICIAL_LETTER,
        "Evaluasi Penyelenggaraan Pemerintahan Daerah Tahun {y}",
        "Pemerintah provinsi diminta menyampaikan Laporan Penyelenggaraan Pemerintahan Daerah sebagai bahan "
        "EPPD.",
        "Sehubungan dengan pelaksanaan Evaluasi Penyelenggaraan Pemerintahan Daerah (EPPD), kami minta "
        "Saudara menyampaikan Laporan Penyelenggaraan Pemerintahan Daerah beserta data pendukungnya.\n"
        "Laporan disampaikan melalui Sistem Informasi EPPD.",
        copies=("ASISTEN-PEMKESRA",),
        story=(
            Dispose(HEAD, ("ASISTEN-PEMKESRA",), (Instruction.FOLLOW_UP, Instruction.MONITOR)),
            Dispose("ASISTEN-PEMKESRA", ("KARO-PEM",), (Instruction.FOLLOW_UP, Instruction.PREPARE_MATERIAL)),
            Dispose("KARO-PEM", ("KABAG-OTDA",), (Instruction.PREPARE_STAFF_ANALYSIS,),
                    "Himpun data dari seluruh perangkat daerah."),
        )),
    DemoLetter(
        "setda-lembahsari-batas", "SETDA", "lembah_sari", "100.4.1/318/Pem/{y}", 14, 11,
        "100.2", LetterType.OFFICIAL_LETTER,
        "Permohonan Fasilitasi Penyelesaian Batas Daerah Kabupaten Lembah Sari dan Kabupaten Pesisir Utara",
        "Bupati Lembah Sari memohon fasilitasi gubernur atas perselisihan batas di Kecamatan Hulu Sari.",
        "Sehubungan dengan belum disepakatinya segmen batas daerah antara Kabupaten Lembah Sari dan "
        "Kabupaten Pesisir Utara di Kecamatan Hulu Sari, kami memohon fasilitasi Pemerintah Provinsi Nusa "
        "Mandiri untuk penyelesaiannya.",
        copies=("ASISTEN-PEMKESRA",),
        story=(
            Dispose(HEAD, ("ASISTEN-PEMKESRA",), (Instruction.STUDY_AND_REPORT,)),
            Read("ASISTEN-PEMKESRA"),
        )),
    DemoLetter(
        "setda-dprd-paripurna", "SETDA", "dprd", "005/1190/DPRD/{y}", 3, 2,
        "900.1.1", LetterType.INVITATION_LETTER,
        "Undangan Rapat Paripurna Penyampaian Nota Keuangan Rancangan APBD Perubahan",
        "Undangan rapat paripurna DPRD; gubernur menyampaikan nota keuangan Rancangan APBD Perubahan.",
        "Berdasarkan keputusan Badan Musyawarah DPRD Provinsi Nusa Mandiri, kami mengundang Saudara untuk "
        "menghadiri Rapat Paripurna dengan acara Penyampaian Nota Keuangan Rancangan APBD Perubahan.\n"
        "Rapat dilaksanakan di Ruang Paripurna Gedung DPRD Provinsi Nusa Mandiri pukul 10.00 WITA.",
        urgency=SANGAT_SEGERA, copies=("ASISTEN-ADUM",),
        story=(
            Dispose(HEAD, ("KARO-UMUM",), (Instruction.SCHEDULE, Instruction.ACCOMPANY),
                    "Agendakan, dampingi saya.", PENTING),
            Dispose("KARO-UMUM", ("KABAG-PROTOKOL",), (Instruction.SCHEDULE,)),
        )),
    # ── Dinas Sosial ──
    DemoLetter(
        "dinsos-kemensos-dtsen", "DINSOS", "kemensos", "1204/6/KS.01.02/{m}/{y}", 21, 18,
        "400.9", LetterType.OFFICIAL_LETTER,
        "Pemutakhiran Data Tunggal Sosial dan Ekonomi Nasional",
        "Pemerintah daerah diminta memutakhirkan DTSEN dan memverifikasi calon penerima bantuan sosial.",
        "Dalam rangka penyaluran bantuan sosial yang tepat sasaran, kami minta Saudara mengoordinasikan "
        "pemutakhiran Data Tunggal Sosial dan Ekonomi Nasional (DTSEN) bersama pemerintah kabupaten/kota.",
        story=(
            Dispose(HEAD, ("KABID-PFM",), (Instruction.FOLLOW_UP, Instruction.COORDINATE_WITH)),
            Dispose("KABID-PFM", ("JF-PFM-1",), (Instruction.FOLLOW_UP,)),
            Report("JF-PFM-1", "Pemutakhiran di 8 dari 11 kabupaten/kota selesai; sisanya pekan depan."),
        )),
    DemoLetter(
        "dinsos-pesisirutara-banjir", "DINSOS", "pesisir_utara", "300.2/211/BPBD/{y}", 5, 5,
        "300.2", LetterType.OFFICIAL_LETTER,
        "Permohonan Bantuan Logistik bagi Korban Banjir di Kecamatan Muara Teluk",
        "Permohonan bantuan logistik bagi 412 keluarga terdampak banjir di Kecamatan Muara Teluk.",
        "Banjir yang melanda Kecamatan Muara Teluk mengakibatkan 412 keluarga mengungsi. Kami memohon "
        "bantuan logistik berupa bahan makanan, tikar, selimut dan perlengkapan bayi.\n"
        "Data pengungsi terlampir.",
        urgency=SANGAT_SEGERA, attachments=1,
        story=(
            Dispose(HEAD, ("KABID-LINJAMSOS",), (Instruction.COMPLETE,), "Salurkan hari ini juga.",
                    SANGAT_PENTING),
            Dispose("KABID-LINJAMSOS", ("KASI-LINJAMSOS-1",), (Instruction.COMPLETE,)),
            Report("KASI-LINJAMSOS-1", "500 paket sembako, 300 tikar dan 300 selimut sudah diserahkan kepada "
                   "BPBD Kabupaten Pesisir Utara.", done=True),
        )),
    DemoLetter(
        "dinsos-kotamandala-pgot", "DINSOS", "kota_mandala", "400.9/822/Dinsos/{y}", 10, 8,
        "400.9.1", LetterType.OFFICIAL_LETTER,
        "Permohonan Dukungan Penanganan Gelandangan dan Pengemis di Kota Mandala",
        "Wali Kota Mandala memohon dukungan rehabilitasi sosial bagi gelandangan dan pengemis hasil "
        "penjangkauan.",
        "Hasil penjangkauan bersama Satpol PP menjaring 37 gelandangan dan pengemis. Kami memohon dukungan "
        "Pemerintah Provinsi untuk rehabilitasi sosial lanjutan di balai milik provinsi.",
        story=(Dispose(HEAD, ("KABID-REHSOS",), (Instruction.FOLLOW_UP, Instruction.GIVE_OPINION)),)),
    DemoLetter(
        "dinsos-yayasan-lksa", "DINSOS", "yayasan", "012/YKB/{m}/{y}", 4, 3,
        "400.9.12", LetterType.OFFICIAL_LETTER,
        "Permohonan Rekomendasi Izin Operasional Lembaga Kesejahteraan Sosial Anak",
        "Yayasan memohon rekomendasi izin operasional LKSA yang mengasuh 28 anak.",
        "Yayasan Kasih Bunda saat ini mengasuh 28 anak. Untuk memenuhi standar nasional pengasuhan anak, "
        "kami memohon rekomendasi izin operasional Lembaga Kesejahteraan Sosial Anak.\n"
        "Berkas persyaratan terlampir.",
        attachments=2),
    # ── Dinas Pendidikan ──
    DemoLetter(
        "disdik-tka", "DISDIK", "kemendikdasmen", "3175/H/HK.01.01/{y}", 20, 17,
        "400.3", LetterType.OFFICIAL_LETTER,
        "Pelaksanaan Tes Kemampuan Akademik Jenjang SMA dan SMK",
        "Dinas diminta menyiapkan pendataan peserta dan satuan pendidikan penyelenggara TKA.",
        "Sehubungan dengan pelaksanaan Tes Kemampuan Akademik (TKA), kami minta Saudara mengoordinasikan "
        "pendataan peserta didik dan penetapan satuan pendidikan penyelenggara jenjang SMA dan SMK.",
        story=(
            Dispose(HEAD, ("KABID-SMA", "KABID-SMK"), (Instruction.FOLLOW_UP, Instruction.COORDINATE_WITH)),
            Dispose("KABID-SMA", ("KASI-SMA-2",), (Instruction.FOLLOW_UP,)),
            Report("KASI-SMA-2", "Pendataan peserta di 64 SMA selesai.", done=True),
        )),
    DemoLetter(
        "disdik-aduan-pungutan", "DISDIK", "warga_sekolah", "-", 7, 6,
        "400.3", LetterType.APPLICATION,
        "Pengaduan Pungutan Biaya Perpisahan di SMA Negeri 2 Kota Mandala",
        "Orang tua siswa mengadukan pungutan biaya perpisahan yang dinilai memberatkan.",
        "Dengan hormat,\n"
        "Saya orang tua siswa kelas XII SMA Negeri 2 Kota Mandala. Sekolah meminta biaya perpisahan sebesar "
        "Rp750.000 per siswa yang bagi kami sangat memberatkan.\n"
        "Saya mohon Bapak/Ibu Kepala Dinas meninjau pungutan tersebut.",
        security=TERBATAS,
        story=(
            Dispose(HEAD, ("KABID-SMA",), (Instruction.FOLLOW_UP, Instruction.DRAFT_REPLY),
                    "Klarifikasi ke kepala sekolah, jaga kerahasiaan pelapor.", PENTING),
        )),
    DemoLetter(
        "disdik-penelitian", "DISDIK", "untama_fkip", "0932/UTM.FKIP/PP/{y}", 3, 1,
        "000.9", LetterType.OFFICIAL_LETTER,
        "Permohonan Izin Penelitian di SMK Negeri se-Provinsi Nusa Mandiri",
        "Permohonan izin penelitian tesis tentang pembelajaran berbasis proyek di SMK.",
        "Kami memohon izin bagi mahasiswa Program Magister Pendidikan Vokasi untuk melakukan penelitian "
        "tentang pembelajaran berbasis proyek di SMK Negeri se-Provinsi Nusa Mandiri.",
        attachments=1),
    # ── Dinas Kesehatan: the Kepala Dinas is away, the Plh disposes ──
    DemoLetter(
        "dinkes-dbd", "DINKES", "kemenkes", "PM.01.01/C/4321/{y}", 6, 4,
        "400.7", LetterType.CIRCULAR,
        "Peningkatan Kewaspadaan terhadap Peningkatan Kasus Demam Berdarah Dengue",
        "Kewaspadaan dini DBD: penguatan surveilans, gerakan satu rumah satu jumantik dan kesiapan layanan.",
        "Memasuki musim penghujan, kami minta Saudara meningkatkan kewaspadaan terhadap peningkatan kasus "
        "Demam Berdarah Dengue melalui penguatan surveilans, gerakan satu rumah satu jumantik, dan kesiapan "
        "fasilitas pelayanan kesehatan.",
        urgency=SEGERA,
        story=(
            Dispose(HEAD, ("KABID-P2P",), (Instruction.FOLLOW_UP, Instruction.MONITOR),
                    "Laporkan situasi mingguan.", PENTING),
            Dispose("KABID-P2P", ("JF-P2P-1",), (Instruction.STUDY_AND_REPORT,)),
            Report("JF-P2P-1", "Kasus DBD naik di tiga kabupaten; surat edaran kewaspadaan sedang disusun."),
        )),
    DemoLetter(
        "dinkes-rsud-rabies", "DINKES", "rsud", "440/77/RSUD-BR/{y}", 11, 9,
        "400.7", LetterType.OFFICIAL_LETTER,
        "Permohonan Bantuan Vaksin Anti Rabies",
        "RSUD Bukit Raya meminta tambahan 200 vial vaksin anti rabies karena meningkatnya kasus gigitan.",
        "Sehubungan dengan meningkatnya kasus gigitan hewan penular rabies, persediaan vaksin anti rabies "
        "kami tinggal untuk satu minggu. Kami memohon bantuan 200 vial vaksin anti rabies.",
        urgency=SEGERA,
        story=(
            Dispose(HEAD, ("KABID-SDK",), (Instruction.COMPLETE,)),
            Dispose("KABID-SDK", ("JF-SDK-1",), (Instruction.FOLLOW_UP,)),
            Report("JF-SDK-1", "150 vial dikirim dari gudang farmasi provinsi; sisanya menunggu distribusi "
                   "dari Kemenkes.", done=True),
        )),
    DemoLetter(
        "dinkes-bpjs-jkn", "DINKES", "bpjs", "1733/VIII-02/{m}/{y}", 2, 1,
        "400.7", LetterType.INVITATION_LETTER,
        "Undangan Rapat Evaluasi Cakupan Kepesertaan Jaminan Kesehatan Nasional",
        "Undangan rapat evaluasi cakupan kepesertaan JKN tingkat provinsi.",
        "Dalam rangka evaluasi cakupan kepesertaan Jaminan Kesehatan Nasional, kami mengundang Saudara untuk "
        "hadir dalam rapat koordinasi di Kantor BPJS Kesehatan Cabang Kota Mandala.",
        copies=()),
    # ── Bappeda ──
    DemoLetter(
        "bappeda-rkp", "BAPPEDA", "bappenas", "B.417/D.3/PP.01.02/{y}", 23, 20,
        "000.7.1", LetterType.OFFICIAL_LETTER,
        "Penyampaian Rancangan Awal Rencana Kerja Pemerintah dan Jadwal Musrenbang Nasional",
        "Rancangan awal RKP dan jadwal Musrenbang Nasional sebagai acuan penyusunan RKPD provinsi.",
        "Bersama ini kami sampaikan Rancangan Awal Rencana Kerja Pemerintah beserta jadwal Musyawarah "
        "Perencanaan Pembangunan Nasional sebagai acuan penyelarasan Rencana Kerja Pemerintah Daerah.",
        attachments=1,
        story=(
            Dispose(HEAD, ("KABID-PPEP",), (Instruction.FOLLOW_UP, Instruction.DISTRIBUTE)),
            Dispose("KABID-PPEP", ("JF-PPEP-1",), (Instruction.PREPARE_STAFF_ANALYSIS,)),
            Report("JF-PPEP-1", "Telaahan keselarasan RKP dan RKPD selesai disusun.", done=True),
        )),
    DemoLetter(
        "bappeda-tanjungmas-jalan", "BAPPEDA", "tanjung_mas", "600.1/509/Bappelitbangda/{y}", 13, 12,
        "000.7.2", LetterType.OFFICIAL_LETTER,
        "Usulan Prioritas Pembangunan Jalan Provinsi Ruas Tanjung Mas–Lembah Sari",
        "Bupati Tanjung Mas mengusulkan peningkatan ruas jalan provinsi Tanjung Mas–Lembah Sari.",
        "Ruas jalan provinsi Tanjung Mas–Lembah Sari sepanjang 34 km dalam kondisi rusak berat. Kami "
        "mengusulkan peningkatan ruas tersebut menjadi prioritas dalam RKPD Provinsi tahun depan.",
        story=(Dispose(HEAD, ("KABID-IPW",), (Instruction.FOR_CONSIDERATION,)), Read("KABID-IPW"))),
    DemoLetter(
        "bappeda-bps-ipm", "BAPPEDA", "bps", "B-433/BPS/{y}", 9, 8,
        "500.14", LetterType.COVER_LETTER,
        "Penyampaian Berita Resmi Statistik Indeks Pembangunan Manusia",
        "BPS menyampaikan Berita Resmi Statistik IPM provinsi dan kabupaten/kota.",
        "Bersama ini kami sampaikan Berita Resmi Statistik Indeks Pembangunan Manusia Provinsi Nusa Mandiri "
        "dan kabupaten/kota sebagai bahan perencanaan pembangunan.",
        attachments=1,
        story=(
            Dispose(HEAD, ("KABID-PPM",), (Instruction.FOR_INFORMATION,)),
            Report("KABID-PPM", "Dicatat sebagai bahan RKPD.", done=True),
        )),
    # ── Badan Kepegawaian Daerah ──
    DemoLetter(
        "bkd-bkn-pppk", "BKD", "bkn", "1520/B-KP.03.01/SD/D/{y}", 17, 14,
        "800.1.2", LetterType.OFFICIAL_LETTER,
        "Jadwal dan Tahapan Seleksi Pegawai Pemerintah dengan Perjanjian Kerja",
        "BKN menyampaikan jadwal seleksi PPPK dan meminta instansi menetapkan kebutuhan jabatan.",
        "Bersama ini kami sampaikan jadwal dan tahapan seleksi PPPK. Instansi daerah diminta menetapkan "
        "rincian kebutuhan jabatan dan mengumumkan seleksi sesuai jadwal.",
        story=(
            Dispose(HEAD, ("KABID-PPIK",), (Instruction.FOLLOW_UP,), "", PENTING),
            Dispose("KABID-PPIK", ("JF-PPIK-1",), (Instruction.PREPARE_MATERIAL,)),
        )),
    DemoLetter(
        "bkd-panrb-merit", "BKD", "kemenpanrb_sdm", "B/987/SM.02/{y}", 26, 24,
        "800.1.4", LetterType.OFFICIAL_LETTER,
        "Penilaian Mandiri Penerapan Sistem Merit",
        "Instansi daerah diminta melakukan penilaian mandiri sistem merit melalui aplikasi.",
        "Dalam rangka pengawasan penerapan sistem merit, kami minta Saudara melakukan penilaian mandiri dan "
        "mengunggah bukti dukung melalui aplikasi penilaian sistem merit.",
        story=(
            Dispose(HEAD, ("KABID-MUTASI",), (Instruction.FOLLOW_UP,)),
            Report("KABID-MUTASI", "Penilaian mandiri sudah diunggah.", done=True),
        )),
    DemoLetter(
        "bkd-guru-mutasi", "BKD", "guru_mutasi", "-", 5, 4,
        "800.1.3", LetterType.APPLICATION,
        "Permohonan Pindah Tugas ke Lingkungan Pemerintah Provinsi Nusa Mandiri",
        "Guru ASN Kabupaten Bukit Raya memohon pindah tugas ke SMA negeri di Kota Mandala.",
        "Dengan hormat,\n"
        "Saya guru ASN pada SMP Negeri 3 Bukit Raya memohon pindah tugas ke lingkungan Pemerintah Provinsi "
        "Nusa Mandiri untuk mengikuti suami yang bertugas di Kota Mandala.",
        security=TERBATAS, attachments=3,
        story=(Dispose(HEAD, ("KABID-MUTASI",), (Instruction.PROCESS_PER_RULES,)),)),
    # ── DPMPTSP ──
    DemoLetter(
        "dpmptsp-lkpm", "DPMPTSP", "investasi", "1188/B.1/A.8/{y}", 16, 14,
        "500.16", LetterType.CIRCULAR,
        "Percepatan Penyampaian Laporan Kegiatan Penanaman Modal",
        "Pelaku usaha yang belum menyampaikan LKPM perlu dibina dan diingatkan oleh DPMPTSP.",
        "Kami minta Saudara mendorong pelaku usaha yang belum menyampaikan Laporan Kegiatan Penanaman Modal "
        "(LKPM) melalui sistem OSS dan melakukan pembinaan sesuai ketentuan.",
        story=(
            Dispose(HEAD, ("KABID-DALAK",), (Instruction.MONITOR,)),
            Dispose("KABID-DALAK", ("JF-DALAK-1",), (Instruction.FOLLOW_UP,)),
            Report("JF-DALAK-1", "Surat pengingat dikirim kepada 143 pelaku usaha."),
        )),
    DemoLetter(
        "dpmptsp-sawit", "DPMPTSP", "pt_sawit", "045/SLN-DIR/{m}/{y}", 9, 7,
        "500.16", LetterType.OFFICIAL_LETTER,
        "Permohonan Fasilitasi Perizinan Berusaha Pabrik Pengolahan Kelapa Sawit",
        "Perusahaan memohon fasilitasi perizinan berusaha pembangunan pabrik kelapa sawit di Pesisir Utara.",
        "Kami berencana membangun pabrik pengolahan kelapa sawit berkapasitas 45 ton TBS per jam di "
        "Kabupaten Pesisir Utara dan memohon fasilitasi proses perizinan berusaha.",
        attachments=2,
        story=(
            Dispose(HEAD, ("KABID-PERIZINAN",), (Instruction.PROCESS_PER_RULES,)),
            Dispose("KABID-PERIZINAN", ("KASI-PERIZINAN-1",), (Instruction.FOLLOW_UP,)),
        )),
    DemoLetter(
        "dpmptsp-aduan-izin", "DPMPTSP", "pelaku_usaha", "-", 2, 2,
        "000.8.3.4", LetterType.APPLICATION,
        "Pengaduan Keterlambatan Penerbitan Sertifikat Standar Usaha",
        "Pelaku usaha mengadukan sertifikat standar yang belum terbit lewat dari tenggat layanan.",
        "Dengan hormat,\n"
        "Permohonan sertifikat standar usaha saya telah diajukan lebih dari 30 hari kerja, namun hingga kini "
        "belum terbit. Saya mohon penjelasan dan penyelesaiannya.",
        story=(Dispose(HEAD, ("KABID-PENGADUAN",), (Instruction.FOLLOW_UP, Instruction.DRAFT_REPLY)),)),
    # ── Dinas Perpustakaan dan Kearsipan ──
    DemoLetter(
        "dispusip-anri-pengawasan", "DISPUSIP", "anri", "B-KN.01.02/1145/{y}", 19, 16,
        "000.5.2", LetterType.OFFICIAL_LETTER,
        "Pelaksanaan Pengawasan Kearsipan Eksternal Tahun {y}",
        "ANRI akan melakukan pengawasan kearsipan eksternal; pemerintah daerah diminta menyiapkan data "
        "dukung.",
        "Dalam rangka pengawasan kearsipan eksternal, kami minta Saudara menyiapkan data dukung "
        "penyelenggaraan kearsipan dan mengisi lembar kerja pengawasan pada aplikasi SIPKN.",
        story=(
            Dispose(HEAD, ("KABID-BINARSIP",), (Instruction.FOLLOW_UP, Instruction.PREPARE_MATERIAL)),
            Dispose("KABID-BINARSIP", ("JF-BINARSIP-1",), (Instruction.PREPARE_MATERIAL,)),
            Report("JF-BINARSIP-1", "Lembar kerja 11 OPD sudah diisi.", done=True),
        )),
    DemoLetter(
        "dispusip-perpusnas-bahan-bacaan", "DISPUSIP", "perpusnas", "1821/3.1/PPS.01/{m}.{y}", 12, 10,
        "000.4", LetterType.OFFICIAL_LETTER,
        "Penyaluran Bantuan Bahan Bacaan Bermutu bagi Perpustakaan Desa",
        "Perpusnas menyalurkan 1.000 eksemplar buku per desa sasaran; dinas diminta memverifikasi daftar "
        "desa.",
        "Kami akan menyalurkan bantuan bahan bacaan bermutu sebanyak 1.000 eksemplar bagi setiap "
        "perpustakaan desa sasaran. Kami minta Saudara memverifikasi daftar desa terlampir.",
        attachments=1,
        story=(
            Dispose(HEAD, ("KABID-PUSTAKA",), (Instruction.FOLLOW_UP,)),
            Dispose("KABID-PUSTAKA", ("JF-PUSTAKA-1",), (Instruction.FOLLOW_UP,)),
            Report("JF-PUSTAKA-1", "Daftar 42 desa sasaran sudah diverifikasi dan dikirim ke Perpusnas.",
                   done=True),
        )),
    DemoLetter(
        "dispusip-bukitraya-jra", "DISPUSIP", "bukit_raya", "000.5/144/Arsip/{y}", 4, 3,
        "000.5.2", LetterType.OFFICIAL_LETTER,
        "Permohonan Pendampingan Penyusunan Jadwal Retensi Arsip",
        "Kabupaten Bukit Raya memohon pendampingan penyusunan JRA substantif.",
        "Dalam rangka penyusunan Jadwal Retensi Arsip substantif, kami memohon pendampingan dari Dinas "
        "Perpustakaan dan Kearsipan Provinsi Nusa Mandiri.",
        story=(
            Dispose(HEAD, ("KABID-ARSIP",), (Instruction.FOLLOW_UP,)),
            Dispose("KABID-ARSIP", ("JF-ARSIP-1",), (Instruction.PREPARE_MATERIAL,),
                    "Siapkan bahan pendampingan."),
        )),
)
# fmt: on


# ── Seeding ──────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class LetterSeedSummary:
    letters: int  # demo letters in the database after this run
    created: int  # of which this run made
    dispositions: int
    follow_ups: int


@dataclass
class _Office:
    """What playing the letters needs from the database, loaded in a few queries."""

    today: date
    opds: dict[str, Opd]
    heads: dict[str, str]  # OPD code → code of the position heading it
    positions: dict[str, Position]
    holders: dict[int, list[User]]
    operators: dict[int, User]
    classifications: dict[str, Classification]

    def position(self, letter: DemoLetter, ref: str) -> Position:
        return self.positions[self.heads[letter.opd] if ref == HEAD else f"{letter.opd}.{ref}"]

    def acting_for(self, position: Position) -> User | None:
        """Whoever acts for the position today. An acting official comes after the definitive holder in
        `holders_of`, and when one is in force the holder is away: the Plh disposes (disposition.md §3)."""
        holders = self.holders.get(position.pk)
        return holders[-1] if holders else None


def seed_demo_letters(*, today: date | None = None) -> LetterSeedSummary:
    """Loads the demo letters and their stories; running it again writes nothing. `today` is for tests."""
    today = today or timezone.localdate()
    keys = {ORIGIN_PREFIX + letter.key for letter in LETTERS}
    present = set(IncomingLetter.objects.filter(origin_key__in=keys).values_list("origin_key", flat=True))
    missing = [letter for letter in LETTERS if ORIGIN_PREFIX + letter.key not in present]
    if missing:
        load_classification_codes(Classification)  # no-op unless the table was emptied
        office = _load_office(missing, today=today)
        # Oldest first: agenda numbers follow the dates of receipt, and the newest letters top the inboxes.
        for letter in sorted(missing, key=lambda letter: -letter.received):
            _play(letter, office)
    demo = IncomingLetter.objects.filter(origin_key__in=keys)
    return LetterSeedSummary(
        letters=len(present) + len(missing),
        created=len(missing),
        dispositions=Disposition.objects.filter(letter__in=demo).count(),
        follow_ups=FollowUp.objects.filter(item__letter__in=demo).count(),
    )


def _load_office(letters: Sequence[DemoLetter], *, today: date) -> _Office:
    opd_codes = {letter.opd for letter in letters}
    opds = {opd.code: opd for opd in Opd.objects.filter(code__in=opd_codes)}
    heads = dict(
        Position.objects.filter(opd__code__in=opd_codes, heads_opd=True).values_list("opd__code", "code")
    )
    refs = set()
    for letter in letters:
        named = [*letter.to, *letter.copies, *(step.at for step in letter.story)]
        named += [target for step in letter.story if isinstance(step, Dispose) for target in step.to]
        refs.update(heads[letter.opd] if ref == HEAD else f"{letter.opd}.{ref}" for ref in named)
    positions = {position.code: position for position in Position.objects.filter(code__in=refs)}
    operators: dict[int, User] = {}
    grants = RoleGrant.objects.filter(role=RoleGrant.Role.OPERATOR, opd__in=opds.values()).select_related(
        "user"
    )
    for grant in grants.order_by("user_id"):
        operators.setdefault(grant.opd_id, grant.user)
    classifications = Classification.objects.in_bulk(
        {letter.classification for letter in letters}, field_name="code"
    )
    return _Office(
        today=today,
        opds=opds,
        heads=heads,
        positions=positions,
        holders=holders_of(position_ids=[p.pk for p in positions.values()], on=today),
        operators=operators,
        classifications=classifications,
    )


@transaction.atomic
def _play(spec: DemoLetter, office: _Office) -> None:
    """Register the letter and play its story, in one transaction: all of it or nothing."""
    opd = office.opds[spec.opd]
    writer = WRITERS[spec.writer]
    letter_date = office.today - timedelta(days=spec.sent)
    received_on = office.today - timedelta(days=spec.received)

    def fill(text: str) -> str:
        return text.format(y=letter_date.year, m=f"{letter_date.month:02d}")

    addressees = [office.position(spec, ref) for ref in spec.to]
    details = LetterDetails(
        sender=Sender(kind=writer.kind, name=writer.name, address=writer.address),
        sender_number=fill(spec.number),
        letter_date=letter_date,
        received_on=received_on,
        subject=fill(spec.subject),
        letter_type=spec.letter_type,
        security_class=spec.security,
        urgency=spec.urgency,
        classification=office.classifications[spec.classification],
        summary=fill(spec.summary),
        attachment_count=spec.attachments,
    )
    scan = SimpleUploadedFile(
        f"{spec.key}.pdf",
        _render(_letter_html(details, writer=writer, body=fill(spec.body), to=addressees[0])),
        content_type="application/pdf",
    )
    letter = receive_letter(
        opd=opd,
        details=details,
        addressees=addressees,
        copies=[office.position(spec, ref) for ref in spec.copies],
        files=[scan],
        source=IncomingLetter.Source.REGISTERED,
        actor=office.operators.get(opd.pk),
        origin_key=ORIGIN_PREFIX + spec.key,
    )
    # The node each position acts on: its latest, so a disposition outranks a tembusan it also got.
    nodes = {item.position_id: item for item in InboxItem.objects.filter(letter=letter).order_by("id")}
    for step in spec.story:
        position = office.position(spec, step.at)
        actor = office.acting_for(position)
        if actor is None:
            break  # nobody holds the post any more (an admin changed the demo): the story stops here
        node = nodes[position.pk]
        mark_read(user=actor, item=node)
        if isinstance(step, Dispose):
            made = dispose(
                actor=actor,
                from_item=node,
                to=[office.position(spec, ref) for ref in step.to],
                instructions=list(step.instructions),
                note=step.note,
                priority=step.priority,
            )
            nodes.update({disposition.item.position_id: disposition.item for disposition in made})
        elif isinstance(step, Report):
            files = []
            if step.attachment:
                html = _report_html(
                    letter, opd=opd, text=step.text, author=actor, position=position, on=office.today
                )
                files.append(
                    SimpleUploadedFile(step.attachment, _render(html), content_type="application/pdf")
                )
            report_follow_up(actor=actor, item=node, text=step.text, files=files, done=step.done)


# ── The scans: one-page PDFs that look like the letters ──────────────────────────────────────────

STYLE = """
@page { size: A4; margin: 18mm 20mm 20mm 25mm; }
body { font-family: "Liberation Serif", "DejaVu Serif", serif; font-size: 11.5pt; line-height: 1.4; }
p { margin: 0 0 3mm; text-align: justify; }
.kop { text-align: center; border-bottom: 3pt double #000; padding-bottom: 2mm; margin-bottom: 6mm; }
.kop .nama { font-size: 14pt; font-weight: bold; text-transform: uppercase; }
.kop .alamat { font-size: 9.5pt; }
.kanan { text-align: right; margin-bottom: 4mm; }
.tanda { color: #c00000; font-weight: bold; text-align: center; letter-spacing: 1pt; margin-bottom: 3mm; }
table.kepala td { vertical-align: top; padding: 0 2mm 0 0; }
table.kepala td:first-child { white-space: nowrap; }
.tujuan { margin: 5mm 0; }
.ttd { margin: 8mm 0 0 55%; }
.ttd .nama { margin-top: 16mm; font-weight: bold; text-decoration: underline; }
h1 { font-size: 12pt; text-align: center; text-decoration: underline; margin: 0 0 5mm; }
"""


def _render(html: str) -> bytes:
    # Imported here: WeasyPrint takes seconds to load, and a second run renders nothing.
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def _page(content: str) -> str:
    head = f'<meta charset="utf-8"><style>{STYLE}</style>'
    return f'<!doctype html><html lang="id"><head>{head}</head><body>{content}</body></html>'


def _long_date(day: date) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return formats.date_format(day)


def _lines(text: str) -> str:
    return "<br>".join(escape(line) for line in text.split("\n"))


def _letter_html(details: LetterDetails, *, writer: Writer, body: str, to: Position) -> str:
    """A letter as its sender printed it: a letterhead for institutions, none for a citizen."""
    sifat = SecurityClass(details.security_class)
    addressee = to.name if PROVINCE_NAME in to.name else f"{to.name} {PROVINCE_NAME}"
    head = ""
    if sifat in SecurityClass.narrowed():
        head += f'<div class="tanda">{escape(sifat.label.upper())}</div>'
    if writer.kind == INSTITUTION:
        head += (
            f'<div class="kop"><div class="nama">{escape(writer.name)}</div>'
            f'<div class="alamat">{escape(writer.address)}</div></div>'
        )
    lampiran = f"{details.attachment_count} berkas" if details.attachment_count else "-"
    number = ""
    if details.sender_number != "-":  # a citizen's letter has no number
        number = f"<tr><td>Nomor</td><td>:</td><td>{escape(details.sender_number)}</td></tr>"
    paragraphs = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in body.split("\n"))
    closing = "Demikian kami sampaikan. Atas perhatian dan kerja sama Saudara, kami ucapkan terima kasih."
    signer_address = ""
    if writer.kind == PERSON:
        closing = "Demikian surat ini saya sampaikan. Atas perhatian Bapak/Ibu, saya ucapkan terima kasih."
        signer_address = f"<div>{escape(writer.address)}</div>"
    return _page(
        f"{head}"
        f'<div class="kanan">{escape(writer.city)}, {_long_date(details.letter_date)}</div>'
        f'<table class="kepala">{number}'
        f"<tr><td>Sifat</td><td>:</td><td>{escape(sifat.label)}</td></tr>"
        f"<tr><td>Lampiran</td><td>:</td><td>{lampiran}</td></tr>"
        f"<tr><td>Hal</td><td>:</td><td>{escape(details.subject)}</td></tr></table>"
        f'<div class="tujuan">Yth. {escape(addressee)}<br>di<br>{escape(CAPITAL)}</div>'
        f"{paragraphs}<p>{closing}</p>"
        f'<div class="ttd">{_lines(writer.signs_as)}<div class="nama">{escape(writer.signer)}</div>'
        f"{signer_address}</div>"
    )


def _report_html(
    letter: IncomingLetter, *, opd: Opd, text: str, author: User, position: Position, on: date
) -> str:
    """The report a staff member attaches to a follow-up, on the OPD's letterhead."""
    return _page(
        f'<div class="kop"><div class="nama">{escape(opd.name)}</div>'
        f'<div class="alamat">{escape(opd.address)}, {escape(opd.city)}, telepon {escape(opd.phone)}</div>'
        "</div>"
        "<h1>LAPORAN TINDAK LANJUT DISPOSISI</h1>"
        '<table class="kepala">'
        f"<tr><td>Nomor agenda</td><td>:</td><td>{escape(letter.agenda_label)}</td></tr>"
        f"<tr><td>Surat dari</td><td>:</td><td>{escape(letter.sender_name)}</td></tr>"
        f"<tr><td>Nomor surat</td><td>:</td><td>{escape(letter.sender_number)}</td></tr>"
        f"<tr><td>Hal</td><td>:</td><td>{escape(letter.subject)}</td></tr></table>"
        f'<p style="margin-top: 5mm">{escape(text)}</p>'
        f'<div class="ttd">{escape(opd.city)}, {_long_date(on)}<br>{escape(position.name)},'
        f'<div class="nama">{escape(author.full_name)}</div></div>'
    )
