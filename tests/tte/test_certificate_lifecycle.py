"""A signer's certificate from request to revocation, with the installation's own authority: who may
do each step, what each refusal leaves unchanged, and what the CRL says at once."""

import time
from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.urls import reverse
from django.utils import timezone

from kantor_virtual.errors import Refused
from kantor_virtual.models import Event, Notification
from kantor_virtual.templatetags.tanggal import tanggal
from kantor_virtual.timeline import timeline_for
from organisasi.models import User
from tests.tte.conftest import KADIS_NIK, NEW_PASSPHRASE, PASSPHRASE
from tte.backends import LocalBackend
from tte.models import Authority, Certificate
from tte.services import (
    CERTIFICATE_YEARS,
    approve_request,
    change_passphrase,
    enrol,
    reject_request,
    revoke,
)
from tte.signing import current_crl, verify_pdf
from tte.tasks import announce_expiring_certificates

pytestmark = pytest.mark.django_db


def refused(action) -> str:
    with pytest.raises(Refused) as refusal:
        action()
    return refusal.value.code


def sign(user, pdf_bytes, passphrase=PASSPHRASE) -> bytes:
    return LocalBackend().sign(pdf=pdf_bytes("Nota dinas"), signer=user, passphrase=passphrase)


def test_only_a_person_whose_position_signs_may_ask_and_a_plt_inside_their_dates_counts(
    office, ask, make_user, make_position, today
):
    kasi = make_position(name="Kepala Seksi Persandian", parent=office["kabid_position"])
    former_plt = make_user(acts_for=kasi, until=today - timedelta(days=1))
    for bystander in (office["staf"], office["admin_opd"], office["admin"], former_plt):
        assert refused(lambda user=bystander: ask(user)) == "not_pimpinan"
    assert not Certificate.objects.exists()

    asked = ask(office["plt_kabid"])

    assert asked.status == Certificate.Status.REQUESTED and asked.user == office["plt_kabid"]


def test_a_second_request_is_refused_while_one_is_live_and_allowed_after_a_rejection(office, ask):
    first = ask()
    assert refused(ask) == "already_enrolled", "waiting"
    reject_request(actor=office["admin"], certificate=first, reason="NIK tidak sesuai KTP-el")

    second = ask()
    approve_request(actor=office["admin"], certificate=second)

    assert refused(ask) == "already_enrolled", "issued"
    assert refused(lambda: enrol(user=office["kadis"], passphrase=PASSPHRASE)) == "already_enrolled"
    assert Certificate.objects.filter(user=office["kadis"]).count() == 2


@pytest.mark.parametrize(
    "nik", ["", "5371011203", "53710112037500012", "5371O11203750001", "5371 0112 0375 0001"]
)
def test_a_nik_that_is_not_16_digits_is_refused(office, ask, nik):
    assert refused(lambda: ask(nik=nik)) == "bad_nik"
    assert not Certificate.objects.exists()
    assert User.objects.get(pk=office["kadis"].pk).nik is None


def test_a_nik_of_someone_else_is_refused(office, ask):
    User.objects.filter(pk=office["staf"].pk).update(nik=KADIS_NIK)
    assert refused(ask) == "nik_taken"
    assert not Certificate.objects.exists()


@pytest.mark.parametrize(
    ("passphrase", "again", "code"),
    [
        ("Pendek-1", "Pendek-1", "weak_passphrase"),
        ("hanya-huruf-saja", "hanya-huruf-saja", "weak_passphrase"),
        ("2026-0815-1999", "2026-0815-1999", "weak_passphrase"),
        ("Sandi-197408151999031001", "Sandi-197408151999031001", "weak_passphrase"),  # the NIP
        (f"x{KADIS_NIK}", f"x{KADIS_NIK}", "weak_passphrase"),  # the NIK
        ("Siregar-Kominfo-2026", "Siregar-Kominfo-2026", "weak_passphrase"),  # the name
        (PASSPHRASE, PASSPHRASE + "x", "passphrase_mismatch"),
    ],
)
def test_a_weak_or_mismatched_passphrase_is_refused(office, ask, passphrase, again, code):
    assert refused(lambda: ask(passphrase=passphrase, passphrase_again=again)) == code
    assert not Certificate.objects.exists()


def test_a_request_keeps_the_identity_and_a_key_that_only_the_passphrase_opens(office, ask):
    asked = ask(email="hendra.siregar@nusamandiri.go.id")

    kadis = User.objects.get(pk=office["kadis"].pk)
    assert kadis.nik == KADIS_NIK, "the NIK is stored on the person"
    assert (asked.nik, asked.nip, asked.full_name, asked.email) == (
        KADIS_NIK,
        "197408151999031001",
        "Hendra Siregar",
        "hendra.siregar@nusamandiri.go.id",
    )
    assert "ENCRYPTED PRIVATE KEY" in asked.key_pem
    with pytest.raises(TypeError):  # no passphrase: it is encrypted
        serialization.load_pem_private_key(asked.key_pem.encode(), None)
    key = serialization.load_pem_private_key(asked.key_pem.encode(), PASSPHRASE.encode())
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert public.decode() == asked.public_key_pem
    row = Certificate.objects.filter(pk=asked.pk).values().get()
    assert not any(PASSPHRASE in str(value) for value in row.values()), "the passphrase is never stored"
    (event,) = timeline_for(target=asked)
    assert (event.verb, event.actor) == ("requested", office["kadis"])
    assert Notification.objects.filter(
        user=office["admin"], key=f"tte:certificate:{asked.pk}:requested"
    ).exists()


def test_admin_spbe_approves_and_the_certificate_is_issued_for_the_waiting_key(office, ask, pdf_bytes):
    asked = ask()

    issued = approve_request(actor=office["admin"], certificate=asked)

    assert issued.status == Certificate.Status.ISSUED and issued.can_sign
    assert (issued.decided_by, issued.authority) == (office["admin"], Authority.objects.get())
    certificate = x509.load_pem_x509_certificate(issued.certificate_pem.encode())
    assert format(certificate.serial_number, "x") == issued.serial
    assert (
        certificate.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        == asked.public_key_pem.encode()
    )
    assert (issued.not_after - issued.not_before).days in (
        365 * CERTIFICATE_YEARS,
        365 * CERTIFICATE_YEARS + 1,
    )
    assert [event.verb for event in timeline_for(target=issued)] == ["requested", "issued"]
    notice = Notification.objects.get(user=office["kadis"], key=f"tte:certificate:{issued.pk}:decided")
    assert notice.title == "Sertifikat TTE Anda sudah terbit"
    result = verify_pdf(sign(office["kadis"], pdf_bytes))
    assert result.valid and result.signer == "Hendra Siregar"


@pytest.mark.parametrize("who", ["admin_opd", "requester", "another_pimpinan", "admin_who_asked"])
def test_nobody_but_admin_spbe_decides_and_never_on_their_own_request(office, ask, grant_role, who):
    requester = office["plt_kabid"] if who == "another_pimpinan" else office["kadis"]
    if who == "admin_who_asked":
        grant_role(office["kadis"], "admin")
    asked = ask(requester)
    actor = {
        "admin_opd": office["admin_opd"],
        "requester": office["kadis"],
        "another_pimpinan": office["kadis"],
        "admin_who_asked": office["kadis"],
    }[who]
    expected = "own_request" if who == "admin_who_asked" else "not_admin"

    assert refused(lambda: approve_request(actor=actor, certificate=asked)) == expected
    assert refused(lambda: reject_request(actor=actor, certificate=asked, reason="Tidak sesuai")) == expected

    asked.refresh_from_db()
    assert asked.status == Certificate.Status.REQUESTED and asked.decided_at is None
    assert [event.verb for event in timeline_for(target=asked)] == ["requested"]


def test_a_rejection_needs_a_reason_tells_the_requester_and_can_never_be_approved(office, ask):
    asked = ask()
    assert (
        refused(lambda: reject_request(actor=office["admin"], certificate=asked, reason="  "))
        == "missing_reason"
    )

    rejected = reject_request(actor=office["admin"], certificate=asked, reason="Foto KTP-el tidak terbaca")

    assert (rejected.status, rejected.rejection_reason, rejected.key_pem) == (
        Certificate.Status.REJECTED,
        "Foto KTP-el tidak terbaca",
        "",
    )
    assert refused(lambda: approve_request(actor=office["admin"], certificate=rejected)) == "not_waiting"
    assert (
        refused(lambda: reject_request(actor=office["admin"], certificate=rejected, reason="x"))
        == "not_waiting"
    )
    notice = Notification.objects.get(user=office["kadis"], key=f"tte:certificate:{asked.pk}:decided")
    assert "Foto KTP-el tidak terbaca" in notice.body
    rejected.refresh_from_db()
    assert rejected.status == Certificate.Status.REJECTED


def test_a_request_of_someone_who_no_longer_signs_is_not_approved(office, ask, today):
    asked = ask(office["plt_kabid"])
    office["plt_kabid"].assignments.update(end=today - timedelta(days=1), start=today - timedelta(days=9))

    assert (
        refused(lambda: approve_request(actor=office["admin"], certificate=asked)) == "requester_not_signer"
    )


def test_a_wrong_old_passphrase_is_refused_and_changes_nothing(office, ask, pdf_bytes):
    certificate = approve_request(actor=office["admin"], certificate=ask())
    key_before = certificate.key_pem

    def change(old=PASSPHRASE, new=NEW_PASSPHRASE, again=NEW_PASSPHRASE, actor=None):
        return change_passphrase(
            actor=actor or office["kadis"],
            certificate=certificate,
            old_passphrase=old,
            new_passphrase=new,
            new_passphrase_again=again,
        )

    assert refused(lambda: change(old="Salah-Sandi-2026")) == "wrong_passphrase"
    assert refused(lambda: change(new="lemah", again="lemah")) == "weak_passphrase"
    assert refused(lambda: change(again=NEW_PASSPHRASE + "!")) == "passphrase_mismatch"
    assert refused(lambda: change(new=PASSPHRASE, again=PASSPHRASE)) == "same_passphrase"
    assert refused(lambda: change(actor=office["admin"])) == "not_holder"
    certificate.refresh_from_db()
    assert certificate.key_pem == key_before and certificate.passphrase_changed_at is None
    assert [event.verb for event in timeline_for(target=certificate)] == ["requested", "issued"]

    change()

    assert verify_pdf(sign(office["kadis"], pdf_bytes, NEW_PASSPHRASE)).valid
    assert refused(lambda: sign(office["kadis"], pdf_bytes, PASSPHRASE)) == "wrong_passphrase"
    assert timeline_for(target=certificate).last().verb == "passphrase_changed"
    assert Notification.objects.filter(user=office["kadis"], title="Kata sandi TTE Anda diganti").exists()


def test_only_the_holder_or_admin_spbe_revokes(office, ask, make_user, make_position):
    certificate = approve_request(actor=office["admin"], certificate=ask())
    other_head = make_user(
        holds=make_position(name="Kepala Bidang Aplikasi", parent=office["kadis_position"])
    )

    for outsider in (other_head, office["admin_opd"], office["staf"]):
        code = refused(
            lambda actor=outsider: revoke(actor=actor, certificate=certificate, reason="key_compromise")
        )
        assert code == "not_allowed"
    certificate.refresh_from_db()
    assert certificate.revoked_at is None

    revoke(actor=office["admin"], certificate=certificate, reason="cessation_of_operation", note="Mutasi")

    certificate.refresh_from_db()
    assert (certificate.revoked_by, certificate.revocation_reason, certificate.revocation_note) == (
        office["admin"],
        "cessation_of_operation",
        "Mutasi",
    )
    assert Notification.objects.filter(
        user=office["kadis"], key=f"tte:certificate:{certificate.pk}:revoked"
    ).exists()
    assert refused(
        lambda: revoke(actor=office["kadis"], certificate=certificate, reason="key_compromise")
    ) == ("already_revoked")


def test_the_crl_lists_a_revoked_serial_right_after_the_revocation(client, office, ask):
    certificate = approve_request(actor=office["admin"], certificate=ask())
    authority = Authority.objects.get()
    # The process keeps the CRL it made: both the kept one and the page must change at once.
    before = x509.load_der_x509_crl(current_crl(authority))
    assert before.get_revoked_certificate_by_serial_number(int(certificate.serial, 16)) is None
    assert client.get(reverse("tte:crl"))["Cache-Control"] == "no-cache"

    revoke(actor=office["kadis"], certificate=certificate, reason="passphrase_lost")

    authority.refresh_from_db()
    kept = x509.load_der_x509_crl(current_crl(authority))
    served = x509.load_der_x509_crl(client.get(reverse("tte:crl")).content)
    for crl in (kept, served):
        entry = crl.get_revoked_certificate_by_serial_number(int(certificate.serial, 16))
        assert entry is not None
        assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason == (
            x509.ReasonFlags.unspecified
        )
    assert served.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number == (
        before.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number + 1
    )


def test_a_revoked_certificate_cannot_sign(office, ask, pdf_bytes):
    certificate = approve_request(actor=office["admin"], certificate=ask())
    revoke(actor=office["kadis"], certificate=certificate, reason="key_compromise")

    assert refused(lambda: sign(office["kadis"], pdf_bytes)) == "revoked"
    certificate.refresh_from_db()
    assert certificate.key_pem == "", "the key of a revoked certificate is not kept"


def test_a_request_waiting_for_approval_cannot_sign(office, ask, pdf_bytes):
    ask()
    assert refused(lambda: sign(office["kadis"], pdf_bytes)) == "certificate_pending"


def test_expiring_certificates_are_announced_once_each_thirty_days_ahead(
    office, ask, make_user, make_position
):
    soon = approve_request(actor=office["admin"], certificate=ask())
    later = enrol(user=office["plt_kabid"], passphrase=PASSPHRASE)
    gone = enrol(user=make_user(holds=make_position(name="Sekretaris")), passphrase=PASSPHRASE)
    revoke(actor=office["admin"], certificate=gone, reason="cessation_of_operation")
    now = timezone.now()
    Certificate.objects.filter(pk__in=[soon.pk, gone.pk]).update(not_after=now + timedelta(days=12))
    Certificate.objects.filter(pk=later.pk).update(not_after=now + timedelta(days=45))

    assert announce_expiring_certificates.apply().get() == 1
    assert announce_expiring_certificates.apply().get() == 0, "a second run tells nobody again"

    (notice,) = Notification.objects.filter(key__endswith=":expiring")
    assert notice.user == office["kadis"] and notice.key == f"tte:certificate:{soon.pk}:expiring"
    assert (
        notice.title
        == f"Sertifikat TTE Anda berakhir pada {tanggal(timezone.localdate(now + timedelta(days=12)))}"
    )
    assert [event.verb for event in timeline_for(target=soon)][-1] == "expiry_announced"
    assert Event.objects.filter(verb="expiry_announced").count() == 1


def test_an_expired_certificate_is_superseded_by_a_new_request(office, ask):
    old = approve_request(actor=office["admin"], certificate=ask())
    Certificate.objects.filter(pk=old.pk).update(not_after=timezone.now() - timedelta(days=1))

    new = ask()

    old.refresh_from_db()
    assert (
        old.revocation_reason == Certificate.RevocationReason.SUPERSEDED and old.revoked_by == office["kadis"]
    )
    assert new.status == Certificate.Status.REQUESTED


def test_the_loader_requests_and_issues_at_once_as_the_system(office, pdf_bytes):
    certificate = enrol(user=office["kadis"], passphrase="sandi-tte-kadis")

    assert certificate.status == Certificate.Status.ISSUED and certificate.decided_by is None
    events = list(timeline_for(target=certificate))
    assert [(event.verb, event.actor) for event in events] == [("requested", None), ("issued", None)]
    assert events[0].details["by"] == "system"
    assert not Notification.objects.exists(), "the loader tells nobody"
    assert verify_pdf(sign(office["kadis"], pdf_bytes, "sandi-tte-kadis")).valid


def test_a_signature_made_before_the_revocation_is_judged_as_it_stood_when_made(office, ask, pdf_bytes):
    certificate = approve_request(actor=office["admin"], certificate=ask())
    signed = sign(office["kadis"], pdf_bytes)
    time.sleep(1.1)  # the CRL dates a revocation to the second
    revoke(actor=office["kadis"], certificate=certificate, reason="key_compromise")

    result = verify_pdf(signed)

    certificate.refresh_from_db()
    assert result.revoked and not result.valid, "revoked now"
    assert result.valid_when_signed and result.signed_at < result.revoked_at
    assert result.revoked_at == certificate.revoked_at.replace(microsecond=0)
    assert result.serial == certificate.serial
