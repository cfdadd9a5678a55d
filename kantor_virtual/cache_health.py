"""Redis is a helper, not a pillar: what the project does when Redis is down or hangs.

- The caches (sessions, the organisation's facts, kept pages, fragments, public statistics) ignore
  Redis' failures (django-redis `IGNORE_EXCEPTIONS`, settings.CACHES): a read misses, a write is
  skipped, and the page is drawn from PostgreSQL.
- Rate limits must still hold, so their cache (`RATELIMIT_USE_CACHE = "ratelimit"`) is
  `RateCounterCache`: django-redis while Redis answers, counters in PostgreSQL (`RateCounter`) when
  it does not. django-ratelimit keeps the rule (the key, the window, the rate); only where it counts
  changes. A window's count restarts when the counting moves from one store to the other.
- `OncePerMinute` keeps the log readable: one line a minute for a failure that repeats on every call.

- `SkippingRedis` remembers a failure for `REDIS_RETRY_SECONDS`: a Redis that hangs costs each
  process one timeout every few seconds instead of one per cache call; then the next call tries it
  again, so it is used as soon as it is back, without a restart.
"""

import logging
import threading
import time

import redis
from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.db import connection
from django_redis.cache import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a Redis that is down, unreachable or unwell raises through django-redis (redis-py's errors,
# or a socket's own).
REDIS_DOWN = (RedisError, OSError)

_TABLE = "kantor_virtual_ratecounter"  # kantor_virtual.models.RateCounter
# A counter without a timeout still ends: rate windows are at most a day.
_LONGEST = 7 * 24 * 3600


class SkippingRedis(redis.Redis):
    """The Redis client of our caches (django-redis REDIS_CLIENT_CLASS): after a command fails to
    reach Redis, every command of this process fails at once for `REDIS_RETRY_SECONDS`, as if
    Redis had refused it, and the caches skip it as they skip a refusal."""

    _failed_at: float | None = None  # one for the process: every cache and client meets the same Redis

    def execute_command(self, *args, **options):
        failed_at = SkippingRedis._failed_at
        if failed_at is not None and time.monotonic() < failed_at + settings.REDIS_RETRY_SECONDS:
            raise redis.ConnectionError("Redis dilewati sebentar setelah gagal dihubungi.")
        try:
            return super().execute_command(*args, **options)
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            SkippingRedis._failed_at = time.monotonic()
            raise

    @classmethod
    def try_again_now(cls) -> None:
        """Forget the last failure (a test that started its Redis again)."""
        cls._failed_at = None


class OncePerMinute(logging.Filter):
    """Let a message of a logger through once a minute; the next one shown says how many were not."""

    def __init__(self, seconds: float = 60) -> None:
        super().__init__()
        self.seconds = seconds
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, object], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, record.msg)
        now = time.monotonic()
        with self._lock:
            shown_at, held_back = self._seen.get(key, (None, 0))
            if shown_at is not None and now - shown_at < self.seconds:
                self._seen[key] = (shown_at, held_back + 1)
                return False
            self._seen[key] = (now, 0)
        if held_back:
            record.msg = f"{record.msg} [{held_back} more like this in the last minute not shown]"
        return True


class RateCounterCache(RedisCache):
    """django-redis for django-ratelimit's counters (add, incr, get), falling back to `RateCounter`
    rows in PostgreSQL when Redis raises. Every other call is django-redis' own."""

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None, client=None):
        try:
            return super().add(key, value, timeout, version=version, client=client)
        except REDIS_DOWN as error:
            _report(error)
            return _add(self.make_key(key, version=version), value, self._seconds(timeout))

    def incr(self, key, delta=1, version=None, client=None):
        try:
            return super().incr(key, delta, version=version, client=client)
        except REDIS_DOWN as error:
            _report(error)
            return _incr(self.make_key(key, version=version), delta)

    def get(self, key, default=None, version=None, client=None):
        try:
            return super().get(key, default, version=version, client=client)
        except REDIS_DOWN as error:
            _report(error)
            return _get(self.make_key(key, version=version), default)

    def _seconds(self, timeout) -> float:
        seconds = self.get_backend_timeout(timeout)
        return _LONGEST if seconds is None else min(max(seconds, 0), _LONGEST)


def _report(error: Exception) -> None:
    logger.warning("Redis unreachable, rate limits count in PostgreSQL: %s", error)


# The database's own clock (clock_timestamp, not the transaction's now()) decides what has expired,
# the same for every process. Each statement is atomic by itself: concurrent requests on one key
# serialize on its row, and none of their counts is lost.


def _add(key: str, value: int, seconds: float) -> bool:
    """Start a counter unless a live one exists (an expired one is started afresh)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {_TABLE} (key, count, expires_at)
            VALUES (%s, %s, clock_timestamp() + make_interval(secs => %s))
            ON CONFLICT (key) DO UPDATE SET count = EXCLUDED.count, expires_at = EXCLUDED.expires_at
            WHERE {_TABLE}.expires_at <= clock_timestamp()
            RETURNING count
            """,
            [key, value, seconds],
        )
        started = cursor.fetchone() is not None
        if started:  # once per key and window: clear the counters of windows gone by
            cursor.execute(f"DELETE FROM {_TABLE} WHERE expires_at < clock_timestamp() - interval '1 minute'")
    return started


def _incr(key: str, delta: int) -> int:
    """Add to a live counter; a counter that is missing or expired raises ValueError, as Django's
    caches do (django-ratelimit then lets the request through, RATELIMIT_FAIL_OPEN)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {_TABLE} SET count = count + %s
            WHERE key = %s AND expires_at > clock_timestamp()
            RETURNING count
            """,
            [delta, key],
        )
        row = cursor.fetchone()
    if row is None:
        raise ValueError(f"Key {key!r} not found")
    return row[0]


def _get(key: str, default):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count FROM {_TABLE} WHERE key = %s AND expires_at > clock_timestamp()",
            [key],
        )
        row = cursor.fetchone()
    return default if row is None else row[0]
