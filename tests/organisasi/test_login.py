import time

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisasi.middleware import ACTING_POSITION_SESSION_KEY
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/masuk/"


@pytest.fixture
def staff(make_position, make_user):
    return make_user(holds=make_position(name="Pengelola Surat", kind="pelaksana"), nip="198501012010011001")


@pytest.fixture
def head(make_position, make_user):
    return make_user(holds=make_position(name="Kepala Dinas", kind="struktural"), nip="197001011995031001")


@pytest.mark.parametrize("field", ["nip", "email"])
def test_staff_sign_in_with_nip_or_email(client, staff, field):
    response = client.post(LOGIN, {"username": getattr(staff, field).upper(), "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert client.get(reverse("beranda")).context["user"] == staff


def test_a_wrong_password_is_refused_in_indonesian_and_keeps_the_login(client, staff):
    response = client.post(LOGIN, {"username": staff.nip, "password": "salah-sandi"})

    assert response.status_code == 200
    assert "NIP/surel atau kata sandi salah" in response.content.decode()
    assert f'value="{staff.nip}"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_even_for_the_right_password(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": staff.nip, "password": "salah-sandi"})

    response = client.post(LOGIN, {"username": staff.nip, "password": TEST_PASSWORD})

    assert response.status_code == 429
    assert "Akun dikunci sementara" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_public_pages_stay_open_to_a_pimpinan_who_has_not_entered_the_code(client, head, settings):
    settings.OTP_REQUIRED = True
    client.post(LOGIN, {"username": head.nip, "password": TEST_PASSWORD})

    assert client.get(reverse("verifikasi:upload")).status_code == 200
    assert client.get(reverse("verifikasi:letter", args=["kode-tidak-dikenal"])).status_code == 404
    assert client.get(reverse("tte:crl")).status_code == 200
    assert client.get(reverse("surat_keluar:overview")).url == reverse("organisasi:otp_verify")


def test_pimpinan_must_enrol_and_confirm_a_totp_code_before_anything_else(client, head, settings):
    settings.OTP_REQUIRED = True
    client.post(LOGIN, {"username": head.nip, "password": TEST_PASSWORD})

    assert client.get(reverse("beranda")).url == reverse("organisasi:otp_verify")
    assert client.get(reverse("organisasi:otp_verify")).url == reverse("organisasi:otp_setup")
    setup = client.get(reverse("organisasi:otp_setup"))
    assert "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=head, confirmed=False)

    right_code = f"{totp(device.bin_key):06d}"
    wrong = client.post(
        reverse("organisasi:otp_setup"), {"token": "000000" if right_code != "000000" else "111111"}
    )
    assert "Kode salah" in wrong.content.decode()
    assert client.get(reverse("beranda")).status_code == 302

    throttled = client.post(reverse("organisasi:otp_setup"), {"token": right_code})
    assert "Terlalu banyak percobaan" in throttled.content.decode(), "a failure must slow the next try down"
    time.sleep(1.1)

    client.post(reverse("organisasi:otp_setup"), {"token": f"{totp(device.bin_key):06d}"})
    assert client.get(reverse("beranda")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_a_returning_pimpinan_answers_the_code_of_their_device(client, head, settings):
    settings.OTP_REQUIRED = True
    device = TOTPDevice.objects.create(user=head, name="Ponsel", confirmed=True)
    client.post(LOGIN, {"username": head.nip, "password": TEST_PASSWORD})

    client.post(reverse("organisasi:otp_verify"), {"token": "12345x"})
    assert client.get(reverse("beranda")).status_code == 302

    client.post(reverse("organisasi:otp_verify"), {"token": f"{totp(device.bin_key):06d}"})
    assert client.get(reverse("beranda")).status_code == 200


def test_staff_are_not_asked_for_a_code_and_the_demo_setting_relaxes_it_for_pimpinan(
    client, staff, head, settings
):
    settings.OTP_REQUIRED = True
    client.force_login(staff)
    assert client.get(reverse("beranda")).status_code == 200

    settings.OTP_REQUIRED = False
    client.force_login(head)
    assert client.get(reverse("beranda")).status_code == 200


def test_the_switcher_only_accepts_positions_the_user_acts_for(client, make_position, make_user, settings):
    settings.OTP_REQUIRED = False
    kasi = make_position(name="Kepala Seksi Aplikasi")
    kabid = make_position(name="Kepala Bidang Aplikasi Informatika")
    foreign = make_position(name="Kepala Bidang Statistik")
    user = make_user(holds=kasi, acts_for=kabid)
    client.force_login(user)

    home = client.get(reverse("beranda"))
    assert [p.pk for p in home.context["acting_positions"]] == [kasi.pk, kabid.pk]
    assert home.context["acting_position"].pk == kasi.pk

    client.post(reverse("organisasi:switch_position"), {"position": kabid.pk, "next": "/"})
    assert client.session[ACTING_POSITION_SESSION_KEY] == kabid.pk
    assert "Plt. Kepala Bidang Aplikasi Informatika" in client.get(reverse("beranda")).content.decode()

    refused = client.post(
        reverse("organisasi:switch_position"), {"position": foreign.pk, "next": "/"}, follow=True
    )
    assert client.session[ACTING_POSITION_SESSION_KEY] == kabid.pk
    assert "tidak menjabat" in refused.content.decode()


def test_password_change_and_logout(client, staff):
    client.force_login(staff)
    new_password = "Kata-Sandi-Baru-2026"
    response = client.post(
        reverse("organisasi:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password(new_password)

    client.post(reverse("organisasi:logout"))
    assert client.get(reverse("beranda")).status_code == 302


def test_error_pages_speak_indonesian(client, staff):
    client.force_login(staff)
    response = client.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()
