"""The words of the benchmark's letters: who writes to the province, about what, and in which phrases.

Full-text search is only measured honestly on text that looks like the real register: several
hundred distinct words, a few very common ("rapat", "data", "tahun") and many rare, subjects that
name a topic, a region and a year. Everything here is fictional, like the demo province.
"""

import random

from organisasi.demo import FAMILY_NAMES, FEMALE_NAMES, FEMININE, MALE_NAMES

# The regencies and cities of the fictional province, and a few real provinces that write to it.
REGENCIES = (
    "Kabupaten Tanjung Mas", "Kabupaten Lembah Sari", "Kabupaten Pesisir Utara", "Kabupaten Bukit Raya",
    "Kabupaten Sungai Jernih", "Kabupaten Tanah Merah", "Kabupaten Kepulauan Biru", "Kabupaten Gunung Tinggi",
    "Kabupaten Padang Luas", "Kabupaten Muara Dua", "Kabupaten Rimba Hijau", "Kota Mandala",
    "Kota Sari Indah", "Kota Pelabuhan Baru",
)  # fmt: skip
PROVINCES = (
    "Provinsi Jawa Barat", "Provinsi Jawa Timur", "Provinsi Sulawesi Selatan", "Provinsi Bali",
    "Provinsi Sumatera Utara", "Provinsi Kalimantan Timur", "Provinsi Nusa Tenggara Timur",
    "Provinsi Maluku", "Provinsi Papua", "Provinsi Riau", "Provinsi Sumatera Barat", "Provinsi Aceh",
)  # fmt: skip
DISTRICTS = (
    "Kecamatan Mandala Barat", "Kecamatan Teluk Indah", "Kecamatan Batu Putih", "Kecamatan Air Manis",
    "Kecamatan Sukamaju", "Kecamatan Karang Anyar", "Kecamatan Tanjung Harapan", "Kecamatan Pulau Kecil",
    "Kecamatan Lembah Damai", "Kecamatan Bukit Sejahtera",
)  # fmt: skip

# National institutions write most often: they come first in every OPD's address book.
NATIONAL = (
    ("Kementerian Dalam Negeri", "SJ"), ("Kementerian Keuangan", "KEU"),
    ("Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi", "PANRB"),
    ("Kementerian Komunikasi dan Digital", "KOMDIGI"), ("Kementerian Sosial", "KEMSOS"),
    ("Kementerian Kesehatan", "KEMKES"), ("Kementerian Pendidikan Dasar dan Menengah", "DIKDASMEN"),
    ("Kementerian Perencanaan Pembangunan Nasional/Bappenas", "BAPPENAS"),
    ("Badan Kepegawaian Negara", "BKN"), ("Arsip Nasional Republik Indonesia", "ANRI"),
    ("Perpustakaan Nasional Republik Indonesia", "PERPUSNAS"), ("Badan Pusat Statistik", "BPS"),
    ("Badan Siber dan Sandi Negara", "BSSN"), ("Ombudsman Republik Indonesia", "ORI"),
    ("Badan Pemeriksa Keuangan Perwakilan Provinsi Nusa Mandiri", "BPK"),
    ("Badan Pengawasan Keuangan dan Pembangunan", "BPKP"), ("Komisi Pemberantasan Korupsi", "KPK"),
    ("Kementerian Investasi dan Hilirisasi/BKPM", "BKPM"), ("Lembaga Administrasi Negara", "LAN"),
    ("Badan Nasional Penanggulangan Bencana", "BNPB"), ("Kementerian Agama", "KEMENAG"),
    ("Kementerian Pekerjaan Umum", "PU"), ("Kementerian Pertanian", "KEMENTAN"),
    ("BPJS Kesehatan Kantor Cabang Kota Mandala", "BPJSKES"),
    ("BPJS Ketenagakerjaan Kantor Cabang Kota Mandala", "BPJSTK"),
    ("Sekretariat DPRD Provinsi Nusa Mandiri", "DPRD"), ("Inspektorat Provinsi Nusa Mandiri", "ITPROV"),
    ("Kepolisian Daerah Nusa Mandiri", "POLDA"), ("Komando Resor Militer 172", "KOREM"),
    ("Kejaksaan Tinggi Nusa Mandiri", "KEJATI"), ("Pengadilan Tinggi Nusa Mandiri", "PT"),
    ("Komisi Informasi Provinsi Nusa Mandiri", "KI"), ("Komisi Pemilihan Umum Provinsi Nusa Mandiri", "KPU"),
    ("Bank Indonesia Perwakilan Provinsi Nusa Mandiri", "BI"),
)  # fmt: skip
REGIONAL_BODIES = (
    ("Pemerintah", "PEMDA"), ("Sekretariat Daerah", "SETDA"), ("Dinas Pendidikan", "DISDIK"),
    ("Dinas Kesehatan", "DINKES"), ("Dinas Sosial", "DINSOS"), ("Badan Perencanaan Pembangunan Daerah", "BAPPEDA"),
    ("Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "BKPSDM"),
    ("Dinas Komunikasi dan Informatika", "DISKOMINFO"), ("Dinas Kependudukan dan Pencatatan Sipil", "DISDUKCAPIL"),
    ("Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP"),
    ("Dinas Perpustakaan dan Kearsipan", "DISPUSIP"), ("Inspektorat", "ITDA"),
    ("Badan Pengelola Keuangan dan Aset Daerah", "BPKAD"), ("Dinas Pekerjaan Umum dan Penataan Ruang", "PUPR"),
    ("Badan Penanggulangan Bencana Daerah", "BPBD"), ("Dinas Pertanian dan Ketahanan Pangan", "DISTAN"),
    ("Dinas Perhubungan", "DISHUB"), ("Dinas Lingkungan Hidup", "DLH"), ("Dinas Koperasi dan UKM", "DISKOP"),
    ("Dinas Pemberdayaan Perempuan dan Perlindungan Anak", "DP3A"), ("Rumah Sakit Umum Daerah", "RSUD"),
    ("Satuan Polisi Pamong Praja", "SATPOLPP"), ("Dinas Pariwisata", "DISPAR"),
    ("Dinas Tenaga Kerja dan Transmigrasi", "DISNAKERTRANS"),
)  # fmt: skip
PROVINCE_BODIES = ("Dinas Kesehatan", "Dinas Pendidikan", "Dinas Komunikasi dan Informatika", "Biro Organisasi",
                   "Badan Kepegawaian Daerah", "Dinas Sosial", "Bappeda", "Dinas Perpustakaan dan Kearsipan")  # fmt: skip
COMPANY_WORDS = (
    "Karya", "Mandiri", "Sejahtera", "Nusantara", "Abadi", "Jaya", "Sentosa", "Makmur", "Bahari", "Lestari",
    "Cipta", "Prima", "Utama", "Mitra", "Sinar", "Cahaya", "Harapan", "Bina", "Mulia", "Perkasa", "Global",
    "Teknologi", "Solusi", "Data", "Digital", "Konstruksi", "Agro", "Samudra", "Pratama", "Gemilang",
    "Berkah", "Anugerah", "Indah", "Sakti", "Rajawali", "Garuda", "Persada", "Buana", "Mandala", "Terang",
)  # fmt: skip
COMPANY_FORMS = ("PT", "PT", "PT", "CV", "Koperasi", "PT")
SCHOOLS = ("SMA Negeri", "SMK Negeri", "SMA Swasta Karya", "SLB Negeri", "SMP Negeri", "SD Negeri")
OTHER_BODIES = ("Universitas Tanjung Mandala", "Politeknik Negeri Mandala", "Institut Teknologi Nusa Mandiri",
                "Yayasan Kasih Bunda", "Yayasan Pendidikan Harapan Bangsa", "Lembaga Swadaya Masyarakat Peduli Desa",
                "Palang Merah Indonesia Provinsi Nusa Mandiri", "Kamar Dagang dan Industri Provinsi Nusa Mandiri",
                "Persatuan Guru Republik Indonesia Provinsi Nusa Mandiri", "Ikatan Dokter Indonesia Wilayah Nusa Mandiri",
                "Forum Anak Daerah Nusa Mandiri", "Karang Taruna Provinsi Nusa Mandiri")  # fmt: skip

# What an OPD's mail is about. The keys are the demo OPD codes; "UMUM" reaches every OPD.
TOPICS = {
    "UMUM": (
        "penyusunan rencana kerja anggaran",
        "pengelolaan barang milik daerah",
        "perjalanan dinas",
        "pemeliharaan gedung kantor",
        "pengadaan barang dan jasa",
        "evaluasi kinerja instansi",
        "reformasi birokrasi",
        "sistem akuntabilitas kinerja instansi pemerintah",
        "pembangunan zona integritas",
        "standar pelayanan minimal",
        "laporan keuangan pemerintah daerah",
        "pengawasan internal",
        "survei kepuasan masyarakat",
        "pengelolaan arsip dinamis",
        "keterbukaan informasi publik",
        "pengendalian gratifikasi",
        "tindak lanjut hasil pemeriksaan",
        "penyusunan indikator kinerja utama",
        "peringatan hari kemerdekaan",
        "apel kesadaran nasional",
        "pengelolaan pengaduan masyarakat",
        "penyerapan anggaran",
        "inventarisasi aset tetap",
        "penghapusan kendaraan dinas",
    ),
    "SETDA": (
        "pemilihan kepala daerah serentak",
        "kerja sama antardaerah",
        "produk hukum daerah",
        "hari ulang tahun provinsi",
        "penanggulangan bencana",
        "pengendalian inflasi daerah",
        "rapat paripurna DPRD",
        "rancangan peraturan daerah",
        "pembinaan kesatuan bangsa",
        "kunjungan kerja gubernur",
        "penataan kelembagaan perangkat daerah",
        "protokol acara kenegaraan",
        "penegasan batas daerah",
        "kerja sama luar negeri",
        "musyawarah pimpinan daerah",
        "rumah tangga gubernur",
        "evaluasi penyelenggaraan pemerintahan daerah",
    ),
    "DISKOMINFOS": (
        "sistem pemerintahan berbasis elektronik",
        "satu data Indonesia",
        "keamanan siber",
        "jaringan internet desa",
        "aplikasi layanan publik",
        "pusat data daerah",
        "nama domain instansi",
        "statistik sektoral",
        "persandian daerah",
        "media sosial pemerintah",
        "sertifikat elektronik",
        "interoperabilitas data",
        "insiden keamanan informasi",
        "menara telekomunikasi",
        "layanan aspirasi daring",
    ),
    "DINSOS": (
        "bantuan sosial",
        "program keluarga harapan",
        "penyandang disabilitas",
        "lanjut usia terlantar",
        "korban bencana alam",
        "data terpadu kesejahteraan sosial",
        "penanganan fakir miskin",
        "rehabilitasi sosial anak",
        "kelompok usaha bersama",
        "taruna siaga bencana",
        "gelar pahlawan nasional",
        "lembaga kesejahteraan sosial",
        "undian gratis berhadiah",
        "pengumpulan uang dan barang",
    ),
    "DISDIK": (
        "penerimaan peserta didik baru",
        "kurikulum merdeka",
        "dana bantuan operasional sekolah",
        "sertifikasi guru",
        "asesmen nasional",
        "ujian sekolah",
        "beasiswa siswa berprestasi",
        "rehabilitasi ruang kelas",
        "pendidikan khusus",
        "olimpiade sains nasional",
        "tenaga kependidikan honorer",
        "praktik kerja lapangan",
        "akreditasi sekolah",
        "mutasi guru",
        "program sekolah penggerak",
        "ijazah dan legalisasi",
    ),
    "DINKES": (
        "imunisasi dasar lengkap",
        "percepatan penurunan stunting",
        "demam berdarah dengue",
        "jaminan kesehatan nasional",
        "akreditasi puskesmas",
        "eliminasi tuberkulosis",
        "kesehatan ibu dan anak",
        "obat dan perbekalan kesehatan",
        "surveilans penyakit menular",
        "tenaga kesehatan",
        "rumah sakit rujukan",
        "kejadian luar biasa",
        "posyandu",
        "gizi buruk",
        "pemeriksaan kesehatan gratis",
        "izin praktik tenaga kesehatan",
    ),
    "BAPPEDA": (
        "rencana pembangunan jangka menengah daerah",
        "rencana kerja pemerintah daerah",
        "musyawarah perencanaan pembangunan",
        "evaluasi rencana pembangunan",
        "kajian lingkungan hidup strategis",
        "penanggulangan kemiskinan",
        "indikator kinerja daerah",
        "pembangunan infrastruktur wilayah",
        "riset dan inovasi daerah",
        "dana alokasi khusus",
        "tujuan pembangunan berkelanjutan",
        "pokok pikiran DPRD",
    ),
    "BKD": (
        "kenaikan pangkat",
        "mutasi pegawai",
        "seleksi calon aparatur sipil negara",
        "pegawai pemerintah dengan perjanjian kerja",
        "pensiun pegawai",
        "pengembangan kompetensi",
        "penilaian kinerja pegawai",
        "disiplin pegawai",
        "uji kompetensi jabatan",
        "pelatihan kepemimpinan administrator",
        "tugas belajar",
        "seleksi terbuka jabatan pimpinan tinggi",
        "cuti pegawai",
        "kartu pegawai elektronik",
    ),
    "DPMPTSP": (
        "perizinan berusaha berbasis risiko",
        "online single submission",
        "laporan kegiatan penanaman modal",
        "realisasi investasi",
        "persetujuan lingkungan",
        "persetujuan bangunan gedung",
        "promosi investasi",
        "pengaduan layanan perizinan",
        "izin penelitian",
        "kemudahan berusaha",
        "pengawasan perizinan",
        "forum investasi daerah",
    ),
    "DISPUSIP": (
        "pengelolaan arsip inaktif",
        "penyusutan arsip",
        "akuisisi arsip statis",
        "gerakan gemar membaca",
        "perpustakaan desa",
        "jadwal retensi arsip",
        "alih media arsip",
        "pengawasan kearsipan",
        "literasi masyarakat",
        "tenaga arsiparis",
        "pemusnahan arsip",
        "deposit karya cetak",
    ),
}

# Classification prefixes (reference/classification-codes.csv) of each OPD's own matters.
CLASSIFICATION_PREFIXES = {
    "UMUM": ("000.1", "000.2", "000.3", "000.8", "700", "800.1", "900"),
    "SETDA": ("100", "200", "300", "000.1", "400.14"),
    "DISKOMINFOS": ("500.12", "500.14", "000.6"),
    "DINSOS": ("400.9", "300.2"),
    "DISDIK": ("400.3",),
    "DINKES": ("400.7",),
    "BAPPEDA": ("000.7", "000.9", "500"),
    "BKD": ("800",),
    "DPMPTSP": ("500.16", "500.2", "500.3"),
    "DISPUSIP": ("000.5", "000.4"),
}

# Subjects per letter type: {t} topic, {w} region, {y} year, {q} quarter, {p} participants.
SUBJECTS = {
    "invitation_letter": (
        "Undangan rapat koordinasi {t} {w} tahun {y}",
        "Undangan sosialisasi {t}",
        "Undangan bimbingan teknis {t} bagi {p}",
        "Undangan rapat evaluasi {t} triwulan {q} tahun {y}",
        "Undangan focus group discussion {t}",
        "Undangan rapat kerja teknis {t} tahun {y}",
        "Undangan pembukaan {e} {t}",
        "Undangan rapat pembahasan {t} {w}",
        "Undangan {e} dalam rangka {t}",
    ),
    "official_letter": (
        "Permohonan data {t} {w}",
        "Permohonan data realisasi {t} {w} tahun {y}",
        "Penyampaian hasil evaluasi {t} {w}",
        "Permohonan narasumber {e} {t}",
        "Permohonan fasilitasi {t}",
        "Permohonan rekomendasi {t}",
        "Permohonan audiensi terkait {t}",
        "Pemberitahuan jadwal {e} {t}",
        "Usulan {t} tahun anggaran {y}",
        "Permohonan verifikasi dan validasi data {t}",
        "Konfirmasi kehadiran {e} {t}",
        "Permohonan bantuan pelaksanaan {t} di {w}",
        "Penyampaian dokumen {t} tahun {y}",
        "Permohonan pendampingan {t} {w}",
        "Tindak lanjut hasil rapat {t}",
        "Permohonan penunjukan petugas {t}",
    ),
    "circular": ("Surat edaran tentang {t}", "Surat edaran pelaksanaan {t} tahun {y}"),
    "report": (
        "Laporan pelaksanaan {t} triwulan {q} tahun {y}",
        "Laporan realisasi {t} semester {s} tahun {y}",
        "Laporan hasil monitoring {t} {w}",
    ),
    "cover_letter": ("Pengiriman berkas {t} {w}", "Penyampaian dokumen {t} tahun {y}"),
    "decree": ("Keputusan tentang tim {t} tahun {y}", "Salinan keputusan penetapan {t}"),
    "announcement": ("Pengumuman {t} tahun {y}", "Pengumuman hasil seleksi {t}"),
    "recommendation": ("Rekomendasi {t} {w}",),
    "certificate_letter": ("Surat keterangan {t}",),
    "internal_memo": ("Nota dinas tentang {t}", "Penyampaian telaahan {t}"),
    "assignment_letter": ("Surat tugas {e} {t}",),
    "official_record": ("Berita acara serah terima {t}", "Berita acara pemeriksaan {t}"),
    "application": (
        "Permohonan bantuan {t}",
        "Pengaduan terkait {t} di {w}",
        "Permohonan informasi {t}",
        "Permohonan izin {e} di {w}",
        "Permohonan keringanan {t}",
    ),
}
EVENTS = ("rapat", "seminar", "lokakarya", "pelatihan", "kegiatan", "pameran", "festival", "jambore",
          "upacara", "sarasehan", "temu karya", "peluncuran")  # fmt: skip
PARTICIPANTS = ("operator perangkat daerah", "kepala sekolah", "tenaga kesehatan", "pejabat pengelola informasi",
                "arsiparis", "aparatur desa", "pengelola keuangan", "pendamping sosial", "admin aplikasi",
                "pengawas sekolah", "penyuluh", "pelaku usaha")  # fmt: skip
OPENINGS = (
    "Sehubungan dengan {t}, bersama ini kami sampaikan hal-hal sebagai berikut.",
    "Menindaklanjuti surat kami sebelumnya mengenai {t}, dengan hormat kami mohon perhatian Bapak/Ibu.",
    "Dalam rangka meningkatkan kualitas {t} di {w}, kami bermaksud melaksanakan {e} bersama.",
    "Berdasarkan hasil evaluasi {t} tahun {y}, masih terdapat beberapa hal yang perlu diperbaiki.",
    "Memperhatikan ketentuan peraturan perundang-undangan tentang {t}, kami mohon dukungan Bapak/Ibu.",
    "Mendukung program prioritas daerah di bidang {t}, kami mengajukan permohonan kerja sama.",
    "Sesuai jadwal kegiatan tahun {y}, {e} {t} akan diselenggarakan di {w}.",
)
CLOSINGS = (
    "Kegiatan dilaksanakan pada hari {d}, pukul {h}.00 WIB bertempat di aula kantor.",
    "Data mohon disampaikan paling lambat tanggal {n} melalui surel resmi instansi.",
    "Peserta diharapkan membawa laptop dan bahan paparan sesuai format terlampir.",
    "Mohon menugaskan pejabat yang membidangi untuk hadir tepat waktu.",
    "Biaya perjalanan dinas dibebankan pada anggaran instansi masing-masing.",
    "Daftar nama peserta dan jadwal lengkap tercantum dalam lampiran surat ini.",
    "Atas perhatian dan kerja sama Bapak/Ibu, kami ucapkan terima kasih.",
    "Informasi lebih lanjut dapat menghubungi narahubung kami pada jam kerja.",
    "Laporan disusun sesuai format yang ditetapkan dan ditandatangani kepala instansi.",
)
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat")

DISPOSITION_NOTES = (
    "", "", "", "Segera ditindaklanjuti dan laporkan hasilnya.", "Koordinasikan dengan bidang terkait.",
    "Hadiri dan laporkan hasilnya.", "Siapkan bahan dan data pendukung.", "Pelajari dan beri telaahan.",
    "Mohon dipantau sampai selesai.", "Siapkan konsep balasan untuk saya tanda tangani.",
    "Agendakan dan ingatkan saya sehari sebelumnya.",
)  # fmt: skip
FOLLOW_UP_TEXTS = (
    "Sudah ditindaklanjuti; laporan terlampir.", "Data telah disampaikan melalui surel resmi.",
    "Rapat telah dihadiri, notula disimpan pada berkas kegiatan.", "Konsep balasan sudah disiapkan dan diparaf.",
    "Telah dikoordinasikan dengan bidang terkait; tidak ada kendala.", "Selesai, arsip disimpan sesuai klasifikasi.",
    "Berkas telah diverifikasi dan dinyatakan lengkap.", "Kegiatan sudah dilaksanakan sesuai jadwal.",
)  # fmt: skip
PROGRESS_TEXTS = ("Sedang dikumpulkan datanya.", "Masih menunggu jawaban instansi terkait.",
                  "Sedang disusun telaahannya.")  # fmt: skip
SURVEY_COMMENTS = ("", "", "", "Pelayanan cepat dan ramah.", "Persyaratan mohon disederhanakan.",
                   "Informasi status permohonan sangat membantu.", "Waktu penyelesaian agak lama.",
                   "Terima kasih, sangat memuaskan.")  # fmt: skip

# Units of an OPD beyond the demo chart: technical units (UPT) with their own small tree.
UPT_KINDS = {
    "SETDA": ("Unit Layanan Pengadaan", "Unit Protokol Wilayah", "Unit Layanan Administrasi"),
    "DISKOMINFOS": ("UPT Pusat Data dan Jaringan", "UPT Layanan Komunikasi Publik"),
    "DINSOS": ("UPT Panti Sosial", "UPT Rehabilitasi Sosial", "UPT Perlindungan Anak"),
    "DISDIK": ("Cabang Dinas Pendidikan", "UPT Sekolah Menengah", "UPT Pendidikan Khusus"),
    "DINKES": ("UPT Laboratorium Kesehatan", "UPT Pelatihan Kesehatan", "UPT Instalasi Farmasi"),
    "BAPPEDA": ("UPT Pusat Kajian Pembangunan",),
    "BKD": ("UPT Penilaian Kompetensi", "UPT Pendidikan dan Pelatihan"),
    "DPMPTSP": ("UPT Pelayanan Perizinan", "UPT Mal Pelayanan Publik"),
    "DISPUSIP": ("UPT Arsip Statis", "UPT Perpustakaan Daerah"),
}
UPT_SECTIONS = ("Seksi Pelayanan", "Seksi Program dan Evaluasi", "Seksi Teknis", "Seksi Data dan Informasi")
STAFF_POSTS = (
    "Pengadministrasi Umum", "Pengolah Data", "Pengelola Keuangan", "Pengelola Barang Milik Daerah",
    "Pengadministrasi Perkantoran", "Penata Layanan Operasional", "Pengelola Layanan Operasional",
    "Operator Layanan Operasional", "Analis Kebijakan Ahli Pertama", "Analis Kebijakan Ahli Muda",
    "Pranata Komputer Ahli Pertama", "Arsiparis Ahli Pertama", "Penata Kelola Sistem dan Teknologi Informasi",
    "Pengelola Data dan Informasi", "Bendahara", "Pengemudi", "Caraka", "Petugas Keamanan",
)  # fmt: skip
DEGREES = (
    "S.E.",
    "S.Kom.",
    "S.H.",
    "S.Sos.",
    "S.AP.",
    "S.Pd.",
    "S.Si.",
    "S.T.",
    "A.Md.",
    "A.Md.Kom.",
    "",
    "",
    "",
)


def person_name(rng: random.Random) -> tuple[str, str, int]:
    """(first name, family name, sex 1/2): names from across Indonesia, as the demo people have."""
    sex = rng.choice((1, 2))
    first = rng.choice(MALE_NAMES if sex == 1 else FEMALE_NAMES)
    last = rng.choice(FAMILY_NAMES)
    return first, FEMININE.get(last, last) if sex == 2 else last, sex


def sender_universe() -> list[tuple[str, str, str]]:
    """Every (kind, name, number suffix) a letter may come from, the frequent writers first."""
    institution, person = "institution", "person"
    senders = [(institution, name, code) for name, code in NATIONAL]
    for body, code in REGIONAL_BODIES:
        for regency in REGENCIES:
            short = regency.split(" ", 1)[1].upper().replace(" ", "")[:6]
            senders.append((institution, f"{body} {regency}", f"{code}-{short}"))
    for body in PROVINCE_BODIES:
        for province in PROVINCES:
            senders.append((institution, f"{body} {province}", "PROV"))
    for number in range(1, 9):
        for school in SCHOOLS:
            for regency in REGENCIES:
                senders.append((institution, f"{school} {number} {regency.split(' ', 1)[1]}", "SEK"))
    for district in DISTRICTS:
        senders.append((institution, f"Puskesmas {district.split(' ', 1)[1]}", "PKM"))
        senders.append((institution, f"Kantor Camat {district.split(' ', 1)[1]}", "KEC"))
    senders.extend((institution, name, "ORG") for name in OTHER_BODIES)
    for first in COMPANY_WORDS:
        for second in COMPANY_WORDS:
            if first != second:
                form = COMPANY_FORMS[(len(first) + len(second)) % len(COMPANY_FORMS)]
                senders.append((institution, f"{form} {first} {second}", "DIR"))
    for first in (*MALE_NAMES, *FEMALE_NAMES):
        for last in FAMILY_NAMES:
            senders.append(
                (person, f"{first} {FEMININE.get(last, last) if first in FEMALE_NAMES else last}", "")
            )
    return senders


def letter_text(
    rng: random.Random, *, letter_type: str, topics: tuple[str, ...], year: int
) -> tuple[str, str]:
    """(perihal, ringkasan) of one letter about one of `topics`."""
    slots = {
        "t": rng.choice(topics),
        "w": rng.choice(REGENCIES) if rng.random() < 0.8 else "Provinsi Nusa Mandiri",
        "y": year,
        "q": rng.choice(("I", "II", "III", "IV")),
        "s": rng.choice(("I", "II")),
        "p": rng.choice(PARTICIPANTS),
        "e": rng.choice(EVENTS),
        "d": rng.choice(DAYS),
        "h": rng.choice(("08", "09", "10", "13", "14")),
        "n": f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {year}",
    }
    subject = rng.choice(SUBJECTS.get(letter_type) or SUBJECTS["official_letter"]).format_map(slots)
    summary = f"{rng.choice(OPENINGS).format_map(slots)} {rng.choice(CLOSINGS).format_map(slots)}"
    return subject[0].upper() + subject[1:], summary


MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")  # fmt: skip
