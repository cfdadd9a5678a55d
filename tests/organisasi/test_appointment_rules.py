"""Nobody appoints themselves, every appointment rests on a decree number, and each one is told to
the appointee, the position's definitive holder and every admin SPBE.

Each test is the attack or the omission as someone would try it: through the service, the org chart
page and the CSV import (page and command), as admin OPD and as admin SPBE.
"""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from kantor_virtual.errors import Refused
from kantor_virtual.models import Notification
from organisasi.demo import seed_demo_province
from organisasi.models import Assignment, RoleGrant, User
from organisasi.services import SYSTEM, appoint_acting, assign_definitive, create_person, import_org_chart

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_second_factor")]

PLT_DECREE = "800/145/BKD/2026"
SK = "821.2/0042/BKD/2026"


@pytest.fixture
def admin(make_admin_opd, opd):
    return make_admin_opd(opd=opd, full_name="Admin Kominfos", email="admin@kominfos.go.id")


@pytest.fixture
def spbe(make_user, grant_role):
    return grant_role(make_user(full_name="Tim SPBE", email="spbe@prov.go.id"), RoleGrant.Role.ADMIN)


@pytest.fixture
def kadis(make_position):
    return make_position(name="Kepala Dinas Kominfos", heads_opd=True, eselon="II.a")


@pytest.fixture
def kabid(make_position, kadis):
    return make_position(name="Kepala Bidang Statistik", parent=kadis, eselon="III.b")


def day_text(day: date) -> str:
    with translation.override("id"):
        return date_format(day, "j F Y")


# ── Nobody appoints themselves ───────────────────────────────────────────────────────────────


@pytest.mark.parametrize("who", ["admin", "spbe"])
def test_an_admin_cannot_make_themselves_plh_plt_or_definitive_holder_through_the_service(
    who, admin, spbe, kadis, kabid, make_user, today
):
    actor = {"admin": admin, "spbe": spbe}[who]
    make_user(holds=kadis, full_name="Siti Rahmawati")
    week = {"start": today, "end": today + timedelta(days=6), "decree_number": PLT_DECREE}
    attempts = [
        lambda: appoint_acting(actor=actor, position=kadis, user=actor, kind="plh", **week),
        lambda: appoint_acting(actor=actor, position=kabid, user=actor, kind="plt", **week),
        lambda: assign_definitive(actor=actor, position=kabid, user=actor, start=today, decree_number=SK),
    ]

    for attempt in attempts:
        with pytest.raises(Refused) as refusal:
            attempt()
        assert refusal.value.code == "self_appointment"
        assert "diri sendiri" in refusal.value.message

    assert not Assignment.objects.filter(user=actor).exists()
    assert not Notification.objects.exists()


@pytest.mark.parametrize("who", ["admin", "spbe"])
def test_an_admin_cannot_appoint_themselves_on_the_org_chart_page(
    who, client, admin, spbe, kadis, kabid, make_user, today
):
    actor = {"admin": admin, "spbe": spbe}[who]
    make_user(holds=kadis)
    client.force_login(actor)

    acting = client.post(
        reverse("organisasi:org_chart_acting", args=[kadis.pk]),
        {
            "pltplh-user": str(actor.pk),
            "pltplh-kind": "plh",
            "pltplh-start": today.isoformat(),
            "pltplh-end": (today + timedelta(days=6)).isoformat(),
            "pltplh-decree_number": PLT_DECREE,
        },
    )
    definitive = client.post(
        reverse("organisasi:org_chart_assign", args=[kabid.pk]),
        {
            "definitif-user": str(actor.pk),
            "definitif-start": today.isoformat(),
            "definitif-decree_number": SK,
        },
    )

    for response, prefix in ((acting, "pltplh"), (definitive, "definitif")):
        assert response.status_code == 200
        page = response.content.decode()
        assert "Anda tidak dapat menetapkan atau menunjuk diri sendiri" in page
        assert f'name="{prefix}-user" value="{actor.pk}" checked' in page, "the person chosen stays"
    assert not Assignment.objects.filter(user=actor).exists()


PEOPLE_HEADER = "nip,nama,email,kode_jabatan,status,mulai,selesai,nomor_sk\n"


@pytest.mark.parametrize("who", ["admin", "spbe"])
def test_the_import_refuses_the_row_that_names_the_admin_who_imports_and_imports_nothing(
    who, admin, spbe, opd, kadis, kabid, make_user, today
):
    actor = {"admin": admin, "spbe": spbe}[who]
    kadis.code, kabid.code = "KOM-KADIS", "KOM-KABID"
    kadis.save(), kabid.save()
    make_user(holds=kadis)
    week_end = (today + timedelta(days=6)).isoformat()
    people = (
        PEOPLE_HEADER
        + f"198203152006041002,Budi Santoso,,KOM-KABID,plt,{today.isoformat()},{week_end},{PLT_DECREE}\n"
        + f"{actor.nip},{actor.full_name},{actor.email},KOM-KADIS,plh,{today.isoformat()},{week_end},{PLT_DECREE}\n"
    )

    report = import_org_chart(actor=actor, opd=opd, people_csv_text=people)

    [error] = report.errors
    assert (error.file, error.line) == ("pegawai", 3)
    assert "Baris ini menugaskan Anda sendiri" in error.reason
    assert not report.ok and report.changes == 0
    assert not Assignment.objects.filter(kind__in=["plt", "plh"]).exists(), "a refused import changed nothing"
    assert not Notification.objects.exists()


def test_the_import_page_shows_the_own_row_with_its_line(client, admin, opd, kadis, make_user, today):
    kadis.code = "KOM-KADIS"
    kadis.save()
    make_user(holds=kadis)
    people = (
        PEOPLE_HEADER
        + f"{admin.nip},Admin Kominfos,,KOM-KADIS,plh,{today.isoformat()},{today.isoformat()},{PLT_DECREE}\n"
    )
    client.force_login(admin)

    response = client.post(
        f"{reverse('organisasi:org_chart_import')}?opd={opd.code}",
        {"pegawai": SimpleUploadedFile("pegawai.csv", people.encode(), content_type="text/csv")},
    )

    page = response.content.decode()
    assert "Impor dibatalkan, tidak ada yang diubah" in page
    assert "<td>pegawai</td><td>2</td><td>Baris ini menugaskan Anda sendiri" in page
    assert not Assignment.objects.filter(user=admin).exists()


def test_the_import_command_refuses_the_row_of_the_admin_it_runs_for(opd, admin, kadis, make_user, tmp_path):
    kadis.code = "KOM-KADIS"
    kadis.save()
    (tmp_path / "pegawai.csv").write_text(
        PEOPLE_HEADER + f"{admin.nip},Admin Kominfos,,KOM-KADIS,definitif,2026-01-02,,{SK}\n",
        encoding="utf-8",
    )

    with pytest.raises(CommandError) as failure:
        call_command(
            "import_org_chart",
            "--opd",
            opd.code,
            "--pegawai",
            str(tmp_path / "pegawai.csv"),
            "--oleh",
            admin.nip,
        )

    assert "Berkas pegawai, baris 2: Baris ini menugaskan Anda sendiri" in str(failure.value)
    assert not Assignment.objects.exists()


# ── Every appointment rests on a decree number ───────────────────────────────────────────────


@pytest.mark.parametrize("decree", ["", "   "])
def test_the_service_refuses_every_kind_of_appointment_without_a_decree_number(
    decree, admin, kadis, kabid, make_user, today
):
    make_user(holds=kadis)
    stand_in = make_user()
    week = {"start": today, "end": today + timedelta(days=6)}
    attempts = {
        "nomor surat perintah": [
            lambda: appoint_acting(
                actor=admin, position=kadis, user=stand_in, kind="plh", decree_number=decree, **week
            ),
            lambda: appoint_acting(
                actor=admin, position=kabid, user=stand_in, kind="plt", decree_number=decree, **week
            ),
        ],
        "nomor SK": [
            lambda: assign_definitive(
                actor=admin, position=kabid, user=stand_in, start=today, decree_number=decree
            ),
            lambda: assign_definitive(actor=admin, position=kabid, user=stand_in, start=today),
        ],
    }

    for label, calls in attempts.items():
        for attempt in calls:
            with pytest.raises(Refused) as refusal:
                attempt()
            assert refusal.value.code == "decree_required"
            assert label in refusal.value.message
    assert not Assignment.objects.filter(user=stand_in).exists()


def test_a_decree_number_too_long_for_the_record_is_refused_not_cut(admin, kabid, make_user, today):
    with pytest.raises(Refused) as refusal:
        assign_definitive(actor=admin, position=kabid, user=make_user(), start=today, decree_number="8" * 101)

    assert refusal.value.code == "decree_too_long"


def test_the_org_chart_forms_require_the_decree_number(client, admin, kadis, kabid, make_user, today):
    make_user(holds=kadis)
    stand_in = make_user()
    client.force_login(admin)

    acting = client.post(
        reverse("organisasi:org_chart_acting", args=[kadis.pk]),
        {
            "pltplh-user": str(stand_in.pk),
            "pltplh-kind": "plh",
            "pltplh-start": today.isoformat(),
            "pltplh-end": (today + timedelta(days=6)).isoformat(),
        },
    )
    definitive = client.post(
        reverse("organisasi:org_chart_assign", args=[kabid.pk]),
        {
            "definitif-user": str(stand_in.pk),
            "definitif-start": today.isoformat(),
            "definitif-decree_number": " ",
        },
    )

    assert "Isi nomor surat perintah yang menjadi dasar penugasan ini." in acting.content.decode()
    assert "Isi nomor SK yang menjadi dasar penugasan ini." in definitive.content.decode()
    assert f'name="pltplh-user" value="{stand_in.pk}" checked' in acting.content.decode()
    assert not Assignment.objects.filter(user=stand_in).exists()


def test_a_new_person_with_a_position_needs_the_sk_on_the_page_and_in_the_service(client, admin, opd, kabid):
    client.force_login(admin)
    typed = {
        "nip": "199203142019031004",
        "full_name": "Budi Santoso",
        "employment": "asn",
        "opd": opd.pk,
        "position": kabid.pk,
    }

    page = client.post(reverse("organisasi:person_create"), typed)
    with pytest.raises(Refused) as refusal:
        create_person(actor=admin, opd=opd, nip=typed["nip"], full_name="Budi Santoso", position=kabid)

    assert page.status_code == 200
    assert "Isi nomor SK pengangkatan dalam jabatan ini." in page.content.decode()
    assert refusal.value.code == "decree_required"
    assert not User.objects.filter(nip=typed["nip"]).exists(), "no account is left without its position"


def test_the_import_refuses_each_new_assignment_without_nomor_sk_with_its_line(
    admin, opd, kadis, kabid, today
):
    kadis.code, kabid.code = "KOM-KADIS", "KOM-KABID"
    kadis.save(), kabid.save()
    people = (
        PEOPLE_HEADER
        + "197501012000031001,Siti Rahmawati,,KOM-KADIS,definitif,2024-01-02,,\n"
        + f"198203152006041002,Budi Santoso,,KOM-KABID,plt,{today.isoformat()},{today.isoformat()},  \n"
    )

    report = import_org_chart(actor=admin, opd=opd, people_csv_text=people)
    without_column = import_org_chart(
        actor=admin,
        opd=opd,
        people_csv_text="nip,nama,email,kode_jabatan,status,mulai,selesai\n"
        "197501012000031001,Siti Rahmawati,,KOM-KADIS,definitif,2024-01-02,\n",
    )

    reasons = {(error.file, error.line): error.reason for error in report.errors}
    assert set(reasons) == {("pegawai", 2), ("pegawai", 3)}
    assert "Kolom nomor_sk wajib diisi untuk penugasan baru: nomor SK" in reasons[("pegawai", 2)]
    assert "nomor surat perintah Plt" in reasons[("pegawai", 3)]
    [error] = without_column.errors
    assert error.line == 2 and "Kolom nomor_sk wajib diisi" in error.reason
    assert not Assignment.objects.exists()
    assert not User.objects.filter(nip="197501012000031001").exists()


def test_reimporting_assignments_already_recorded_needs_no_nomor_sk(admin, opd, kadis):
    kadis.code = "KOM-KADIS"
    kadis.save()
    first = PEOPLE_HEADER + f"197501012000031001,Siti Rahmawati,,KOM-KADIS,definitif,2024-01-02,,{SK}\n"
    import_org_chart(actor=admin, opd=opd, people_csv_text=first)

    again = import_org_chart(
        actor=admin,
        opd=opd,
        people_csv_text="nip,nama,email,kode_jabatan,status,mulai,selesai\n"
        "197501012000031001,Siti Rahmawati,,KOM-KADIS,definitif,2024-01-02,\n",
    )

    assert again.ok, again.errors
    assert Assignment.objects.get().decree_number == SK


def test_the_import_command_needs_nomor_sk_even_when_the_server_operator_runs_it(opd, kadis, tmp_path):
    kadis.code = "KOM-KADIS"
    kadis.save()
    path = tmp_path / "pegawai.csv"
    path.write_text(PEOPLE_HEADER + "197501012000031001,Siti Rahmawati,,KOM-KADIS,definitif,2024-01-02,,\n")

    with pytest.raises(CommandError, match="Berkas pegawai, baris 2: Kolom nomor_sk wajib diisi"):
        call_command("import_org_chart", "--opd", opd.code, "--pegawai", str(path))
    path.write_text(
        PEOPLE_HEADER + f"197501012000031001,Siti Rahmawati,,KOM-KADIS,definitif,2024-01-02,,{SK}\n"
    )
    call_command("import_org_chart", "--opd", opd.code, "--pegawai", str(path))

    assignment = Assignment.objects.get()
    assert (assignment.decree_number, assignment.appointed_by) == (SK, None)


def test_the_systems_own_loaders_still_appoint_without_a_decree_number(kadis, make_user, today):
    holder, stand_in = make_user(), make_user()

    definitive = assign_definitive(actor=SYSTEM, position=kadis, user=holder, start=today)
    plh = appoint_acting(
        actor=SYSTEM, position=kadis, user=stand_in, kind="plh", start=today, end=today + timedelta(days=3)
    )

    assert (definitive.decree_number, plh.decree_number, plh.appointed_by) == ("", "", None)
    assert Notification.objects.filter(user=stand_in, key=f"penugasan:{plh.pk}").exists()


def test_the_demo_loader_still_seeds_its_holders_and_acting_officials(db):
    summary = seed_demo_province()

    assert Assignment.objects.filter(kind="definitif").count() == summary.employees
    assert Assignment.objects.filter(kind__in=["plt", "plh"]).exists()
    assert not Assignment.objects.filter(appointed_by__isnull=False).exists(), "recorded as the system's"


# ── Everyone concerned is told, once ─────────────────────────────────────────────────────────


def test_a_plh_appointment_reaches_the_appointee_the_holder_and_every_admin_spbe_once(
    admin, spbe, kadis, make_user, grant_role, today, django_capture_on_commit_callbacks
):
    holder = make_user(holds=kadis, full_name="Siti Rahmawati", email="siti@kominfos.go.id")
    grant_role(holder, RoleGrant.Role.ADMIN)  # holder and admin SPBE at once: still one notice
    second_spbe = grant_role(make_user(full_name="Tim SPBE Dua", email=""), RoleGrant.Role.ADMIN)
    superuser = make_user(full_name="Pengelola Server", is_superuser=True)
    grant_role(make_user(full_name="Mantan SPBE", is_active=False), RoleGrant.Role.ADMIN)
    bystander = make_user(full_name="Pegawai Lain")
    stand_in = make_user(full_name="Budi Santoso", email="budi@kominfos.go.id")
    start, end = today + timedelta(days=1), today + timedelta(days=14)

    with django_capture_on_commit_callbacks(execute=True):
        plh = appoint_acting(
            actor=admin,
            position=kadis,
            user=stand_in,
            kind="plh",
            start=start,
            end=end,
            decree_number=PLT_DECREE,
        )

    notices = {notice.user_id: notice for notice in Notification.objects.filter(key=f"penugasan:{plh.pk}")}
    assert set(notices) == {stand_in.pk, holder.pk, spbe.pk, second_spbe.pk, superuser.pk}
    assert Notification.objects.count() == 5, "one notice each, nobody else (not the admin OPD, not others)"
    assert bystander.pk not in notices
    assert notices[stand_in.pk].title == "Anda ditugaskan sebagai Plh. Kepala Dinas Kominfos"
    assert (
        notices[holder.pk].title == "Budi Santoso ditugaskan sebagai Plh. Kepala Dinas Kominfos, jabatan Anda"
    )
    assert notices[spbe.pk].title == "Penugasan baru: Budi Santoso sebagai Plh. Kepala Dinas Kominfos"
    assert notices[spbe.pk].url == reverse("organisasi:org_chart_appointments")
    body = notices[spbe.pk].body
    for part in (
        "Budi Santoso",
        f"NIP {stand_in.nip}",
        "Pelaksana Harian (Plh) Kepala Dinas Kominfos",
        f"mulai {day_text(start)} sampai {day_text(end)}",
        f"surat perintah {PLT_DECREE}",
        "oleh Admin Kominfos",
    ):
        assert part in body, (part, body)
    # Those with an address hear it by e-mail too (admin OPD, who appointed, is not among them).
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        [stand_in.email, holder.email, spbe.email, superuser.email]
    )


def test_a_new_definitive_holder_is_told_with_the_holder_they_succeed_and_the_sk(
    spbe, admin, kadis, make_user, today
):
    outgoing = make_user(full_name="Siti Rahmawati")
    assign_definitive(
        actor=spbe,
        position=kadis,
        user=outgoing,
        start=today - timedelta(days=400),
        end=today,
        decree_number=SK,
    )
    successor = make_user(full_name="Rina Kartika")
    Notification.objects.all().delete()

    later = assign_definitive(
        actor=admin,
        position=kadis,
        user=successor,
        start=today + timedelta(days=1),
        decree_number="821.2/77/2026",
    )

    notices = {n.user_id: n for n in Notification.objects.filter(key=f"penugasan:{later.pk}")}
    assert set(notices) == {successor.pk, outgoing.pk, spbe.pk}
    assert (
        f"Rina Kartika (NIP {successor.nip}) ditetapkan sebagai pejabat definitif Kepala Dinas Kominfos "
        f"(Diskominfos) mulai {day_text(today + timedelta(days=1))} sampai ada keputusan lain, berdasarkan "
        "nomor SK 821.2/77/2026."
    ) in notices[successor.pk].body


def test_an_imported_appointment_is_told_too_and_a_refused_import_tells_nobody(
    spbe, admin, opd, kadis, kabid
):
    kadis.code, kabid.code = "KOM-KADIS", "KOM-KABID"
    kadis.save(), kabid.save()
    good = PEOPLE_HEADER + f"197501012000031001,Siti Rahmawati,,KOM-KADIS,definitif,2024-01-02,,{SK}\n"
    bad = good + "198203152006041002,Budi Santoso,,KOM-KABID,definitif,2024-01-02,,\n"

    refused = import_org_chart(actor=admin, opd=opd, people_csv_text=bad)
    assert not refused.ok and not Notification.objects.exists()
    imported = import_org_chart(actor=admin, opd=opd, people_csv_text=good)
    again = import_org_chart(actor=admin, opd=opd, people_csv_text=good)

    assert imported.ok and again.ok
    siti = User.objects.get(nip="197501012000031001")
    assignment = Assignment.objects.get(user=siti)
    assert assignment.appointed_by == admin
    assert set(Notification.objects.values_list("user_id", "key")) == {
        (siti.pk, f"penugasan:{assignment.pk}"),
        (spbe.pk, f"penugasan:{assignment.pk}"),
    }
