"""Full-text search of incoming letters, over only the letters whose contents the user may read.

The words are matched against `IncomingLetter.search`, the generated and GIN-indexed tsvector of
perihal (weight A), sender and number (B), summary (C) and the scans' text layer (D), with
PostgreSQL's `indonesian` configuration, so "undangan" also finds "mengundang". Filters narrow by
the received date, a number, the sender and the classification code. A page costs the same few
queries whatever its size and the register's: the user's roles and positions, one query for the
newest matches along each way letters reach the user, one page of rows.
The outgoing register searches the same way with `words_query`, `highlighted` and `counted_page`.
"""

import math
import re
from dataclasses import dataclass, replace
from datetime import date, datetime

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Concat, Left, Replace
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from organisasi.models import User
from persuratan.models import (
    SEARCH_CONFIG,
    Correspondent,
    IncomingLetter,
    OutgoingLetter,
    SecurityClass,
)
from persuratan.reach import Reaching
from persuratan.selectors import classification_ids, readership, shares_with

PAGE_SIZE = 20
MAX_PAGES = 50  # the outgoing register's and the archive's ranked pages
# Letters are ranked among this many newest matches: ten pages, and a common word in ten years of
# mail costs what it costs in one.
NEWEST_MATCHES = 200
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
    count: int  # matches reachable through the pages (MAX_PAGES × PAGE_SIZE, or NEWEST_MATCHES)
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
    """One page of the letters matching `query` and `filters`, best match first among the newest
    matches the pages reach.

    Without words, the filters alone choose the letters, newest received first. Rahasia letters are
    searched only by those they reached: the register's metadata access of an operator never
    extends to their contents.
    """
    tsquery = words_query(query)
    letter_ids, capped = _newest_matches(user=user, tsquery=tsquery, filters=filters)
    count = len(letter_ids)
    num_pages = max(math.ceil(count / PAGE_SIZE), 1)
    result = SearchPage(
        hits=[], number=min(max(page, 1), num_pages), num_pages=num_pages, count=count, capped=capped
    )

    # The tsvector and the scans' text can be long; the page needs neither.
    rows = (
        IncomingLetter.objects.filter(pk__in=letter_ids)
        .select_related("opd", "classification")
        .defer("search", "scan_text")
    )
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


def _newest_matches(
    *, user: User, tsquery: SearchQuery | None, filters: SearchFilters
) -> tuple[list[int], bool]:
    """Ids of the newest readable letters that match, as many as the pages reach, and whether more
    matched: one query, whatever the size of the register.

    A letter is readable through each way it reaches the user (persuratan.selectors.readership): a
    position they act for (the "pos#<id>" lexeme persuratan.reach keeps in the letter's search
    vector, so words and position are one GIN intersection), an OPD they keep as operator or
    arsiparis (rahasia aside), or a share. Each way is read newest first and stops at the cap, so a
    common word in ten years of letters costs what it costs in one; ranking then orders the few.
    """
    reach = NEWEST_MATCHES
    classes = classification_ids(filters.classification) if filters.classification.strip() else None

    def newest(
        rows: QuerySet, *, to_letter: str, letter_id: str, at: str, narrowed_too: bool, words=tsquery
    ) -> QuerySet:
        matching = _filtered(Q(), filters, classes=classes, prefix=to_letter)
        if words is not None:
            matching &= Q(**{f"{to_letter}search": words})
        if not narrowed_too:
            matching &= ~Q(**{f"{to_letter}security_class__in": SecurityClass.narrowed()})
        return (
            rows.filter(matching).order_by(f"-{at}", f"-{letter_id}").values_list(letter_id, at)[: reach + 1]
        )

    ways = readership(user=user)
    letters = IncomingLetter.objects.all()
    kept = (
        [letters]
        if ways.keeps_everywhere
        else [letters.filter(opd_id=pk) for pk in sorted(ways.kept_opd_ids)]
    )
    # One query per position or OPD, each newest first: PostgreSQL cannot read an index in order
    # across a list.
    reads = [
        *(
            newest(
                letters,
                to_letter="",
                letter_id="id",
                at="registered_at",
                narrowed_too=True,
                words=Reaching(position_id) if tsquery is None else tsquery & Reaching(position_id),
            )
            for position_id in sorted(ways.position_ids)
        ),
        *(
            newest(rows, to_letter="", letter_id="id", at="registered_at", narrowed_too=False)
            for rows in kept
        ),
        newest(
            shares_with(user=user),
            to_letter="content_object__",
            letter_id="content_object_id",
            at="content_object__registered_at",
            narrowed_too=False,
        ),
    ]

    found: dict[int, datetime] = {}
    for letter_id, at in reads[0].union(*reads[1:], all=True):
        found[letter_id] = max(at, found.get(letter_id, at))
    newest_first = sorted(found, key=lambda letter_id: (found[letter_id], letter_id), reverse=True)
    return newest_first[:reach], len(newest_first) > reach


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


def _filtered(condition: Q, filters: SearchFilters, *, classes: list[int] | None, prefix: str = "") -> Q:
    """`condition` narrowed by the filters, on letters reached through `prefix` ("content_object__"
    from a share); `classes` are the ids the classification filter stands for, read once."""

    def on(**lookup) -> Q:
        return Q(**{f"{prefix}{field}": value for field, value in lookup.items()})

    if filters.received_from:
        condition &= on(received_on__gte=filters.received_from)
    if filters.received_to:
        condition &= on(received_on__lte=filters.received_to)
    number = filters.number.strip()
    if number:
        by_number = on(sender_number__iexact=number)
        agenda = AGENDA_LABEL.fullmatch(number)
        if agenda:
            by_number |= on(agenda_number=int(agenda[1]), agenda_year=int(agenda[2]))
        condition &= by_number
    sender_key = Correspondent.key_for(filters.sender)
    if sender_key:
        # A prefix of the lower-cased name: the correspondent_name_prefix index answers it.
        condition &= on(
            sender_id__in=Correspondent.objects.filter(name_key__startswith=sender_key).values("id")
        )
    if classes is not None:
        condition &= on(classification_id__in=classes)
    return condition


def _html_escaped(expression):
    """The text as Django's `escape` would write it, computed in SQL before ts_headline sees it."""
    for character, entity in HTML_ESCAPES:
        expression = Replace(expression, Value(character), Value(entity))
    return expression


def _plain_snippet(letter: IncomingLetter) -> str:
    return Truncator(letter.summary).words(30)
