"""Scans as a scanner makes them: an Indonesian letter drawn on a 300-dpi A4 page, no text layer."""

from functools import cache
from io import BytesIO

from PIL import Image, ImageDraw, ImageFont

# A word of the letter's body that is in no other field of the letter as the tests register it.
WORD_ONLY_IN_IMAGE = "selimut"
# Passes the `%PDF` check at upload, but no PDF reader can open it.
CORRUPT_PDF = b"%PDF-1.4\n" + b"halaman rusak\n" * 200
FONTS = "/usr/share/fonts/truetype/dejavu"  # Debian's fonts-dejavu-core
LINES = [
    ("PEMERINTAH KABUPATEN SUKAMAJU", "DejaVuSerif-Bold.ttf"),
    ("BADAN PENANGGULANGAN BENCANA DAERAH", "DejaVuSerif-Bold.ttf"),
    ("", ""),
    ("Nomor   : 360/117/BPBD/2025", "DejaVuSerif.ttf"),
    ("Perihal : Permohonan bantuan logistik", "DejaVuSerif.ttf"),
    ("", ""),
    ("Dengan hormat,", "DejaVuSerif.ttf"),
    ("Sehubungan dengan banjir bandang yang melanda Kecamatan", "DejaVuSerif.ttf"),
    ("Lembah Hijau, kami memohon bantuan tenda, selimut dan", "DejaVuSerif.ttf"),
    ("makanan siap saji bagi warga yang mengungsi.", "DejaVuSerif.ttf"),
    ("", ""),
    ("Demikian permohonan ini kami sampaikan. Atas perhatian", "DejaVuSerif.ttf"),
    ("Bapak/Ibu kami ucapkan terima kasih.", "DejaVuSerif.ttf"),
]


@cache
def letter_image() -> Image.Image:
    page = Image.new("L", (2480, 3508), 255)  # A4 at 300 dpi, greyscale like most office scanners
    draw = ImageDraw.Draw(page)
    for number, (text, font) in enumerate(LINES):
        if text:
            # 50 px at 300 dpi is 12 pt, the size of a typed letter.
            draw.text((250, 300 + 90 * number), text, font=ImageFont.truetype(f"{FONTS}/{font}", 50), fill=0)
    return page


@cache
def image_only_pdf() -> bytes:
    """The letter as a one-page PDF that holds only the page image."""
    content = BytesIO()
    letter_image().save(content, "PDF", resolution=300)
    return content.getvalue()


@cache
def letter_png() -> bytes:
    content = BytesIO()
    letter_image().save(content, "PNG", dpi=(300, 300))
    return content.getvalue()
