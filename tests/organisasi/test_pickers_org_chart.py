"""The org chart's forms choose by typing: a superior among `parent_choices` of the OPD being edited
(its own positions and the province-level chain, never a moving position's subordinates), and the
person to appoint among active staff. Each search answers only an admin of that OPD; a choice it does
not offer is refused even when posted by hand; posted with "Cari" (without JavaScript) the page offers
the matches and changes nothing; the pages cost the same queries however many positions there are."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from kantor_virtual.models import Event
from organisasi.models import Assignment, Position, RoleGrant, User
from tests.factories import OpdFactory
from tests.queries import drawn_as_it_grows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_second_factor")]

NOT_A_PARENT = "Jabatan itu tidak dapat menjadi atasan di sini"


@pytest.fixture
def chart(opd, other_opd, make_position):
    """Diskominfos under an Asisten of the Setda (province level), beside a Kasi of Dinsos (not)."""
    setda = OpdFactory(province=opd.province, code="SETDA", name="Sekretariat Daerah", short_name="Setda")
    asisten = make_position(name="Asisten Perekonomian dan Pembangunan", opd=setda, eselon="II.a")
    kadis = make_position(name="Kepala Dinas Kominfos", heads_opd=True, eselon="II.a", parent=asisten)
    sekdis = make_position(name="Sekretaris Dinas Kominfos", parent=kadis)
    kabid = make_position(name="Kepala Bidang Persandian", parent=kadis)
    kasi = make_position(name="Kepala Seksi Persandian Daerah", parent=kabid)
    dinsos_head = make_position(name="Kepala Dinas Sosial", opd=other_opd, heads_opd=True, parent=asisten)
    dinsos_kasi = make_position(name="Kepala Seksi Persandian Sosial", opd=other_opd, parent=dinsos_head)
    return {
        "asisten": asisten,
        "kadis": kadis,
        "sekdis": sekdis,
        "kabid": kabid,
        "kasi": kasi,
        "dinsos_kasi": dinsos_kasi,
    }


def _labels(response) -> list[str]:
    return re.findall(r'data-label="([^"]*)"', response.content.decode())


def _parents(client, **params):
    return client.get(reverse("organisasi:org_chart_parents"), params)


def _details(page: str, summary: str) -> str:
    """The <details> of the position page whose summary is `summary`."""
    return page.split(f">{summary}</summary>")[1].split("</details>")[0]


# ── Superiors ────────────────────────────────────────────────────────────────────────────────


def test_the_superior_search_offers_the_opds_positions_and_the_province_level_chain(
    client, admin, opd, chart
):
    client.force_login(admin)

    assert sorted(_labels(_parents(client, opd=opd.code, parent_cari="persandian"))) == [
        "Kepala Bidang Persandian — Diskominfos",
        "Kepala Seksi Persandian Daerah — Diskominfos",
    ], "Dinsos' Kasi may not head a position of Diskominfos"
    assert _labels(_parents(client, opd=opd.code, parent_cari="asisten")) == [
        "Asisten Perekonomian dan Pembangunan — Setda"
    ]


def test_moving_a_position_the_search_leaves_out_it_and_its_subordinates(client, admin, chart):
    client.force_login(admin)
    found = _labels(_parents(client, jabatan=chart["kabid"].pk, **{"pindah-new_parent_cari": "kepala"}))
    assert "Kepala Dinas Kominfos — Diskominfos" in found
    assert not {
        "Kepala Bidang Persandian — Diskominfos",
        "Kepala Seksi Persandian Daerah — Diskominfos",
    } & set(found)


def test_an_admin_of_another_opd_searches_none_of_this_opds_superiors(
    client, opd, other_opd, chart, make_user, grant_role
):
    outsider = grant_role(make_user(), RoleGrant.Role.ADMIN_OPD, other_opd)
    client.force_login(outsider)

    assert _parents(client, opd=opd.code, parent_cari="kepala").status_code == 404
    assert (
        _parents(client, jabatan=chart["kabid"].pk, **{"pindah-new_parent_cari": "kepala"}).status_code == 404
    )
    assert _parents(client, jabatan="x", **{"pindah-new_parent_cari": "kepala"}).status_code == 404
    own = _labels(_parents(client, opd=other_opd.code, parent_cari="persandian"))
    assert own == ["Kepala Seksi Persandian Sosial — Dinsos"], "their own OPD's, never Diskominfos' Kasi"


def test_the_position_page_suggests_the_current_superior_the_head_and_those_right_below(client, admin, chart):
    client.force_login(admin)
    page = client.get(reverse("organisasi:org_chart_position", args=[chart["kasi"].pk])).content.decode()
    move = _details(page, "Pindahkan ke atasan lain")

    assert f'name="pindah-new_parent" value="{chart["kabid"].pk}" checked' in move, "the current superior"
    assert f'name="pindah-new_parent" value="{chart["kadis"].pk}">' in move
    assert f'name="pindah-new_parent" value="{chart["sekdis"].pk}">' in move
    assert "Asisten" not in move, "other OPDs' positions are found by typing"

    page = client.get(reverse("organisasi:org_chart_position", args=[chart["kadis"].pk])).content.decode()
    move = _details(page, "Pindahkan ke atasan lain")
    assert f'value="{chart["asisten"].pk}" checked' in move, "a superior of another OPD stays chosen"
    assert "Sekretaris Dinas" not in move, "its own subordinates are never offered"


@pytest.mark.parametrize("forbidden", ["dinsos_kasi", "kasi", "missing"])
def test_a_superior_the_move_picker_does_not_offer_is_refused_when_posted_by_hand(
    client, admin, chart, forbidden
):
    """Dinsos' Kasi is of another OPD and not province level; the Kasi is below the Kabid moved."""
    target = chart[forbidden].pk if forbidden != "missing" else 999_999
    client.force_login(admin)
    before = Event.objects.count()

    response = client.post(
        reverse("organisasi:org_chart_position_move", args=[chart["kabid"].pk]), {"pindah-new_parent": target}
    )

    assert response.status_code == 200 and NOT_A_PARENT in response.content.decode()
    assert Position.objects.get(pk=chart["kabid"].pk).parent_id == chart["kadis"].pk
    assert Event.objects.count() == before


@pytest.mark.parametrize("forbidden", ["dinsos_kasi", "missing"])
def test_a_superior_the_new_position_picker_does_not_offer_is_refused_when_posted_by_hand(
    client, admin, opd, chart, forbidden
):
    target = chart[forbidden].pk if forbidden != "missing" else 999_999
    client.force_login(admin)

    response = client.post(
        f"{reverse('organisasi:org_chart_position_create')}?opd={opd.code}",
        {"name": "Jabatan Baru", "kind": "pelaksana", "parent": target},
    )

    assert response.status_code == 200 and NOT_A_PARENT in response.content.decode()
    assert 'value="Jabatan Baru"' in response.content.decode(), "what was typed stays"
    assert not Position.objects.filter(name="Jabatan Baru").exists()


def test_a_move_posted_with_cari_offers_the_matches_and_moves_nothing(client, admin, chart):
    client.force_login(admin)

    response = client.post(
        reverse("organisasi:org_chart_position_move", args=[chart["kasi"].pk]),
        {
            "pindah-new_parent": chart["kabid"].pk,
            "pindah-new_parent_cari": "sekretaris",
            "_cari": "pindah-new_parent",
        },
    )

    page = response.content.decode()
    move = _details(page, "Pindahkan ke atasan lain")
    assert response.status_code == 200
    assert f'value="{chart["sekdis"].pk}">' in move and "1 jabatan cocok dengan “sekretaris”" in move
    assert re.search(r"<details[^>]* open>\s*<summary[^>]*>Pindahkan ke atasan lain<", page), "left open"
    assert "is-invalid" not in page and "alert-danger" not in page, "a search is not an error"
    assert Position.objects.get(pk=chart["kasi"].pk).parent_id == chart["kabid"].pk


def test_a_new_position_posted_with_cari_offers_the_matches_and_adds_nothing(client, admin, opd, chart):
    client.force_login(admin)

    response = client.post(
        f"{reverse('organisasi:org_chart_position_create')}?opd={opd.code}",
        {"name": "Pranata Komputer", "kind": "fungsional", "parent_cari": "asisten", "_cari": "parent"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Pranata Komputer"' in page, "what was typed stays"
    assert f'name="parent" value="{chart["asisten"].pk}">' in page
    assert not Position.objects.filter(name="Pranata Komputer").exists()


def test_a_position_is_added_under_the_superior_chosen_by_typing(client, admin, opd, chart):
    client.force_login(admin)
    response = client.post(
        f"{reverse('organisasi:org_chart_position_create')}?opd={opd.code}",
        {"name": "Pranata Komputer", "kind": "fungsional", "parent": chart["kasi"].pk},
    )
    assert response.status_code == 302
    assert Position.objects.get(name="Pranata Komputer").parent_id == chart["kasi"].pk


def _more_positions(opd, make_position, under, numbers) -> None:
    for number in numbers:
        make_position(opd=opd, name=f"Analis Data {number}", parent=under, kind="fungsional")


@pytest.mark.parametrize("page_name", ["position", "create"])
def test_the_pages_cost_the_same_queries_for_5_or_50_more_positions(
    client, admin, opd, chart, make_position, page_name
):
    url = {
        "position": reverse("organisasi:org_chart_position", args=[chart["kabid"].pk]),
        "create": f"{reverse('organisasi:org_chart_position_create')}?opd={opd.code}&atasan={chart['kadis'].pk}",
    }[page_name]
    client.force_login(admin)
    page = drawn_as_it_grows(
        client, url, grow=lambda numbers: _more_positions(opd, make_position, chart["kasi"], numbers)
    )
    assert "Analis Data" not in page, "positions are found by typing, never listed"


# ── The person appointed ─────────────────────────────────────────────────────────────────────


@pytest.fixture
def people(make_user):
    return {
        "budi": make_user(full_name="Budi Santoso"),
        "namesake": make_user(full_name="Budi Santosa"),
        "citizen": make_user(full_name="Budi Warga", nip=None, employment=User.Employment.PUBLIC),
        "gone": make_user(full_name="Budi Pensiun", is_active=False),
    }


def _acting(person_fields: dict, today) -> dict:
    return {
        "pltplh-kind": "plt",
        "pltplh-start": today.isoformat(),
        "pltplh-end": (today + timedelta(days=14)).isoformat(),
        "pltplh-decree_number": "800/123/2026",
    } | person_fields


def test_the_person_search_finds_active_staff_only(client, admin, people):
    client.force_login(admin)
    found = _labels(client.get(reverse("organisasi:org_chart_people"), {"pltplh-user_cari": "budi"}))
    assert found == ["Budi Santosa", "Budi Santoso"]


@pytest.mark.parametrize("who", ["citizen", "gone"])
def test_someone_the_person_picker_does_not_offer_is_refused_when_posted_by_hand(
    client, admin, chart, people, today, who
):
    client.force_login(admin)
    response = client.post(
        reverse("organisasi:org_chart_acting", args=[chart["kabid"].pk]),
        _acting({"pltplh-user": people[who].pk}, today),
    )
    assert response.status_code == 200
    assert "Pegawai itu tidak dapat dipilih: bukan pegawai aktif." in response.content.decode()
    assert not Assignment.objects.exists()


def test_an_appointment_posted_with_cari_offers_the_matches_and_appoints_nobody(
    client, admin, chart, people, today
):
    client.force_login(admin)
    response = client.post(
        reverse("organisasi:org_chart_acting", args=[chart["kabid"].pk]),
        _acting({"pltplh-user_cari": "budi", "_cari": "pltplh-user"}, today),
    )

    acting = _details(response.content.decode(), "Tunjuk Plt/Plh")
    assert response.status_code == 200
    assert f'name="pltplh-user" value="{people["budi"].pk}">' in acting
    assert "2 pegawai cocok dengan “budi”" in acting and "Budi Warga" not in acting
    assert 'value="800/123/2026"' in acting, "what was typed stays"
    assert not Assignment.objects.exists()


def test_a_nip_typed_without_choosing_appoints_its_one_person(client, admin, chart, people, today):
    """Without JavaScript, or without a click on the option: the words typed name the person."""
    client.force_login(admin)
    response = client.post(
        reverse("organisasi:org_chart_acting", args=[chart["kabid"].pk]),
        _acting({"pltplh-user_cari": people["budi"].nip}, today),
    )
    assert response.status_code == 302
    assert Assignment.objects.get().user == people["budi"]


def test_a_name_typed_without_choosing_must_name_one_person(client, admin, chart, people, today):
    client.force_login(admin)
    url = reverse("organisasi:org_chart_acting", args=[chart["kabid"].pk])

    shared = client.post(url, _acting({"pltplh-user_cari": "Budi Santos"}, today))
    nobody = client.post(url, _acting({"pltplh-user_cari": "199901012020011999"}, today))
    retired = client.post(url, _acting({"pltplh-user_cari": "Budi Pensiun"}, today))

    assert "Lebih dari satu pegawai cocok dengan “Budi Santos”" in shared.content.decode()
    assert "Tidak ada pegawai aktif dengan NIP 199901012020011999" in nobody.content.decode()
    assert "Tidak ada pegawai yang cocok dengan “Budi Pensiun”" in retired.content.decode()
    assert not Assignment.objects.exists()
