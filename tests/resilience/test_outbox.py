"""Nothing queued is lost: a letter registered while Redis is down gets its OCR, its notification
and its e-mail once Redis is back, once each. Real processes all the way: this test's own Redis,
killed and started again, the outbox relay (`celery_outbox_relay`) and a Celery worker, both
running on the suite's test database throughout the outage."""

import time
from pathlib import Path

import pytest
from django_celery_outbox.models import CeleryOutbox, CeleryOutboxDeadLetter

from kantor_virtual.models import Notification
from persuratan.models import LetterFile
from tests.persuratan.scans import image_only_pdf
from tests.waiting import wait_for

pytestmark = [pytest.mark.relay, pytest.mark.django_db(transaction=True)]


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
    wait_for(
        lambda: LetterFile.objects.get(pk=scan.pk).text_state == LetterFile.TextState.DONE,
        seconds=240,
        what="the OCR of the scan",
    )
    wait_for(
        lambda: Notification.objects.filter(user=holder, emailed_at__isnull=False).exists(),
        seconds=60,
        what="the notice and its e-mail",
    )
    wait_for(lambda: not CeleryOutbox.objects.exists(), seconds=30, what="emptying the outbox")
    time.sleep(2)  # anything sent twice would have arrived by now

    assert Notification.objects.filter(user=holder).count() == 1
    assert _mails_about(office_processes.mail_folder, "Laporan banjir rob di pesisir utara") == 1
    assert not CeleryOutboxDeadLetter.objects.exists()
