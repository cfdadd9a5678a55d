"""Applicant accounts: registration as a person or a business, its refusals, the e-mail verification
link, and the guard that keeps unverified applicants from submitting."""

import re
import time

import pytest
from django.core import mail
from django.urls import reverse

from kantor_virtual.errors import Refused
from kantor_virtual.models import Event
from layanan_publik.models import Applicant
from layanan_publik.privacy import mask_nik
from layanan_publik.services.accounts import (
    VERIFICATION_MAX_AGE,
    register_applicant,
    require_verified,
    resend_verification,
    verify_email,
)
from organisasi.models import User

pytestmark = pytest.mark.django_db
PASSWORD = "Kopi-Tubruk-Pagi-2026"
NIK = "3171010101900001"


def _person(**overrides) -> dict:
    return {
        "kind": Applicant.Kind.PERSON,
        "full_name": "Budi Santoso",
        "email": "budi@contoh.id",
        "phone": "0812 3456 7890",
        "password": PASSWORD,
        "nik": NIK,
    } | overrides


def _business(**overrides) -> dict:
    return {
        "kind": Applicant.Kind.BUSINESS,
        "full_name": "Dewi Lestari",
        "email": "dewi@majujaya.co.id",
        "phone": "021 555 0101",
        "password": PASSWORD,
        "business_name": "CV Maju Jaya",
        "nib": "9120001234567",
    } | overrides


def _link_in(message) -> str:
    return re.search(r"/pemohon/verifikasi-surel/[^/\s]+/", message.body).group(0)


def _token_in(message) -> str:
    return _link_in(message).rstrip("/").rsplit("/", 1)[1]


@pytest.fixture
def registered(django_capture_on_commit_callbacks):
    """`registered(**fields)` → (applicant, the verification e-mail it was sent after commit)."""

    def register(**overrides):
        with django_capture_on_commit_callbacks(execute=True):
            applicant = register_applicant(**_person(**overrides))
        return applicant, mail.outbox[-1]

    return register


# ── Registration ─────────────────────────────────────────────────────────────────────────────


def test_a_person_registers_unverified_and_is_sent_a_verification_link(registered):
    applicant, message = registered(email="Budi.Santoso@Contoh.ID", nik="3171 0101 0190 0001")

    user = applicant.user
    assert (applicant.kind, applicant.nik, applicant.email_verified_at) == ("person", NIK, None)
    assert user.username == "budi.santoso@contoh.id" and user.email == "Budi.Santoso@contoh.id"
    assert user.employment == User.Employment.PUBLIC and user.check_password(PASSWORD)
    assert message.to == ["Budi.Santoso@contoh.id"] and "Verifikasi alamat surel" in message.subject
    assert "http://" in message.body and _link_in(message)
    event = Event.objects.get(verb="registered")
    assert event.actor == user and event.details == {"kind": "person"}
    assert NIK not in str(event.details), "no personal data in the append-only timeline"


def test_a_business_registers_with_its_nib_and_contact_person():
    applicant = register_applicant(**_business())
    assert (applicant.business_name, applicant.nib, applicant.nik) == ("CV Maju Jaya", "9120001234567", "")
    assert applicant.display_name == "CV Maju Jaya (u.p. Dewi Lestari)"


def test_the_e_mail_is_sent_only_once_the_registration_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as pending:
        register_applicant(**_person())
    assert mail.outbox == []
    for callback in pending:
        callback()
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        (_person(nik="317101010190000"), "bad_nik"),
        (_person(nik="31710101019000AB"), "bad_nik"),
        (_person(nik=""), "bad_nik"),
        (_business(nib="912000123456"), "bad_nib"),
        (_business(business_name="  "), "no_business_name"),
        (_person(full_name=" "), "no_name"),
        (_person(password="1234567890123"), "weak_password"),
        (_person(password="pendek"), "weak_password"),
        (_person(password="budi@contoh.id"), "weak_password"),
        (_person(kind="robot"), "bad_kind"),
    ],
)
def test_bad_identities_and_weak_passwords_are_refused_and_create_nothing(fields, code):
    with pytest.raises(Refused) as refusal:
        register_applicant(**fields)
    assert refusal.value.code == code
    assert (
        not User.objects.filter(employment=User.Employment.PUBLIC).exists() and not Applicant.objects.exists()
    )


@pytest.mark.parametrize("taken", ["budi@contoh.id", "BUDI@CONTOH.ID", "Budi@Contoh.id"])
def test_an_address_already_registered_in_any_letter_case_is_refused(taken):
    register_applicant(**_person(email="budi@contoh.id"))
    with pytest.raises(Refused) as refusal:
        register_applicant(**_business(email=taken))
    assert refusal.value.code == "email_taken"
    assert refusal.value.message == "Alamat surel sudah terdaftar. Silakan masuk dengan alamat surel itu."
    assert Applicant.objects.count() == 1


def test_a_staff_members_address_cannot_be_taken_by_an_applicant(make_user):
    make_user(email="rina@nusamandiri.go.id")
    with pytest.raises(Refused) as refusal:
        register_applicant(**_person(email="Rina@Nusamandiri.go.id"))
    assert refusal.value.code == "email_taken"


# ── Verification ─────────────────────────────────────────────────────────────────────────────


def test_the_link_verifies_once_and_a_second_click_says_so(registered):
    applicant, message = registered()

    assert verify_email(token=_token_in(message)) is True
    applicant.refresh_from_db()
    verified_at = applicant.email_verified_at
    assert verified_at is not None
    assert verify_email(token=_token_in(message)) is False
    applicant.refresh_from_db()
    assert applicant.email_verified_at == verified_at
    assert Event.objects.filter(verb="email_verified").count() == 1


@pytest.mark.parametrize(
    "alter",
    [
        pytest.param(lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"), id="signature"),
        pytest.param(lambda token: "x" + token, id="payload"),
        pytest.param(lambda token: "bukan-token", id="garbage"),
    ],
)
def test_an_altered_link_is_refused(registered, alter):
    applicant, message = registered()
    with pytest.raises(Refused) as refusal:
        verify_email(token=alter(_token_in(message)))
    assert refusal.value.code == "link_invalid"
    applicant.refresh_from_db()
    assert applicant.email_verified_at is None


def test_a_link_older_than_three_days_is_refused(registered, monkeypatch):
    applicant, message = registered()
    later = time.time() + VERIFICATION_MAX_AGE.total_seconds() + 60
    with monkeypatch.context() as future, pytest.raises(Refused) as refusal:
        future.setattr(time, "time", lambda: later)
        verify_email(token=_token_in(message))
    assert refusal.value.code == "link_expired"
    applicant.refresh_from_db()
    assert applicant.email_verified_at is None


def test_a_link_for_an_address_the_account_no_longer_has_is_refused(registered):
    applicant, message = registered()
    User.objects.filter(pk=applicant.user_id).update(email="baru@contoh.id")
    with pytest.raises(Refused) as refusal:
        verify_email(token=_token_in(message))
    assert refusal.value.code == "link_invalid"


def test_an_unverified_applicant_is_refused_by_require_verified(make_applicant):
    with pytest.raises(Refused) as refusal:
        require_verified(make_applicant(verified=False))
    assert refusal.value.code == "email_unverified"
    assert "Verifikasi alamat surel Anda terlebih dahulu" in refusal.value.message
    assert require_verified(make_applicant()) is None


def test_a_new_link_can_be_asked_for_until_the_address_is_verified(
    registered, django_capture_on_commit_callbacks
):
    applicant, first = registered()
    with django_capture_on_commit_callbacks(execute=True):
        resend_verification(actor=applicant.user)
    second = mail.outbox[-1]
    assert len(mail.outbox) == 2 and _token_in(second)

    assert verify_email(token=_token_in(first)) is True, "a link sent before stays valid"
    with pytest.raises(Refused) as refusal:
        resend_verification(actor=applicant.user)
    assert refusal.value.code == "already_verified"


def test_a_staff_member_cannot_ask_for_an_applicants_link(make_user):
    with pytest.raises(Refused) as refusal:
        resend_verification(actor=make_user())
    assert refusal.value.code == "not_applicant"


# ── Pages ────────────────────────────────────────────────────────────────────────────────────


def _form(**overrides) -> dict:
    fields = _person() | {"password_again": PASSWORD} | overrides
    fields.pop("kind")
    return fields


def test_registering_on_the_page_signs_in_and_asks_to_check_the_mailbox(
    client, human_check, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/pemohon/daftar/perorangan/", _form() | human_check, follow=True)

    assert response.redirect_chain[-1][0] == reverse("pemohon:account")
    page = response.content.decode()
    assert "Cek surel Anda" in page and "budi@contoh.id" in page
    assert mask_nik(NIK) in page and NIK not in page, "the NIK is never echoed in full"
    assert response.context["user"].applicant.kind == "person"
    assert len(mail.outbox) == 1


def test_a_business_registers_on_its_own_form(client, human_check):
    page = client.get("/pemohon/daftar/badan-usaha/").content.decode()
    assert "NIB" in page and "Nama penanggung jawab" in page and 'name="nik"' not in page
    fields = {key: value for key, value in _business().items() if key != "kind"}
    response = client.post(
        "/pemohon/daftar/badan-usaha/", fields | {"password_again": PASSWORD} | human_check
    )
    assert response.status_code == 302
    assert Applicant.objects.get().nib == "9120001234567"


def test_a_refusal_is_shown_beside_its_field_and_keeps_what_was_typed(client, human_check):
    register_applicant(**_business(email="budi@contoh.id"))
    response = client.post("/pemohon/daftar/perorangan/", _form(nik="12345") | human_check)

    form = response.context["form"]
    assert form.errors == {"nik": ["NIK harus 16 angka, sesuai KTP-el."]}
    assert 'value="Budi Santoso"' in response.content.decode()
    response = client.post("/pemohon/daftar/perorangan/", _form() | human_check)
    assert response.context["form"].errors["email"] == [
        "Alamat surel sudah terdaftar. Silakan masuk dengan alamat surel itu."
    ]
    assert Applicant.objects.count() == 1


def test_passwords_that_differ_are_caught_by_the_form(client, human_check):
    response = client.post(
        "/pemohon/daftar/perorangan/", _form(password_again="Lain-Sandinya-2026") | human_check
    )
    assert response.context["form"].errors == {"password_again": ["Kedua kata sandi tidak sama."]}
    assert not Applicant.objects.exists()


def test_an_unknown_kind_of_applicant_is_not_found(client):
    assert client.get("/pemohon/daftar/robot/").status_code == 404


def test_the_link_asks_for_a_click_then_verifies_and_then_says_it_is_done(client, registered):
    applicant, message = registered()
    link = _link_in(message)

    page = client.get(link)
    assert page.status_code == 200 and "budi@contoh.id" in page.content.decode()
    applicant.refresh_from_db()
    assert applicant.email_verified_at is None, "opening the link alone (a mail scanner) verifies nothing"

    done = client.post(link, follow=True)
    assert "sudah terverifikasi" in done.content.decode()
    applicant.refresh_from_db()
    assert applicant.email_verified_at is not None

    again = client.post(link, follow=True).content.decode()
    assert "sudah terverifikasi sebelumnya" in again


def test_a_bad_link_page_says_why(client):
    response = client.get(reverse("pemohon:verify", args=["bukan-token"]))
    assert response.status_code == 400
    assert "Tautan verifikasi tidak sah" in response.content.decode()


def test_the_account_page_is_for_applicants_and_offers_a_new_link_while_unverified(
    client, make_applicant, make_user, django_capture_on_commit_callbacks
):
    applicant = make_applicant(verified=False)
    client.force_login(applicant.user)
    assert "Kirim ulang tautan verifikasi" in client.get(reverse("pemohon:account")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("pemohon:resend"), follow=True)
    assert "Tautan verifikasi baru sudah dikirim" in response.content.decode()
    assert mail.outbox[-1].to == [applicant.user.email]

    client.force_login(make_user())
    assert client.get(reverse("pemohon:account")).status_code == 404
    client.logout()
    assert client.get(reverse("pemohon:account")).status_code == 302


def test_a_signed_in_person_is_not_offered_a_second_registration(client, applicant):
    client.force_login(applicant.user)
    assert client.get("/pemohon/daftar/perorangan/").url == reverse("pemohon:account")


@pytest.mark.parametrize(
    ("nik", "masked"),
    [("3171010101900001", "3171********0001"), ("1234567", "*******"), ("", "")],
)
def test_a_nik_is_masked_but_for_its_region_and_last_digits(nik, masked):
    assert mask_nik(nik) == masked
