"""CSV uploads (the org chart, classification codes, the retention schedule): UTF-8 text read into
rows that keep their line numbers, so an import can name every bad line."""

import csv
import io
from collections.abc import Callable

from django import forms

MAX_CSV_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000


class CsvFileField(forms.FileField):
    """An uploaded CSV file, cleaned into its text: UTF-8 (with or without a BOM), at most 2 MB."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> str | None:
        upload = super().clean(data, initial)
        if not upload:
            return None
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError("Berkas terlalu besar: paling banyak 2 MB.")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                "Berkas harus CSV berpenyandian UTF-8. Di spreadsheet, pilih Simpan sebagai → CSV UTF-8."
            ) from error
        if "\x00" in text:
            raise forms.ValidationError("Berkas ini bukan CSV teks.")
        return text


def _sniff_delimiter(header: str) -> str:
    """Spreadsheets in Indonesian locales save CSV with `;`; the header tells which one this file uses."""
    try:
        return csv.Sniffer().sniff(header, delimiters=",;").delimiter
    except csv.Error:
        return ";" if header.count(";") > header.count(",") else ","


def read_rows(
    text: str, *, columns: tuple[str, ...], required: tuple[str, ...], refuse: Callable[[int, str], None]
) -> list[tuple[int, dict[str, str]]]:
    """The data rows as (line number, {column: stripped text}); an optional column that the header
    lacks is absent from the dict. Each problem is passed to `refuse(line, reason)`; a header that
    cannot be used gives no rows."""
    text = text.lstrip("\ufeff")
    header_line = next((line for line in text.splitlines() if line.strip()), None)
    reader = csv.reader(io.StringIO(text), delimiter=_sniff_delimiter(header_line or ""))
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)
        if header is None:
            refuse(1, "Berkas kosong: baris pertama harus berisi judul kolom.")
            return []
        names = [cell.strip().lower() for cell in header]
        missing = [name for name in required if name not in names]
        unknown = [name for name in names if name and name not in columns]
        doubled = sorted({name for name in names if name and names.count(name) > 1})
        if missing or unknown or doubled:
            problems = []
            if missing:
                problems.append(f"kolom wajib tidak ada: {', '.join(missing)}")
            if unknown:
                problems.append(f"kolom tidak dikenal: {', '.join(unknown)}")
            if doubled:
                problems.append(f"kolom ganda: {', '.join(doubled)}")
            refuse(
                reader.line_num,
                f"Baris judul tidak dapat dipakai ({'; '.join(problems)}). "
                f"Kolom yang dikenal: {', '.join(columns)}.",
            )
            return []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                refuse(reader.line_num, f"Berkas terlalu panjang: paling banyak {MAX_ROWS} baris.")
                return []
            if any(cell.strip() for cell in cells[len(names) :]):
                refuse(reader.line_num, f"Baris ini berisi {len(cells)} kolom, judulnya hanya {len(names)}.")
                continue
            row = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(names)}
            rows.append((reader.line_num, row))
    except csv.Error as error:
        refuse(reader.line_num, f"Baris ini tidak dapat dibaca sebagai CSV ({error}).")
    return rows
