"""Templat naskah dinas: the body a draft starts from, per OPD and letter type.

An OPD's admin edits the body in a placeholder language, `${perihal}`, `${nomor}` … (Python's
`string.Template`): a fixed vocabulary of values filled in when the letter is rendered, never
template code. The layout around the body — kop surat, heading, number, signature block — is the
product's, one per letter type (templates/pdf/naskah/).
"""

import string
from dataclasses import dataclass

from django.utils.html import escape

from kantor_virtual.errors import Refused
from persuratan.models import LetterType

# The letter types an OPD drafts here, in the order the draft form offers them.
DRAFTABLE_TYPES = [
    LetterType.INTERNAL_MEMO,
    LetterType.OFFICIAL_LETTER,
    LetterType.INVITATION_LETTER,
    LetterType.CIRCULAR,
    LetterType.ASSIGNMENT_LETTER,
    LetterType.CERTIFICATE_LETTER,
    LetterType.OFFICIAL_RECORD,
]

PLACEHOLDERS = {
    "nomor": "Nomor surat (terisi saat ditandatangani)",
    "tanggal": "Tanggal surat, mis. 24 November 2026",
    "tahun": "Tahun surat",
    "perihal": "Perihal / hal surat",
    "sifat": "Sifat surat",
    "lampiran": "Jumlah lampiran",
    "tujuan": "Nama jabatan atau penerima yang dituju",
    "opd": "Nama perangkat daerah pengirim",
    "kota": "Kota kedudukan perangkat daerah",
    "penandatangan": "Nama penanda tangan",
    "nip_penandatangan": "NIP penanda tangan",
    "jabatan_penandatangan": "Jabatan penanda tangan",
}

_CLOSING = "<p>Demikian disampaikan, atas perhatian dan kerja samanya diucapkan terima kasih.</p>"

DEFAULT_BODIES = {
    LetterType.INTERNAL_MEMO: (
        "<p>Sehubungan dengan ${perihal}, dengan hormat kami sampaikan hal-hal sebagai berikut:</p>"
        "<ol><li>…</li><li>…</li></ol>" + _CLOSING
    ),
    LetterType.OFFICIAL_LETTER: (
        "<p>Dengan hormat,</p><p>Sehubungan dengan ${perihal}, bersama ini kami sampaikan bahwa …</p>"
        + _CLOSING
    ),
    LetterType.INVITATION_LETTER: (
        "<p>Dengan hormat,</p><p>Dalam rangka ${perihal}, kami mengundang Bapak/Ibu untuk hadir pada:</p>"
        "<table><tbody><tr><td>hari, tanggal</td><td>: …</td></tr><tr><td>waktu</td><td>: … WIB s.d. selesai</td></tr>"
        "<tr><td>tempat</td><td>: …</td></tr><tr><td>acara</td><td>: ${perihal}</td></tr></tbody></table>"
        "<p>Mengingat pentingnya acara tersebut, kami harapkan kehadiran Bapak/Ibu tepat pada waktunya.</p>"
        + _CLOSING
    ),
    LetterType.CIRCULAR: (
        "<ol><li>Latar belakang: …</li><li>Maksud dan tujuan: …</li><li>Ruang lingkup: …</li>"
        "<li>Isi edaran: …</li></ol><p>Demikian surat edaran ini untuk dilaksanakan sebagaimana mestinya.</p>"
    ),
    LetterType.ASSIGNMENT_LETTER: (
        "<p>Dasar: …</p><p>Yang bertanda tangan di bawah ini, ${jabatan_penandatangan} ${opd}, "
        "menugaskan kepada:</p><table><tbody><tr><td>nama</td><td>: …</td></tr><tr><td>NIP</td><td>: …</td></tr>"
        "<tr><td>jabatan</td><td>: …</td></tr></tbody></table><p>Untuk: ${perihal}.</p>"
        "<p>Demikian surat tugas ini dibuat untuk dilaksanakan dengan penuh tanggung jawab.</p>"
    ),
    LetterType.CERTIFICATE_LETTER: (
        "<p>Yang bertanda tangan di bawah ini, ${jabatan_penandatangan} ${opd}, menerangkan bahwa:</p>"
        "<table><tbody><tr><td>nama</td><td>: …</td></tr><tr><td>NIK/NIP</td><td>: …</td></tr>"
        "<tr><td>alamat</td><td>: …</td></tr></tbody></table><p>…</p>"
        "<p>Demikian surat keterangan ini dibuat untuk dipergunakan sebagaimana mestinya.</p>"
    ),
    LetterType.OFFICIAL_RECORD: (
        "<p>Pada hari ini, ${tanggal}, bertempat di ${kota}, kami yang bertanda tangan di bawah ini:</p>"
        "<ol><li>…</li><li>…</li></ol><p>telah melaksanakan ${perihal} dengan hasil sebagai berikut:</p>"
        "<ol><li>…</li></ol><p>Demikian berita acara ini dibuat dengan sebenarnya untuk dipergunakan "
        "sebagaimana mestinya.</p>"
    ),
}


class _Placeholders(string.Template):
    """`${nama}` or `$nama`, lower-case names only; `$$` writes a dollar sign."""

    idpattern = r"[a-z_]+"
    flags = 0


def check_placeholders(text: str) -> None:
    """Refuse what would not fill: a stray `$`, or a name outside the vocabulary."""
    template = _Placeholders(text)
    if not template.is_valid():
        raise Refused(
            "Penanda tidak dapat dibaca: tulis penanda seperti ${perihal}, atau $$ untuk tanda dolar.",
            code="bad_placeholder",
        )
    unknown = [name for name in template.get_identifiers() if name not in PLACEHOLDERS]
    if unknown:
        raise Refused(
            f"Penanda tidak dikenal: {', '.join('${' + name + '}' for name in unknown)}. "
            f"Yang tersedia: {', '.join('${' + name + '}' for name in PLACEHOLDERS)}.",
            code="unknown_placeholder",
        )


def fill(body_html: str, values: dict[str, str]) -> str:
    """The body with every placeholder replaced by its escaped value; the body itself is already sanitised."""
    return _Placeholders(body_html).safe_substitute({name: escape(value) for name, value in values.items()})


@dataclass(frozen=True)
class Layout:
    """How the product lays a type out (templates/pdf/naskah/): its template, the title it opens with,
    whether the perihal stands in the title or as "TENTANG …", whether an addressee block comes
    first, and whether it is "ditetapkan" (enacted) rather than dated."""

    template: str
    title: str = ""
    subject_in_title: bool = False
    about: bool = False
    addressed: bool = False
    enacted: bool = False


_TITLED = "pdf/naskah/berjudul.html"

LAYOUTS = {
    LetterType.INTERNAL_MEMO: Layout("pdf/naskah/nota_dinas.html", "NOTA DINAS"),
    LetterType.OFFICIAL_LETTER: Layout("pdf/naskah/surat.html"),
    LetterType.INVITATION_LETTER: Layout("pdf/naskah/surat.html"),
    LetterType.CIRCULAR: Layout(_TITLED, "SURAT EDARAN", about=True, addressed=True, enacted=True),
    LetterType.ASSIGNMENT_LETTER: Layout(_TITLED, "SURAT TUGAS", enacted=True),
    LetterType.CERTIFICATE_LETTER: Layout(_TITLED, "SURAT KETERANGAN"),
    LetterType.OFFICIAL_RECORD: Layout(_TITLED, "BERITA ACARA", subject_in_title=True),
}


def layout_for(letter_type: str) -> Layout:
    """Types without a layout of their own (kept for letters drafted before) use the surat dinas one."""
    return LAYOUTS.get(letter_type, LAYOUTS[LetterType.OFFICIAL_LETTER])
