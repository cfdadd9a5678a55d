"""The drafting and register pages choose positions by typing: each answers only what its user may
choose, a bounded number of rows in a stable order, with constant queries; posted without
JavaScript ("Cari") it offers the matches and saves nothing; a position it does not offer is refused
even when posted by hand (an a.n. the signing rules forbid: test_signing_authority.py)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisasi.models import Position
from organisasi.selectors import PICKER_ROWS
from persuratan.models import Classification, IncomingLetter, OutgoingLetter
from tests.factories import OpdFactory
from tests.persuratan.conftest import draft_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_otp(settings):
    settings.OTP_REQUIRED = False


def _options(response) -> list[str]:
    """The labels of a picker's answer, in its order."""
    return re.findall(r'data-label="([^"]*)"', response.content.decode())


def _draft_page(client) -> str:
    return client.get(reverse("surat_keluar:new"), {"jenis": "internal_memo"}).content.decode()


# ── Drafting ─────────────────────────────────────────────────────────────────────────────────


def test_the_draft_page_lists_no_province_only_the_chain_and_the_heads_of_opds(client, chain, make_position):
    for number in range(30):
        make_position(name=f"Analis Kebijakan {number}", parent=chain["kabid"], kind="fungsional")
    client.force_login(chain["staf_user"])
    page = _draft_page(client)

    assert "<option" not in page.split('name="signer_position"')[1].split("</div>")[0]
    assert "Analis Kebijakan" not in page, "positions are found by typing, never listed"
    assert 'data-label="Kepala Dinas Sosial — ' in page, "the heads of OPDs are offered to receive"
    assert f'value="{chain["kadis"].pk}" checked' in page, "the OPD's head signs unless changed"


def test_the_draft_page_costs_the_same_queries_for_ten_or_two_hundred_positions(
    client, chain, make_position, django_assert_max_num_queries
):
    client.force_login(chain["staf_user"])
    _draft_page(client)  # the session and caches settle
    with CaptureQueriesContext(connection) as small:
        _draft_page(client)
    queries = len(small)
    for number in range(200):
        make_position(name=f"Pengelola Data {number}", parent=chain["kabid"], kind="pelaksana")
    for number in range(20):
        make_position(name=f"Kepala Badan {number}", opd=OpdFactory(), heads_opd=True)
    _draft_page(client)  # a changed organisation is read once again, as on any page
    with django_assert_max_num_queries(queries):
        _draft_page(client)


def test_the_drafting_search_finds_any_open_position_of_the_province_best_first(
    client, chain, make_position, today
):
    closed = make_position(name="Kepala Dinas Sosial Lama", opd=chain["other_head"].opd, closed_on=today)
    client.force_login(chain["staf_user"])
    answer = client.get(reverse("surat_keluar:positions"), {"addressees_cari": "dinas sos"})

    assert answer.status_code == 200
    assert _options(answer) == [f"Kepala Dinas Sosial — {chain['other_head'].opd.short_name}"]
    assert closed.name not in answer.content.decode()
    assert _options(client.get(reverse("surat_keluar:positions"), {"addressees_cari": "  "})) == []


def test_the_drafting_search_finds_a_position_by_its_holders_name(client, chain):
    client.force_login(chain["staf_user"])
    answer = client.get(reverse("surat_keluar:positions"), {"signer_position_cari": "siregar"})
    assert _options(answer) == [f"Kepala Dinas Kominfos — {chain['kadis'].opd.short_name}"]
    assert "Hendra Siregar" in answer.content.decode(), "the holder is named beside the position"


def test_the_drafting_search_answers_a_bounded_number_of_rows_in_a_stable_order(
    client, chain, make_position, django_assert_max_num_queries
):
    for number in range(PICKER_ROWS + 15):
        make_position(name=f"Pranata Humas {number:02}", parent=chain["kabid"], kind="fungsional")
    client.force_login(chain["staf_user"])
    url = reverse("surat_keluar:positions")
    client.get(url, {"copies_cari": "pranata humas"})
    with django_assert_max_num_queries(8):
        first = _options(client.get(url, {"copies_cari": "pranata humas"}))
    again = _options(client.get(url, {"copies_cari": "pranata humas"}))
    assert len(first) == PICKER_ROWS and first == again


def test_only_someone_acting_for_a_position_may_search_the_drafting_picker(client, make_user):
    client.force_login(make_user())
    assert client.get(reverse("surat_keluar:positions"), {"addressees_cari": "kepala"}).status_code == 403
    client.logout()
    assert client.get(reverse("surat_keluar:positions"), {"addressees_cari": "kepala"}).status_code == 302


def test_a_draft_posted_with_cari_offers_the_matches_keeps_the_choices_and_saves_nothing(
    client, chain, classification
):
    client.force_login(chain["staf_user"])
    response = client.post(
        reverse("surat_keluar:new") + "?jenis=internal_memo",
        draft_form_data(
            chain,
            classification,
            addressees=[str(chain["other_head"].pk)],
            copies_cari="sekretaris",
            _cari="copies",
        ),
    )
    page = response.content.decode()

    assert response.status_code == 200 and not OutgoingLetter.objects.exists()
    assert "Rapat evaluasi SPBE" in page, "what was typed stays"
    assert f'name="addressees" value="{chain["other_head"].pk}" checked' in page
    assert f'name="copies" value="{chain["sekdis"].pk}">' in page, "the match is a box to tick"
    assert "1 jabatan cocok dengan “sekretaris”" in page
    assert "is-invalid" not in page and "alert-danger" not in page, "a search is not an error"


def test_a_closed_position_posted_by_hand_as_signer_or_addressee_is_refused(
    client, chain, classification, today
):
    Position.objects.filter(pk=chain["other_head"].pk).update(closed_on=today)
    client.force_login(chain["staf_user"])
    response = client.post(
        reverse("surat_keluar:new") + "?jenis=internal_memo", draft_form_data(chain, classification)
    )
    assert response.status_code == 200 and not OutgoingLetter.objects.exists()
    assert "Jabatan itu tidak dapat dipilih di sini" in response.content.decode()


def test_recent_addressees_are_offered_first_to_receive(
    client, chain, classification, make_position, other_opd
):
    bappeda = make_position(name="Kepala Bappeda", opd=other_opd, heads_opd=False)
    client.force_login(chain["staf_user"])
    client.post(
        reverse("surat_keluar:new") + "?jenis=internal_memo",
        draft_form_data(chain, classification, addressees=[str(bappeda.pk)]),
    )
    assert OutgoingLetter.objects.count() == 1
    page = _draft_page(client)
    offered = page.split('id="id_addressees_daftar"')[1].split("</ul>")[0]
    labels = re.findall(r'data-label="([^"]*)"', offered)
    assert labels[0].startswith("Kepala Bappeda"), "the latest addressee first, then the heads of OPDs"


# ── Registering ──────────────────────────────────────────────────────────────────────────────


@pytest.fixture
def desk(client, opd, other_opd, make_position, make_operator, classification):
    kadis = make_position(name="Kepala Dinas", heads_opd=True)
    kabid = make_position(name="Kepala Bidang Aplikasi", parent=kadis)
    kasi = make_position(name="Kepala Seksi Persandian", parent=kabid)
    elsewhere = make_position(name="Kepala Seksi Persandian Dinsos", opd=other_opd)
    client.force_login(make_operator(opd=opd))
    return {"kadis": kadis, "kabid": kabid, "kasi": kasi, "elsewhere": elsewhere}


def test_the_register_search_finds_only_the_operators_own_opd(client, desk, opd):
    answer = client.get(reverse("persuratan:positions"), {"opd": opd.code, "addressees_cari": "persandian"})
    assert _options(answer) == [f"Kepala Seksi Persandian — {opd.short_name}"]


def test_an_operator_may_not_search_another_opds_positions(client, desk, other_opd):
    answer = client.get(reverse("persuratan:positions"), {"opd": other_opd.code, "addressees_cari": "kepala"})
    assert answer.status_code == 403


def test_the_register_offers_the_head_chosen_and_those_right_below_before_typing(client, desk, opd):
    page = client.get(reverse("persuratan:register"), {"opd": opd.code}).content.decode()
    assert f'name="addressees" value="{desk["kadis"].pk}" checked' in page
    assert 'data-label="Kepala Bidang Aplikasi — ' in page
    assert "Kepala Seksi Persandian" not in page, "deeper positions are found by typing"


def test_a_position_of_another_opd_posted_to_the_register_by_hand_is_refused(
    client, desk, opd, today, make_scan
):
    data = {
        "opd": opd.code,
        "sender_kind": "institution",
        "sender_name": "Badan Pusat Statistik Provinsi",
        "sender_number": "B-9/BPS/2026",
        "letter_date": today.isoformat(),
        "received_on": today.isoformat(),
        "subject": "Permintaan data",
        "letter_type": "official_letter",
        "security_class": "ordinary",
        "urgency": "normal",
        "classification": str(Classification.objects.get(code="000.1.2").pk),
        "attachment_count": "0",
        "addressees": [str(desk["elsewhere"].pk)],
        "scans": [make_scan(text="Permintaan data")],
    }
    response = client.post(reverse("persuratan:register"), data)
    assert response.status_code == 200 and not IncomingLetter.objects.exists()
    assert "Jabatan itu tidak dapat dipilih di sini" in response.content.decode()
    assert "B-9/BPS/2026" in response.content.decode()
