"""Cached fragments are keyed by what they draw and by the release: never stale, never another's."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from kantor_virtual.fragments import drawn_values, release_fingerprint
from organisasi.models import Opd, Position
from persuratan.models import Classification, InboxItem, IncomingLetter, OutgoingLetter, OutgoingRecipient
from persuratan.outgoing_register_forms import OutgoingRegisterForm
from persuratan.search import SearchHit, SearchPage
from persuratan.search_forms import SearchForm
from persuratan.selectors import INBOX_ROW_DRAWN


def test_drawn_values_follow_dotted_paths_and_draw_an_empty_relation_as_none():
    classified = SimpleNamespace(pk=1, letter=SimpleNamespace(subject="Undangan", classification=None))
    filed = SimpleNamespace(
        pk=2, letter=SimpleNamespace(subject="Laporan", classification=SimpleNamespace(code="000.1"))
    )

    drawn = drawn_values([classified, filed], ["pk", "letter.subject", "letter.classification.code"])

    assert drawn == [(1, "Undangan", None), (2, "Laporan", "000.1")]


def test_the_release_fingerprint_changes_with_any_template_or_module_and_only_with_them(tmp_path):
    app = tmp_path / "app"
    (app / "templates").mkdir(parents=True)
    template, module = app / "templates" / "rows.html", app / "views.py"
    template.write_text("{{ letter.subject }}")
    module.write_text("LABEL = 'Biasa'")
    first = release_fingerprint([app])

    (app / "notes.txt").write_text("not code")
    assert release_fingerprint([app]) == first, "only templates and modules count"
    template.write_text("{{ letter.subject }} {{ letter.urgency }}")
    edited_template = release_fingerprint([app])
    module.write_text("LABEL = 'Segera'")

    assert len({first, edited_template, release_fingerprint([app])}) == 3


# ── What a cached list fragment reads of its rows is what its key covers ─────────────────────
# A list's rows are cached under the values named beside them (INBOX_ROW_DRAWN, `|drawn:"…"`).
# A row template that came to read one more value without naming it would show it stale: these
# tests render each fragment with rows that note every attribute read, and compare.

VALUES = (str, int, float, bool, Decimal, date, list, tuple, type(None))
# Properties and what they are made of, as the key must hold them.
DERIVED = {
    "agenda_label": ("agenda_number", "agenda_year"),
    "is_narrowed": ("security_class",),
    "is_overdue_on": ("due_on", "status"),  # and today, which the inbox rows' key holds too
}


class Recorder:
    """A row as a template sees it, noting the dotted path of every value read: related objects
    are recorded through; values, lists and methods are handed over as they are."""

    def __init__(self, value, path: str, seen: set[str]) -> None:
        self._value, self._path, self._seen = value, path, seen

    def __getattr__(self, name: str):
        path = f"{self._path}.{name}" if self._path else name
        value = getattr(self._value, name)
        if isinstance(value, VALUES) or callable(value):
            self._seen.add(path)
            return value
        return Recorder(value, path, self._seen)

    def __str__(self) -> str:  # a related object drawn as text is drawn whole
        self._seen.add(self._path)
        return str(self._value)


def recorded(rows: list) -> tuple[list[Recorder], set[str]]:
    seen: set[str] = set()
    return [Recorder(row, "", seen) for row in rows], seen


def _sources(path: str) -> list[str]:
    """The fields a read attribute comes from: `pk` is `id`, `get_x_display` is `x`."""
    *owner, name = path.split(".")
    name = "id" if name == "pk" else name.removeprefix("get_").removesuffix("_display")
    return [".".join([*owner, source]) for source in DERIVED.get(name, (name,))]


def beyond_key(seen: set[str], drawn) -> set[str]:
    covered = {".".join("id" if part == "pk" else part for part in field.split(".")) for field in drawn}
    return {path for path in seen if not set(_sources(path)) <= covered}


def drawn_in(template: str) -> list[str]:
    """The fields a template names in its `|drawn:"…"` key."""
    source = Path(settings.BASE_DIR, "templates", template).read_text()
    return re.search(r'\|drawn:"([^"]+)"', source).group(1).split(",")


def test_the_inbox_rows_read_only_what_their_key_holds():
    letter = IncomingLetter(
        pk=7,
        subject="Undangan",
        sender_name="Kemendagri",
        sender_number="1/X",
        agenda_number=3,
        agenda_year=2026,
    )
    item = InboxItem(
        pk=9, letter=letter, reason="disposition", from_position=Position(name="Kepala Dinas"), status="unread",
        received_at=timezone.now(), due_on=date(2026, 1, 2), urgency="urgent", security_class="secret",
    )  # fmt: skip
    item.is_read = False
    rows, seen = recorded([item])

    render_to_string("persuratan/_inbox_rows.html", {"items": rows, "drawn": "fresh", "next_query": None})

    assert "letter.subject" in seen and "due_on" in seen, "the rows were drawn"
    assert beyond_key(seen, INBOX_ROW_DRAWN) == set()


def test_the_outgoing_register_rows_read_only_what_their_key_holds():
    letter = OutgoingLetter(
        pk=5, number="800/12/Diskominfo/2026", signed_at=timezone.now(), security_class="secret",
        letter_type="official_letter", classification=Classification(code="000.1", name="Ketatausahaan"),
    )  # fmt: skip
    letter.addressees = [OutgoingRecipient(name="Bupati Tanjung Mas")]
    template = "persuratan/outgoing/_register_results.html"
    hits, seen = recorded([SearchHit(letter=letter, title="", snippet="")])

    render_to_string(template, {"form": OutgoingRegisterForm({}), "hits": hits, "results": None})

    assert "letter.number" in seen, "the rows were drawn"
    assert beyond_key(seen, drawn_in(template)) == set()


def test_the_letter_search_hits_read_only_what_their_key_holds():
    letter = IncomingLetter(
        pk=7, opd=Opd(name="Dinas Kesehatan", short_name=""), subject="Undangan", sender_name="Kemendagri",
        sender_number="1/X", agenda_number=3, agenda_year=2026, letter_date=date(2026, 11, 2),
        received_on=date(2026, 11, 3), security_class="restricted", urgency="very_urgent",
        classification=Classification(code="000.1", name="Ketatausahaan"),
    )  # fmt: skip
    template = "persuratan/_search_results.html"
    hits, seen = recorded(
        [SearchHit(letter=letter, title=mark_safe("<mark>Undangan</mark>"), snippet="rapat")]
    )
    form = SearchForm({"q": "undangan"})
    form.is_valid()
    results = SearchPage(hits=hits, number=1, num_pages=1, count=1, capped=False)

    render_to_string(template, {"form": form, "searched": True, "results": results})

    assert "letter.sender_name" in seen, "the hits were drawn"
    assert beyond_key(seen, drawn_in(template)) == set()
