"""Recovery codes: ten shown once when the authenticator is confirmed, each good once at the code
prompt in place of the 6-digit code, and a new set on request that kills the old one."""

import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kantor_virtual.errors import Refused
from kantor_virtual.timeline import timeline_for
from organisasi.people_selectors import recovery_codes_left
from organisasi.services import confirm_authenticator, make_recovery_codes, use_recovery_code
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

VERIFY = "/akun/verifikasi/"
CODES = "/akun/verifikasi/kode-cadangan/"
CODE = re.compile(r'<li class="list-group-item font-monospace[^"]*">([a-z2-7]{4}-[a-z2-7]{4})</li>')


@pytest.fixture(autouse=True)
def _second_factor_required(settings):
    settings.OTP_REQUIRED = True


@pytest.fixture
def head(make_position, make_user):
    return make_user(holds=make_position(name="Kepala Dinas"), nip="197001011995031001")


def signed_in(user) -> Client:
    """A browser past the password, at the code prompt."""
    browser = Client()
    assert browser.post("/masuk/", {"username": user.nip, "password": TEST_PASSWORD}).status_code == 302
    assert browser.get("/").url == VERIFY
    return browser


def test_confirming_the_authenticator_shows_ten_codes_once(head):
    browser = signed_in(head)
    browser.get(reverse("organisasi:otp_setup"))
    device = TOTPDevice.objects.get(user=head)

    shown = browser.post(reverse("organisasi:otp_setup"), {"token": f"{totp(device.bin_key):06d}"})

    page = shown.content.decode()
    assert shown.status_code == 200 and "no-store" in shown["Cache-Control"]
    assert "Verifikasi dua langkah aktif" in page and "hanya ditampilkan sekali" in page
    codes = CODE.findall(page)
    assert len(set(codes)) == 10
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(
        c.replace("-", "") for c in codes
    )
    assert browser.get("/").status_code == 200
    assert [e.verb for e in timeline_for(target=head)] == ["verifikasi_diaktifkan", "kode_cadangan_dibuat"]
    again = browser.get(CODES).content.decode()
    assert "Tersisa <strong>10</strong>" in again and not CODE.search(again), "never shown again"


def test_a_recovery_code_signs_in_once_in_any_spelling(head):
    TOTPDevice.objects.create(user=head, name="Ponsel", confirmed=True)
    codes = make_recovery_codes(user=head)

    browser = signed_in(head)
    answer = browser.post(VERIFY, {"token": f" {codes[3].upper()} "}, follow=True)

    assert answer.redirect_chain[-1][0] == "/"
    assert "Anda masuk dengan kode cadangan; tersisa 9 kode" in answer.content.decode()
    assert browser.get("/").status_code == 200
    [event] = timeline_for(target=head).filter(verb="kode_cadangan_dipakai")
    assert event.details == {"sisa": 9}

    other = signed_in(head)
    refused = other.post(VERIFY, {"token": codes[3].replace("-", "")})
    assert "Kode cadangan salah atau sudah pernah dipakai." in refused.content.decode()
    assert other.get("/").url == VERIFY
    assert recovery_codes_left(user=head) == 9


def test_something_that_is_neither_a_code_nor_a_recovery_code_is_explained(head):
    TOTPDevice.objects.create(user=head, name="Ponsel", confirmed=True)
    browser = signed_in(head)

    page = browser.post(VERIFY, {"token": "12ab"}).content.decode()

    assert "atau salah satu kode cadangan (8 huruf dan angka)" in page
    assert 'value="12ab"' in page


def test_a_new_set_replaces_the_old_one_and_needs_a_verified_session(head):
    device = TOTPDevice.objects.create(user=head, name="Ponsel", confirmed=True)
    old = make_recovery_codes(user=head)
    browser = signed_in(head)
    assert browser.get(CODES).url == VERIFY, "the codes page waits for the second factor"
    browser.post(VERIFY, {"token": f"{totp(device.bin_key):06d}"})

    shown = browser.post(CODES)

    new = CODE.findall(shown.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert "Kode cadangan lama tidak berlaku lagi" in shown.content.decode()
    assert StaticDevice.objects.filter(user=head).count() == 1
    assert timeline_for(target=head).filter(verb="kode_cadangan_dibuat").count() == 2

    other = signed_in(head)
    refused = other.post(VERIFY, {"token": old[0]})
    assert "salah atau sudah pernah dipakai" in refused.content.decode()
    time.sleep(1.1)  # django-otp makes the next try wait after a failure
    other.post(VERIFY, {"token": new[0]})
    assert other.get("/").status_code == 200


def test_without_an_authenticator_the_codes_page_sends_to_its_setup(client, make_user, settings):
    staff = make_user()
    client.force_login(staff)
    assert client.get(CODES).url == reverse("organisasi:otp_setup")
    assert 'href="/akun/verifikasi/kode-cadangan/"' in client.get("/").content.decode()


def test_the_recovery_code_service_refuses_without_codes_a_wrong_code_and_a_hurried_retry(head, make_user):
    with pytest.raises(Refused) as refusal:
        use_recovery_code(user=head, code="abcd-efgh")
    assert refusal.value.code == "no_recovery_codes"

    codes = make_recovery_codes(user=head)
    with pytest.raises(Refused) as refusal:
        use_recovery_code(user=head, code="aaaa-aaaa")
    assert refusal.value.code == "wrong_recovery_code"
    with pytest.raises(Refused) as refusal:
        use_recovery_code(user=head, code=codes[0])
    assert refusal.value.code == "throttled", "the failure was kept: the next try waits"
    assert recovery_codes_left(user=head) == 10

    someone_else = TOTPDevice.objects.create(user=make_user(), name="Ponsel", confirmed=False)
    with pytest.raises(Refused) as refusal:
        confirm_authenticator(user=head, device=someone_else)
    assert refusal.value.code == "not_own_device"
    assert not TOTPDevice.objects.get(pk=someone_else.pk).confirmed
