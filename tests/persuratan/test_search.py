import re
from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from persuratan import search
from persuratan.models import Classification, InboxItem, SecurityClass
from persuratan.search import PAGE_SIZE, SearchFilters, search_letters
from persuratan.selectors import letters_visible_to
from persuratan.services import Sender, deliver
from persuratan.tasks import extract_file_text
from tests.browser import assert_accessible, log_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_second_factor")]

SEARCH_URL = "/surat-masuk/cari/"
# The user's operator and arsiparis grants and their positions, the newest matches, one page of rows.
QUERIES_PER_PAGE = 5


@pytest.fixture
def reader(make_user, kadis):
    """The Kepala Dinas: every letter of these tests is addressed to them."""
    return make_user(holds=kadis)


def read_scans(letter) -> None:
    """Run the text task the registration scheduled, as the worker would after the commit."""
    for file_id in letter.files.values_list("pk", flat=True):
        extract_file_text(file_id)


def found(user, query="", **filters) -> list[int]:
    return [
        hit.letter.pk for hit in search_letters(user=user, query=query, filters=SearchFilters(**filters)).hits
    ]


def test_a_word_in_the_perihal_ranks_above_the_same_word_only_in_the_scan_text(
    opd, kadis, reader, register, make_scan
):
    in_subject = register(opd=opd, to=[kadis], subject="Rehabilitasi irigasi tersier", summary="")
    in_scan = register(
        opd=opd,
        to=[kadis],
        subject="Laporan bulanan",
        summary="",
        scans=[make_scan(text="Lampiran: anggaran irigasi tersier desa")],
    )
    read_scans(in_scan)

    # Both were received today: without the rank, the newer letter (in_scan) would come first.
    assert found(reader, "irigasi") == [in_subject.pk, in_scan.pk]
    ranks = [hit.letter.rank for hit in search_letters(user=reader, query="irigasi").hits]
    assert ranks[0] > ranks[1]


def test_the_headline_marks_matched_words_and_escapes_html_written_in_the_letter(
    opd, kadis, reader, register
):
    register(
        opd=opd,
        to=[kadis],
        subject='Rapat <script>alert("x")</script> & evaluasi',
        summary="Agenda <b onclick='x()'>rapat</b> pimpinan",
    )

    [hit] = search_letters(user=reader, query="rapat").hits

    assert hit.title.startswith("<mark>Rapat</mark> &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp;")
    assert "<script" not in hit.title and "<b" not in hit.snippet
    assert "&lt;b onclick=&#x27;x()&#x27;&gt;<mark>rapat</mark>&lt;/b&gt;" in hit.snippet


def test_the_indonesian_configuration_finds_words_by_their_stem(opd, kadis, reader, register):
    invitation = register(opd=opd, to=[kadis], subject="Kami mengundang Bapak/Ibu", summary="")
    delivery = register(opd=opd, to=[kadis], subject="Hasil rapat disampaikan", summary="")
    staffing = register(opd=opd, to=[kadis], subject="Data kepegawaian", summary="")

    assert found(reader, "undangan") == [invitation.pk]
    assert found(reader, "penyampaian") == [delivery.pk]
    # The Snowball stemmer strips affixes by rule, not by dictionary: "pegawai" becomes "gawa" but
    # "kepegawaian" becomes "gawai", so these two do not find each other.
    assert found(reader, "pegawai") == []
    assert found(reader, "kepegawaian") == [staffing.pk]


def test_a_letter_is_found_only_by_those_who_may_read_its_contents(
    opd, other_opd, kadis, make_position, make_user, make_operator, register, today
):
    kabid = make_position(name="Kepala Bidang Aplikasi", parent=kadis)
    sekdis = make_position(name="Sekretaris Dinas")
    addressee, plt = make_user(holds=kadis), make_user(acts_for=kadis, since=today, until=today)
    recipient = make_user(holds=kabid)
    former_plt = make_user(acts_for=kadis, until=today - timedelta(days=1))
    colleague = make_user(holds=sekdis)
    other_staff = make_user(holds=make_position(name="Kepala Dinas Sosial", opd=other_opd))
    operator = make_operator(opd=opd)
    secret = register(
        opd=opd,
        to=[kadis],
        actor=operator,
        subject="Sandiwara pengamanan",
        security_class=SecurityClass.SECRET,
    )
    ordinary = register(opd=opd, to=[kadis], actor=operator, subject="Sandiwara rakyat")
    [addressed] = secret.inbox_items.all()
    deliver(
        letter=secret, to=kabid, reason=InboxItem.Reason.DISPOSITION, parent=addressed, from_position=kadis
    )

    assert set(found(addressee, "sandiwara")) == set(found(plt, "sandiwara")) == {secret.pk, ordinary.pk}
    assert found(recipient, "sandiwara") == [secret.pk], "a disposition reached the Kepala Bidang"
    assert found(operator, "sandiwara") == [ordinary.pk], "the operator only registered the rahasia letter"
    assert found(operator) == [ordinary.pk], "without words, too"
    assert letters_visible_to(user=operator).filter(pk=secret.pk).exists(), "metadata access stays"
    for bystander in (former_plt, colleague, other_staff):
        assert found(bystander, "sandiwara") == found(bystander) == []


@pytest.fixture
def two_letters(opd, kadis, register, today):
    """One old letter of the Kemendagri under 000.1.2 and one of today from BPS under 400.3."""
    old = register(
        opd=opd,
        to=[kadis],
        subject="Rapat perjalanan dinas",
        received_on=today - timedelta(days=10),
        letter_date=today - timedelta(days=12),
    )
    new = register(
        opd=opd,
        to=[kadis],
        subject="Rapat statistik sektoral",
        sender=Sender(kind="institution", name="Badan Pusat Statistik"),
        sender_number="500/77/BPS",
        classification=Classification.objects.get(code="400.3"),
    )
    return old, new


def test_without_words_the_filters_alone_choose_letters_newest_received_first(reader, two_letters):
    old, new = two_letters

    assert found(reader) == [new.pk, old.pk]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (lambda today, new: {"received_from": today - timedelta(days=1)}, "new"),
        (lambda today, new: {"received_to": today - timedelta(days=5)}, "old"),
        (lambda today, new: {"received_from": today - timedelta(days=10), "received_to": today}, "both"),
        (lambda today, new: {"number": "000.1.2/123/sj"}, "old"),
        (lambda today, new: {"number": new.agenda_label}, "new"),
        (lambda today, new: {"number": f"{new.agenda_number}/{new.agenda_year}"}, "new"),
        (lambda today, new: {"number": "500/77"}, "none"),
        (lambda today, new: {"sender": "  badan   PUSAT "}, "new"),
        (lambda today, new: {"sender": "Kementerian"}, "old"),
        (lambda today, new: {"sender": "pusat statistik"}, "none"),
        (lambda today, new: {"classification": "000.1"}, "old"),
        (lambda today, new: {"classification": "400"}, "new"),
    ],
    ids=[
        "received-from",
        "received-to",
        "received-range",
        "sender-number-any-case",
        "agenda-label",
        "agenda-label-unpadded",
        "part-of-a-number",
        "sender-prefix",
        "sender-prefix-capitalised",
        "sender-not-a-prefix",
        "classification-and-children",
        "classification-root",
    ],
)
def test_each_filter_narrows_the_results_with_and_without_words(
    reader, two_letters, today, filters, expected
):
    old, new = two_letters
    wanted = {"old": [old.pk], "new": [new.pk], "both": [new.pk, old.pk], "none": []}[expected]

    assert found(reader, **filters(today, new)) == wanted
    assert found(reader, "rapat", **filters(today, new)) == wanted


def test_a_letters_words_cannot_pass_for_a_position_it_reached(
    opd, kadis, reader, register, make_position, make_user
):
    """The search finds a position's letters by the lexeme "pos#<id>" (persuratan.reach), which the
    text parser cannot produce from what a letter says."""
    other = make_position(name="Kepala Bidang Lain")
    stranger = make_user(holds=other)
    letter = register(opd=opd, to=[kadis], subject=f"Catatan pos#{other.pk} pos {other.pk} pos-{other.pk}")

    assert found(reader, "catatan") == [letter.pk]
    assert found(stranger, "catatan") == [] and found(stranger) == []


@pytest.mark.parametrize("letters", [3, 25])
@pytest.mark.parametrize("query", ["", "pengadaan"])
def test_a_page_costs_the_same_queries_for_3_or_25_results(
    opd, kadis, reader, register, django_assert_num_queries, letters, query
):
    for number in range(letters):
        register(opd=opd, to=[kadis], subject=f"Pengadaan barang tahap {number}")

    with django_assert_num_queries(QUERIES_PER_PAGE):
        first = search_letters(user=reader, query=query)
    with django_assert_num_queries(QUERIES_PER_PAGE + 1):  # a classification filter: one more
        search_letters(user=reader, query=query, filters=SearchFilters(classification="000.1"), page=2)

    assert first.count == letters and len(first.hits) == min(letters, PAGE_SIZE)
    assert first.num_pages == (2 if letters > PAGE_SIZE else 1)


def test_pages_are_numbered_capped_to_the_newest_matches_and_a_page_past_the_end_shows_the_last(
    opd, kadis, reader, register, monkeypatch
):
    letters = [register(opd=opd, to=[kadis], subject=f"Pengadaan tahap {n}") for n in range(PAGE_SIZE + 3)]

    last = search_letters(user=reader, query="pengadaan", page=99)
    assert (last.number, last.num_pages, last.count, last.capped) == (2, 2, PAGE_SIZE + 3, False)
    assert last.page_range == [1, 2] and last.start_index == PAGE_SIZE + 1
    every = search_letters(user=reader, query="pengadaan").hits + last.hits
    assert sorted(hit.letter.pk for hit in every) == sorted(letter.pk for letter in letters)

    monkeypatch.setattr(search, "NEWEST_MATCHES", PAGE_SIZE)
    capped = search_letters(user=reader, query="pengadaan", page=2)
    assert (capped.number, capped.num_pages, capped.count, capped.capped) == (1, 1, PAGE_SIZE, True)
    assert {hit.letter.pk for hit in capped.hits} == {letter.pk for letter in letters[-PAGE_SIZE:]}, (
        "the newest"
    )


# ── The page ─────────────────────────────────────────────────────────────────────────────────


def test_the_page_shows_highlighted_results_with_a_plain_get(client, opd, kadis, reader, register):
    letter = register(opd=opd, to=[kadis], subject="Evaluasi <i>rapat</i> koordinasi", urgency="very_urgent")
    client.force_login(reader)

    response = client.get(SEARCH_URL, {"q": "rapat"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html and 'value="rapat"' in html
    assert "Evaluasi &lt;i&gt;<mark>rapat</mark>&lt;/i&gt; koordinasi" in html
    assert f'href="{reverse("persuratan:letter", args=[letter.pk])}"' in html
    assert f"Agenda {letter.agenda_label}" in html and "Kecepatan: Sangat Segera" in html
    assert "Sifat: Biasa" in html and "1 surat cocok" in html


def test_results_drawn_once_show_later_changes_to_the_letters(client, opd, kadis, reader, register):
    letter = register(opd=opd, to=[kadis], subject="Evaluasi rapat koordinasi")
    client.force_login(reader)
    assert "Kementerian Dalam Negeri" in client.get(SEARCH_URL, {"q": "rapat"}).content.decode()

    type(letter).objects.filter(pk=letter.pk).update(sender_name="Kementerian Keuangan", urgency="urgent")
    html = client.get(SEARCH_URL, {"q": "rapat"}).content.decode()

    assert "Kementerian Keuangan" in html and "Kementerian Dalam Negeri" not in html
    assert "Kecepatan: Segera" in html


def test_an_htmx_request_gets_only_the_results(client, opd, kadis, reader, register):
    register(opd=opd, to=[kadis], subject="Rapat koordinasi")
    client.force_login(reader)

    response = client.get(SEARCH_URL, {"q": "rapat"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<mark>Rapat</mark>" in html
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"received_from": "2026-11-24", "received_to": "2026-11-01"},
            "Tanggal “Diterima sampai” tidak boleh sebelum tanggal “Diterima dari”.",
        ),
        ({"received_from": "2026-13-45"}, "Tanggal tidak dikenali."),
        ({"classification": "999.9"}, "Kode klasifikasi “999.9” tidak ada dalam daftar."),
        ({"q": "kata " * 50}, "Kata kunci paling banyak 200 karakter."),
    ],
    ids=["reversed-range", "malformed-date", "unknown-classification", "too-long"],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_bad_input_gets_a_message_keeps_what_was_typed_and_lists_nothing(
    client, opd, kadis, reader, register, params, message, htmx
):
    register(opd=opd, to=[kadis], subject="Rapat koordinasi")
    client.force_login(reader)

    response = client.get(SEARCH_URL, params, headers={"HX-Request": "true"} if htmx else {})

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and 'role="alert"' in html
    assert "Rapat koordinasi" not in html
    if not htmx:
        for value in params.values():
            assert f'value="{value}"' in html


def test_a_page_number_that_is_not_a_number_shows_the_first_page(client, opd, kadis, reader, register):
    register(opd=opd, to=[kadis], subject="Rapat koordinasi")
    client.force_login(reader)

    response = client.get(SEARCH_URL, {"q": "rapat", "page": "dua"})

    assert response.status_code == 200 and "<mark>Rapat</mark>" in response.content.decode()


def test_the_page_asks_for_a_login_and_hides_what_others_may_not_read(
    client, opd, kadis, register, make_user, make_position
):
    register(opd=opd, to=[kadis], subject="Rapat rahasia", security_class=SecurityClass.SECRET)

    assert client.get(SEARCH_URL, {"q": "rapat"}).status_code == 302
    client.force_login(make_user(holds=make_position(name="Sekretaris Dinas")))
    html = client.get(SEARCH_URL, {"q": "rapat"}).content.decode()
    assert "Rapat rahasia" not in html and "Tidak ada surat yang cocok" in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_search_refreshes_as_the_user_types_and_explains_bad_dates(
    page, opd, kadis, reader, register, today
):
    register(opd=opd, to=[kadis], subject="Undangan rapat koordinasi statistik sektoral")
    register(opd=opd, to=[kadis], subject="Laporan keuangan triwulan")

    log_in(page, reader)
    page.goto(SEARCH_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Cari Surat Masuk")
    expect(page.locator("#jumlah-hasil")).to_contain_text("2 surat ditemukan")
    assert_accessible(page)

    page.get_by_label("Kata kunci").press_sequentially("mengundang")
    results = page.locator("#hasil-pencarian")
    expect(results.locator("mark")).to_have_text(["Undangan"])
    expect(results).not_to_contain_text("Laporan keuangan")
    expect(page).to_have_url(re.compile(r"/surat-masuk/cari/\?q=mengundang&"))
    assert_accessible(page)

    page.get_by_text("Saring menurut tanggal").click()
    page.get_by_label("Diterima dari").fill(today.isoformat())
    page.get_by_label("Diterima sampai").fill((today - timedelta(days=1)).isoformat())
    expect(results.get_by_role("alert")).to_contain_text("tidak boleh sebelum")
    expect(page.locator("#id_received_to_error")).to_contain_text("tidak boleh sebelum")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"
