"""The new-person form chooses the definitive position by typing: the search answers only the open
positions of an OPD the admin administers; a position it does not offer is refused even when posted
by hand; posted with "Cari" (without JavaScript) the form offers the matches and adds nobody; the
form costs the same queries however many positions the OPD has."""

import re

import pytest
from django.urls import reverse

from organisasi.models import User
from tests.queries import drawn_as_it_grows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_second_factor")]

NIP = "199203142019031004"
NOT_OFFERED = "Jabatan itu tidak dapat dipilih di sini"  # organisasi.pickers.PositionPicker


@pytest.fixture
def desk(opd, other_opd, make_position, today):
    kadis = make_position(name="Kepala Dinas Kominfos", heads_opd=True)
    kabid = make_position(name="Kepala Bidang Persandian", parent=kadis)
    return {
        "kadis": kadis,
        "kabid": kabid,
        "kasi": make_position(name="Kepala Seksi Persandian Daerah", parent=kabid),
        "closed": make_position(name="Kepala Seksi Persandian Lama", parent=kabid, closed_on=today),
        "dinsos": make_position(name="Kepala Seksi Persandian Sosial", opd=other_opd),
    }


def _search(client, opd_code: str, words: str):
    return client.get(reverse("organisasi:person_positions"), {"opd": opd_code, "position_cari": words})


def _labels(response) -> list[str]:
    return re.findall(r'data-label="([^"]*)"', response.content.decode())


def _person(opd, **fields) -> dict:
    return {
        "nip": NIP,
        "full_name": "Budi Santoso",
        "employment": "asn",
        "opd": opd.pk,
        "decree_number": "821.2/0042/BKD/2026",
    } | fields


def test_the_search_finds_the_open_positions_of_the_opd_only(client, admin, opd, desk):
    client.force_login(admin)
    assert sorted(_labels(_search(client, opd.code, "persandian"))) == [
        "Kepala Bidang Persandian — Diskominfos",
        "Kepala Seksi Persandian Daerah — Diskominfos",
    ]


def test_an_admin_of_another_opd_or_plain_staff_search_none_of_its_positions(
    client, opd, other_opd, desk, make_admin_opd, make_user
):
    client.force_login(make_admin_opd(opd=other_opd))
    assert _search(client, opd.code, "persandian").status_code == 404
    assert _labels(_search(client, other_opd.code, "persandian")) == [
        "Kepala Seksi Persandian Sosial — Dinsos"
    ]
    client.force_login(make_user())
    assert _search(client, opd.code, "persandian").status_code == 404
    client.logout()
    assert _search(client, opd.code, "persandian").status_code == 302


def test_the_form_offers_the_head_and_those_right_below_before_typing(client, admin, opd, desk):
    client.force_login(admin)
    page = client.get(reverse("organisasi:person_create"), {"opd": opd.code}).content.decode()

    assert f'name="position" value="{desk["kadis"].pk}">' in page
    assert f'name="position" value="{desk["kabid"].pk}">' in page
    assert "Kepala Seksi Persandian Daerah" not in page, "deeper positions are found by typing"
    assert 'name="position" value="" checked' in page, "none until one is chosen"


@pytest.mark.parametrize("outside", ["dinsos", "closed"])
def test_a_position_the_picker_does_not_offer_is_refused_when_posted_by_hand(
    client, admin, opd, desk, outside
):
    client.force_login(admin)

    response = client.post(reverse("organisasi:person_create"), _person(opd, position=desk[outside].pk))

    page = response.content.decode()
    assert response.status_code == 200
    assert NOT_OFFERED in page and 'value="Budi Santoso"' in page
    assert not User.objects.filter(nip=NIP).exists()


def test_a_person_is_added_in_the_position_chosen_by_typing(client, admin, opd, desk):
    client.force_login(admin)
    response = client.post(reverse("organisasi:person_create"), _person(opd, position=desk["kasi"].pk))
    assert response.status_code == 200 and "hanya ditampilkan sekali" in response.content.decode()
    assert User.objects.get(nip=NIP).assignments.get().position == desk["kasi"]


def test_the_form_posted_with_cari_offers_the_matches_and_adds_nobody(client, admin, opd, desk):
    client.force_login(admin)

    response = client.post(
        reverse("organisasi:person_create"),
        _person(opd, position_cari="seksi persandian", _cari="position"),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Budi Santoso"' in page and f'value="{NIP}"' in page, "what was typed stays"
    assert f'name="position" value="{desk["kasi"].pk}">' in page, "the match is a box to tick"
    assert "1 jabatan cocok dengan “seksi persandian”" in page
    assert "is-invalid" not in page and "alert-danger" not in page, "a search is not an error"
    assert not User.objects.filter(nip=NIP).exists()


def test_the_form_costs_the_same_queries_for_5_or_50_more_positions(client, admin, opd, desk, make_position):
    url = f"{reverse('organisasi:person_create')}?opd={opd.code}"
    client.force_login(admin)

    def add(numbers):
        for number in numbers:
            make_position(name=f"Analis Data {number}", parent=desk["kasi"], kind="fungsional")

    page = drawn_as_it_grows(client, url, grow=add)
    assert "Analis Data" not in page, "positions are found by typing, never listed"
