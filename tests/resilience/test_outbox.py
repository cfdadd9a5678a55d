"""Nothing queued is lost and nothing is done twice: a letter registered while Redis is down gets its
OCR, its notification and its e-mail once Redis is back, once each; a worker process killed in the
middle of OCR leaves the task to the next, which finishes it once. Real processes all the way:
this test's own Redis, killed and started again, the outbox relay (`celery_outbox_relay`) and a
Celery worker, both running on the suite's test database."""

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psutil
import pytest
from django.conf import settings
from django.db import connection
from django_celery_outbox.models import CeleryOutbox, CeleryOutboxDeadLetter

from kantor_virtual.models import Notification
from persuratan.models import LetterFile
from tests.persuratan.scans import image_only_pdf

pytestmark = [pytest.mark.relay, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parents[2]


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


def _wait_for(condition, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen within {seconds:.0f} s"
        time.sleep(0.5)


def _mails_about(folder: Path, words: str) -> int:
    """How many e-mails Django's file backend wrote with `words` in their subject."""
    lines = [line for path in folder.glob("*.log") for line in path.read_text().splitlines()]
    return sum(1 for line in lines if line.startswith("Subject:") and words in line)


def test_a_letter_registered_while_redis_is_down_gets_its_ocr_and_notice_once_redis_is_back(
    redis_server, office_processes, opd, make_position, make_user, register, make_scan
):
    kadis = make_position(name="Kepala Dinas")
    holder = make_user(holds=kadis, email="kadis@kominfos.go.id")
    redis_server.kill()

    letter = register(
        opd=opd,
        to=[kadis],
        subject="Laporan banjir rob di pesisir utara",
        scans=[make_scan(content=image_only_pdf(), name="laporan.pdf")],
    )
    scan = letter.files.get()
    time.sleep(3)  # the relay tries, finds no broker and keeps the rows
    assert {row.task_name.rpartition(".")[2] for row in CeleryOutbox.objects.all()} >= {
        "extract_file_text",
        "notify_delivery",
    }
    assert not CeleryOutboxDeadLetter.objects.exists(), "an outage gives up on nothing"
    assert LetterFile.objects.get(pk=scan.pk).text_state == LetterFile.TextState.PENDING

    redis_server.start()
    _wait_for(
        lambda: LetterFile.objects.get(pk=scan.pk).text_state == LetterFile.TextState.DONE,
        seconds=240,
        what="the OCR of the scan",
    )
    _wait_for(
        lambda: Notification.objects.filter(user=holder, emailed_at__isnull=False).exists(),
        seconds=60,
        what="the notice and its e-mail",
    )
    _wait_for(lambda: not CeleryOutbox.objects.exists(), seconds=30, what="emptying the outbox")
    time.sleep(2)  # anything sent twice would have arrived by now

    assert Notification.objects.filter(user=holder).count() == 1
    assert _mails_about(office_processes.mail_folder, "Laporan banjir rob di pesisir utara") == 1
    assert not CeleryOutboxDeadLetter.objects.exists()


def _pool_process_running_ocr(worker: subprocess.Popen) -> psutil.Process | None:
    """The worker's pool process while OCRmyPDF runs under it."""
    for pool_process in psutil.Process(worker.pid).children():
        try:
            if any("ocrmypdf" in " ".join(p.cmdline()) for p in pool_process.children(recursive=True)):
                return pool_process
        except psutil.NoSuchProcess:  # a process that ended while we looked
            continue
    return None


def test_a_worker_process_killed_in_the_middle_of_ocr_leaves_it_to_the_next_which_finishes_it_once(
    office_processes, opd, make_position, make_user, register, make_scan
):
    kadis = make_position(name="Kepala Dinas")
    holder = make_user(holds=kadis, email="kadis@kominfos.go.id")
    letter = register(
        opd=opd, to=[kadis], subject="Rekap bantuan sosial", scans=[make_scan(content=image_only_pdf())]
    )
    scan = letter.files.get()

    deadline = time.monotonic() + 120
    while (busy := _pool_process_running_ocr(office_processes.worker)) is None:
        assert time.monotonic() < deadline, "OCR did not start within 120 s"
        time.sleep(0.2)
    busy.kill()  # SIGKILL, as the kernel's out-of-memory killer would

    _wait_for(
        lambda: LetterFile.objects.get(pk=scan.pk).text_state == LetterFile.TextState.DONE,
        seconds=240,
        what="the OCR finished by the worker's next pool process",
    )
    scan.refresh_from_db()
    stored = Path(settings.PRIVATE_MEDIA_ROOT) / Path(scan.ocr_file.name).parent
    assert [path.name for path in stored.glob(f"{scan.sha256}-ocr*.pdf")] == [Path(scan.ocr_file.name).name]
    assert office_processes.worker.poll() is None, "the worker itself carries on"
    _wait_for(lambda: not CeleryOutbox.objects.exists(), seconds=30, what="emptying the outbox")
    assert Notification.objects.filter(user=holder).count() == 1
