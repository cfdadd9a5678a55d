"""A visitor reads the public statistics at desktop and 360 px, checked by axe: the IKM and mutu of a
service with enough respondents, "< 5" and no IKM for a small one."""

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from layanan_publik.models import SKM_ELEMENTS, SurveyResponse
from tests.browser import assert_accessible, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# The five respondents of test_ikm.py's worked example: IKM 79.44, mutu B.
RESPONDENTS = [
    [4, 3, 2, 4, 3, 3, 4, 2, 3],
    [3, 3, 3, 4, 3, 4, 4, 3, 3],
    [3, 2, 2, 4, 3, 3, 3, 3, 3],
    [4, 3, 3, 4, 4, 3, 4, 2, 3],
    [3, 3, 2, 4, 3, 3, 4, 3, 4],
]


@pytest.fixture
def this_year(make_service, make_submission):
    """Three Dinsos services rated early this year: one by five applicants, one by two, one by three
    (the two small ones are hidden together, so neither can be worked out from Dinsos's total)."""
    start = timezone.make_aware(datetime(timezone.localdate().year, 1, 2, 9, 0))
    rated = {"a": RESPONDENTS, "b": [[4] * 9, [3] * 9], "c": [[3] * 9] * 3}
    names = {
        "a": "Rekomendasi Pengumpulan Uang dan Barang",
        "b": "Izin Operasional Panti Sosial",
        "c": "Rekomendasi Undian Gratis Berhadiah",
    }
    for slug, answers in rated.items():
        service = make_service(slug=slug, name=names[slug])
        for row in answers:
            submission = make_submission(
                service=service, submitted_at=start, finished_at=start + timedelta(days=2)
            )
            SurveyResponse.objects.create(
                submission=submission,
                service=service,
                opd=service.opd,
                answered_at=start + timedelta(days=3),
                **dict(zip([name for name, _ in SKM_ELEMENTS], row, strict=True)),
            )
    return names


def test_a_visitor_reads_the_ikm_of_each_service_and_sees_small_counts_hidden(page: Page, this_year):
    page.goto("/statistik/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistik Layanan Publik")
    open_menu(page)
    expect(page.get_by_role("link", name="Statistik")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Perangkat daerah", exact=True).select_option(label="Dinas Sosial")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.get_by_role("heading", name="Layanan Dinas Sosial")).to_be_visible()

    rated = page.get_by_role("row", name=re.compile(this_year["a"]))
    expect(rated).to_contain_text("79,44")
    expect(rated).to_contain_text("B (Baik)")
    expect(rated).to_contain_text("Waktu penyelesaian")  # its weakest unsur
    small = page.get_by_role("row", name=re.compile(this_year["b"]))
    expect(small).to_contain_text("< 5")
    expect(small).to_contain_text("belum cukup responden")
    expect(small).not_to_contain_text("100,00")
    assert_accessible(page)
    # Wide tables scroll inside their frame; the page itself never scrolls sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
