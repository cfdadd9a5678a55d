"""A worker process killed in the middle of a task (SIGKILL, as the kernel's out-of-memory killer
would) loses nothing and doubles nothing: the task goes back to the queue and the worker's next pool
process finishes it once. Real processes: this test's own Redis, the outbox relay and a worker on
the suite's test database. Each task is caught where it can be seen from outside: OCRmyPDF running
under the pool process, the signing service keeping it waiting after the number was taken, a row
lock the lembar disposisi's render waits for."""

import time
from pathlib import Path

import psutil
import pytest
from django.conf import settings
from django.db import connection, transaction
from django_celery_outbox.models import CeleryOutbox

from disposisi.models import DispositionSheet, Instruction
from disposisi.services import dispose
from disposisi.sheet import request_sheet
from kantor_virtual.models import Notification
from persuratan.models import LetterFile, OutgoingLetter, OutgoingRecipient
from persuratan.services.outgoing import request_signature
from tests.persuratan.scans import image_only_pdf
from tests.signing import outcome
from tests.waiting import wait_for
from tte.services import enrol

pytestmark = [pytest.mark.relay, pytest.mark.django_db(transaction=True)]
PASSPHRASE = "sandi-tte-kadis"


def _pool_process_running(worker, *, under: str | None = None) -> psutil.Process | None:
    """The worker's pool process, once it runs a program named `under` (OCRmyPDF) if given."""
    for pool_process in psutil.Process(worker.pid).children():
        try:
            if under is None or any(
                under in " ".join(p.cmdline()) for p in pool_process.children(recursive=True)
            ):
                return pool_process
        except psutil.NoSuchProcess:  # a process that ended while we looked
            continue
    return None


def _kill_when(condition, worker, *, under: str | None = None) -> None:
    deadline = time.monotonic() + 120
    while not condition() or (busy := _pool_process_running(worker, under=under)) is None:
        assert time.monotonic() < deadline, "the task did not reach the point to kill it within 120 s"
        time.sleep(0.05)
    busy.kill()


def test_a_worker_process_killed_in_the_middle_of_ocr_leaves_it_to_the_next_which_finishes_it_once(
    office_processes, opd, make_position, make_user, register, make_scan
):
    kadis = make_position(name="Kepala Dinas")
    holder = make_user(holds=kadis, email="kadis@kominfos.go.id")
    letter = register(
        opd=opd, to=[kadis], subject="Rekap bantuan sosial", scans=[make_scan(content=image_only_pdf())]
    )
    scan = letter.files.get()

    _kill_when(lambda: True, office_processes.worker, under="ocrmypdf")

    wait_for(
        lambda: LetterFile.objects.get(pk=scan.pk).text_state == LetterFile.TextState.DONE,
        seconds=240,
        what="the OCR finished by the worker's next pool process",
    )
    scan.refresh_from_db()
    stored = Path(settings.PRIVATE_MEDIA_ROOT) / Path(scan.ocr_file.name).parent
    assert [path.name for path in stored.glob(f"{scan.sha256}-ocr*.pdf")] == [Path(scan.ocr_file.name).name]
    assert office_processes.worker.poll() is None, "the worker itself carries on"
    wait_for(lambda: not CeleryOutbox.objects.exists(), seconds=30, what="emptying the outbox")
    assert Notification.objects.filter(user=holder).count() == 1


def test_a_worker_process_killed_in_the_middle_of_signing_leaves_one_number_one_pdf_one_delivery(
    national, office_processes, nik_signer, approved_nota_dinas
):
    letter = approved_nota_dinas
    enrol(user=nik_signer, passphrase=PASSPHRASE)  # registered and issued at the service, by NIK
    national.delay = 5  # the service takes its time: the pool process waits on it, the number taken
    request_signature(actor=nik_signer, letter=letter, passphrase=PASSPHRASE)

    numbered = lambda: OutgoingLetter.objects.filter(pk=letter.pk, number_seq__isnull=False).exists()  # noqa: E731
    _kill_when(numbered, office_processes.worker)
    national.delay = 0
    wait_for(
        lambda: not OutgoingRecipient.objects.filter(letter=letter, delivered_at__isnull=True).exists(),
        seconds=120,
        what="signing and delivery by the worker's next pool process",
    )

    signed = outcome(letter.pk)
    assert signed["status"] == OutgoingLetter.Status.SIGNED
    assert signed["number"][1] == 1 and signed["numbers_taken"] == [1], "one number, kept by the retry"
    stored = OutgoingLetter.objects.get(pk=letter.pk).signed_pdf
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / Path(stored.name).parent
    assert [path.name for path in folder.glob(f"{letter.verification_code}*")] == [Path(stored.name).name]
    assert signed["incoming"] == [("BAPPEDA", signed["number"][0]), ("DINSOS", signed["number"][0])]
    assert len(signed["inbox"]) == 3, "each recipient's inbox once"
    wait_for(lambda: not CeleryOutbox.objects.exists(), seconds=30, what="emptying the outbox")
    notices = Notification.objects.filter(key__startswith="inbox-item:")
    assert notices.count() == notices.values("user", "key").distinct().count(), "nobody told twice"


def _someone_waits_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0] > 0


def test_a_worker_process_killed_in_the_middle_of_rendering_a_lembar_disposisi_leaves_one_sheet(
    office_processes, opd, make_position, make_user, register
):
    kadis = make_position(name="Kepala Dinas", heads_opd=True)
    kabid = make_position(name="Kepala Bidang Aplikasi", parent=kadis)
    head = make_user(holds=kadis)
    make_user(holds=kabid)
    letter = register(opd=opd, to=[kadis], subject="Undangan rapat koordinasi")
    dispose(actor=head, from_item=letter.inbox_items.get(), to=[kabid], instructions=[Instruction.FOLLOW_UP])

    # The render reads the tree, then claims the sheet's row: held here, the pool process waits
    # in the middle of the task, and is killed there.
    with transaction.atomic():
        sheet = request_sheet(actor=head, letter=letter)
    with transaction.atomic():
        DispositionSheet.objects.select_for_update().get(pk=sheet.pk)
        _kill_when(_someone_waits_for_a_lock, office_processes.worker)

    wait_for(
        lambda: DispositionSheet.objects.get(pk=sheet.pk).state == DispositionSheet.State.READY,
        seconds=120,
        what="the sheet rendered by the worker's next pool process",
    )
    sheet.refresh_from_db()
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / Path(sheet.file.name).parent
    assert [path.name for path in folder.iterdir()] == [Path(sheet.file.name).name], "one PDF"
    with sheet.file.open("rb") as stored:
        assert stored.read(5) == b"%PDF-"
