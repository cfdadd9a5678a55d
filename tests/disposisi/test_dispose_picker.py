"""The dispose page ticks the positions right below and finds deeper ones by typing: only positions
below the node, across OPDs for those above them, in a bounded answer; whatever is posted, the
service decides."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from disposisi.models import Disposition
from disposisi.services import dispose
from organisasi.models import Position
from organisasi.selectors import PICKER_ROWS, positions_below
from tests.disposisi.conftest import node

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_second_factor")]


def _search(client, item, words: str):
    return client.get(reverse("disposisi:positions", args=[item.pk]), {"more_targets_cari": words})


def _post(client, item, today, **fields):
    """The dispose form as sent: one instruction, three days, normal priority, and `fields`."""
    data = {
        "instructions": ["follow_up"],
        "due_on": (today + timedelta(days=3)).isoformat(),
        "priority": "normal",
    }
    return client.post(reverse("disposisi:dispose", args=[item.pk]), data | fields)


def _labels(response) -> list[str]:
    return re.findall(r'data-label="([^"]*) — ', response.content.decode())


def test_typing_finds_positions_at_any_depth_below_the_node(client, letter, org):
    client.force_login(org.people["kadis"])
    item = node(letter, org.kadis)
    assert _labels(_search(client, item, "seksi")) == ["Kepala Seksi Layanan Aplikasi"]
    assert _labels(_search(client, item, "fitri")) == ["Pranata Komputer"], "three levels down, by holder"


def test_typing_never_finds_the_node_itself_its_superiors_or_another_opd(
    client, letter, org, make_position, other_opd
):
    make_position(name="Kepala Seksi Rehabilitasi", opd=other_opd)
    client.force_login(org.people["kabid"])
    dispose(
        actor=org.people["kadis"],
        from_item=node(letter, org.kadis),
        to=[org.kabid],
        instructions=["follow_up"],
    )
    item = node(letter, org.kabid)
    assert _labels(_search(client, item, "kepala")) == ["Kepala Seksi Layanan Aplikasi"]


def test_only_the_holder_of_the_node_may_search_from_it(client, letter, org):
    client.force_login(org.people["kabid"])
    assert _search(client, node(letter, org.kadis), "seksi").status_code == 404


def test_the_answer_is_bounded_and_stable(client, letter, org, make_position, django_assert_max_num_queries):
    for number in range(PICKER_ROWS + 10):
        make_position(name=f"Analis Data {number:02}", parent=org.kasi, kind=Position.Kind.FUNGSIONAL)
    client.force_login(org.people["kadis"])
    item = node(letter, org.kadis)
    first = _labels(_search(client, item, "analis"))
    with django_assert_max_num_queries(12):
        again = _labels(_search(client, item, "analis"))
    assert len(first) == PICKER_ROWS and first == again


def test_a_deeper_position_chosen_by_typing_receives_the_disposition(client, letter, org, today):
    client.force_login(org.people["kadis"])
    response = _post(client, node(letter, org.kadis), today, more_targets=[org.kasi.pk])
    assert response.status_code == 302
    assert [row.item.position for row in Disposition.objects.all()] == [org.kasi]


def test_a_position_above_posted_by_hand_as_a_deeper_target_is_refused_by_name(client, letter, org, today):
    dispose(
        actor=org.people["kadis"],
        from_item=node(letter, org.kadis),
        to=[org.kabid],
        instructions=["follow_up"],
    )
    client.force_login(org.people["kabid"])
    response = _post(client, node(letter, org.kabid), today, more_targets=[org.sekdis.pk])
    assert response.status_code == 200 and Disposition.objects.count() == 1
    assert "Sekretaris Dinas" in response.content.decode()


def test_the_dispose_page_posted_with_cari_offers_the_matches_and_keeps_the_ticks(client, letter, org, today):
    client.force_login(org.people["kadis"])
    response = _post(
        client,
        node(letter, org.kadis),
        today,
        targets=[org.kabid.pk],
        note="Segera.",
        more_targets_cari="pranata",
        _cari="more_targets",
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Disposition.objects.exists()
    assert f'name="more_targets" value="{org.staf.pk}">' in page
    assert f'value="{org.kabid.pk}" id="tujuan-{org.kabid.pk}" checked' in page and "Segera." in page


def test_nothing_chosen_in_either_list_is_explained(client, letter, org, today):
    client.force_login(org.people["kadis"])
    response = _post(client, node(letter, org.kadis), today)
    assert "Pilih sedikitnya satu jabatan tujuan disposisi." in response.content.decode()


def test_positions_below_a_sekda_cross_into_the_opds_under_the_asisten(opd, other_opd, make_position):
    gubernur = make_position(name="Gubernur")
    sekda = make_position(name="Sekretaris Daerah", parent=gubernur)
    asisten = make_position(name="Asisten Perekonomian", parent=sekda)
    kadis = make_position(name="Kepala Dinas Sosial", opd=other_opd, parent=asisten, heads_opd=True)
    kabid = make_position(name="Kepala Bidang Rehabilitasi", opd=other_opd, parent=kadis)

    assert set(positions_below(position_id=sekda.pk)) == {asisten, kadis, kabid}
    assert set(positions_below(position_id=kabid.pk)) == set()
    assert gubernur not in positions_below(position_id=sekda.pk)
