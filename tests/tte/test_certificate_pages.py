"""The certificate pages: the holder's "Sertifikat TTE" and admin SPBE's verification of requests."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kantor_virtual.templatetags.tanggal import tanggal
from tests.tte.conftest import KADIS_NIK, NEW_PASSPHRASE, PASSPHRASE
from tte.models import Certificate
from tte.services import approve_request

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_second_factor")]
PAGE = reverse("tte:certificate")


def test_the_account_menu_leads_to_the_page_and_someone_who_does_not_sign_is_told_why(client, office):
    client.force_login(office["staf"])
    home = client.get(reverse("beranda")).content.decode()
    assert f'href="{PAGE}"' in home

    page = client.get(PAGE).content.decode()

    assert "tidak menandatangani naskah dinas" in page
    assert 'name="passphrase"' not in page


def test_the_request_form_shows_the_nip_read_only_and_prefills_nik_and_email(client, office):
    office["kadis"].nik = KADIS_NIK
    office["kadis"].save(update_fields=["nik"])
    client.force_login(office["kadis"])

    page = client.get(PAGE).content.decode()

    nip = re.search(r'<input[^>]*name="nip"[^>]*>', page).group(0)
    assert 'value="197408151999031001"' in nip and "disabled" in nip
    assert f'value="{KADIS_NIK}"' in page and f'value="{office["kadis"].email}"' in page


def test_a_refused_request_keeps_what_was_typed_but_the_passphrases(client, office):
    client.force_login(office["kadis"])

    response = client.post(
        PAGE,
        {
            "nip": "000000000000000000",
            "nik": KADIS_NIK,
            "email": "hendra@nusamandiri.go.id",
            "passphrase": PASSPHRASE,
            "passphrase_again": "Pintu-Merah-2025",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200 and "Kedua isian kata sandi TTE tidak sama." in page
    assert f'value="{KADIS_NIK}"' in page and 'value="hendra@nusamandiri.go.id"' in page
    assert PASSPHRASE not in page
    assert not Certificate.objects.exists()


def test_a_request_through_the_page_waits_for_admin_spbe_whose_list_shows_it_oldest_first(
    client, office, ask
):
    older = ask(office["plt_kabid"])
    client.force_login(office["kadis"])
    response = client.post(
        PAGE,
        {
            "nik": KADIS_NIK,
            "email": office["kadis"].email,
            "passphrase": PASSPHRASE,
            "passphrase_again": PASSPHRASE,
        },
    )
    assert response.status_code == 302
    asked = Certificate.objects.get(user=office["kadis"])
    assert asked.nip == "197408151999031001", "the NIP is the person's, whatever the form sent"
    assert "menunggu verifikasi" in client.get(PAGE).content.decode()
    assert client.get(reverse("tte:requests")).status_code == 403
    assert client.get(reverse("tte:review", args=[asked.pk])).status_code == 404

    client.force_login(office["admin"])
    listing = client.get(reverse("tte:requests")).content.decode()

    assert listing.index("Yohanes Manafe") < listing.index("Hendra Siregar")
    review = client.get(reverse("tte:review", args=[older.pk])).content.decode()
    assert "Setujui dan terbitkan" in review and "Tolak permohonan" in review


def test_the_waiting_list_costs_the_same_queries_for_few_and_many_rows(
    client, office, make_user, make_position, ask
):
    client.force_login(office["admin"])
    ask(office["plt_kabid"])
    client.get(reverse("tte:requests"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("tte:requests"))
    for number in range(6):
        ask(make_user(holds=make_position(name=f"Kepala Seksi {number}", parent=office["kabid_position"])))
    client.get(reverse("tte:requests"))  # the menu, redrawn for the new notifications, is kept again
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("tte:requests")).content.decode()
    assert page.count("/tte/permohonan/") >= 7
    assert len(many) == len(few)


def test_admin_spbe_rejects_with_a_reason_on_the_page(client, office, ask):
    asked = ask()
    client.force_login(office["admin"])

    empty = client.post(reverse("tte:reject", args=[asked.pk]), {"reason": ""})
    assert empty.status_code == 200 and "Alasan penolakan" in empty.content.decode()
    client.post(reverse("tte:reject", args=[asked.pk]), {"reason": "NIK tidak sesuai KTP-el"})

    asked.refresh_from_db()
    assert asked.status == Certificate.Status.REJECTED
    client.force_login(office["kadis"])
    page = client.get(PAGE).content.decode()
    assert "NIK tidak sesuai KTP-el" in page and 'name="passphrase_again"' in page, "and may ask again"


def test_the_holder_sees_serial_validity_and_can_change_the_passphrase_or_revoke(client, office, ask):
    certificate = approve_request(actor=office["admin"], certificate=ask())
    client.force_login(office["kadis"])

    page = client.get(PAGE).content.decode()

    assert certificate.serial in page and "Aktif" in page
    assert tanggal(timezone.localdate(certificate.not_after)) in page
    assert "Lupa kata sandi TTE?" in page and "ajukan sertifikat baru" in page
    wrong = client.post(
        reverse("tte:passphrase"),
        {
            "old_passphrase": "Salah-Sandi-2026",
            "new_passphrase": NEW_PASSPHRASE,
            "new_passphrase_again": NEW_PASSPHRASE,
        },
    )
    assert "Kata sandi TTE lama salah." in wrong.content.decode()
    client.post(reverse("tte:revoke_own"), {"reason": "passphrase_lost", "note": ""})
    certificate.refresh_from_db()
    assert certificate.revocation_reason == "passphrase_lost" and certificate.revoked_by == office["kadis"]
    assert 'name="passphrase_again"' in client.get(PAGE).content.decode(), "the request form is back"


def test_admin_spbe_finds_an_issued_certificate_and_revokes_it(client, office, ask):
    certificate = approve_request(actor=office["admin"], certificate=ask())
    client.force_login(office["admin"])

    found = client.get(reverse("tte:issued"), {"q": "197408151999031001"}).content.decode()
    assert reverse("tte:review", args=[certificate.pk]) in found
    client.post(
        reverse("tte:revoke", args=[certificate.pk]), {"reason": "cessation_of_operation", "note": "Mutasi"}
    )

    certificate.refresh_from_db()
    assert certificate.revoked_by == office["admin"] and certificate.revocation_note == "Mutasi"


def test_nobody_else_reaches_the_decisions(client, office, ask):
    asked = ask()
    for outsider in (office["admin_opd"], office["kadis"], office["plt_kabid"]):
        client.force_login(outsider)
        assert client.post(reverse("tte:approve", args=[asked.pk])).status_code == 404
        assert (
            client.post(reverse("tte:revoke", args=[asked.pk]), {"reason": "key_compromise"}).status_code
            == 404
        )
        assert client.get(reverse("tte:issued")).status_code == 403
    asked.refresh_from_db()
    assert asked.status == Certificate.Status.REQUESTED


def test_an_expired_certificate_shows_as_such_beside_the_form_that_replaces_it(client, office, ask):
    certificate = approve_request(actor=office["admin"], certificate=ask())
    Certificate.objects.filter(pk=certificate.pk).update(not_after=timezone.now() - timedelta(days=1))
    client.force_login(office["kadis"])

    page = client.get(PAGE).content.decode()

    assert "Kedaluwarsa" in page and 'name="passphrase_again"' in page
    assert 'name="old_passphrase"' not in page, "an expired certificate no longer signs"


def test_a_request_sent_twice_is_refused_above_the_page(client, office):
    client.force_login(office["kadis"])
    form = {
        "nik": KADIS_NIK,
        "email": office["kadis"].email,
        "passphrase": PASSPHRASE,
        "passphrase_again": PASSPHRASE,
    }
    client.post(PAGE, form)

    again = client.post(PAGE, form, follow=True).content.decode()

    assert "permohonan yang sedang diproses" in again
    assert Certificate.objects.filter(user=office["kadis"]).count() == 1
