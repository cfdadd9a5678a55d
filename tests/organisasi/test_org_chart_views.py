from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kantor_virtual.models import Event
from organisasi.models import Assignment, Position, RoleGrant
from tests.factories import UnitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_second_factor")]


@pytest.fixture
def kadis(make_position):
    return make_position(name="Kepala Dinas Kominfos", heads_opd=True, eselon="II.a")


def chart_url(opd) -> str:
    return f"{reverse('organisasi:org_chart')}?opd={opd.code}"


def test_an_admin_opd_sees_the_tree_with_holders_and_their_plt_badge(
    client, admin, opd, kadis, make_position, make_user, today
):
    kabid = make_position(name="Kepala Bidang Statistik", parent=kadis, eselon="III.b")
    make_user(holds=kadis, full_name="Siti Rahmawati")
    make_user(acts_for=kabid, until=today + timedelta(days=10), full_name="Budi Santoso")
    client.force_login(admin)

    page = client.get(reverse("organisasi:org_chart")).content.decode()  # the only OPD they administer

    assert "Kepala Dinas Kominfos" in page and "Kepala Bidang Statistik" in page
    assert "Siti Rahmawati" in page and "Budi Santoso" in page
    assert '<span class="badge text-bg-warning">Plt</span>' in page
    assert (today + timedelta(days=10)).strftime("%Y") in page
    assert page.index("Kepala Dinas Kominfos") < page.index("Kepala Bidang Statistik")


def test_an_admin_of_another_opd_gets_404_for_this_opds_chart_and_every_action(
    client, opd, other_opd, kadis, make_user, grant_role, today
):
    outsider = grant_role(make_user(), RoleGrant.Role.ADMIN_OPD, other_opd)
    holder = make_user(holds=kadis)
    assignment = Assignment.objects.get(user=holder)
    client.force_login(outsider)
    before = Event.objects.count()

    gets = [
        chart_url(opd),
        f"{reverse('organisasi:org_chart_position_create')}?opd={opd.code}",
        reverse("organisasi:org_chart_position", args=[kadis.pk]),
        f"{reverse('organisasi:org_chart_import')}?opd={opd.code}",
    ]
    posts = [
        (
            f"{reverse('organisasi:org_chart_position_create')}?opd={opd.code}",
            {"name": "Baru", "kind": "pelaksana"},
        ),
        (reverse("organisasi:org_chart_position_move", args=[kadis.pk]), {"pindah-new_parent": ""}),
        (reverse("organisasi:org_chart_position_close", args=[kadis.pk]), {"tutup-on": today.isoformat()}),
        (reverse("organisasi:org_chart_assign", args=[kadis.pk]), {"definitif-user": holder.pk}),
        (reverse("organisasi:org_chart_acting", args=[kadis.pk]), {"pltplh-user": holder.pk}),
        (
            reverse("organisasi:org_chart_assignment_end", args=[assignment.pk]),
            {f"akhiri-{assignment.pk}-end": today},
        ),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url

    assert client.get(chart_url(other_opd)).status_code == 200  # their own OPD is fine
    assert Position.objects.count() == 1
    assert Assignment.objects.get(pk=assignment.pk).end is None
    assert Event.objects.count() == before


@pytest.mark.parametrize("role", [None, RoleGrant.Role.OPERATOR])
def test_staff_and_operators_have_no_org_chart(client, opd, kadis, make_user, grant_role, role):
    person = make_user(holds=kadis)
    if role:
        grant_role(person, role, opd)
    client.force_login(person)

    assert client.get(reverse("organisasi:org_chart")).status_code == 404
    assert client.get(reverse("organisasi:org_chart_position", args=[kadis.pk])).status_code == 404
    assert (
        client.get(reverse("organisasi:org_chart_people"), {"pltplh-user_cari": "Pegawai"}).status_code == 404
    )
    assert client.get(reverse("organisasi:org_chart_parents"), {"parent_cari": "Kepala"}).status_code == 404
    assert "Struktur Organisasi" not in client.get(reverse("beranda")).content.decode()


def test_visitors_who_are_not_signed_in_are_sent_to_the_login_page(client, opd):
    response = client.get(chart_url(opd))

    assert response.status_code == 302
    assert response.url.startswith(reverse("organisasi:login"))


def build_opd(opd, make_position, make_user, today, size: int) -> None:
    """`size` positions under one head, each held definitively or by a Plt, some with a unit."""
    head = make_position(opd=opd, name="Kepala Dinas", heads_opd=True)
    make_user(holds=head)
    for number in range(size - 1):
        unit = UnitFactory(opd=opd) if number % 3 == 0 else None
        position = make_position(opd=opd, name=f"Jabatan {number}", parent=head, unit=unit)
        if number % 2:
            make_user(holds=position)
        else:
            make_user(acts_for=position, until=today + timedelta(days=5))


def test_the_tree_page_costs_the_same_number_of_queries_for_5_or_30_positions(
    client, admin, opd, other_opd, make_position, make_user, grant_role, today
):
    grant_role(admin, RoleGrant.Role.ADMIN_OPD, other_opd)
    build_opd(opd, make_position, make_user, today, size=5)
    build_opd(other_opd, make_position, make_user, today, size=30)
    client.force_login(admin)
    client.get(chart_url(opd))  # who the user is and what they hold: kept from then on

    with CaptureQueriesContext(connection) as small:
        assert client.get(chart_url(opd)).status_code == 200
    with CaptureQueriesContext(connection) as large:
        page = client.get(chart_url(other_opd)).content.decode()

    assert page.count('id="jabatan-') == 30
    assert len(large.captured_queries) == len(small.captured_queries), "\n".join(
        q["sql"][:150] for q in large.captured_queries
    )
    assert len(large.captured_queries) <= 15  # the page, plus the inbox and notification counters in the menu


def test_adding_a_position_under_a_superior_returns_to_the_tree(client, admin, opd, kadis):
    client.force_login(admin)
    url = f"{reverse('organisasi:org_chart_position_create')}?opd={opd.code}&atasan={kadis.pk}"
    assert f'name="parent" value="{kadis.pk}" checked' in client.get(url).content.decode()

    response = client.post(
        url, {"name": "Sekretaris Dinas", "kind": "struktural", "parent": kadis.pk, "eselon": "III.a"}
    )

    position = Position.objects.get(name="Sekretaris Dinas")
    assert response.status_code == 302
    assert response.url == f"{chart_url(opd)}#jabatan-{position.pk}"
    assert (position.parent_id, position.eselon) == (kadis.pk, "III.a")


def test_a_refused_position_keeps_what_was_typed_and_says_why(client, admin, opd, kadis):
    client.force_login(admin)
    url = f"{reverse('organisasi:org_chart_position_create')}?opd={opd.code}"

    response = client.post(
        url, {"name": "Kepala Dinas Kedua", "kind": "struktural", "heads_opd": "on", "code": "KD-2"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "OPD ini sudah memiliki jabatan kepala perangkat daerah" in page
    assert 'value="Kepala Dinas Kedua"' in page and 'value="KD-2"' in page
    assert Position.objects.count() == 1


def test_appointing_a_plt_through_htmx_answers_with_the_refreshed_panel(
    client, admin, kadis, make_user, today
):
    client.force_login(admin)
    person = make_user(full_name="Budi Santoso")
    url = reverse("organisasi:org_chart_acting", args=[kadis.pk])
    data = {
        "pltplh-user": str(person.pk),
        "pltplh-kind": "plt",
        "pltplh-start": today.isoformat(),
        "pltplh-end": (today + timedelta(days=14)).isoformat(),
        "pltplh-decree_number": "800/123/2026",
    }

    fragment = client.post(url, data, headers={"HX-Request": "true"})
    plain = client.post(url, data)  # the same appointment again, as a normal form post

    assert fragment.status_code == 200
    assert fragment.content.decode().lstrip().startswith('<div id="panel-jabatan">')
    assert "Plt/Plh ditunjuk." in fragment.content.decode() and "Budi Santoso" in fragment.content.decode()
    assignment = Assignment.objects.get(position=kadis)
    assert (assignment.kind, assignment.user_id, assignment.decree_number) == (
        "plt",
        person.pk,
        "800/123/2026",
    )
    assert plain.status_code == 200, "a refusal is shown on the page, not redirected"
    page = plain.content.decode()
    assert "<html" in page and "sudah memiliki Plt/Plh pada rentang tanggal itu" in page
    assert f'name="pltplh-user" value="{person.pk}" checked' in page and 'value="800/123/2026"' in page


def test_a_second_definitive_holder_is_refused_on_the_page_with_the_reason(
    client, admin, kadis, make_user, today
):
    make_user(holds=kadis)
    newcomer = make_user()
    client.force_login(admin)

    response = client.post(
        reverse("organisasi:org_chart_assign", args=[kadis.pk]),
        {
            "definitif-user": str(newcomer.pk),
            "definitif-start": today.isoformat(),
            "definitif-decree_number": "821.2/0042/BKD/2026",
        },
    )

    assert response.status_code == 200
    assert (
        "Jabatan ini sudah memiliki pejabat definitif pada rentang tanggal itu." in response.content.decode()
    )
    assert Assignment.objects.filter(position=kadis).count() == 1


def test_moving_closing_and_ending_work_as_plain_form_posts(
    client, admin, opd, kadis, make_position, make_user, today
):
    sekdis = make_position(name="Sekretaris Dinas", parent=kadis)
    kasubbag = make_position(name="Kasubbag Umum", parent=kadis)
    holder = make_user(holds=kasubbag)
    assignment = Assignment.objects.get(user=holder)
    client.force_login(admin)

    moved = client.post(
        reverse("organisasi:org_chart_position_move", args=[kasubbag.pk]), {"pindah-new_parent": sekdis.pk}
    )
    ended = client.post(
        reverse("organisasi:org_chart_assignment_end", args=[assignment.pk]),
        {f"akhiri-{assignment.pk}-end": (today - timedelta(days=1)).isoformat()},
    )
    closed = client.post(
        reverse("organisasi:org_chart_position_close", args=[kasubbag.pk]), {"tutup-on": today.isoformat()}
    )

    assert [r.status_code for r in (moved, ended, closed)] == [302, 302, 302]
    kasubbag.refresh_from_db()
    assert (kasubbag.parent_id, kasubbag.closed_on) == (sekdis.pk, today)
    assert Assignment.objects.get(pk=assignment.pk).end == today - timedelta(days=1)
    page = client.get(closed.url).content.decode()
    assert "Jabatan ditutup." in page and "Ditutup mulai" in page


def test_moving_a_position_under_its_subordinate_is_not_offered(client, admin, kadis, make_position):
    kabid = make_position(name="Kepala Bidang", parent=kadis)
    client.force_login(admin)

    response = client.post(
        reverse("organisasi:org_chart_position_move", args=[kadis.pk]), {"pindah-new_parent": kabid.pk}
    )

    assert response.status_code == 200
    assert "Jabatan itu tidak dapat menjadi atasan di sini" in response.content.decode()
    assert Position.objects.get(pk=kadis.pk).parent_id is None


def test_the_person_search_suggests_staff_by_name_or_nip(client, admin, make_user):
    siti = make_user(full_name="Siti Rahmawati")
    make_user(full_name="Budi Santoso")
    client.force_login(admin)

    url = reverse("organisasi:org_chart_people")
    by_name = client.get(url, {"pltplh-user_cari": "rahma"}).content.decode()
    by_nip = client.get(url, {"definitif-user_cari": siti.nip[:10]}).content.decode()

    assert f'data-value="{siti.pk}" data-label="Siti Rahmawati"' in by_name and "Budi" not in by_name
    assert f"NIP {siti.nip}" in by_name, "the NIP tells namesakes apart"
    assert 'data-label="Siti Rahmawati"' in by_nip


def test_the_import_page_shows_each_bad_row_and_changes_nothing(client, admin, opd):
    client.force_login(admin)
    url = f"{reverse('organisasi:org_chart_import')}?opd={opd.code}"
    bad = b"kode;nama;jenis\nKOM-A;Jabatan A;struktural\nKOM-B;Jabatan B;manajerial\n"

    refused = client.post(url, {"jabatan": SimpleUploadedFile("jabatan.csv", bad, "text/csv")})
    good = client.post(
        url,
        {"jabatan": SimpleUploadedFile("jabatan.csv", bad.replace(b"manajerial", b"pelaksana"), "text/csv")},
    )
    not_utf8 = client.post(
        url, {"jabatan": SimpleUploadedFile("jabatan.csv", "kode;nama\nKÖ;x\n".encode("latin-1"))}
    )

    page = refused.content.decode()
    assert refused.status_code == 200
    assert "<td>jabatan</td><td>3</td><td>Jenis &#x27;manajerial&#x27; tidak dikenal" in page
    assert "Impor dibatalkan" in page
    assert "2 baris diimpor: 2 jabatan baru" in good.content.decode()
    assert set(Position.objects.values_list("code", flat=True)) == {"KOM-A", "KOM-B"}
    assert "UTF-8" in not_utf8.content.decode()
