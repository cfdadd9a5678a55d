"""The admins' people pages ("Pegawai"): who sees whom, keyset pages at a constant query count on an
index, adding a person, a person's page and its actions, and links shown once."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from kantor_virtual.models import Event
from kantor_virtual.timeline import timeline_for
from organisasi.models import User
from organisasi.people_selectors import people_page, people_rows
from organisasi.services import send_password_link
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_second_factor")]

NIP = "199203142019031004"


@pytest.fixture
def admin(make_admin_opd, opd):
    admin = make_admin_opd(opd=opd, full_name="Admin Kominfos")
    User.objects.filter(pk=admin.pk).update(opd=opd)  # one of the people of their own OPD
    admin.refresh_from_db()
    return admin


@pytest.fixture
def staff(make_user, opd):
    return make_user(opd=opd, full_name="Dewi Lestari", email="dewi@kominfos.go.id")


@pytest.fixture
def stranger(make_user, other_opd):
    return make_user(opd=other_opd, full_name="Orang Dinsos")


def person_urls(person) -> tuple[list[str], list[str]]:
    gets = [reverse("organisasi:person", args=[person.pk])]
    posts = [
        reverse(f"organisasi:{name}", args=[person.pk])
        for name in (
            "person_deactivate",
            "person_reactivate",
            "person_unlock",
            "person_reset_second_factor",
            "person_password_link",
        )
    ]
    return gets, posts


def test_plain_staff_have_no_people_pages_and_no_menu_item(client, staff, admin):
    client.force_login(staff)
    gets, posts = person_urls(admin)
    for url in [reverse("organisasi:people"), reverse("organisasi:person_create"), *gets]:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url).status_code == 404, url
    assert client.post(reverse("organisasi:person_create"), {"nip": NIP}).status_code == 404
    assert "Pegawai</a>" not in client.get("/").content.decode()
    assert not User.objects.filter(nip=NIP).exists()


def test_visitors_are_sent_to_the_login_page(client, staff):
    response = client.get(reverse("organisasi:person", args=[staff.pk]))
    assert response.status_code == 302 and response.url.startswith("/masuk/")


def test_an_admin_opd_sees_only_the_people_of_their_opd_and_the_rest_is_404(client, admin, staff, stranger):
    client.force_login(admin)
    home = client.get("/").content.decode()
    assert f'href="{reverse("organisasi:people")}"' in home

    listing = client.get(reverse("organisasi:people")).content.decode()
    assert "Dewi Lestari" in listing and "Admin Kominfos" in listing
    assert "Orang Dinsos" not in listing

    gets, posts = person_urls(stranger)
    before = Event.objects.count()
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url).status_code == 404, url
    assert Event.objects.count() == before
    assert client.get(f"{reverse('organisasi:person_create')}?opd=DINSOS").status_code == 404


def test_the_spbe_team_sees_everyone_staff_and_public(client, spbe, staff, stranger, make_user):
    citizen = make_user(full_name="Warga Pemohon", nip=None, employment=User.Employment.PUBLIC)
    client.force_login(spbe)

    listing = client.get(reverse("organisasi:people")).content.decode()

    assert all(name in listing for name in ("Dewi Lestari", "Orang Dinsos", "Warga Pemohon", "Tim SPBE"))
    assert client.get(reverse("organisasi:person", args=[citizen.pk])).status_code == 200


def test_people_are_found_by_nip_name_or_address(client, admin, staff, make_user, opd):
    make_user(opd=opd, full_name="Budi Santoso", nip="198203152006041002", email="budi@kominfos.go.id")
    client.force_login(admin)

    def found(query: str) -> set[str]:
        rows, _ = people_page(user=admin, query=query)
        return {row.full_name for row in rows}

    assert found("1982 0315") == {"Budi Santoso"}
    assert found("lesta") == {"Dewi Lestari"}
    assert found("BUDI@kominfos") == {"Budi Santoso"}
    page = client.get(reverse("organisasi:people"), {"q": "tidak-ada-siapa-pun"}).content.decode()
    assert "Tidak ada pegawai yang cocok" in page


@pytest.mark.parametrize("who", ["admin", "spbe"])
def test_keyset_pages_walk_everyone_once_in_name_order(who, admin, spbe, make_user, opd):
    viewer = {"admin": admin, "spbe": spbe}[who]
    for number in range(7):
        make_user(opd=opd, full_name=f"Sama Nama {number % 2}")  # equal names: the id breaks the tie
    expected = list(people_rows(user=viewer).values_list("pk", flat=True))

    seen, after = [], None
    while True:
        rows, after = people_page(user=viewer, after=after, limit=3)
        seen += [row.pk for row in rows]
        if after is None:
            break

    assert seen == expected and len(set(seen)) == len(seen)
    names = list(User.objects.filter(pk__in=seen).values_list("full_name", "pk"))
    assert [pk for _, pk in sorted(names)] == seen


def test_the_list_costs_the_same_queries_for_3_or_60_people_and_any_page(client, admin, make_user, opd):
    client.force_login(admin)
    url = reverse("organisasi:people")

    def queries(params=None) -> int:
        client.get(url, params or {})  # the menu's fragments are kept after the first drawing
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, params or {}).status_code == 200
        return len(captured)

    for number in range(2):
        make_user(opd=opd, full_name=f"Pegawai Awal {number}")
    few = queries()
    for number in range(58):
        make_user(opd=opd, full_name=f"Pegawai Lain {number:02d}")
    many = queries()
    _, after = people_page(user=admin)
    deep = queries({"setelah": after})

    assert few == many == deep, (few, many, deep)


@pytest.mark.parametrize("who", ["admin", "spbe"])
def test_the_page_query_is_a_range_of_an_index(who, admin, spbe, staff):
    viewer = {"admin": admin, "spbe": spbe}[who]
    index = {"admin": "user_opd_name_id", "spbe": "user_name_id"}[who]
    with connection.cursor() as cursor:  # a few rows would be sorted in memory; ask what the index gives
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    plan = people_rows(user=viewer, after=staff.pk)[:51].explain()
    assert index in plan, plan
    assert "Sort" not in plan, plan


# ── Adding a person ──────────────────────────────────────────────────────────────────────────


def test_bad_input_keeps_what_was_typed_and_says_what_is_wrong(client, admin, staff, opd):
    client.force_login(admin)
    typed = {
        "nip": "1992-0314",
        "full_name": "Budi Santoso",
        "employment": "asn",
        "email": staff.email.upper(),
        "opd": opd.pk,
    }

    page = client.post(reverse("organisasi:person_create"), typed).content.decode()
    assert "NIP harus 18 angka" in page and 'value="1992-0314"' in page and 'value="Budi Santoso"' in page

    page = client.post(reverse("organisasi:person_create"), typed | {"nip": NIP}).content.decode()
    assert "Alamat surel itu sudah dipakai pengguna lain." in page
    assert f'value="{staff.email.upper()}"' in page
    assert not User.objects.filter(full_name="Budi Santoso").exists()


def test_a_person_without_an_address_is_added_and_their_link_shown_once(client, admin, opd, make_position):
    kadis = make_position(name="Kepala Dinas Kominfos", heads_opd=True)
    kasi = make_position(name="Kepala Seksi Aplikasi", parent=kadis)
    client.force_login(admin)
    form = client.get(reverse("organisasi:person_create")).content.decode()
    assert f'name="position" value="{kasi.pk}">' in form and "OPD induk" in form, "offered to tick"

    shown = client.post(
        reverse("organisasi:person_create"),
        {
            "nip": NIP,
            "full_name": "Budi Santoso",
            "employment": "asn",
            "opd": opd.pk,
            "position": kasi.pk,
            "decree_number": "821.2/0042/BKD/2026",
        },
    )

    assert shown.status_code == 200
    assert "no-store" in shown["Cache-Control"]
    page = shown.content.decode()
    assert "Pegawai ditambahkan" in page and "hanya ditampilkan sekali" in page
    person = User.objects.get(nip=NIP)
    assert "/akun/atur-kata-sandi/" in page and person.opd == opd
    assignment = person.assignments.get()
    assert (assignment.position, assignment.decree_number) == (kasi, "821.2/0042/BKD/2026")
    again = client.get(reverse("organisasi:person", args=[person.pk])).content.decode()
    assert "/akun/atur-kata-sandi/" not in again, "never shown again"


def test_a_person_with_an_address_is_added_and_told_by_e_mail(
    client, admin, opd, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("organisasi:person_create"),
            {
                "nip": NIP,
                "full_name": "Budi Santoso",
                "employment": "asn",
                "opd": opd.pk,
                "email": "budi@k.go.id",
            },
            follow=True,
        )
    assert "Tautan untuk mengatur kata sandi pertama dikirim ke budi@k.go.id" in answer.content.decode()
    assert "/akun/atur-kata-sandi/" not in answer.content.decode()


# ── A person's page and its actions ──────────────────────────────────────────────────────────


def test_the_person_page_shows_identity_positions_state_and_timeline(
    client, admin, staff, make_position, make_user, opd, settings
):
    kasi = make_position(name="Kepala Seksi Aplikasi")
    holder = make_user(holds=kasi, full_name="Rina Kartika", email="rina@kominfos.go.id")
    TOTPDevice.objects.create(user=holder, name="Ponsel", confirmed=True)
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        Client().post("/masuk/", {"username": holder.nip, "password": "salah"})
    send_password_link(actor=admin, person=holder)
    client.force_login(admin)

    page = client.get(reverse("organisasi:person", args=[holder.pk])).content.decode()

    assert holder.nip in page and "Kepala Seksi Aplikasi" in page and opd.name in page
    assert "Terkunci" in page and "Buka kunci akun" in page
    assert "Reset verifikasi dua langkah" in page
    assert "Tautan kata sandi dibuat" in page and "Admin Kominfos" in page

    answer = client.post(reverse("organisasi:person_unlock", args=[holder.pk]), follow=True)
    assert "Kunci akun dibuka" in answer.content.decode()
    assert Client().post("/masuk/", {"username": holder.nip, "password": TEST_PASSWORD}).status_code == 302


def test_an_admin_opd_sees_an_admin_spbe_of_their_opd_but_cannot_act_on_them(client, admin, spbe, opd):
    User.objects.filter(pk=spbe.pk).update(opd=opd)
    client.force_login(admin)

    page = client.get(reverse("organisasi:person", args=[spbe.pk])).content.decode()
    assert "Nonaktifkan akun" not in page and "dikelola oleh admin SPBE" in page

    refused = client.post(reverse("organisasi:person_deactivate", args=[spbe.pk]))
    assert refused.status_code == 200 and "di luar kewenangan Anda" in refused.content.decode()
    assert User.objects.get(pk=spbe.pk).is_active


def test_an_admin_has_no_button_to_deactivate_themselves_and_the_post_is_refused(client, admin):
    client.force_login(admin)
    page = client.get(reverse("organisasi:person", args=[admin.pk])).content.decode()
    assert "Nonaktifkan akun" not in page

    refused = client.post(reverse("organisasi:person_deactivate", args=[admin.pk]))
    assert "tidak dapat menonaktifkan akun Anda sendiri" in refused.content.decode()
    assert client.get("/").status_code == 200


def test_deactivating_from_the_page_signs_the_person_out(
    client, admin, staff, django_capture_on_commit_callbacks
):
    their_browser = Client()
    their_browser.force_login(staff)
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("organisasi:person_deactivate", args=[staff.pk]), follow=True)

    assert "Akun dinonaktifkan" in answer.content.decode() and "Nonaktif" in answer.content.decode()
    assert their_browser.get("/").status_code == 302
    assert timeline_for(target=staff).get().actor == admin


def test_a_new_link_for_a_person_without_an_address_is_shown_once_and_only_to_a_post(
    client, admin, make_user, opd
):
    person = make_user(opd=opd, email="", full_name="Tanpa Surel")
    client.force_login(admin)
    url = reverse("organisasi:person_password_link", args=[person.pk])

    assert client.get(url).status_code == 405
    shown = client.post(url)

    assert "no-store" in shown["Cache-Control"]
    assert "/akun/atur-kata-sandi/" in shown.content.decode() and "Tanpa Surel" in shown.content.decode()
