"""The service form chooses its addressee by typing: the search answers only the open positions of an
OPD the admin keeps the services of; a position it does not offer is refused even when posted by
hand; posted with "Cari" (without JavaScript) the form offers the matches and saves nothing; the form
costs the same queries however many positions the OPD has."""

import re

import pytest
from django.urls import reverse

from layanan_publik.models import Service
from tests.queries import drawn_as_it_grows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_second_factor")]

NOT_OFFERED = "Jabatan itu tidak dapat dipilih di sini"  # organisasi.pickers.PositionPicker


@pytest.fixture
def dinsos_admin(dinsos, make_admin_opd):
    return make_admin_opd(opd=dinsos, full_name="Admin Dinsos")


@pytest.fixture
def dinsos_desk(dinsos, dinsos_head, make_position, today):
    """Below the Kepala Dinas Sosial: a Sekretaris (right below) and a Kasi (deeper); a closed post."""
    sekdis = make_position(name="Sekretaris Dinas Sosial", opd=dinsos, parent=dinsos_head)
    kabid = make_position(name="Kepala Bidang Rehabilitasi Sosial", opd=dinsos, parent=dinsos_head)
    kasi = make_position(name="Kepala Seksi Rehabilitasi Anak", opd=dinsos, parent=kabid)
    closed = make_position(name="Kepala Seksi Rehabilitasi Lama", opd=dinsos, parent=kabid, closed_on=today)
    return {"head": dinsos_head, "sekdis": sekdis, "kabid": kabid, "kasi": kasi, "closed": closed}


def _search(client, opd_code: str, words: str):
    return client.get(reverse("layanan:positions"), {"opd": opd_code, "addressee_cari": words})


def _labels(response) -> list[str]:
    return re.findall(r'data-label="([^"]*)"', response.content.decode())


def _service_post(service, **overrides) -> dict:
    data = {
        "name": service.name,
        "slug": service.slug,
        "channel": service.channel,
        "sla_days": service.sla_days,
        "fee_amount": service.fee_amount,
        "product": service.product,
        "classification": service.classification_id,
        "addressee": service.addressee_id,
        "active": "on",
    }
    return data | overrides


def test_the_search_finds_the_opds_open_positions_only(client, dinsos_admin, dinsos_desk, make_position):
    make_position(name="Kepala Seksi Rehabilitasi Jaringan")  # Diskominfos: another OPD
    client.force_login(dinsos_admin)

    assert _labels(_search(client, "DINSOS", "rehabilitasi")) == [
        "Kepala Bidang Rehabilitasi Sosial — Dinsos",
        "Kepala Seksi Rehabilitasi Anak — Dinsos",
    ]
    assert _labels(_search(client, "DINSOS", "")) == []


@pytest.mark.parametrize("who", ["admin of another OPD", "staff"])
def test_nobody_searches_the_positions_of_an_opd_whose_services_they_do_not_keep(
    client, who, opd, dinsos_desk, make_admin_opd, make_user
):
    client.force_login(make_admin_opd(opd=opd) if who == "admin of another OPD" else make_user())
    assert _search(client, "DINSOS", "rehabilitasi").status_code == 403
    client.logout()
    assert _search(client, "DINSOS", "rehabilitasi").status_code == 302


def test_the_form_offers_the_head_chosen_and_those_right_below_before_typing(
    client, dinsos_admin, dinsos_desk
):
    client.force_login(dinsos_admin)
    page = client.get(reverse("layanan:create"), {"opd": "DINSOS"}).content.decode()

    assert f'name="addressee" value="{dinsos_desk["head"].pk}" checked' in page
    assert f'name="addressee" value="{dinsos_desk["sekdis"].pk}">' in page
    assert "Kepala Seksi Rehabilitasi Anak" not in page, "deeper positions are found by typing"
    assert "<option" not in page.split('name="addressee"')[1].split("</div>")[0]


@pytest.mark.parametrize("outside", ["another OPD", "closed", "missing"])
def test_a_position_the_picker_does_not_offer_is_refused_when_posted_by_hand(
    client, outside, dinsos_admin, dinsos_desk, service, make_position
):
    forbidden = {
        "another OPD": lambda: make_position(name="Kepala Dinas Kominfos", heads_opd=True).pk,
        "closed": lambda: dinsos_desk["closed"].pk,
        "missing": lambda: 999_999,
    }[outside]()
    client.force_login(dinsos_admin)

    response = client.post(
        reverse("layanan:edit", args=[service.pk]),
        _service_post(service, name="Nama Baru", addressee=forbidden),
    )

    assert response.status_code == 200
    assert NOT_OFFERED in response.content.decode()
    assert 'value="Nama Baru"' in response.content.decode(), "what was typed stays"
    service.refresh_from_db()
    assert (service.name, service.addressee_id) == (
        "Tanda Daftar Lembaga Kesejahteraan Sosial",
        dinsos_desk["head"].pk,
    )


def test_the_addressee_chosen_by_typing_is_saved(client, dinsos_admin, dinsos_desk, service):
    client.force_login(dinsos_admin)
    response = client.post(
        reverse("layanan:edit", args=[service.pk]), _service_post(service, addressee=dinsos_desk["kasi"].pk)
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.addressee == dinsos_desk["kasi"]


def test_a_service_posted_with_cari_offers_the_matches_and_saves_nothing(
    client, dinsos_admin, dinsos_desk, service
):
    client.force_login(dinsos_admin)

    response = client.post(
        reverse("layanan:edit", args=[service.pk]),
        _service_post(service, name="Nama Baru", addressee_cari="seksi anak", _cari="addressee"),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Nama Baru"' in page, "what was typed stays"
    assert f'name="addressee" value="{dinsos_desk["head"].pk}" checked' in page, "the choice stays"
    assert f'name="addressee" value="{dinsos_desk["kasi"].pk}">' in page, "the match is a box to tick"
    assert "1 jabatan cocok dengan “seksi anak”" in page
    assert "is-invalid" not in page and "alert-danger" not in page, "a search is not an error"
    service.refresh_from_db()
    assert service.name == "Tanda Daftar Lembaga Kesejahteraan Sosial"
    assert Service.objects.count() == 1


def test_the_service_form_costs_the_same_queries_for_5_or_50_more_positions(
    client, dinsos, dinsos_admin, dinsos_desk, make_position
):
    url = f"{reverse('layanan:create')}?opd=DINSOS"
    client.force_login(dinsos_admin)

    def add(numbers):
        for number in numbers:
            make_position(name=f"Analis Layanan {number}", opd=dinsos, parent=dinsos_desk["kabid"])

    page = drawn_as_it_grows(client, url, grow=add)
    assert "Analis Layanan" not in page, "positions are found by typing, never listed"
