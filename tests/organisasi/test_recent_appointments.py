"""Admin SPBE's "Penugasan terbaru": every appointment of the last 90 days, province-wide, newest
first, on keyset pages of an index at a constant number of queries; a 404 to anyone else."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kantor_virtual.pagination import make_cursor
from organisasi.models import Assignment, RoleGrant
from organisasi.org_chart_selectors import recent_appointment_rows, recent_appointments
from organisasi.services import appoint_acting, assign_definitive

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_second_factor")]

URL = "/struktur/penugasan/"


@pytest.fixture
def appointments(admin, spbe, opd, other_opd, make_position, make_user, today):
    """A Plh in Diskominfos by its admin OPD (for a holder recorded directly, as the loaders do), a
    definitive holder in Dinsos by admin SPBE, and one recorded 91 days ago."""
    kadis = make_position(name="Kepala Dinas Kominfos", heads_opd=True)
    make_user(holds=kadis, full_name="Siti Rahmawati")
    plh = appoint_acting(
        actor=admin,
        position=kadis,
        user=make_user(full_name="Budi Santoso"),
        kind="plh",
        start=today,
        end=today + timedelta(days=13),
        decree_number="800/145/BKD/2026",
    )
    kabid = make_position(opd=other_opd, name="Kepala Bidang Rehabilitasi Sosial")
    definitive = assign_definitive(
        actor=spbe,
        position=kabid,
        user=make_user(full_name="Rina Kartika"),
        start=today,
        decree_number="821.2/0042/BKD/2026",
    )
    kasi = make_position(opd=other_opd, name="Kepala Seksi Lama")
    old = assign_definitive(
        actor=spbe,
        position=kasi,
        user=make_user(full_name="Eko Prasetyo"),
        start=today - timedelta(days=91),
        decree_number="821.2/0001/BKD/2026",
    )
    Assignment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=91))
    return plh, definitive, old


def test_admin_spbe_sees_who_was_appointed_to_what_as_what_when_by_whom_on_which_decree(
    client, spbe, appointments, today
):
    plh, definitive, old = appointments
    client.force_login(spbe)

    page = client.get(URL).content.decode()

    assert page.index(f'id="penugasan-{definitive.pk}"') < page.index(f'id="penugasan-{plh.pk}"'), (
        "newest first"
    )
    assert f'id="penugasan-{old.pk}"' not in page and "Eko Prasetyo" not in page, "older than 90 days"
    row = page[page.index(f'id="penugasan-{plh.pk}"') :].split("</tr>")[0]
    for part in ("Budi Santoso", f"NIP {plh.user.nip}", "Kepala Dinas Kominfos", "Diskominfos", ">Plh<"):
        assert part in row, (part, row)
    assert "800/145/BKD/2026" in row and "Admin Kominfos" in row
    assert "s.d." in row
    holder = Assignment.objects.get(position=plh.position, kind="definitif")
    row = page[page.index(f'id="penugasan-{holder.pk}"') :].split("</tr>")[0]
    assert "Siti Rahmawati" in row and "Sistem" in row, "written by a loader, without a person"
    row = page[page.index(f'id="penugasan-{definitive.pk}"') :].split("</tr>")[0]
    assert "Rina Kartika" in row and "Dinsos" in row and ">Definitif<" in row and "Tim SPBE" in row
    assert f"sejak {today.day}" in row


def test_admin_opd_staff_and_visitors_do_not_have_the_page_or_its_menu_item(
    client, admin, make_user, appointments
):
    for person in (admin, make_user()):
        client.force_login(person)
        assert client.get(URL).status_code == 404
        assert "Penugasan Terbaru" not in client.get(reverse("beranda")).content.decode()
        assert recent_appointments(user=person) == ([], None)
    client.logout()
    assert client.get(URL).status_code == 302


def test_the_menu_shows_the_item_to_admin_spbe_even_after_the_menu_was_kept_for_an_admin_opd(
    client, admin, grant_role
):
    client.force_login(admin)
    assert "Penugasan Terbaru" not in client.get(reverse("beranda")).content.decode()

    grant_role(admin, RoleGrant.Role.ADMIN)

    assert "Penugasan Terbaru" in client.get(reverse("beranda")).content.decode()


def test_keyset_pages_walk_every_recent_appointment_once_newest_first(
    spbe, appointments, make_position, make_user
):
    for number in range(6):
        assign_definitive(
            actor=spbe,
            position=make_position(name=f"Jabatan {number}"),
            user=make_user(),
            start=timezone.localdate(),
            decree_number=f"821.2/{number}/2026",
        )
    # Equal times: the id breaks the tie.
    Assignment.objects.filter(decree_number__in=["821.2/2/2026", "821.2/3/2026"]).update(
        created_at=timezone.now()
    )
    expected = list(recent_appointment_rows(user=spbe).values_list("pk", flat=True))

    seen, after = [], None
    while True:
        rows, last = recent_appointments(user=spbe, after=after, limit=3)
        seen += [row.pk for row in rows]
        if last is None:
            break
        after = (last.created_at, last.pk)

    assert seen == expected and len(seen) == 9 and len(set(seen)) == 9  # 3 of the fixture, 6 here
    stamps = list(Assignment.objects.filter(pk__in=seen).values_list("created_at", "pk"))
    assert [pk for _, pk in sorted(stamps, reverse=True)] == seen


def test_the_page_costs_the_same_queries_for_2_or_60_rows_and_any_page(
    client, spbe, appointments, make_position, make_user
):
    client.force_login(spbe)

    def queries(params=None) -> int:
        client.get(URL, params or {})  # the menu's fragments are kept after the first drawing
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, params or {}).status_code == 200
        return len(captured)

    few = queries()
    today = timezone.localdate()
    for number in range(58):
        assign_definitive(
            actor=spbe,
            position=make_position(name=f"Jabatan {number}"),
            user=make_user(),
            start=today,
            decree_number=f"821.2/{number}/2026",
        )
    many = queries()
    _, last = recent_appointments(user=spbe)
    deep = queries({"setelah": make_cursor(last.created_at, last.pk)})

    assert few == many == deep, (few, many, deep)
    page = client.get(URL).content.decode()
    assert "Berikutnya" in page and page.count('id="penugasan-') == 50


def test_the_page_query_is_a_range_of_an_index(spbe, appointments):
    plh, _, _ = appointments
    with connection.cursor() as cursor:  # a few rows would be sorted in memory; ask what the index gives
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    plan = recent_appointment_rows(user=spbe, after=(plh.created_at, plh.pk))[:51].explain()

    assert "assignment_created" in plan, plan
    assert "Sort" not in plan, plan


def test_a_malformed_cursor_shows_the_first_page(client, spbe, appointments):
    client.force_login(spbe)

    response = client.get(URL, {"setelah": "bukan-kursor"})

    assert response.status_code == 200
    assert response.content.decode().count('id="penugasan-') == 3
