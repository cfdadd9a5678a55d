"""The outgoing register: every signed letter of the OPD for its operators, searchable and filterable,
with rahasia perihal withheld, and the envelopes to print for each letter."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from persuratan.models import Classification, OutgoingLetter, OutgoingRecipient
from persuratan.outgoing_selectors import RegisterFilters, outgoing_register, search_outgoing_register
from persuratan.search import PAGE_SIZE
from persuratan.services.outgoing import (
    DraftDetails,
    RecipientSpec,
    create_draft,
    request_signature,
    sign_outgoing,
    submit_for_review,
)
from tte.services import enrol

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_second_factor")]

PASSPHRASE = "sandi-tte-kepala"
REGISTER_URL = reverse("surat_keluar:register")
# The user's operator grants, the page of letters, their addressees.
QUERIES_PER_PAGE = 3
# The grants, a capped count, the page with its headlines, their addressees.
QUERIES_PER_SEARCH = 4


@pytest.fixture
def kadis(make_position):
    return make_position(name="Kepala Dinas Kominfos", heads_opd=True)


@pytest.fixture
def head(make_user, kadis):
    user = make_user(holds=kadis, full_name="Hendra Siregar")
    enrol(user=user, passphrase=PASSPHRASE)
    return user


@pytest.fixture
def operator(make_operator, opd):
    return make_operator(opd=opd)


@pytest.fixture
def sign(head, kadis, classification):
    """`sign(subject=..., **details)` → a letter of the OPD drafted, approved and signed by its head."""

    def make(*, subject="Pemberitahuan jadwal pemeliharaan jaringan", recipients=None, **details):
        fields = {
            "letter_type": "official_letter",
            "security_class": "ordinary",
            "urgency": "normal",
            "classification": classification,
        }
        fields.update(details)
        letter = create_draft(
            actor=head,
            position=kadis,
            details=DraftDetails(subject=subject, signer_position=kadis, **fields),
            recipients=recipients
            or [RecipientSpec(kind=OutgoingRecipient.Kind.TO, name="Bupati Tanjung Mas")],
            body_html="<p>Dengan hormat.</p>",
            reviewers=[],
        )
        submit_for_review(actor=head, letter=letter)
        request_signature(actor=head, letter=letter, passphrase=PASSPHRASE)
        assert sign_outgoing(letter_id=letter.pk)
        letter.refresh_from_db()
        return letter

    return make


def listed(user, opd, **filters) -> list[int]:
    return [
        hit.letter.pk
        for hit in outgoing_register(user=user, opd_id=opd.pk, filters=RegisterFilters(**filters))
    ]


def found(user, opd, query, **filters) -> list[int]:
    page = search_outgoing_register(user=user, opd_id=opd.pk, query=query, filters=RegisterFilters(**filters))
    return [hit.letter.pk for hit in page.hits]


# ── Who sees the register ────────────────────────────────────────────────────────────────────


def test_the_operator_finds_every_signed_letter_of_the_opd_and_others_are_refused(
    client, opd, other_opd, sign, operator, head, make_operator, make_user
):
    letter = sign()
    others = make_operator(opd=other_opd)
    staff = make_user()

    assert listed(operator, opd) == [letter.pk]
    assert listed(others, opd) == listed(staff, opd) == listed(head, opd) == []
    assert found(others, opd, "pemeliharaan") == []

    client.force_login(operator)
    page = client.get(REGISTER_URL).content.decode()
    assert letter.number in page and "Pemberitahuan jadwal pemeliharaan jaringan" in page
    assert reverse("surat_keluar:envelope", args=[letter.pk]) in page
    assert reverse("surat_keluar:signed_pdf", args=[letter.pk]) in page

    client.force_login(others)
    assert client.get(REGISTER_URL, {"opd": opd.code}).status_code == 403, "not one of their OPDs"
    client.force_login(staff)
    assert client.get(REGISTER_URL).status_code == 403


def test_a_rahasia_perihal_is_withheld_and_never_matched_by_words_but_filters_find_the_letter(
    client, opd, sign, operator
):
    secret = sign(subject="Penanganan insiden peretasan server", security_class="secret")
    ordinary = sign(subject="Penanganan keluhan layanan")

    assert listed(operator, opd) == [ordinary.pk, secret.pk]
    hits = outgoing_register(user=operator, opd_id=opd.pk)
    assert [hit.title for hit in hits] == ["Penanganan keluhan layanan", ""]
    assert found(operator, opd, "peretasan") == [], "a match would tell the perihal's words"
    assert found(operator, opd, "penanganan") == [ordinary.pk]
    assert listed(operator, opd, security_class="secret") == [secret.pk]
    assert listed(operator, opd, number=secret.number) == [secret.pk]

    client.force_login(operator)
    page = client.get(REGISTER_URL).content.decode()
    assert secret.number in page and "peretasan" not in page
    assert "Perihal tidak ditampilkan (surat rahasia)" in page
    # The register offers printing only the letters its operator may read; a rahasia letter is
    # printed from its page while a paper copy waits to be sent (open_print_copy).
    assert reverse("surat_keluar:signed_pdf", args=[ordinary.pk]) in page
    assert reverse("surat_keluar:signed_pdf", args=[secret.pk]) not in page
    assert client.get(reverse("surat_keluar:signed_pdf", args=[secret.pk])).status_code == 404


def test_rows_drawn_once_show_later_changes_to_the_letter_and_its_classification(
    client, opd, sign, operator, classification
):
    letter = sign()
    client.force_login(operator)
    assert classification.name in client.get(REGISTER_URL).content.decode()

    Classification.objects.filter(pk=classification.pk).update(name="Pemeliharaan jaringan intra pemerintah")
    OutgoingRecipient.objects.filter(letter=letter).update(name="Wali Kota Tanjung Mas")
    page = client.get(REGISTER_URL).content.decode()

    assert "Pemeliharaan jaringan intra pemerintah" in page
    assert "Wali Kota Tanjung Mas" in page and "Bupati Tanjung Mas" not in page


# ── Words and filters ────────────────────────────────────────────────────────────────────────


def test_words_match_by_stem_rank_the_perihal_and_come_back_escaped_and_marked(opd, sign, operator):
    invitation = sign(subject="Undangan <b>rapat</b> evaluasi SPBE")
    report = sign(subject="Laporan hasil evaluasi")

    page = search_outgoing_register(user=operator, opd_id=opd.pk, query="mengundang")
    assert [hit.letter.pk for hit in page.hits] == [invitation.pk]
    assert page.hits[0].title == "<mark>Undangan</mark> &lt;b&gt;rapat&lt;/b&gt; evaluasi SPBE"
    assert set(found(operator, opd, "evaluasi")) == {invitation.pk, report.pk}
    assert found(operator, opd, "evaluasi -undangan") == [report.pk]
    assert found(operator, opd, report.number.lower()) == [report.pk], "the whole number is one word"


def test_each_filter_narrows_the_register_with_and_without_words(opd, sign, operator, today):
    memo = sign(subject="Rapat koordinasi", letter_type="internal_memo", security_class="restricted")
    child = Classification.objects.filter(code__startswith="000.1.").exclude(code="000.1.2").first()
    old = sign(subject="Rapat evaluasi", classification=child)
    # Signed last month: the register reads the date the signing task stored.
    OutgoingLetter.objects.filter(pk=old.pk).update(signed_at=timezone.now() - timedelta(days=30))
    month_ago = today - timedelta(days=30)

    cases = [
        ({"signed_from": today}, [memo.pk]),
        ({"signed_to": today - timedelta(days=1)}, [old.pk]),
        ({"signed_from": month_ago, "signed_to": month_ago}, [old.pk]),
        ({"security_class": "restricted"}, [memo.pk]),
        ({"letter_type": "official_letter"}, [old.pk]),
        ({"classification": child.code}, [old.pk]),
        ({"classification": "000.1"}, [memo.pk, old.pk]),
        ({"number": memo.number.lower()}, [memo.pk]),
        ({"number": memo.number[:-1]}, []),
    ]
    for filters, expected in cases:
        assert listed(operator, opd, **filters) == expected, filters
        assert found(operator, opd, "rapat", **filters) == expected, filters


@pytest.fixture
def thirty_letters(sign):
    """Five letters about computers and twenty-five about the network, each in its own "tahap"."""
    return [
        sign(subject=f"Pengadaan komputer tahap {n}" if n < 5 else f"Pemeliharaan jaringan tahap {n}")
        for n in range(30)
    ]


def test_a_page_costs_the_same_queries_for_5_or_30_rows(
    opd, operator, thirty_letters, django_assert_num_queries
):
    for rows, words in ((5, "komputer"), (30, "tahap")):
        with django_assert_num_queries(QUERIES_PER_PAGE):
            page = outgoing_register(user=operator, opd_id=opd.pk, limit=rows)
        with django_assert_num_queries(QUERIES_PER_PAGE + 1):  # a classification filter: one more
            outgoing_register(
                user=operator, opd_id=opd.pk, filters=RegisterFilters(classification="000.1"), limit=rows
            )
        with django_assert_num_queries(QUERIES_PER_SEARCH):
            search = search_outgoing_register(user=operator, opd_id=opd.pk, query=words)
        assert len(page) == rows and len(search.hits) == min(rows, PAGE_SIZE)
        assert all(hit.letter.addressees for hit in page + search.hits)


def test_keyset_pages_walk_every_letter_once_newest_first(opd, sign, operator):
    letters = [sign(subject=f"Surat ke-{n}") for n in range(5)]
    seen, after = [], None
    while page := outgoing_register(user=operator, opd_id=opd.pk, after=after, limit=2):
        seen += [hit.letter.pk for hit in page]
        after = (page[-1].letter.signed_at, page[-1].letter.pk)
    assert seen == [letter.pk for letter in reversed(letters)]


# ── The page ─────────────────────────────────────────────────────────────────────────────────


def test_the_page_searches_with_a_plain_get_and_htmx_gets_only_the_results(client, sign, operator):
    letter = sign(subject="Undangan rapat evaluasi SPBE")
    sign(subject="Laporan bulanan")
    client.force_login(operator)

    page = client.get(REGISTER_URL, {"q": "undangan"}).content.decode()
    assert "<mark>Undangan</mark> rapat evaluasi SPBE" in page and "Laporan bulanan" not in page
    assert "1 surat cocok" in page and "<h1" in page

    partial = client.get(REGISTER_URL, {"letter_type": "official_letter"}, headers={"HX-Request": "true"})
    assert letter.number in partial.content.decode() and "<h1" not in partial.content.decode()
    assert "HX-Request" in partial["Vary"]


def test_bad_input_gets_a_message_keeps_what_was_typed_and_lists_nothing(client, sign, operator, today):
    letter = sign()
    client.force_login(operator)
    response = client.get(
        REGISTER_URL, {"signed_from": today.isoformat(), "signed_to": (today - timedelta(days=1)).isoformat()}
    )
    page = response.content.decode()
    assert response.status_code == 200 and letter.number not in page
    assert "tidak boleh sebelum tanggal “Ditandatangani dari”" in page
    assert f'value="{today.isoformat()}"' in page


# ── Envelopes ────────────────────────────────────────────────────────────────────────────────


def test_the_envelopes_are_one_dl_page_per_recipient_with_the_kop_and_number(
    client, opd, other_opd, sign, operator, make_position
):
    other_head = make_position(name="Kepala Dinas Sosial", opd=other_opd, heads_opd=True)
    letter = sign(
        recipients=[
            RecipientSpec(kind=OutgoingRecipient.Kind.COPY, name="Inspektur Provinsi"),
            RecipientSpec(
                kind=OutgoingRecipient.Kind.TO,
                name="Bupati Tanjung Mas",
                institution="Pemerintah Kabupaten Tanjung Mas",
                address="Jl. Merdeka No. 1, Tanjung Mas",
            ),
            RecipientSpec(kind=OutgoingRecipient.Kind.TO, position=other_head),
        ],
        subject="Perihal yang tidak dicetak pada amplop",
    )
    client.force_login(operator)
    response = client.get(reverse("surat_keluar:envelope", args=[letter.pk]))

    assert response["Content-Type"] == "application/pdf"
    pages = PdfReader(BytesIO(b"".join(response.streaming_content))).pages
    texts = [" ".join(page.extract_text().split()) for page in pages]
    assert len(pages) == 3
    assert (round(pages[0].mediabox.width / 72 * 25.4), round(pages[0].mediabox.height / 72 * 25.4)) == (
        220,
        110,
    )
    assert "Yth. Bupati Tanjung Mas" in texts[0] and "Jl. Merdeka No. 1, Tanjung Mas" in texts[0]
    assert "Yth. Kepala Dinas Sosial" in texts[1] and "Dinas Sosial" in texts[1]
    assert "Yth. Inspektur Provinsi" in texts[2] and "di Tempat" in texts[2]
    for text in texts:
        assert letter.number in text and opd.name.upper() in text
        assert "tidak dicetak" not in text


def test_only_the_sender_opds_operators_print_envelopes(
    client, opd, other_opd, sign, head, make_operator, make_user
):
    letter = sign()
    url = reverse("surat_keluar:envelope", args=[letter.pk])
    for outsider in (make_operator(opd=other_opd), make_user(), head):
        client.force_login(outsider)
        assert client.get(url).status_code == 404, "no hint that the letter exists"
    client.force_login(make_operator(opd=opd))
    assert client.get(url).status_code == 200
