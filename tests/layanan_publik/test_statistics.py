"""Public statistics: counts, completion time against the time limit and the IKM per service and
OPD for a year, computed by PostgreSQL, small counts hidden, and never a name on the page."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import DateField, Value
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from layanan_publik.ikm import Ikm
from layanan_publik.models import SKM_ELEMENTS, Service, Submission, SurveyResponse
from layanan_publik.statistics import Figures, Period, WorkingDaysBetween, figures_for, public_statistics
from layanan_publik.workdays import working_days_between
from organisasi.models import Opd

pytestmark = pytest.mark.django_db
NAMES = [name for name, _ in SKM_ELEMENTS]
YEAR = Period.year(2025)
# The five respondents of test_ikm.py's worked example, one row each: IKM 79.44, mutu B.
RESPONDENTS = [
    [4, 3, 2, 4, 3, 3, 4, 2, 3],
    [3, 3, 3, 4, 3, 4, 4, 3, 3],
    [3, 2, 2, 4, 3, 3, 3, 3, 3],
    [4, 3, 3, 4, 4, 3, 4, 2, 3],
    [3, 3, 2, 4, 3, 3, 4, 3, 4],
]


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A moment of the office's clock (WIB)."""
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def rate(submission: Submission, answers: list[int], answered_at: datetime) -> SurveyResponse:
    """An SKM answered at a chosen moment (answer_survey stamps the present)."""
    return SurveyResponse.objects.create(
        submission=submission,
        service_id=submission.service_id,
        opd_id=submission.opd_id,
        answered_at=answered_at,
        **dict(zip(NAMES, answers, strict=True)),
    )


def test_working_days_in_sql_match_the_python_arithmetic(opd):
    pairs = [
        (date(2025, 3, 3) + timedelta(days=start), date(2025, 3, 3) + timedelta(days=end))
        for start in range(7)
        for end in range(-3, 22)
    ]
    expressions = {
        f"pair{n}": WorkingDaysBetween(Value(start, DateField()), Value(end, DateField()))
        for n, (start, end) in enumerate(pairs)
    }

    row = Opd.objects.filter(pk=opd.pk).annotate(**expressions).values(*expressions).get()

    assert [row[f"pair{n}"] for n in range(len(pairs))] == [working_days_between(s, e) for s, e in pairs]


@pytest.fixture
def year_of_dinsos(make_service, make_submission, opd, make_position):
    """Dinsos in 2025: a 5-day service with figures to count, a small one, and Diskominfos beside.

    Service A (time limit 5 working days), local dates:
      s1 Mon 3 Mar → Wed 5 Mar         2 working days, due Mon 10 Mar: in time
      s2 Fri 7 Mar → Mon 10 Mar        1, in time
      s3 Mon 3 Mar → Mon 17 Mar       10, late
      s4 Mon 30 Dec 2024 → Mon 6 Jan   5, in time (submitted in 2024: finished counts, submitted does not)
      s5 Tue 30 Dec 2025 → 2 Jan 2026  (finished in 2026: submitted counts, finished does not)
      s6 Mon 2 Jun, still in process   (submitted counts)
      s7 Mon 5 May 23.30 → Tue 6 May 00.30 WIB: 1 working day by the office's clock (0 in UTC), in time
    Submitted in 2025: s1 s2 s3 s5 s6 s7 = 6. Finished in 2025: s1 s2 s3 s4 s7 = 5, 4 in time (80%),
    median of 1, 1, 2, 5, 10 = 2. SKM: five respondents in 2025 (IKM 79.44, B), one just after (not counted).
    Two small services beside it: B (two finished in 5 working days, rated) and D (three finished in
    2, rated), whose counts are hidden together.
    """
    a = make_service(slug="a", name="Rekomendasi Pengumpulan Uang dan Barang", sla_days=5)
    b = make_service(slug="b", name="Izin Operasional Panti Sosial", sla_days=10)
    kominfo_head = make_position(name="Kepala Dinas Kominfos", opd=opd, heads_opd=True)
    c = make_service(slug="c", name="Permohonan Data Statistik Sektoral", opd=opd, addressee=kominfo_head)

    finished_a = [
        make_submission(service=a, submitted_at=at(2025, 3, 3), finished_at=at(2025, 3, 5)),
        make_submission(service=a, submitted_at=at(2025, 3, 7), finished_at=at(2025, 3, 10)),
        make_submission(service=a, submitted_at=at(2025, 3, 3), finished_at=at(2025, 3, 17)),
        make_submission(service=a, submitted_at=at(2024, 12, 30), finished_at=at(2025, 1, 6)),
        make_submission(service=a, submitted_at=at(2025, 5, 5, 23, 30), finished_at=at(2025, 5, 6, 0, 30)),
    ]
    late_one = make_submission(service=a, submitted_at=at(2025, 12, 30), finished_at=at(2026, 1, 2))
    make_submission(service=a, submitted_at=at(2025, 6, 2), status=Submission.Status.ACCEPTED)
    for submission, answers in zip(finished_a, RESPONDENTS, strict=True):
        rate(submission, answers, at(2025, 6, 30))
    rate(late_one, [1] * 9, at(2026, 1, 1, 0, 1))  # 2026 by the office's clock, though 2025 in UTC

    for day in (3, 4):
        small = make_submission(service=b, submitted_at=at(2025, 2, day), finished_at=at(2025, 2, day + 7))
        rate(small, [4] * 9, at(2025, 2, day + 8))
    d = make_service(slug="d", name="Rekomendasi Undian Gratis Berhadiah", sla_days=5)
    for day in (7, 8, 9):
        small = make_submission(service=d, submitted_at=at(2025, 4, day), finished_at=at(2025, 4, day + 2))
        rate(small, [3] * 9, at(2025, 4, 20))
    make_submission(service=c, submitted_at=at(2025, 4, 1), status=Submission.Status.SUBMITTED)
    return {"a": a, "b": b, "c": c, "d": d}


def test_figures_per_service_and_per_opd_for_a_year(year_of_dinsos, dinsos, opd):
    by_service, by_opd = figures_for(period=YEAR)
    a, b, c, d = (year_of_dinsos[key] for key in "abcd")

    assert by_service[a.pk].submitted == 6
    assert (by_service[a.pk].finished, by_service[a.pk].finished_in_time) == (5, 4)
    assert by_service[a.pk].median_days == 2
    assert by_service[a.pk].respondents == 5
    assert by_service[a.pk].totals == {
        name: sum(row[i] for row in RESPONDENTS) for i, name in enumerate(NAMES)
    }
    assert (by_service[b.pk].submitted, by_service[b.pk].finished, by_service[b.pk].respondents) == (2, 2, 2)
    assert by_service[b.pk].median_days == 5  # 3 → 10 Feb and 4 → 11 Feb: 5 working days each
    assert (by_service[c.pk].submitted, by_service[c.pk].finished, by_service[c.pk].median_days) == (
        1,
        0,
        None,
    )

    assert (by_service[d.pk].finished, by_service[d.pk].median_days) == (3, 2)
    assert (by_opd[dinsos.pk].submitted, by_opd[dinsos.pk].finished, by_opd[dinsos.pk].respondents) == (
        11,
        10,
        10,
    )
    assert by_opd[dinsos.pk].median_days == 2  # of 1, 1, 2, 2, 2, 2, 5, 5, 5, 10
    assert by_opd[opd.pk].submitted == 1


def test_the_published_statistics_show_ikm_and_mutu_from_five_respondents(year_of_dinsos, dinsos):
    stats = public_statistics(period=YEAR)

    [dinsos_row] = [row for row in stats.opds if row.opd == dinsos]
    services = {item.service.slug: item.figures for item in dinsos_row.services}
    big, small = services["a"], services["b"]
    assert (big.submitted, big.finished, big.respondents) == ("6", "5", "5")
    assert big.median_days == 2 and big.in_time_percent == 80
    assert (big.ikm.score, big.ikm.mutu, big.ikm.kinerja) == (Decimal("79.44"), "B", "Baik")
    assert big.weakest.label == "Waktu penyelesaian"
    assert (small.submitted, small.finished, small.respondents) == ("< 5", "< 5", "< 5")
    assert small.ikm is None and small.median_days is None and small.in_time_percent is None
    assert small.weakest is None
    assert services["d"].respondents == "< 5" and services["d"].ikm is None
    assert dinsos_row.figures.respondents == "10" and dinsos_row.figures.ikm is not None


@pytest.mark.parametrize(("count", "shown"), [(0, "< 5"), (1, "< 5"), (4, "< 5"), (5, "5"), (1234, "1.234")])
def test_any_count_below_five_reads_less_than_five(count, shown):
    totals = dict.fromkeys(NAMES, 3 * count)
    published = Figures(submitted=count, finished=count, respondents=count, totals=totals).published()

    assert published.submitted == published.finished == published.respondents == shown


def test_nothing_is_derived_from_fewer_than_five_finished_submissions_or_respondents():
    totals = dict.fromkeys(NAMES, 4 * 4)
    four = Figures(finished=4, finished_in_time=4, median_days=3.0, respondents=4, totals=totals).published()
    assert (four.median_days, four.in_time_percent, four.ikm, four.elements, four.weakest) == (
        None,
        None,
        None,
        [],
        None,
    )

    totals = dict.fromkeys(NAMES, 4 * 5)
    five = Figures(finished=5, finished_in_time=4, median_days=3.0, respondents=5, totals=totals).published()
    assert (five.median_days, five.in_time_percent) == (3.0, 80)
    assert isinstance(five.ikm, Ikm) and five.ikm.score == 100 and len(five.elements) == 9


def test_the_statistics_take_the_same_number_of_queries_for_three_services_or_nine(
    make_service, make_submission
):
    today = timezone.localdate()
    recent = Period(start=today - timedelta(days=30), end=today + timedelta(days=1))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            public_statistics(period=recent)
        return len(captured)

    for n in range(3):
        make_submission(service=make_service(slug=f"layanan-{n}", name=f"Layanan {n}"))
    few = queries()
    for n in range(3, 9):
        rate(
            make_submission(service=make_service(slug=f"layanan-{n}", name=f"Layanan {n}")),
            [3] * 9,
            timezone.now(),
        )
    assert queries() == few


def test_the_figures_come_from_the_cache_until_a_submission_finishes_or_a_survey_is_answered(
    year_of_dinsos, make_submission
):
    a = year_of_dinsos["a"]

    def figures_of_a():
        with CaptureQueriesContext(connection) as captured:
            stats = public_statistics(period=YEAR)
        row = next(row for opd in stats.opds for row in opd.services if row.service == a)
        return row.figures, len(captured)

    first, computed = figures_of_a()
    again, from_cache = figures_of_a()
    assert again == first and from_cache < computed

    finished = make_submission(
        service=a, submitted_at=at(2025, 6, 2), status=Submission.Status.FINISHED, finished_at=at(2025, 6, 3)
    )
    assert figures_of_a()[0].finished == "6"
    rate(finished, [4] * 9, at(2025, 6, 4))
    assert figures_of_a()[0].respondents == "6"


# ── The page ─────────────────────────────────────────────────────────────────────────────────


def test_anyone_reads_the_statistics_page_and_no_name_or_nik_appears(client, year_of_dinsos):
    applicants = {submission.applicant for submission in Submission.objects.select_related("applicant__user")}

    page = client.get(reverse("skm:statistics"), {"tahun": 2025})

    assert page.status_code == 200
    html = page.content.decode()
    assert "79,44" in html and "B (Baik)" in html
    assert "&lt; 5" in html and "belum cukup responden" in html
    assert "Rekomendasi Pengumpulan Uang dan Barang" in html and "Dinas Sosial" in html
    assert html.count("<caption") >= 3 and 'scope="col"' in html and 'scope="row"' in html
    for applicant in applicants:
        for identity in (applicant.user.full_name, applicant.user.email, applicant.nik):
            assert identity not in html


def test_the_page_filters_by_opd_and_takes_this_year_for_a_bad_year(client, year_of_dinsos, opd):
    only_kominfo = client.get(reverse("skm:statistics"), {"tahun": 2025, "opd": opd.code}).content.decode()
    assert "Permohonan Data Statistik Sektoral" in only_kominfo
    assert "Rekomendasi Pengumpulan Uang dan Barang" not in only_kominfo

    bad = client.get(reverse("skm:statistics"), {"tahun": "dua ribu", "opd": "TIDAKADA"})
    assert bad.status_code == 200 and bad.context["year"] == timezone.localdate().year
    assert bad.context["opd"] is None


def test_the_tables_kept_rendered_still_show_every_later_change(client, year_of_dinsos, make_submission):
    """The tables are kept rendered under the figures' key and the services as shown."""
    a = year_of_dinsos["a"]
    url = reverse("skm:statistics")
    assert "Rekomendasi Pengumpulan Uang dan Barang" in client.get(url, {"tahun": 2025}).content.decode()
    client.get(url, {"tahun": 2025})

    Service.objects.filter(pk=a.pk).update(sla_days=7)
    assert "7 hari kerja" in client.get(url, {"tahun": 2025}).content.decode()
    Service.objects.filter(pk=a.pk).update(name="Rekomendasi Penggalangan Dana")
    renamed = client.get(url, {"tahun": 2025}).content.decode()
    assert "Rekomendasi Penggalangan Dana" in renamed and "Rekomendasi Pengumpulan Uang" not in renamed

    make_submission(
        service=a, submitted_at=at(2025, 6, 2), status=Submission.Status.FINISHED, finished_at=at(2025, 6, 3)
    )
    counted = client.get(url, {"tahun": 2025}).content.decode()
    assert '<td class="text-end">6</td>' in counted


# ── What cannot be worked out ────────────────────────────────────────────────────────────────


def _determined(groups: dict, known: dict, hidden: set) -> set:
    """Hidden cells whose value follows from the sums (each total = its parts) and the cells shown:
    Gaussian elimination over the hidden cells, exactly (fractions)."""
    from fractions import Fraction

    cells = sorted(hidden)
    rows = []
    for total, parts in groups.items():
        row = dict.fromkeys(cells, Fraction(0))
        constant = Fraction(0)
        for node, sign in [(total, 1), *((part, -1) for part in parts)]:
            if node in hidden:
                row[node] += sign
            else:
                constant -= sign * known[node]
        rows.append(([row[cell] for cell in cells], constant))
    matrix = [coefficients for coefficients, _ in rows]
    pivots, rank = [], 0
    for column in range(len(cells)):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][column] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        matrix[rank] = [value / matrix[rank][column] for value in matrix[rank]]
        for r in range(len(matrix)):
            if r != rank and matrix[r][column] != 0:
                factor = matrix[r][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank], strict=True)]
        pivots.append(column)
        rank += 1
    # A cell is determined when a row of the reduced system names it alone.
    return {
        cells[column]
        for r, column in enumerate(pivots)
        if all(value == 0 for c, value in enumerate(matrix[r]) if c != column)
    }


@pytest.mark.parametrize("seed", range(40))
def test_no_hidden_count_can_be_worked_out_from_the_totals_and_the_cells_shown(seed):
    import random

    from layanan_publik.statistics import PROVINCE, suppressed

    rng = random.Random(seed)
    by_service, opd_of = {}, {}
    for opd_id in range(1, rng.randint(2, 6)):
        for _ in range(rng.randint(1, 5)):
            pk = len(by_service) + 1
            finished = rng.choice([0, 0, 1, 2, 3, 4, 5, 7, 12, 40])
            respondents = rng.randint(0, finished)
            by_service[pk] = Figures(
                submitted=finished + rng.choice([0, 1, 3, 9]),
                finished=finished,
                respondents=respondents,
                totals=dict.fromkeys(NAMES, 3 * respondents),
            )
            opd_of[pk] = opd_id
    by_opd = {}
    for opd_id in set(opd_of.values()):
        parts = [f for pk, f in by_service.items() if opd_of[pk] == opd_id]
        by_opd[opd_id] = Figures(
            submitted=sum(f.submitted for f in parts),
            finished=sum(f.finished for f in parts),
            respondents=sum(f.respondents for f in parts),
            totals=dict.fromkeys(NAMES, sum(3 * f.respondents for f in parts)),
        )

    hidden = suppressed(by_service=by_service, by_opd=by_opd, opd_of=opd_of)

    figures = {("service", pk): f for pk, f in by_service.items()} | {
        ("opd", pk): f for pk, f in by_opd.items()
    }
    figures[PROVINCE] = Figures(
        submitted=sum(f.submitted for f in by_opd.values()),
        finished=sum(f.finished for f in by_opd.values()),
        respondents=sum(f.respondents for f in by_opd.values()),
    )
    groups = {PROVINCE: [("opd", pk) for pk in by_opd]}
    for pk, opd_id in opd_of.items():
        groups.setdefault(("opd", opd_id), []).append(("service", pk))
    for column in ("submitted", "finished", "respondents"):
        value = {node: getattr(f, column) for node, f in figures.items()}
        shut = {node for node in figures if column in hidden.get(node, ())}
        assert {node for node, count in value.items() if count < 5} <= shut
        worked_out = {node for node in _determined(groups, value, shut) if value[node] > 0}
        assert not worked_out, f"{column} of {worked_out} follows from what is shown"
    # What the IKM of a total less those shown leaves: never fewer than five respondents' answers.
    for total, parts in groups.items():
        if "ikm" in hidden.get(total, ()) or "respondents" in hidden.get(total, ()):
            continue
        pooled = sum(
            figures[part].respondents for part in parts if {"ikm", "respondents"} & hidden.get(part, set())
        )
        assert pooled == 0 or pooled >= 5, f"the IKM of {total} less its parts shown gives {pooled} answers"


def test_an_opds_total_less_its_services_shown_never_gives_a_hidden_count_or_a_lone_answer(
    client, make_service, make_submission
):
    """Dinsos has two services this year: A with six submissions, five of them rated, and B with one,
    rated. Showing A beside Dinsos's total would give B's count and its one respondent's answers."""
    a = make_service(slug="a", name="Rekomendasi Pengumpulan Uang dan Barang")
    b = make_service(slug="b", name="Izin Operasional Panti Sosial")
    for n in range(6):
        submission = make_submission(service=a, submitted_at=at(2025, 3, 3 + n), finished_at=at(2025, 3, 20))
        if n < 5:
            rate(submission, RESPONDENTS[n], at(2025, 3, 21))
    rate(
        make_submission(service=b, submitted_at=at(2025, 3, 4), finished_at=at(2025, 3, 20)),
        [1] * 9,
        at(2025, 3, 21),
    )

    for query in ({"tahun": 2025}, {"tahun": 2025, "opd": a.opd.code}):
        page = client.get(reverse("skm:statistics"), query)
        rows = {
            item.service.slug: item.figures for row in page.context["stats"].opds for item in row.services
        }
        assert (rows["a"].submitted, rows["a"].finished, rows["a"].respondents) == ("< 5", "< 5", "< 5")
        assert rows["a"].ikm is None and rows["b"].ikm is None
        assert page.context["stats"].opds[0].figures.submitted == "7"
        assert page.context["stats"].opds[0].figures.ikm is not None  # six respondents' answers together
        row_of_a = page.content.decode().split(f"{a.name}</th>")[1].split("</tr>")[0]
        assert ">6<" not in row_of_a and ">5<" not in row_of_a
