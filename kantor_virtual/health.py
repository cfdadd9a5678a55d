"""What /kesehatan/ reports: each part the office leans on, and how it is. PostgreSQL alone decides
the status code (without it nothing can be served); every other part that fails is reported as
degraded with a 200, so a load balancer keeps a web node that can still serve."""

import shutil
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.utils import timezone
from django_celery_outbox.models import CeleryOutbox

from kantor_virtual.models import Heartbeat

WORKER_HEARTBEAT = "worker"
# Beat queues the heartbeat every minute: older than this, something on its way is down.
HEARTBEAT_STALE_AFTER = timedelta(minutes=3)
OUTBOX_STALE_AFTER = timedelta(minutes=5)
DISK_LOW_FRACTION = 0.05


def record_heartbeat() -> None:
    Heartbeat.objects.update_or_create(name=WORKER_HEARTBEAT, defaults={"beat_at": timezone.now()})


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any failure of the database means the same: it does not answer
        return False
    return True


def _redis() -> dict:
    started = time.monotonic()
    try:
        client = caches["default"].client.get_client(write=True)
        client.ping()
    except Exception as failure:  # a refused socket, a timeout, an error reply: Redis is not usable
        return {"status": "degraded", "error": type(failure).__name__}
    return {"status": "ok", "ms": round((time.monotonic() - started) * 1000, 1)}


def _worker(now) -> dict:
    beat = Heartbeat.objects.filter(name=WORKER_HEARTBEAT).values_list("beat_at", flat=True).first()
    if beat is None:
        return {"status": "degraded", "error": "belum ada detak"}
    age = now - beat
    status = "ok" if age <= HEARTBEAT_STALE_AFTER else "degraded"
    return {"status": status, "last_beat_seconds": round(age.total_seconds())}


def _outbox(now) -> dict:
    waiting = CeleryOutbox.objects.count()
    oldest = CeleryOutbox.objects.order_by("id").values_list("created_at", flat=True).first()
    age = (now - oldest) if oldest else timedelta(0)
    status = "ok" if age <= OUTBOX_STALE_AFTER else "degraded"
    return {"status": status, "waiting": waiting, "oldest_seconds": round(age.total_seconds())}


def _disk() -> dict:
    folders = {"private": settings.PRIVATE_MEDIA_ROOT, "media": settings.MEDIA_ROOT}
    report = {}
    for name, folder in folders.items():
        # A folder nothing was written to yet lives on its nearest existing parent's disk.
        folder = next((path for path in (Path(folder), *Path(folder).parents) if path.exists()), Path("/"))
        try:
            usage = shutil.disk_usage(folder)
        except OSError as failure:
            report[name] = {"status": "degraded", "error": type(failure).__name__}
            continue
        free = usage.free / usage.total
        status = "ok" if free >= DISK_LOW_FRACTION else "degraded"
        report[name] = {
            "status": status,
            "free_gb": round(usage.free / 1e9, 1),
            "free_percent": round(free * 100),
        }
    return report


def _healthy(part: dict) -> bool:
    """A part is healthy when it says so, and so does each part it holds (the disk's folders)."""
    inner = [value for value in part.values() if isinstance(value, dict)]
    return part.get("status", "ok") == "ok" and all(map(_healthy, inner))


def health_report() -> tuple[int, dict]:
    """(status code, body)."""
    if not database_answers():
        return 503, {"status": "down", "database": {"status": "down"}}
    now = timezone.now()
    parts = {
        "database": {"status": "ok"},
        "redis": _redis(),
        "worker": _worker(now),
        "outbox": _outbox(now),
        "disk": _disk(),
    }
    degraded = [name for name, part in parts.items() if not _healthy(part)]
    return 200, {"status": "degraded" if degraded else "ok", "degraded": degraded, **parts}
