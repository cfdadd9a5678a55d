"""Tanda tangan elektronik (TTE): the installation's certificate authority and each signer's certificate.

The authority's key is kept encrypted with a key derived from SECRET_KEY; a signer's key is kept
encrypted with their own passphrase, which the server never stores: without it, nobody (not even
an administrator with the database) can sign in their name.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Authority(models.Model):
    """The installation's root certificate (one row) and the time-stamping certificate it issued."""

    name = models.CharField("nama", max_length=200)
    certificate_pem = models.TextField()
    key_pem = models.TextField(help_text="Terenkripsi dengan kunci turunan SECRET_KEY.")
    tsa_certificate_pem = models.TextField()
    tsa_key_pem = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    crl_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "otoritas sertifikat"
        verbose_name_plural = "otoritas sertifikat"
        constraints = [models.UniqueConstraint(fields=["name"], name="tte_one_authority_per_name")]

    def __str__(self) -> str:
        return self.name


class Certificate(models.Model):
    """A signer's certificate through its whole life, on one row.

    Asked for (diajukan) → issued (aktif) or rejected (ditolak); an issued one may be revoked
    (dicabut, `revoked_at`); expired follows from `not_after`. The identity is kept as it was
    submitted and checked. With the installation's own authority the key pair is made when the
    person asks: the public half waits here for the certificate, the private half is encrypted with
    the holder's passphrase, which is never stored. With the national service (`issuer` national)
    the service keeps the key; this row records what it answered.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", "Diajukan"
        ISSUED = "issued", "Aktif"
        REJECTED = "rejected", "Ditolak"

    class Issuer(models.TextChoices):
        LOCAL = "local", "Otoritas sertifikat Kantor Virtual"
        NATIONAL = "national", "Layanan TTE nasional"

    class RevocationReason(models.TextChoices):
        KEY_COMPROMISE = "key_compromise", "Kunci bocor / kata sandi TTE diketahui orang lain"
        PASSPHRASE_LOST = "passphrase_lost", "Lupa kata sandi TTE"
        SUPERSEDED = "superseded", "Diganti sertifikat baru"
        CESSATION = "cessation_of_operation", "Tidak lagi menjabat"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates")
    status = models.CharField(max_length=16, choices=Status, default=Status.REQUESTED)
    issuer = models.CharField("penerbit", max_length=16, choices=Issuer, default=Issuer.LOCAL)

    # The identity as submitted (and checked by the registration authority).
    nik = models.CharField("NIK", max_length=16, blank=True)
    nip = models.CharField("NIP", max_length=18, blank=True)
    email = models.EmailField("surel", blank=True)
    full_name = models.CharField("nama", max_length=200)
    requested_at = models.DateTimeField("diajukan pada", default=timezone.now)

    # The waiting key (installation's authority only).
    public_key_pem = models.TextField(blank=True)
    key_pem = models.TextField(blank=True, help_text="PKCS#8, terenkripsi dengan kata sandi TTE pemiliknya.")
    passphrase_changed_at = models.DateTimeField(null=True, blank=True)

    # The decision of the registration authority (admin SPBE); none for the system's own loader.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField("alasan penolakan", blank=True)

    # The certificate, once issued.
    authority = models.ForeignKey(
        Authority, null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    serial = models.CharField(max_length=64, blank=True)
    subject = models.CharField(max_length=255, blank=True)
    certificate_pem = models.TextField(blank=True)
    not_before = models.DateTimeField(null=True, blank=True)
    not_after = models.DateTimeField(null=True, blank=True)

    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revocation_reason = models.CharField(max_length=32, choices=RevocationReason, blank=True)
    revocation_note = models.TextField("keterangan pencabutan", blank=True)

    class Meta:
        verbose_name = "sertifikat TTE"
        verbose_name_plural = "sertifikat TTE"
        constraints = [
            # At most one live certificate per person: asked for, or issued and not revoked.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=["requested", "issued"], revoked_at__isnull=True),
                name="tte_one_live_certificate_per_user",
            ),
            models.UniqueConstraint(
                fields=["issuer", "serial"], condition=~Q(serial=""), name="tte_serial_unique_per_issuer"
            ),
            models.CheckConstraint(
                condition=~Q(status="issued")
                | (~Q(serial="") & Q(not_before__isnull=False, not_after__isnull=False)),
                name="tte_issued_has_certificate",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | (Q(decided_at__isnull=False) & ~Q(rejection_reason="")),
                name="tte_rejected_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(status="issued"), name="tte_only_issued_revoked"
            ),
            models.CheckConstraint(
                condition=Q(nik="") | Q(nik__regex=r"^[0-9]{16}$"), name="tte_certificate_nik_16_digits"
            ),
        ]
        indexes = [
            # The registration authority's queue, oldest first (tte.selectors.waiting_requests).
            models.Index(
                fields=["requested_at", "id"], condition=Q(status="requested"), name="tte_waiting_requests"
            ),
            # The daily expiry announcement walks live certificates by end date.
            models.Index(
                fields=["not_after"],
                condition=Q(status="issued", revoked_at__isnull=True),
                name="tte_live_by_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.serial or self.get_status_display()})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.not_after is not None and self.not_after <= timezone.now()

    @property
    def is_live(self) -> bool:
        return self.status in (self.Status.REQUESTED, self.Status.ISSUED) and not self.is_revoked

    @property
    def can_sign(self) -> bool:
        return self.status == self.Status.ISSUED and not self.is_revoked and not self.is_expired

    @property
    def state_label(self) -> str:
        """What the holder reads: Diajukan, Aktif, Ditolak, Dicabut or Kedaluwarsa."""
        if self.is_revoked:
            return "Dicabut"
        if self.status == self.Status.ISSUED and self.is_expired:
            return "Kedaluwarsa"
        return self.get_status_display()
