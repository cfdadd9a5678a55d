"""People's accounts as their admins keep them (organisasi.services.people): creating a person and
their first password, who may act on whom, deactivation that ends sessions at once, lockouts lifted
for every spelling of a login, a lost phone, new password links, and the import's new people."""

import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kantor_virtual.errors import Refused
from kantor_virtual.models import Event
from kantor_virtual.timeline import timeline_for
from organisasi.models import Assignment, RoleGrant, User
from organisasi.people_selectors import is_locked_out
from organisasi.services import (
    create_person,
    deactivate_person,
    import_org_chart,
    make_recovery_codes,
    reactivate_person,
    reset_second_factor,
    send_password_link,
    unlock_person,
)
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

NIP = "199203142019031004"


@pytest.fixture
def staff(make_user, opd):
    return make_user(opd=opd, full_name="Dewi Lestari", email="dewi@kominfos.go.id")


@pytest.fixture
def stranger(make_user, other_opd):
    return make_user(opd=other_opd, full_name="Orang Dinsos")


def snapshot() -> tuple[int, int, int]:
    return User.objects.count(), Event.objects.count(), Assignment.objects.count()


# ── Creating a person ────────────────────────────────────────────────────────────────────────


def test_a_person_with_an_address_is_created_without_a_password_and_mailed_a_first_password_link(
    admin, opd, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = create_person(
            actor=admin,
            opd=opd,
            nip="1992 0314 2019 0310 04",
            full_name="  Budi   Santoso ",
            email="Budi.Santoso@Kominfos.go.id",
            nik="3171010101900001",
        )

    person = created.person
    assert (person.nip, person.username, person.full_name, person.opd, person.nik) == (
        NIP,
        NIP,
        "Budi Santoso",
        opd,
        "3171010101900001",
    )
    assert not person.has_usable_password() and person.is_active
    assert created.password_link.emailed and created.password_link.url is None
    [message] = mail.outbox
    assert message.to == ["Budi.Santoso@kominfos.go.id"] and "kata sandi pertama" in message.body
    assert [(e.verb, e.actor) for e in timeline_for(target=person)] == [
        ("dibuat", admin),
        ("tautan_sandi_dibuat", admin),
        ("tautan_sandi_terkirim", None),
    ]


def test_a_person_without_an_address_gets_a_link_for_the_admin_that_is_kept_nowhere(admin, opd, client):
    created = create_person(actor=admin, opd=opd, nip=NIP, full_name="Budi Santoso")

    url = created.password_link.url
    assert url.startswith("http://") and "/akun/atur-kata-sandi/" in url
    token = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    stored = " ".join(str(e.details) for e in Event.objects.all())
    assert token not in stored, "the link is shown, never stored"
    [shown] = timeline_for(target=created.person).filter(verb="tautan_sandi_dibuat")
    assert shown.details == {"lewat": "layar", "jenis": "pertama"}
    page = client.get(urlsplit(url).path, follow=True).content.decode()
    assert "Atur kata sandi pertama" in page


def test_a_position_held_from_a_date_is_assigned_with_the_person(admin, opd, make_position, today):
    kasi = make_position(name="Kepala Seksi Aplikasi")

    person = create_person(
        actor=admin,
        opd=opd,
        nip=NIP,
        full_name="Budi Santoso",
        position=kasi,
        start=today,
        decree_number="821.2/0042/BKD/2026",
    ).person

    assignment = Assignment.objects.get(user=person)
    assert (assignment.position, assignment.kind, assignment.start) == (kasi, "definitif", today)
    assert [e.verb for e in timeline_for(target=assignment)] == ["ditetapkan"]


def test_the_spbe_team_creates_people_in_any_opd_and_a_non_asn_signs_in_with_the_address(spbe, other_opd):
    person = create_person(
        actor=spbe,
        opd=other_opd,
        nip="",
        full_name="Sari Honorer",
        employment=User.Employment.NON_ASN,
        email="Sari@Dinsos.go.id",
    ).person
    assert (person.nip, person.username, person.opd) == (None, "sari@dinsos.go.id", other_opd)


@pytest.mark.parametrize(
    ("changes", "code", "message"),
    [
        ({"nip": "19920314201903100"}, "bad_nip", "NIP harus 18 angka"),
        ({"nip": "1992031420190310AB"}, "bad_nip", "NIP harus 18 angka"),
        ({"nip": ""}, "nip_required", "NIP wajib diisi untuk ASN."),
        ({"nip": "", "employment": "non_asn", "email": ""}, "no_login", "isi alamat surel"),
        ({"nip": "198001012005010001"}, "nip_taken", "NIP itu sudah terdaftar"),
        ({"email": "DEWI@kominfos.go.id"}, "email_taken", "Alamat surel itu sudah dipakai"),
        ({"email": "bukan-surel"}, "bad_email", "Alamat surel tidak sah."),
        ({"nik": "31710101"}, "bad_nik", "NIK harus 16 angka"),
        ({"nik": "3171010101900009"}, "nik_taken", "NIK itu sudah terdaftar"),
        ({"full_name": "   "}, "no_name", "Isi nama lengkap."),
        ({"employment": "public"}, "bad_employment", "ASN atau non-ASN"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_changes_nothing(
    admin, opd, staff, changes, code, message
):
    User.objects.filter(pk=staff.pk).update(nip="198001012005010001", nik="3171010101900009")
    fields = {"nip": NIP, "full_name": "Budi Santoso", "email": "budi@kominfos.go.id"} | changes
    before = snapshot()

    with pytest.raises(Refused) as refusal:
        create_person(actor=admin, opd=opd, **fields)

    assert refusal.value.code == code
    assert message in refusal.value.message
    assert snapshot() == before


def test_a_position_of_another_opd_or_already_held_refuses_the_whole_creation(
    admin, opd, other_opd, make_position, make_user, grant_role
):
    foreign = make_position(opd=other_opd, name="Kepala Seksi Dinsos")
    taken = make_position(name="Kepala Seksi Data")
    make_user(holds=taken)
    both = grant_role(
        grant_role(make_user(), RoleGrant.Role.ADMIN_OPD, opd), RoleGrant.Role.ADMIN_OPD, other_opd
    )
    before = snapshot()

    for actor, position, code in [
        (both, foreign, "position_outside_opd"),
        (admin, taken, "position_has_definitive"),
    ]:
        with pytest.raises(Refused) as refusal:
            create_person(
                actor=actor,
                opd=opd,
                nip=NIP,
                full_name="Budi Santoso",
                position=position,
                decree_number="821.2/0042/BKD/2026",
            )
        assert refusal.value.code == code
        assert snapshot() == before, "the person is not left behind without the position"


def test_only_an_admin_of_that_opd_creates_people_in_it(admin, other_opd, staff):
    for actor in (admin, staff):
        with pytest.raises(Refused) as refusal:
            create_person(actor=actor, opd=other_opd, nip=NIP, full_name="Budi Santoso")
        assert refusal.value.code == "not_admin_opd"
    assert not User.objects.filter(nip=NIP).exists()


# ── Who may act on whom ──────────────────────────────────────────────────────────────────────


def every_action(actor, person):
    yield "deactivate", lambda: deactivate_person(actor=actor, person=person)
    yield "reactivate", lambda: reactivate_person(actor=actor, person=person)
    yield "unlock", lambda: unlock_person(actor=actor, person=person)
    yield "reset_second_factor", lambda: reset_second_factor(actor=actor, person=person)
    yield "send_password_link", lambda: send_password_link(actor=actor, person=person)


def test_an_admin_opd_may_not_act_on_another_opds_person_an_admin_spbe_or_a_superuser(
    admin, stranger, spbe, opd, make_user, staff
):
    User.objects.filter(pk=spbe.pk).update(opd=opd)  # the SPBE team member's OPD induk is this one
    spbe.refresh_from_db()
    boss = make_user(opd=opd, is_superuser=True)
    before = snapshot()

    for person in (stranger, spbe, boss):
        for name, action in every_action(admin, person):
            with pytest.raises(Refused) as refusal:
                action()
            assert refusal.value.code == "not_admin_of_person", (person, name)
    for name, action in every_action(staff, admin):
        with pytest.raises(Refused) as refusal:
            action()
        assert refusal.value.code == "not_admin_of_person", ("plain staff", name)
    assert snapshot() == before
    assert User.objects.filter(is_active=False).count() == 0


def test_nobody_deactivates_themselves(admin, spbe):
    for actor in (admin, spbe):
        with pytest.raises(Refused) as refusal:
            deactivate_person(actor=actor, person=actor)
        assert refusal.value.code == "self"
        actor.refresh_from_db()
        assert actor.is_active


# ── Deactivation ─────────────────────────────────────────────────────────────────────────────


def test_a_deactivated_person_is_signed_out_at_the_next_request_and_reactivation_revives_no_session(
    admin, staff, django_capture_on_commit_callbacks
):
    laptop = Client()
    laptop.force_login(staff)
    assert laptop.get("/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        deactivate_person(actor=admin, person=staff)

    signed_out = laptop.get("/")
    assert signed_out.status_code == 302 and signed_out.url.startswith("/masuk/")
    assert not Session.objects.exists(), "a worker deleted the stored sessions"
    assert Client().post("/masuk/", {"username": staff.nip, "password": TEST_PASSWORD}).status_code == 200

    reactivate_person(actor=admin, person=staff)
    assert laptop.get("/").status_code == 302, "the old session stays ended"
    assert Client().post("/masuk/", {"username": staff.nip, "password": TEST_PASSWORD}).status_code == 302
    assert [(e.verb, e.actor, e.from_state, e.to_state) for e in timeline_for(target=staff)] == [
        ("dinonaktifkan", admin, "aktif", "nonaktif"),
        ("diaktifkan", admin, "nonaktif", "aktif"),
    ]


def test_deactivating_twice_or_reactivating_an_active_account_is_refused(admin, staff):
    with pytest.raises(Refused, match="sudah aktif"):
        reactivate_person(actor=admin, person=staff)
    deactivate_person(actor=admin, person=staff)
    with pytest.raises(Refused, match="sudah nonaktif"):
        deactivate_person(actor=admin, person=staff)
    with pytest.raises(Refused) as refusal:
        send_password_link(actor=admin, person=staff)
    assert refusal.value.code == "inactive"


# ── Lockout ──────────────────────────────────────────────────────────────────────────────────


def test_unlocking_lifts_the_lockout_of_every_spelling_of_the_persons_logins(admin, staff, settings):
    settings.AXES_FAILURE_LIMIT = 2
    spellings = [staff.nip, staff.username, staff.email.upper(), "Dewi@Kominfos.go.id"]
    for n, login in enumerate(spellings):
        browser = Client(REMOTE_ADDR=f"10.7.0.{n + 1}")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            browser.post("/masuk/", {"username": login, "password": "salah-sandi"})
        assert browser.post("/masuk/", {"username": login, "password": TEST_PASSWORD}).status_code == 429, (
            login
        )
    assert is_locked_out(person=staff)

    unlock_person(actor=admin, person=staff)

    assert not is_locked_out(person=staff)
    for login in spellings:
        assert Client().post("/masuk/", {"username": login, "password": TEST_PASSWORD}).status_code == 302, (
            login
        )
    [event] = timeline_for(target=staff).filter(verb="kunci_dibuka")
    assert event.actor == admin
    with pytest.raises(Refused) as refusal:
        unlock_person(actor=admin, person=staff)
    assert refusal.value.code == "not_locked"


# ── Second factor ────────────────────────────────────────────────────────────────────────────


def test_a_lost_phone_removes_the_authenticator_and_the_recovery_codes(spbe, staff):
    TOTPDevice.objects.create(user=staff, name="Ponsel", confirmed=True)
    make_recovery_codes(user=staff)

    assert reset_second_factor(actor=spbe, person=staff) == 2

    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert not StaticDevice.objects.filter(user=staff).exists() and not StaticToken.objects.exists()
    assert timeline_for(target=staff).filter(verb="verifikasi_direset", actor=spbe).count() == 1
    with pytest.raises(Refused) as refusal:
        reset_second_factor(actor=spbe, person=staff)
    assert refusal.value.code == "no_second_factor"


# ── New password links ───────────────────────────────────────────────────────────────────────


def test_a_new_link_goes_by_e_mail_or_is_shown_once(
    admin, staff, make_user, opd, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        by_mail = send_password_link(actor=admin, person=staff)
    assert by_mail.emailed
    [message] = mail.outbox
    assert message.to == [staff.email] and "Atur ulang kata sandi" in message.subject

    no_address = make_user(opd=opd, email="")
    shown = send_password_link(actor=admin, person=no_address)
    assert shown.url and "/akun/atur-kata-sandi/" in shown.url
    assert len(mail.outbox) == 1


# ── The import's new people ──────────────────────────────────────────────────────────────────

POSITIONS = """kode,nama,jenis,kode_atasan,unit,eselon,kepala_opd
KOM-KADIS,Kepala Dinas Komunikasi dan Informatika,struktural,,,II.a,ya
KOM-PRAKOM,Pranata Komputer Ahli Muda,fungsional,KOM-KADIS,,,
"""
PEOPLE = """nip,nama,email,kode_jabatan,status,mulai,selesai,nomor_sk
197501012000031001,Siti Rahmawati,siti@kominfos.go.id,KOM-KADIS,definitif,2024-01-02,,821.2/0012/BKD/2024
199007202015032003,Rina Kartika,,KOM-PRAKOM,definitif,2020-03-01,,821.2/0101/BKD/2020
"""


def test_people_an_import_creates_get_a_first_password_link_by_mail_or_on_the_report(
    admin, opd, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = import_org_chart(actor=admin, opd=opd, positions_csv_text=POSITIONS, people_csv_text=PEOPLE)

    assert report.ok and report.links_emailed == 1
    # Beside the notices of the appointments: the one link, to the one person with an address.
    [message] = [message for message in mail.outbox if "kata sandi pertama" in message.body]
    assert message.to == ["siti@kominfos.go.id"]
    [link] = report.links_to_hand_over
    assert link.person.nip == "199007202015032003" and "/akun/atur-kata-sandi/" in link.url

    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        again = import_org_chart(actor=admin, opd=opd, positions_csv_text=POSITIONS, people_csv_text=PEOPLE)
    assert again.password_links == [] and len(mail.outbox) == sent, "nobody new, no new link"


def test_a_refused_import_offers_no_link(admin, opd):
    report = import_org_chart(
        actor=admin,
        opd=opd,
        positions_csv_text=POSITIONS,
        people_csv_text=PEOPLE + "123,Salah,,KOM-X,definitif,,\n",
    )
    assert not report.ok and report.password_links == []
    assert not Event.objects.filter(verb="tautan_sandi_dibuat").exists()


def test_the_command_prints_each_link_it_cannot_mail(opd, tmp_path):
    (tmp_path / "jabatan.csv").write_text(POSITIONS)
    (tmp_path / "pegawai.csv").write_text(PEOPLE)
    output = StringIO()

    call_command(
        "import_org_chart",
        opd=opd.code,
        jabatan=tmp_path / "jabatan.csv",
        pegawai=tmp_path / "pegawai.csv",
        stdout=output,
    )

    printed = output.getvalue()
    assert "1 pegawai baru menerima tautan" in printed
    [line] = [line for line in printed.splitlines() if line.startswith("199007202015032003")]
    assert "Rina Kartika" in line and re.search(r"http://\S+/akun/atur-kata-sandi/\S+/", line)
    assert Event.objects.filter(verb="tautan_sandi_dibuat", actor=None).count() == 2
