from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Event(models.Model):
    """One state change of any object: the shared timeline and the audit trail.

    Rows are append-only in the database (a trigger refuses UPDATE and DELETE, see migration 0002)
    and chained per object: `hash` covers the row and `prev_hash`, the hash of the object's previous
    event, so editing or removing history breaks the chain that `verify_events` checks.
    """

    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64)
    seq = models.PositiveIntegerField(help_text="Urutan kejadian pada objek ini, mulai 1.")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The position acted as, kept as id and name at that moment: history must survive re-organisations.
    position_id = models.BigIntegerField(null=True, blank=True)
    position_name = models.CharField(max_length=255, blank=True)
    verb = models.CharField(max_length=64)
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32, blank=True)
    at = models.DateTimeField()
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = "kejadian"
        verbose_name_plural = "kejadian"
        constraints = [
            models.UniqueConstraint(
                fields=["target_type", "target_id", "seq"], name="event_one_seq_per_target"
            ),
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="event_seq_positive"),
        ]
        indexes = [models.Index(fields=["actor", "-at"], name="event_actor_at")]

    def __str__(self) -> str:
        return f"{self.verb} #{self.seq} ({self.target_type_id}:{self.target_id})"


class Notification(models.Model):
    """An in-app notice to one person, and the e-mail that carries it.

    `key` names what the notice is about ("inbox-item:42", "overdue:42:2026-11-25"): unique per
    person, so a task that runs twice, or a reminder job that runs every hour, notifies once.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(max_length=120)
    title = models.CharField("judul", max_length=255)
    body = models.TextField("isi", blank=True)
    url = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "notifikasi"
        verbose_name_plural = "notifikasi"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_key")]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_user_recent"),
            models.Index(
                fields=["user"], condition=models.Q(read_at__isnull=True), name="notification_user_unread"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RateCounter(models.Model):
    """A rate limit's count for one key and window, kept here only while Redis is unreachable
    (kantor_virtual.cache_health.RateCounterCache counts with single atomic statements)."""

    # django-ratelimit's key: a digest of the group, the window, the rate and the client.
    key = models.CharField(max_length=250, primary_key=True)
    count = models.PositiveIntegerField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class Heartbeat(models.Model):
    """The last time a beat-scheduled task went the whole way (beat, outbox, relay, broker, worker):
    /kesehatan/ reports its age."""

    name = models.CharField(max_length=50, primary_key=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name}: {self.beat_at}"
