"""Tanda tangan elektronik (TTE): the installation's certificate authority and each signer's certificate.

The authority's key is kept encrypted with a key derived from SECRET_KEY; a signer's key is kept
encrypted with their own passphrase, which the server never stores: without it, nobody (not even
an administrator with the database) can sign in their name.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


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
    """A signer's certificate. At most one valid (not revoked) certificate per person at a time."""

    class RevocationReason(models.TextChoices):
        KEY_COMPROMISE = "key_compromise", "Kunci bocor / kata sandi TTE diketahui orang lain"
        SUPERSEDED = "superseded", "Diganti sertifikat baru"
        CESSATION = "cessation_of_operation", "Tidak lagi menjabat"

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="certificates")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates")
    serial = models.CharField(max_length=64, unique=True)
    subject = models.CharField(max_length=255)
    certificate_pem = models.TextField()
    key_pem = models.TextField(help_text="PKCS#8, terenkripsi dengan kata sandi TTE pemiliknya.")
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=32, choices=RevocationReason, blank=True)

    class Meta:
        verbose_name = "sertifikat TTE"
        verbose_name_plural = "sertifikat TTE"
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="tte_one_valid_certificate_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.serial})"
