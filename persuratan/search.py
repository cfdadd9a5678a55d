"""Full-text search of incoming letters, over only the letters whose contents the user may read.

The words are matched against `IncomingLetter.search`, the generated and GIN-indexed tsvector of
perihal (weight A), sender and number (B), summary (C) and the scans' text layer (D), with
PostgreSQL's `indonesian` configuration, so "undangan" also finds "mengundang". Filters narrow by
the received date, a number, the sender and the classification code. A page costs the same few
queries whatever its size: the user's roles and positions, one capped count, one page of rows.
The outgoing register searches the same way with `words_query`, `highlighted` and `counted_page`.
"""

import math
import re
from dataclasses import dataclass, replace
from datetime import date

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Concat, Left, Replace
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from organisasi.models import User
from persuratan.models import SEARCH_CONFIG, Correspondent, IncomingLetter, OutgoingLetter
from persuratan.selectors import classification_ids, letters_visible_to

PAGE_SIZE = 20
MAX_PAGES = 50
# ts_headline reads the whole text it is given: a snippet looks at the start of a long scan only.
SNIPPET_SOURCE_CHARS = 20_000
# "0007/2026" or "7/2026": the agenda label the register prints.
AGENDA_LABEL = re.compile(r"0*(\d{1,9})/(\d{4})")
# The characters Django's `escape` replaces, in the same order, so "&" is done first.
HTML_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;"))
MARK = {"start_sel": "<mark>", "stop_sel": "</mark>"}


@dataclass(frozen=True)
class SearchFilters:
    received_from: date | None = None
    received_to: date | None = None
    number: str = ""  # the sender's number (any letter case) or the agenda label
    sender: str = ""  # the start of the sender's name
    classification: str = ""  # a code; its children match too


@dataclass(frozen=True)
class SearchHit:
    letter: IncomingLetter | OutgoingLetter  # the outgoing register shows its rows the same way
    title: SafeString  # the perihal, escaped, with <mark> around the words that matched
    snippet: SafeString  # from the summary and the scans' text, the same way


@dataclass(frozen=True)
class SearchPage:
    hits: list[SearchHit]
    number: int
    num_pages: int
    count: int  # matches reachable through the pages: at most MAX_PAGES × PAGE_SIZE
    capped: bool  # more letters matched than the pages reach

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1

    @property
    def rows(self) -> slice:
        """This page's rows of the ordered queryset it was counted on."""
        return slice(self.start_index - 1, self.start_index - 1 + PAGE_SIZE)

    @property
    def page_range(self) -> list[int | None]:
        """Page numbers to link, None where a run is left out, so fifty pages fit a phone's width."""
        pages = Paginator(range(self.count), PAGE_SIZE)
        return [
            number if isinstance(number, int) else None
            for number in pages.get_elided_page_range(self.number, on_each_side=1, on_ends=1)
        ]


def search_letters(
    *, user: User, query: str = "", filters: SearchFilters = SearchFilters(), page: int = 1
) -> SearchPage:
    """One page of the letters matching `query` and `filters`, best match first.

    Without words, the filters alone choose the letters, newest received first. Rahasia letters are
    searched only by those they reached: the register's metadata access of an operator never
    extends to their contents.
    """
    rows = _filtered(letters_visible_to(user=user, full_only=True), filters)
    tsquery = words_query(query)
    if tsquery is not None:
        rows = rows.filter(search=tsquery)
    result = counted_page(rows, page)

    # The tsvector and the scans' text can be long; the page needs neither.
    rows = rows.select_related("opd", "classification").defer("search", "scan_text")
    if tsquery is None:
        letters = list(rows.order_by("-received_on", "-id")[result.rows])
        hits = [
            SearchHit(letter=letter, title=escape(letter.subject), snippet=escape(_plain_snippet(letter)))
            for letter in letters
        ]
    else:
        # PostgreSQL computes the headlines after the sort and limit: for this page's rows only.
        rows = rows.annotate(
            rank=SearchRank(F("search"), tsquery, cover_density=True),
            title_html=highlighted(F("subject"), tsquery, highlight_all=True),
            snippet_html=highlighted(
                Concat(F("summary"), Value("\n"), Left(F("scan_text"), SNIPPET_SOURCE_CHARS)),
                tsquery,
                max_fragments=2,
                max_words=25,
                min_words=10,
                fragment_delimiter=" … ",
            ),
        )
        letters = list(rows.order_by("-rank", "-received_on", "-id")[result.rows])
        # Safe: the text was escaped before ts_headline, which adds nothing but <mark> and </mark>.
        hits = [
            SearchHit(
                letter=letter, title=mark_safe(letter.title_html), snippet=mark_safe(letter.snippet_html)
            )
            for letter in letters
        ]
    return replace(result, hits=hits)


def words_query(query: str) -> SearchQuery | None:
    """What the user typed as a web-style query ("frasa", -kata) in the indonesian configuration."""
    words = " ".join(query.split())
    return SearchQuery(words, config=SEARCH_CONFIG, search_type="websearch") if words else None


def counted_page(rows: QuerySet, page: int) -> SearchPage:
    """Page `page` of `rows`, counted and clamped to the pages that exist, its hits still to fill.

    Counting stops past the last reachable page, so a common word costs no full count.
    """
    cap = MAX_PAGES * PAGE_SIZE
    matched = rows.order_by()[: cap + 1].count()
    count = min(matched, cap)
    num_pages = max(math.ceil(count / PAGE_SIZE), 1)
    number = min(max(page, 1), num_pages)
    return SearchPage(hits=[], number=number, num_pages=num_pages, count=count, capped=matched > cap)


def highlighted(expression, tsquery: SearchQuery, **options) -> SearchHeadline:
    """ts_headline of the text escaped as Django's `escape` would: only its <mark> tags are HTML."""
    return SearchHeadline(_html_escaped(expression), tsquery, config=SEARCH_CONFIG, **options, **MARK)


def _filtered(rows: QuerySet[IncomingLetter], filters: SearchFilters) -> QuerySet[IncomingLetter]:
    if filters.received_from:
        rows = rows.filter(received_on__gte=filters.received_from)
    if filters.received_to:
        rows = rows.filter(received_on__lte=filters.received_to)
    number = filters.number.strip()
    if number:
        by_number = Q(sender_number__iexact=number)
        agenda = AGENDA_LABEL.fullmatch(number)
        if agenda:
            by_number |= Q(agenda_number=int(agenda[1]), agenda_year=int(agenda[2]))
        rows = rows.filter(by_number)
    sender_key = Correspondent.key_for(filters.sender)
    if sender_key:
        # A prefix of the lower-cased name: the correspondent_name_prefix index answers it.
        rows = rows.filter(
            sender_id__in=Correspondent.objects.filter(name_key__startswith=sender_key).values("id")
        )
    if filters.classification.strip():
        rows = rows.filter(classification_id__in=classification_ids(filters.classification))
    return rows


def _html_escaped(expression):
    """The text as Django's `escape` would write it, computed in SQL before ts_headline sees it."""
    for character, entity in HTML_ESCAPES:
        expression = Replace(expression, Value(character), Value(entity))
    return expression


def _plain_snippet(letter: IncomingLetter) -> str:
    return Truncator(letter.summary).words(30)
