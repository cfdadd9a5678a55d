"""The demo province, Provinsi Nusa Mandiri, as data, and `seed_demo_province()` that loads it.

Everything here is fictional. The data are compact tables; small builders turn them into each
OPD's units and position tree, and every position gets a holder: a named person behind each demo
account, otherwise one derived from the position's code by a generator seeded with that code, so
the same code gives the same person on every run and machine, and adding a position later moves
nobody else.

Seeding is idempotent: rows are found by natural key (Opd.code, Unit (opd, code), Position.code,
User.username, Assignment (user, position, kind, start), RoleGrant (user, role, opd)) and written
only when a field differs, so a second run writes nothing at all.
"""

import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from itertools import count
from typing import Any, NamedTuple, TypeVar

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from organisasi.models import Assignment, Opd, Position, Province, RoleGrant, Unit, User

DEMO_PASSWORD = "KantorVirtual2026!"
DOMAIN = "nusamandiri.go.id"
PROVINCE_NAME = "Provinsi Nusa Mandiri"
CAPITAL = "Kota Mandala"

STRUKTURAL, FUNGSIONAL, PELAKSANA = (
    Position.Kind.STRUKTURAL,
    Position.Kind.FUNGSIONAL,
    Position.Kind.PELAKSANA,
)
DEFINITIVE, PLT, PLH = Assignment.Kind.DEFINITIVE, Assignment.Kind.PLT, Assignment.Kind.PLH
NON_ASN, PUBLIC = User.Employment.NON_ASN, User.Employment.PUBLIC
Role = RoleGrant.Role
M = TypeVar("M", bound=models.Model)


# ── The organisation ─────────────────────────────────────────────────────────────────────────────


class OpdRow(NamedTuple):
    code: str
    name: str
    short_name: str
    street: str
    postal_code: str
    phone: str
    asisten: str  # the Setda's Asisten who coordinates it and to whom its Kepala reports ("" for the Setda)


# fmt: off
OPDS = (
    OpdRow("SETDA", "Sekretariat Daerah Provinsi Nusa Mandiri", "Setda",
           "Jalan Pahlawan No. 1", "93111", "(0401) 311001", ""),
    OpdRow("DISKOMINFOS", "Dinas Komunikasi, Informatika dan Statistik", "Diskominfos",
           "Jalan Pahlawan No. 12", "93111", "(0401) 312345", "ADUM"),
    OpdRow("DINSOS", "Dinas Sosial", "Dinsos",
           "Jalan Sisingamangaraja No. 45", "93115", "(0401) 313210", "PEMKESRA"),
    OpdRow("DISDIK", "Dinas Pendidikan", "Disdik",
           "Jalan Ki Hajar Dewantara No. 8", "93117", "(0401) 314455", "PEMKESRA"),
    OpdRow("DINKES", "Dinas Kesehatan", "Dinkes",
           "Jalan Dr. Sutomo No. 21", "93114", "(0401) 315120", "PEMKESRA"),
    OpdRow("BAPPEDA", "Badan Perencanaan Pembangunan Daerah", "Bappeda",
           "Jalan Pahlawan No. 3", "93111", "(0401) 311870", "EKBANG"),
    OpdRow("BKD", "Badan Kepegawaian Daerah", "BKD",
           "Jalan Cut Nyak Dhien No. 17", "93112", "(0401) 316044", "ADUM"),
    OpdRow("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP",
           "Jalan Jenderal Sudirman No. 99", "93116", "(0401) 317700", "EKBANG"),
    OpdRow("DISPUSIP", "Dinas Perpustakaan dan Kearsipan", "Dispusip",
           "Jalan Diponegoro No. 30", "93113", "(0401) 318265", "ADUM"),
)

ASISTEN = (
    ("PEMKESRA", "Asisten Pemerintahan dan Kesejahteraan Rakyat"),
    ("EKBANG", "Asisten Perekonomian dan Pembangunan"),
    ("ADUM", "Asisten Administrasi Umum"),
)

# Biro of the Setda: key, name, its Asisten, and its bagian (key, name, the staff under the Kabag).
BIRO = (
    ("PEM", "Pemerintahan", "PEMKESRA", (
        ("PEMUM", "Pemerintahan Umum", ("Analis Kebijakan Ahli Muda", "Pengadministrasi Umum")),
        ("OTDA", "Otonomi Daerah dan Kerja Sama", ("Analis Kebijakan Ahli Pertama", "Pengelola Kerja Sama")),
    )),
    ("HUKUM", "Hukum", "PEMKESRA", (
        ("PUU", "Perundang-undangan",
         ("Perancang Peraturan Perundang-undangan Ahli Muda", "Pengadministrasi Umum")),
        ("BANKUM", "Bantuan Hukum", ("Analis Hukum Ahli Muda",)),
    )),
    ("PEREKONOMIAN", "Perekonomian dan Administrasi Pembangunan", "EKBANG", (
        ("EKONOMI", "Perekonomian", ("Analis Kebijakan Ahli Muda", "Pengolah Data")),
        ("ADPEM", "Administrasi Pembangunan", ("Analis Kebijakan Ahli Pertama",)),
    )),
    ("ORGANISASI", "Organisasi", "ADUM", (
        ("KELEMBAGAAN", "Kelembagaan dan Analisis Jabatan",
         ("Analis Kebijakan Ahli Muda", "Pengadministrasi Umum")),
        ("RB", "Reformasi Birokrasi dan Akuntabilitas Kinerja", ("Analis Kebijakan Ahli Pertama",)),
    )),
    ("UMUM", "Umum dan Protokol", "ADUM", (
        ("TU", "Tata Usaha Pimpinan", ("Pengelola Surat", "Arsiparis Ahli Pertama", "Pengadministrasi Umum")),
        ("PROTOKOL", "Protokol dan Komunikasi Pimpinan", ("Pranata Humas Ahli Muda", "Pengelola Protokol")),
        ("RT", "Rumah Tangga", ("Pengelola Barang Milik Daerah",)),
    )),
)

# Every dinas/badan has the same sekretariat: key, subbagian, the staff under the Kasubbag.
SUBBAGIAN = (
    ("UMPEG", "Umum dan Kepegawaian", ("Pengelola Surat", "Arsiparis Ahli Pertama", "Pengelola Kepegawaian")),
    ("KEU", "Keuangan", ("Bendahara Pengeluaran", "Pengelola Keuangan")),
    ("PERENCANAAN", "Perencanaan", ("Penyusun Program dan Anggaran",)),
)

# Bidang of each dinas/badan: key, name, the Kasi or JF posts under the Kabid (since 2021 most Kasi
# became JF team coordinators), and the pelaksana, spread over those posts in turn.
BIDANG = {
    "DISKOMINFOS": (
        ("APTIKA", "Aplikasi Informatika",
         ("Pranata Komputer Ahli Muda", "Pranata Komputer Ahli Pertama"),
         ("Pengelola Sistem Informasi", "Pengadministrasi Umum")),
        ("INFRA", "Infrastruktur Teknologi Informasi dan Komunikasi",
         ("Kepala Seksi Infrastruktur Jaringan", "Kepala Seksi Pusat Data dan Integrasi"),
         ("Teknisi Jaringan", "Pengelola Pusat Data")),
        ("IKP", "Informasi dan Komunikasi Publik",
         ("Pranata Humas Ahli Muda", "Pranata Humas Ahli Pertama", "Analis Kebijakan Ahli Muda"),
         ("Pengelola Informasi Publik",)),
        ("STATSANDI", "Statistik dan Persandian",
         ("Statistisi Ahli Muda", "Sandiman Ahli Muda"),
         ("Pengolah Data Statistik",)),
    ),
    "DINSOS": (
        ("LINJAMSOS", "Perlindungan dan Jaminan Sosial",
         ("Kepala Seksi Perlindungan Sosial Korban Bencana", "Pekerja Sosial Ahli Muda"),
         ("Pengelola Data Bantuan Sosial",)),
        ("REHSOS", "Rehabilitasi Sosial",
         ("Pekerja Sosial Ahli Muda", "Pekerja Sosial Ahli Pertama"),
         ("Pendamping Rehabilitasi Sosial", "Pengadministrasi Umum")),
        ("DAYASOS", "Pemberdayaan Sosial",
         ("Penyuluh Sosial Ahli Muda", "Kepala Seksi Kepahlawanan dan Kesetiakawanan Sosial"),
         ("Pengelola Potensi Sumber Kesejahteraan Sosial",)),
        ("PFM", "Penanganan Fakir Miskin",
         ("Analis Kebijakan Ahli Muda", "Pekerja Sosial Ahli Pertama"),
         ("Pengelola Data Kemiskinan",)),
    ),
    "DISDIK": (
        ("SMA", "Pembinaan Sekolah Menengah Atas",
         ("Kepala Seksi Kurikulum SMA", "Kepala Seksi Peserta Didik SMA"),
         ("Pengelola Data Pendidikan",)),
        ("SMK", "Pembinaan Sekolah Menengah Kejuruan",
         ("Kepala Seksi Kurikulum SMK", "Kepala Seksi Kelembagaan SMK"),
         ("Pengadministrasi Umum",)),
        ("PKLK", "Pendidikan Khusus dan Layanan Khusus",
         ("Analis Kebijakan Ahli Muda", "Pengembang Teknologi Pembelajaran Ahli Muda"),
         ("Pengelola Data Pendidikan",)),
        ("GTK", "Guru dan Tenaga Kependidikan",
         ("Kepala Seksi Pengembangan Karier Guru", "Analis Sumber Daya Manusia Aparatur Ahli Muda"),
         ("Pengelola Data Guru",)),
    ),
    "DINKES": (
        ("KESMAS", "Kesehatan Masyarakat",
         ("Nutrisionis Ahli Muda", "Penyuluh Kesehatan Masyarakat Ahli Muda"),
         ("Pengelola Program Gizi",)),
        ("P2P", "Pencegahan dan Pengendalian Penyakit",
         ("Epidemiolog Kesehatan Ahli Muda", "Entomolog Kesehatan Ahli Pertama"),
         ("Pengelola Surveilans", "Pengadministrasi Umum")),
        ("YANKES", "Pelayanan Kesehatan",
         ("Kepala Seksi Pelayanan Kesehatan Rujukan", "Administrator Kesehatan Ahli Muda"),
         ("Pengelola Mutu Pelayanan Kesehatan",)),
        ("SDK", "Sumber Daya Kesehatan",
         ("Apoteker Ahli Muda", "Kepala Seksi Alat Kesehatan"),
         ("Pengelola Obat dan Perbekalan Kesehatan",)),
    ),
    "BAPPEDA": (
        ("EKOSDA", "Perekonomian dan Sumber Daya Alam",
         ("Perencana Ahli Muda", "Perencana Ahli Pertama"),
         ("Pengolah Data Perencanaan",)),
        ("PPM", "Pemerintahan dan Pembangunan Manusia",
         ("Perencana Ahli Muda", "Perencana Ahli Pertama"),
         ("Pengolah Data Perencanaan",)),
        ("IPW", "Infrastruktur dan Pengembangan Wilayah",
         ("Perencana Ahli Muda", "Perencana Ahli Pertama"),
         ("Pengolah Data Perencanaan",)),
        ("PPEP", "Perencanaan, Pengendalian dan Evaluasi Pembangunan",
         ("Perencana Ahli Madya", "Perencana Ahli Muda", "Statistisi Ahli Pertama"),
         ("Pengadministrasi Umum",)),
    ),
    "BKD": (
        ("PPIK", "Pengadaan, Pemberhentian dan Informasi Kepegawaian",
         ("Analis Sumber Daya Manusia Aparatur Ahli Muda", "Pranata Komputer Ahli Pertama"),
         ("Pengelola Data Kepegawaian",)),
        ("MUTASI", "Mutasi dan Promosi",
         ("Kepala Seksi Mutasi Jabatan", "Analis Sumber Daya Manusia Aparatur Ahli Muda"),
         ("Pengadministrasi Kepegawaian",)),
        ("BANGKOM", "Pengembangan Kompetensi Aparatur",
         ("Widyaiswara Ahli Madya", "Analis Kebijakan Ahli Muda"),
         ("Pengelola Pendidikan dan Pelatihan",)),
    ),
    "DPMPTSP": (
        ("PROMOSI", "Perencanaan dan Promosi Penanaman Modal",
         ("Analis Kebijakan Ahli Muda", "Penata Kelola Penanaman Modal Ahli Muda"),
         ("Pengelola Promosi Investasi",)),
        ("PERIZINAN", "Penyelenggaraan Pelayanan Perizinan dan Nonperizinan",
         ("Kepala Seksi Perizinan Usaha", "Kepala Seksi Nonperizinan"),
         ("Petugas Front Office", "Verifikator Berkas Perizinan")),
        ("DALAK", "Pengendalian Pelaksanaan Penanaman Modal",
         ("Penata Kelola Penanaman Modal Ahli Pertama", "Analis Kebijakan Ahli Pertama"),
         ("Pengolah Data Realisasi Investasi",)),
        ("PENGADUAN", "Pengaduan, Kebijakan dan Pelaporan Layanan",
         ("Kepala Seksi Pengaduan dan Informasi", "Analis Kebijakan Ahli Pertama"),
         ("Pengelola Pengaduan",)),
    ),
    "DISPUSIP": (
        ("ARSIP", "Pengelolaan Arsip",
         ("Arsiparis Ahli Madya", "Arsiparis Ahli Muda"),
         ("Pengelola Arsip Inaktif",)),
        ("BINARSIP", "Pembinaan Kearsipan",
         ("Arsiparis Ahli Muda", "Kepala Seksi Akuisisi Arsip Statis"),
         ("Pengadministrasi Umum",)),
        ("PUSTAKA", "Layanan dan Pengembangan Perpustakaan",
         ("Pustakawan Ahli Muda", "Pustakawan Ahli Pertama"),
         ("Pengelola Layanan Perpustakaan", "Pengelola Bahan Pustaka")),
    ),
}
# fmt: on

# Whoever holds a post of this name gets the role for the post's OPD: each OPD's tata usaha
# registers and sends its letters, and its arsiparis files them.
ROLE_FOR_POST = {"Pengelola Surat": Role.OPERATOR, "Arsiparis Ahli Pertama": Role.ARSIPARIS}

# Left without a definitive holder; the first has a Plt (ACTING below).
VACANT = frozenset(
    {
        "DISKOMINFOS.KABID-STATSANDI",
        "SETDA.KABAG-BANKUM",
        "DISDIK.KASI-SMK-2",
        "DINSOS.STAF-REHSOS-2",
        "BAPPEDA.JF-PPEP-3",
    }
)


# ── Building each OPD's chart from the tables ────────────────────────────────────────────────────


class UnitSpec(NamedTuple):
    code: str
    name: str
    parent: str | None


class PostSpec(NamedTuple):
    code: str
    name: str
    kind: str
    parent: str | None  # the superior's code, maybe in another OPD (a Kepala Dinas reports to an Asisten)
    unit: str | None
    eselon: str
    heads_opd: bool


def kind_of(name: str) -> str:
    """Kepala … is struktural; a JF name carries its level (… Ahli Muda); the rest is pelaksana."""
    if name.startswith("Kepala "):
        return STRUKTURAL
    return FUNGSIONAL if " Ahli " in name else PELAKSANA


@dataclass
class Chart:
    """One OPD's units and positions, each listed after its parent."""

    opd: OpdRow
    units: list[UnitSpec] = field(default_factory=list)
    posts: list[PostSpec] = field(default_factory=list)
    numbers: Counter = field(default_factory=Counter)

    def unit(self, code: str, name: str, parent: str | None = None) -> str:
        self.units.append(UnitSpec(code, name, parent))
        return code

    def post(
        self,
        key: str,
        name: str,
        *,
        parent: str | None,
        unit: str | None = None,
        eselon: str = "",
        kind: str = STRUKTURAL,
        heads_opd: bool = False,
    ) -> str:
        code = f"{self.opd.code}.{key}"
        self.posts.append(PostSpec(code, name, kind, parent, unit, eselon, heads_opd))
        return code

    def members(self, key: str, names: Sequence[str], *, parents: Sequence[str], unit: str) -> list[str]:
        """Posts under `parents`, in turn: KASI-, JF- or STAF-<key>-<n>, numbered per prefix and key."""
        codes = []
        for index, name in enumerate(names):
            kind = kind_of(name)
            prefix = {STRUKTURAL: "KASI", FUNGSIONAL: "JF", PELAKSANA: "STAF"}[kind]
            self.numbers[prefix, key] += 1
            code = self.post(
                f"{prefix}-{key}-{self.numbers[prefix, key]}",
                name,
                parent=parents[index % len(parents)],
                unit=unit,
                eselon="IV.a" if kind == STRUKTURAL else "",
                kind=kind,
            )
            codes.append(code)
        return codes


def _setda_chart(row: OpdRow) -> Chart:
    chart = Chart(row)
    # The kepala daerah hold political offices: struktural, without an eselon. The Sekda heads the Setda.
    governor = chart.post("GUBERNUR", "Gubernur Nusa Mandiri", parent=None)
    chart.post("WAGUB", "Wakil Gubernur Nusa Mandiri", parent=governor)
    sekda = chart.post(
        "SEKDA", f"Sekretaris Daerah {PROVINCE_NAME}", parent=governor, eselon="I.b", heads_opd=True
    )
    for key, name in ASISTEN:
        chart.post(f"ASISTEN-{key}", name, parent=sekda, eselon="II.a")
    for key, name, asisten, bagian in BIRO:
        biro = chart.unit(f"BIRO-{key}", f"Biro {name}")
        karo = chart.post(
            f"KARO-{key}", f"Kepala Biro {name}", parent=f"SETDA.ASISTEN-{asisten}", unit=biro, eselon="II.b"
        )
        for bagian_key, bagian_name, staff in bagian:
            unit = chart.unit(f"BAGIAN-{bagian_key}", f"Bagian {bagian_name}", parent=biro)
            kabag = chart.post(
                f"KABAG-{bagian_key}", f"Kepala Bagian {bagian_name}", parent=karo, unit=unit, eselon="III.a"
            )
            chart.members(bagian_key, staff, parents=[kabag], unit=unit)
    return chart


def _agency_chart(row: OpdRow) -> Chart:
    """A dinas or badan: Kepala → Sekretaris → Kasubbag → staf, and Kepala → Kabid → Kasi/JF → staf."""
    chart = Chart(row)
    head = chart.post(
        "KADIS" if row.name.startswith("Dinas") else "KABAN",
        f"Kepala {row.name}",
        parent=f"SETDA.ASISTEN-{row.asisten}",
        eselon="II.a",
        heads_opd=True,
    )
    sekretariat = chart.unit("SEKRETARIAT", "Sekretariat")
    sekretaris = chart.post(
        "SEKRETARIS", f"Sekretaris {row.name}", parent=head, unit=sekretariat, eselon="III.a"
    )
    for key, name, staff in SUBBAGIAN:
        unit = chart.unit(f"SUBBAG-{key}", f"Subbagian {name}", parent=sekretariat)
        kasubbag = chart.post(
            f"KASUBBAG-{key}", f"Kepala Subbagian {name}", parent=sekretaris, unit=unit, eselon="IV.a"
        )
        chart.members(key, staff, parents=[kasubbag], unit=unit)
    for key, name, leads, staff in BIDANG[row.code]:
        unit = chart.unit(f"BIDANG-{key}", f"Bidang {name}")
        kabid = chart.post(f"KABID-{key}", f"Kepala Bidang {name}", parent=head, unit=unit, eselon="III.b")
        lead_codes = chart.members(key, leads, parents=[kabid], unit=unit)
        chart.members(key, staff, parents=lead_codes, unit=unit)
    return chart


@cache
def demo_charts() -> tuple[Chart, ...]:
    """Every OPD's chart, the Setda first: the Kepala of each dinas/badan reports to one of its Asisten."""
    setda, *agencies = OPDS
    return (_setda_chart(setda), *(_agency_chart(row) for row in agencies))


# ── People ───────────────────────────────────────────────────────────────────────────────────────


class Person(NamedTuple):
    full_name: str  # as printed under a signature, with gelar
    email: str
    nip: str | None = None
    employment: str = User.Employment.ASN

    @property
    def username(self) -> str:
        return self.nip or self.email

    @property
    def nik(self) -> str | None:
        """A NIK laid out as the NIP's owner would have one: a Kupang region code, the birth date
        (day + 40 for a woman) and a serial from the NIP, so each demo ASN's is their own."""
        if not self.nip:
            return None
        born, cpns, sex, seq = self.nip[:8], self.nip[8:14], self.nip[14], self.nip[15:]
        day = int(born[6:]) + (40 if sex == "2" else 0)
        return f"537101{day:02d}{born[4:6]}{born[2:4]}{cpns[3]}{seq}"


def asn(
    first: str, last: str, *, sex: int, born: str, cpns: str, seq: int, title: str = "", degree: str = ""
) -> Person:
    """An ASN whose NIP is built like a real one: born YYYYMMDD, TMT CPNS YYYYMM, sex 1/2, number."""
    datetime.strptime(born, "%Y%m%d")  # a typo in the tables fails here, not in a signature block
    datetime.strptime(cpns, "%Y%m")
    if sex not in (1, 2) or not 0 < seq < 1000:
        raise ValueError(f"NIP tidak sah untuk {first} {last}")
    name = " ".join(part for part in (title, first, last) if part)
    full_name = f"{name}, {degree}" if degree else name
    return Person(full_name, f"{first}.{last}@{DOMAIN}".lower(), f"{born}{cpns}{sex}{seq:03d}")


# The people behind the demo accounts. The kepala daerah are elected, not ASN: no NIP.
GOVERNOR = Person("Dr. H. Arief Latuconsina, S.H., M.H.", f"arief.latuconsina@{DOMAIN}", employment=NON_ASN)
VICE_GOVERNOR = Person("Ir. Yohana Wattimena, M.Si.", f"yohana.wattimena@{DOMAIN}", employment=NON_ASN)
SPBE_ADMIN = Person("Admin SPBE Provinsi Nusa Mandiri", f"admin@{DOMAIN}", employment=NON_ASN)
CITIZEN = Person("Rahmat Hidayat", "warga@contoh.id", employment=PUBLIC)
KOMINFOS_HEAD = asn(
    "Hendra", "Siregar", sex=1, born="19740815", cpns="199903", seq=1, title="Dr.", degree="S.Kom., M.T."
)
KOMINFOS_SECRETARY = asn(
    "Yohanes", "Manafe", sex=1, born="19780412", cpns="200312", seq=2, degree="S.E., M.Si."
)
APTIKA_HEAD = asn("Ratna", "Wowor", sex=2, born="19800921", cpns="200501", seq=1, degree="S.T., M.Kom.")
KOMINFOS_ADMIN = asn("Rizky", "Pratama", sex=1, born="19890305", cpns="201403", seq=4, degree="S.Kom.")
KOMINFOS_OPERATOR = asn("Siti", "Rahmawati", sex=2, born="19920617", cpns="201912", seq=3, degree="A.Md.")
APTIKA_STAFF = asn("Made", "Wirawan", sex=1, born="19940128", cpns="202003", seq=7, degree="S.Kom.")
PROVINCE_ARCHIVIST = asn("Maria", "Fanggidae", sex=2, born="19830710", cpns="200902", seq=2, degree="S.Sos.")
DINKES_SECRETARY = asn(
    "Nurul", "Hidayati", sex=2, born="19790303", cpns="200501", seq=5, degree="S.K.M., M.Kes."
)

NAMED_HOLDERS = {
    "SETDA.GUBERNUR": GOVERNOR,
    "SETDA.WAGUB": VICE_GOVERNOR,
    "DISKOMINFOS.KADIS": KOMINFOS_HEAD,
    "DISKOMINFOS.SEKRETARIS": KOMINFOS_SECRETARY,
    "DISKOMINFOS.KABID-APTIKA": APTIKA_HEAD,
    "DISKOMINFOS.JF-APTIKA-1": KOMINFOS_ADMIN,
    "DISKOMINFOS.STAF-UMPEG-1": KOMINFOS_OPERATOR,
    "DISKOMINFOS.STAF-APTIKA-1": APTIKA_STAFF,
    "DISPUSIP.JF-ARSIP-1": PROVINCE_ARCHIVIST,
    "DINKES.SEKRETARIS": DINKES_SECRETARY,
}
INAUGURATION = date(2025, 2, 20)  # the kepala daerah elected in the 2024 simultaneous elections took office

# Acting officials: (whose definitive post, acts for which post, as what). See _acting_window for dates.
ACTING = (
    ("DISKOMINFOS.SEKRETARIS", "DISKOMINFOS.KABID-STATSANDI", PLT),  # the Kabid post is vacant
    ("DINKES.SEKRETARIS", "DINKES.KADIS", PLH),  # the Kepala Dinas is away for two weeks
)

# Roles that do not follow from a post (ROLE_FOR_POST): (person, role, OPD code or None).
GRANTS = (
    (SPBE_ADMIN, Role.ADMIN, None),
    (KOMINFOS_ADMIN, Role.ADMIN_OPD, "DISKOMINFOS"),
    (PROVINCE_ARCHIVIST, Role.ARSIPARIS, None),  # province-wide, at the lembaga kearsipan daerah
    (CITIZEN, Role.PEMOHON, None),
)


# One account per role; every demo person signs in with DEMO_PASSWORD.
# fmt: off
DEMO_ACCOUNTS = [
    {"role": role, "login": person.nip if by_nip else person.email, "name": person.full_name, "does": does}
    for role, person, by_nip, does in (
        ("Admin SPBE", SPBE_ADMIN, False,
         "Mengelola struktur organisasi, pengguna, templat dan layanan semua OPD"),
        ("Admin OPD", KOMINFOS_ADMIN, False,
         "Pranata Komputer Diskominfos; mengelola jabatan dan pengguna OPD-nya"),
        ("Operator", KOMINFOS_OPERATOR, False,
         "Pengelola Surat Diskominfos; mencatat, menomori dan mengirim surat"),
        ("Arsiparis", PROVINCE_ARCHIVIST, False,
         "Arsiparis provinsi (Dispusip); pemberkasan, retensi, penyusutan"),
        ("Pimpinan", KOMINFOS_HEAD, True,
         "Kepala Diskominfos; mendisposisi, memaraf dan menandatangani surat"),
        ("Kepala Bidang", APTIKA_HEAD, False,
         "Kabid Aplikasi Informatika; meneruskan disposisi, memaraf konsep"),
        ("Staf", APTIKA_STAFF, False,
         "Staf Bidang Aplikasi Informatika; menindaklanjuti disposisi, menyusun konsep"),
        ("Plt", KOMINFOS_SECRETARY, False,
         "Sekretaris Diskominfos, juga Plt. Kabid Statistik dan Persandian"),
        ("Plh", DINKES_SECRETARY, False,
         "Sekretaris Dinkes, juga Plh. Kepala Dinas Kesehatan selama dua pekan"),
        ("Pemohon", CITIZEN, False,
         "Warga; mengajukan surat dan permohonan lewat portal, memantau prosesnya"),
    )
]
# fmt: on


# Names from across Indonesia: Java, Sunda, Bali, Batak, Minang, Minahasa, Maluku, NTT, Papua, Bugis.
MALE_NAMES = (
    "Agus", "Ahmad", "Andi", "Arif", "Asep", "Bambang", "Benny", "Budi", "Dadang", "Daniel", "Dedi", "Eko",
    "Fajar", "Firman", "Fransiskus", "Gede", "Hamzah", "Hasan", "Hendra", "Heru", "Imam", "Irfan", "Iwan",
    "Joko", "Ketut", "Lukman", "Made", "Markus", "Muhammad", "Nyoman", "Petrus", "Rahmat", "Ridwan", "Rizky",
    "Roni", "Sigit", "Slamet", "Stefanus", "Syahrul", "Taufik", "Teguh", "Ujang", "Wahyu", "Wayan", "Yakobus",
    "Yosef", "Yudi", "Zulkifli",
)  # fmt: skip
FEMALE_NAMES = (
    "Agustina", "Aisyah", "Ani", "Ayu", "Citra", "Desi", "Dewi", "Dian", "Eka", "Elisabeth", "Erna", "Evi",
    "Fatimah", "Fitri", "Indah", "Intan", "Kadek", "Kartika", "Komang", "Lina", "Lusiana", "Margaretha",
    "Maria", "Mega", "Melati", "Nia", "Novita", "Nur", "Nurul", "Putri", "Rahma", "Ratih", "Ratna", "Rina",
    "Siti", "Sri", "Susi", "Theresia", "Wulan", "Yanti", "Yohana", "Yuliana",
)  # fmt: skip
FAMILY_NAMES = (
    "Siregar", "Nasution", "Harahap", "Lubis", "Simanjuntak", "Sitompul", "Hutapea", "Sinaga", "Tambunan",
    "Pardede", "Sembiring", "Ginting", "Tarigan", "Purba", "Damanik", "Chaniago", "Piliang", "Tanjung",
    "Effendi", "Ibrahim", "Saputra", "Santoso", "Wibowo", "Prasetyo", "Nugroho", "Setiawan", "Kurniawan",
    "Hidayat", "Susanto", "Wijaya", "Pratama", "Purnomo", "Hartono", "Permana", "Gunawan", "Suryana",
    "Sukmana", "Hermawan", "Wowor", "Pangemanan", "Sondakh", "Lumentut", "Rumondor", "Latuconsina",
    "Wattimena", "Tuhumury", "Pattiasina", "Sahetapy", "Fanggidae", "Manafe", "Ndolu", "Rumbiak", "Wanggai",
    "Mandowen", "Rahman", "Syamsuddin", "Mallarangeng", "Pawennei", "Suarjana", "Wirawan", "Sudarsana",
    "Mahendra", "Astawa", "Noor", "Rahmadi", "Halim",
)  # fmt: skip
FEMININE = {
    "Saputra": "Saputri", "Pratama": "Pratiwi", "Kurniawan": "Kurniawati", "Setiawan": "Setiawati",
    "Hermawan": "Hermawati", "Gunawan": "Gunawati", "Wirawan": "Wirawati", "Wijaya": "Wijayanti",
    "Susanto": "Susanti", "Hidayat": "Hidayati", "Suarjana": "Suarjani",
}  # fmt: skip


class Grade(NamedTuple):
    birth_years: tuple[int, int]
    degrees: tuple[str, ...]


GRADES = {
    "pimpinan": Grade(
        (1966, 1976), ("S.H., M.H.", "S.E., M.M.", "S.T., M.T.", "S.Sos., M.Si.", "S.IP., M.Si.")
    ),
    "administrator": Grade((1970, 1982), ("S.E., M.Si.", "S.Sos., M.AP.", "S.Kom., M.Kom.", "S.H.", "S.T.")),
    "pengawas": Grade((1978, 1992), ("S.Kom.", "S.E.", "S.H.", "S.Sos.", "S.AP.", "S.Pd.", "S.Si.", "S.Ak.")),
    "pelaksana": Grade((1984, 1999), ("A.Md.", "A.Md.Kom.", "S.E.", "S.Kom.", "", "")),
}


def _grade(post: PostSpec) -> Grade:
    if post.eselon.startswith(("I.", "II.")):
        return GRADES["pimpinan"]
    if post.eselon.startswith("III."):
        return GRADES["administrator"]
    return GRADES["pelaksana"] if post.kind == PELAKSANA else GRADES["pengawas"]


def _generated_person(post: PostSpec, taken: set[str]) -> Person:
    """The same post always yields the same person: the generator is seeded with the post's code."""
    grade = _grade(post)
    for attempt in count():
        rng = random.Random(f"{post.code}/{attempt}")
        sex = rng.choice((1, 2))
        first = rng.choice(MALE_NAMES if sex == 1 else FEMALE_NAMES)
        last = rng.choice(FAMILY_NAMES)
        born = date(rng.randint(*grade.birth_years), rng.randint(1, 12), rng.randint(1, 28))
        cpns = f"{min(born.year + rng.randint(22, 27), 2023)}{rng.choice((1, 2, 3, 4, 12)):02d}"
        person = asn(
            first,
            FEMININE.get(last, last) if sex == 2 else last,
            sex=sex,
            born=f"{born:%Y%m%d}",
            cpns=cpns,
            seq=rng.randint(1, 15),
            title="Dr." if grade is GRADES["pimpinan"] and rng.random() < 0.2 else "",
            degree=rng.choice(grade.degrees),
        )
        if person.email not in taken and person.nip not in taken:
            taken.update((person.email, person.nip))
            return person
    raise AssertionError("unreachable")


def demo_holders() -> dict[str, Person]:
    """Post code → its definitive holder, for every post that is not VACANT."""
    named = [*NAMED_HOLDERS.values(), SPBE_ADMIN, CITIZEN]
    taken = {key for person in named for key in (person.email, person.nip) if key}
    holders = {}
    for chart in demo_charts():
        for post in chart.posts:
            if post.code in VACANT:
                continue
            holders[post.code] = NAMED_HOLDERS.get(post.code) or _generated_person(post, taken)
    return holders


def _tenure(code: str, person: Person) -> tuple[date, str]:
    """TMT jabatan and the decree, fixed per post so that every run finds the same row."""
    if person.nip is None:
        return INAUGURATION, ""
    rng = random.Random(f"{code}/tmt")
    cpns_year = int(person.nip[8:12])
    start = date(
        rng.randint(max(2019, min(cpns_year + 1, 2024)), 2024), rng.randint(1, 12), rng.choice((2, 3, 15))
    )
    return start, f"821.2/{rng.randint(100, 999):04d}/BKD/{start.year}"


def _add_months(first_of_month: date, months: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _acting_window(kind: str, today: date) -> tuple[date, date]:
    """Dates anchored on this month (Plt) or this week (Plh): every run on the same day gives the same row.

    Plt: from the first day of last month to the last day of the month after next.
    Plh: two weeks from this Monday.
    """
    if kind == PLT:
        this_month = today.replace(day=1)
        return _add_months(this_month, -1), _add_months(this_month, 3) - timedelta(days=1)
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=13)


# ── Seeding ──────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class SeedSummary:
    opds: int
    units: int
    positions: int
    vacant: int
    employees: int  # people holding a post definitively
    accounts: int  # every demo user, with the SPBE admin and the citizen
    assignments: int
    role_grants: int
    created: int  # rows this run inserted


class _Writer:
    """Finds a row by natural key and creates it if missing. An existing row is left as it is, so
    what an admin changed in the demo (a moved position, an ended assignment) survives a restart."""

    def __init__(self) -> None:
        self.created = 0

    def ensure(
        self,
        model: type[M],
        key: dict[str, Any],
        values: dict[str, Any],
        on_create: dict[str, Any] | None = None,
    ) -> M:
        # Callables in `on_create` run only when the row is created (Django resolves them in get_or_create).
        row, created = model.objects.get_or_create(**key, defaults={**values, **(on_create or {})})
        self.created += created
        return row


@transaction.atomic
def seed_demo_province(*, today: date | None = None) -> SeedSummary:
    """Loads the demo province; running it again changes nothing. `today` exists for tests."""
    today = today or timezone.localdate()
    writer = _Writer()
    # One PBKDF2 hash shared by every demo person (hashing hundreds would take minutes), computed
    # only if someone is created: a second run does no hashing at all.
    password: Callable[[], str] = cache(lambda: make_password(DEMO_PASSWORD))
    accounts: dict[str, User] = {}

    def account(person: Person, *, opd_id: int | None = None) -> User:
        if person.username not in accounts:
            accounts[person.username] = writer.ensure(
                User,
                {"username": person.username},
                {
                    "full_name": person.full_name,
                    "email": person.email,
                    "nip": person.nip,
                    "nik": person.nik,
                    "employment": person.employment,
                    "opd_id": opd_id,
                },
                on_create={"password": password},
            )
            user = accounts[person.username]
            if user.nik is None and person.nik:  # an account seeded before people had a NIK
                User.objects.filter(pk=user.pk).update(nik=person.nik)
                user.nik = person.nik
        return accounts[person.username]

    province = writer.ensure(Province, {"name": PROVINCE_NAME}, {"capital": CAPITAL})
    opd_ids: dict[str | None, int | None] = {None: None}
    positions: dict[str, Position] = {}
    for chart in demo_charts():
        opd_ids[chart.opd.code] = opd_id = writer.ensure(
            Opd, {"code": chart.opd.code}, _kop(chart.opd, province)
        ).pk
        unit_ids: dict[str | None, int | None] = {None: None}
        for unit in chart.units:
            unit_ids[unit.code] = writer.ensure(
                Unit,
                {"opd_id": opd_id, "code": unit.code},
                {"name": unit.name, "parent_id": unit_ids[unit.parent]},
            ).pk
        for order, post in enumerate(chart.posts, start=1):
            positions[post.code] = writer.ensure(
                Position,
                {"code": post.code},
                {
                    "opd_id": opd_id,
                    "unit_id": unit_ids[post.unit],
                    "parent_id": positions[post.parent].pk if post.parent else None,
                    "name": post.name,
                    "kind": post.kind,
                    "eselon": post.eselon,
                    "heads_opd": post.heads_opd,
                    "order": order,
                },
            )

    holders = demo_holders()
    grants = [(person, role, opd_ids[opd_code]) for person, role, opd_code in GRANTS]
    for code, person in holders.items():
        position = positions[code]
        start, decree = _tenure(code, person)
        # `end` only on creation: an assignment an admin ended in the demo stays ended.
        writer.ensure(
            Assignment,
            {
                "user_id": account(person, opd_id=position.opd_id).pk,
                "position_id": position.pk,
                "kind": DEFINITIVE,
                "start": start,
            },
            {"decree_number": decree},
            on_create={"end": None},
        )
        if role := ROLE_FOR_POST.get(position.name):
            grants.append((person, role, position.opd_id))
    for acting_post, acted_for, kind in ACTING:
        _ensure_acting(
            writer, user=account(holders[acting_post]), position=positions[acted_for], kind=kind, today=today
        )
    for person, role, opd_id in grants:
        writer.ensure(RoleGrant, {"user_id": account(person).pk, "role": role, "opd_id": opd_id}, {})

    return SeedSummary(
        opds=len(opd_ids) - 1,
        units=sum(len(chart.units) for chart in demo_charts()),
        positions=len(positions),
        vacant=len(positions) - len(holders),
        employees=len(holders),
        accounts=len(accounts),
        assignments=len(holders) + len(ACTING),
        role_grants=len(grants),
        created=writer.created,
    )


def _kop(row: OpdRow, province: Province) -> dict[str, Any]:
    """What the kop surat prints."""
    slug = row.code.lower()
    return {
        "province_id": province.pk,
        "name": row.name,
        "short_name": row.short_name,
        "address": row.street,
        "city": CAPITAL,
        "postal_code": row.postal_code,
        "phone": row.phone,
        "email": f"{slug}@{DOMAIN}",
        "website": f"{slug}.{DOMAIN}",
    }


def _ensure_acting(writer: _Writer, *, user: User, position: Position, kind: str, today: date) -> None:
    """A Plt/Plh in force today for `position`: the one already there, or a new one after the last.

    Keyed on "in force today" rather than on the start date alone, because the window moves with the
    calendar: a run next week must keep this week's Plh, and a run after it ended must start the new
    one after it, or the database's one-acting-official-per-day constraint would refuse it.
    """
    acting = Assignment.objects.filter(position=position, kind__in=[PLT, PLH])
    if acting.filter(start__lte=today, end__gte=today).exists():
        return
    start, end = _acting_window(kind, today)
    latest_end = acting.aggregate(latest=Max("end"))["latest"]
    if latest_end is not None:
        start = max(start, latest_end + timedelta(days=1))
    if start > today:
        return  # someone already appointed a future Plt/Plh: leave the demo's to them
    writer.ensure(
        Assignment,
        {"user_id": user.pk, "position_id": position.pk, "kind": kind, "start": start},
        {"end": end, "decree_number": f"800/{start:%m%d}/BKD/{start.year}"},
    )
