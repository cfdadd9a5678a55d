"""The archive search: records by classification (with the codes under it), year, number, sender,
state and words, ranked and highlighted like the letter search (persuratan.search).

Words match a record's title and number (weight A) and its `text`, the signed body of an outgoing
letter (D), in `Record.search`; and the incoming letter's own `search` (perihal, sender, summary
and the scans' text, which OCR may fill after filing), so the archive never holds a copy of a scan's
words that could fall behind. A destroyed record is found by its metadata only. Both tsvectors
are GIN-indexed: the two matches are a union of index scans, not a scan of every record.

Only records whose contents the user may read are searched (arsip.selectors.records_readable_by):
a rahasia record stays with those its letter reached. A page costs the same queries whatever its
size: the user's grants and positions, the classification filter, a capped count and the page.
"""

from dataclasses import dataclass, replace

from django.contrib.postgres.search import SearchRank
from django.db.models import Case, CharField, F, FloatField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Concat, Left
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from arsip.models import Record
from arsip.selectors import records_readable_by
from organisasi.models import User
from persuratan.models import Correspondent
from persuratan.search import SNIPPET_SOURCE_CHARS, SearchPage, counted_page, highlighted, words_query
from persuratan.selectors import classification_ids


@dataclass(frozen=True)
class ArchiveFilters:
    classification: str = ""  # a code; its children match too
    year: int | None = None  # of the letter's date
    number: str = ""  # the letter's number, in any letter case
    sender: str = ""  # the start of an incoming letter's sender
    state: str = ""  # a Record.State


@dataclass(frozen=True)
class RecordHit:
    record: Record
    title: SafeString  # escaped, with <mark> around the words that matched
    snippet: SafeString


def search_records(
    *, user: User, query: str = "", filters: ArchiveFilters = ArchiveFilters(), page: int = 1
) -> SearchPage:
    """One page of the records matching `query` and `filters`, best match first; without words,
    the newest letters first."""
    rows = _filtered(records_readable_by(user=user), filters)
    tsquery = words_query(query)
    if tsquery is not None:
        own_words = Record.objects.filter(search=tsquery).values("pk")
        letter_words = (
            Record.objects.filter(incoming__search=tsquery).exclude(state=Record.State.DESTROYED).values("pk")
        )
        rows = rows.filter(pk__in=own_words.union(letter_words))
    result = counted_page(rows, page)

    rows = rows.select_related("opd", "classification", "berkas", "incoming").defer(
        "search", "text", "incoming__search", "incoming__scan_text"
    )
    if tsquery is None:
        records = rows.order_by("-letter_date", "-id")[result.rows]
        hits = [RecordHit(record=record, title=escape(record.title), snippet="") for record in records]
        return replace(result, hits=hits)

    letter_rank = SearchRank(F("incoming__search"), tsquery, cover_density=True)
    # What the snippet quotes: the letter's summary and scans, or the outgoing letter's body; never
    # the contents of a destroyed record.
    source = Case(
        When(state=Record.State.DESTROYED, then=Value("")),
        default=Concat(
            Coalesce(F("incoming__summary"), Value(""), output_field=CharField()),
            Value("\n"),
            Left(
                Coalesce(F("incoming__scan_text"), Value(""), output_field=CharField()), SNIPPET_SOURCE_CHARS
            ),
            Value("\n"),
            Left(F("text"), SNIPPET_SOURCE_CHARS),
            output_field=CharField(),
        ),
        output_field=CharField(),
    )
    rows = rows.annotate(
        rank=SearchRank(F("search"), tsquery, cover_density=True)
        + Coalesce(letter_rank, Value(0.0), output_field=FloatField()),
        title_html=highlighted(F("title"), tsquery, highlight_all=True),
        snippet_html=highlighted(
            source, tsquery, max_fragments=2, max_words=25, min_words=10, fragment_delimiter=" … "
        ),
    )
    records = rows.order_by("-rank", "-letter_date", "-id")[result.rows]
    # Safe: the text was escaped before ts_headline, which adds nothing but <mark> and </mark>.
    hits = [
        RecordHit(record=record, title=mark_safe(record.title_html), snippet=mark_safe(record.snippet_html))
        for record in records
    ]
    return replace(result, hits=hits)


def _filtered(rows: QuerySet[Record], filters: ArchiveFilters) -> QuerySet[Record]:
    if filters.classification.strip():
        rows = rows.filter(classification_id__in=classification_ids(filters.classification))
    if filters.year:
        rows = rows.filter(letter_date__year=filters.year)
    if filters.number.strip():
        rows = rows.filter(number__iexact=filters.number.strip())
    sender_key = Correspondent.key_for(filters.sender)
    if sender_key:
        senders = Correspondent.objects.filter(name_key__startswith=sender_key).values("id")
        rows = rows.filter(Q(incoming__sender_id__in=senders))
    if filters.state:
        rows = rows.filter(state=filters.state)
    return rows
