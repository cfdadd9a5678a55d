"""`./kantor run` keeps the office up by itself: in a data folder of its own (its own embedded
PostgreSQL and Redis, the demo province), the PostgreSQL server, a worker and Redis are each killed
with SIGKILL under a steady stream of requests; each comes back within seconds, the console says
so, the requests succeed again without anyone restarting anything, and stopping the command leaves
no server behind."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
# What the suite's own runner sets and `./kantor run` must not inherit: it starts its own servers.
SUITE_ONLY = ("DATABASE_URL", "REDIS_URL", "TEST_DATABASE_NAME", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


class Running:
    """`./kantor run` (the same entry point, `python -m kantor_virtual.stack run`) and its console."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.console = folder / "konsol.log"
        environment = {key: value for key, value in os.environ.items() if key not in SUITE_ONLY}
        environment.update(KV_DATA_DIR=str(folder), PORT=str(self.port), WORKER_CONCURRENCY="1")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kantor_virtual.stack", "run"],
            cwd=BASE_DIR,
            env=environment,
            stdout=self.console.open("w"),
            stderr=subprocess.STDOUT,
        )

    def said(self, words: str) -> int:
        return self.console.read_text().count(words)

    def wait_until(self, condition, *, seconds: float, what: str) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            assert self.process.poll() is None, f"./kantor run ended:\n{self.console.read_text()[-3000:]}"
            assert time.monotonic() < deadline, (
                f"{what} within {seconds:.0f} s:\n{self.console.read_text()[-3000:]}"
            )
            time.sleep(0.5)

    def servers(self, name: str) -> list[psutil.Process]:
        """Processes of this folder's servers (`postgres`, `redis-server`), by their command line."""
        found = []
        for process in psutil.process_iter(["cmdline"]):
            line = " ".join(process.info["cmdline"] or [])
            if name in line and str(self.folder) in line:
                found.append(process)
        return found

    def child(self, words: str) -> psutil.Process | None:
        for process in psutil.Process(self.process.pid).children():
            try:
                if words in " ".join(process.cmdline()):
                    return process
            except psutil.NoSuchProcess:
                continue
        return None


class Load(threading.Thread):
    """A steady stream of page requests, each answer's status kept with its time."""

    def __init__(self, urls: list[str]) -> None:
        super().__init__(daemon=True)
        self.urls, self.answers, self.running = urls, [], True

    def run(self) -> None:
        while self.running:
            for url in self.urls:
                self.answers.append((time.monotonic(), _status(url)))
            time.sleep(0.1)

    def all_good_since(self, moment: float) -> bool:
        after = [status for at, status in self.answers if at > moment]
        return len(after) >= 5 and all(status == 200 for status in after[-5:])


@pytest.fixture
def running():
    folder = Path(tempfile.mkdtemp(prefix="kv-run-"))  # short: Unix socket paths are limited
    office = Running(folder)
    yield office
    if office.process.poll() is None:
        office.process.send_signal(signal.SIGINT)
        try:
            office.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            office.process.kill()


def test_killed_servers_and_processes_come_back_by_themselves_and_stopping_leaves_nothing(running):
    health = f"{running.base}/kesehatan/"
    running.wait_until(lambda: _status(health) == 200, seconds=600, what="the office answering")
    load = Load([health, f"{running.base}/layanan/", f"{running.base}/masuk/"])
    load.start()
    time.sleep(2)

    # PostgreSQL, under load.
    [postmaster] = [p for p in running.servers("postgres") if "-D" in p.cmdline()]
    postmaster.kill()
    killed_at = time.monotonic()
    running.wait_until(
        lambda: running.said("PostgreSQL tertanam mati; dinyalakan lagi") == 1,
        seconds=30,
        what="PostgreSQL restarted",
    )
    running.wait_until(lambda: load.all_good_since(killed_at), seconds=60, what="pages answering again")

    # A worker.
    worker = running.child("kantor_virtual worker")
    worker.kill()
    running.wait_until(
        lambda: running.said("Proses worker berhenti") == 1, seconds=30, what="the worker noticed"
    )
    running.wait_until(
        lambda: running.child("kantor_virtual worker") not in (None, worker), seconds=30, what="a new worker"
    )

    # Redis.
    [redis] = running.servers("redis-server")
    redis.kill()
    killed_at = time.monotonic()
    running.wait_until(
        lambda: running.said("Redis tertanam mati; dinyalakan lagi") == 1, seconds=30, what="Redis restarted"
    )
    running.wait_until(lambda: load.all_good_since(killed_at), seconds=60, what="pages answering again")

    load.running = False
    load.join()
    running.process.send_signal(signal.SIGINT)
    assert running.process.wait(timeout=60) == 0
    time.sleep(1)
    assert running.servers("postgres") == [] and running.servers("redis-server") == [], "nothing left running"
