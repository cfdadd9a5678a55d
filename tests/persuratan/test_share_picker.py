"""Sharing a letter chooses the person by typing: the search answers only someone offered to share
that letter, and only active staff; a person it does not offer is refused even when posted by hand;
posted with "Cari" (without JavaScript) the letter's page offers the matches and shares nothing; the
page costs the same queries however many people the province has."""

import re

import pytest
from django.urls import reverse

from kantor_virtual.models import Event
from organisasi.models import User
from persuratan.models import SecurityClass
from persuratan.selectors import letter_access
from tests.queries import drawn_as_it_grows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_second_factor")]


@pytest.fixture
def desk(opd, make_position, make_user, register):
    """A letter to the Kepala Dinas, its reader, a colleague to share it with, and people who must not
    be offered: a citizen and a deactivated account bearing the same name."""
    kadis = make_position(name="Kepala Dinas", heads_opd=True)
    return {
        "letter": register(opd=opd, to=[kadis]),
        "reader": make_user(holds=kadis, full_name="Hendra Siregar"),
        "colleague": make_user(full_name="Rina Kartika", email="rina@kominfos.go.id"),
        "citizen": make_user(full_name="Rina Kartika Sari", nip=None, employment=User.Employment.PUBLIC),
        "gone": make_user(full_name="Rina Kartikasari", is_active=False),
        "bystander": make_user(full_name="Orang Lain"),
    }


def _search(client, letter, words: str):
    return client.get(reverse("persuratan:share_people", args=[letter.pk]), {"person_cari": words})


def _labels(response) -> list[str]:
    return re.findall(r'data-label="([^"]*)"', response.content.decode())


def _shared_with(letter, person) -> bool:
    return letter_access(user=person, letter=letter).full


def test_the_search_finds_active_staff_by_name_nip_or_e_mail_and_never_the_public(client, desk):
    client.force_login(desk["reader"])
    letter, colleague = desk["letter"], desk["colleague"]

    assert _labels(_search(client, letter, "rina")) == ["Rina Kartika"]
    assert _labels(_search(client, letter, colleague.nip)) == ["Rina Kartika"]
    assert _labels(_search(client, letter, "RINA@kominfos.go.id")) == ["Rina Kartika"]
    assert f"NIP {colleague.nip}" in _search(client, letter, "rina").content.decode()
    assert _labels(_search(client, letter, " ")) == []


def test_only_someone_offered_to_share_the_letter_may_search(
    client, desk, opd, make_position, make_user, register
):
    letter = desk["letter"]
    client.force_login(desk["bystander"])
    assert _search(client, letter, "rina").status_code == 404, "a letter they cannot see"

    kabid = make_position(name="Kepala Bidang Persandian")
    secret = register(opd=opd, to=[kabid], security_class=SecurityClass.SECRET)
    client.force_login(make_user(holds=kabid))
    assert _search(client, secret, "rina").status_code == 404, "a rahasia letter is never shared"
    client.force_login(desk["reader"])
    assert _search(client, secret, "rina").status_code == 404, "nor found by someone it is not for"

    client.logout()
    assert _search(client, letter, "rina").status_code == 302


def test_sharing_with_the_person_chosen_lets_them_read_the_letter(client, desk):
    letter, colleague = desk["letter"], desk["colleague"]
    client.force_login(desk["reader"])

    response = client.post(
        reverse("persuratan:share", args=[letter.pk]), {"person": colleague.pk}, follow=True
    )

    assert "Surat dibagikan kepada Rina Kartika" in response.content.decode()
    assert _shared_with(letter, colleague)
    assert Event.objects.filter(verb="shared").count() == 1


@pytest.mark.parametrize("who", ["citizen", "gone", "nobody"])
def test_someone_the_picker_does_not_offer_is_refused_when_posted_by_hand(client, desk, who):
    letter = desk["letter"]
    person_id = desk[who].pk if who != "nobody" else 999_999
    client.force_login(desk["reader"])

    response = client.post(reverse("persuratan:share", args=[letter.pk]), {"person": person_id}, follow=True)

    page = response.content.decode()
    assert "Pegawai itu tidak dapat dipilih: surat hanya dapat dibagikan kepada pegawai aktif." in page
    assert not Event.objects.filter(verb="shared").exists()
    if who != "nobody":
        assert not _shared_with(letter, desk[who])


def test_sharing_without_a_choice_asks_for_one(client, desk):
    client.force_login(desk["reader"])
    response = client.post(reverse("persuratan:share", args=[desk["letter"].pk]), {}, follow=True)
    assert "Pilih pegawai yang akan menerima surat ini." in response.content.decode()


def test_a_share_posted_with_cari_shows_the_letter_with_the_matches_and_shares_nothing(client, desk):
    letter, colleague = desk["letter"], desk["colleague"]
    client.force_login(desk["reader"])

    response = client.post(
        reverse("persuratan:share", args=[letter.pk]), {"person_cari": "rina", "_cari": "person"}
    )

    page = response.content.decode()
    assert response.status_code == 200 and letter.subject in page, "the letter's own page"
    assert f'name="person" value="{colleague.pk}">' in page, "the match is a box to tick"
    assert "1 pegawai cocok dengan “rina”" in page
    assert "Rina Kartika Sari" not in page and "Rina Kartikasari" not in page
    assert "is-invalid" not in page and "alert-danger" not in page, "a search is not an error"
    assert not Event.objects.filter(verb="shared").exists()
    assert not _shared_with(letter, colleague)


def test_cari_on_a_letter_they_cannot_see_is_a_404(client, desk):
    client.force_login(desk["bystander"])
    response = client.post(
        reverse("persuratan:share", args=[desk["letter"].pk]), {"person_cari": "rina", "_cari": "person"}
    )
    assert response.status_code == 404


def test_the_letter_page_costs_the_same_queries_for_5_or_50_more_people(client, desk, make_user):
    url = desk["letter"].get_absolute_url()
    client.force_login(desk["reader"])
    client.get(url)  # the letter read

    def grow(numbers):
        for number in numbers:
            make_user(full_name=f"Pegawai Tambahan {number}")

    page = drawn_as_it_grows(client, url, grow=grow)
    assert "Pegawai Tambahan" not in page, "people are found by typing, never listed"
