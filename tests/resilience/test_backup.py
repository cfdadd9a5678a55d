"""Backup and restore with real processes: the suite's database is backed up by `./kantor backup`
(as a DATABASE_URL installation) while letters keep being registered, and restored by `./kantor
restore` into a new, empty data folder, which starts a PostgreSQL of its own. The restored office
must be the backed-up one: clean event chains, valid signatures, the same rows and the same files.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import override_settings

from kantor_virtual.backup import read_manifest, table_counts
from kantor_virtual.tasks import write_nightly_backup
from persuratan.services.outgoing import request_signature, sign_outgoing
from tests.persuratan import conftest as letters
from tte.services import enrol

pytestmark = pytest.mark.django_db(transaction=True)
# The letter-writing fixtures of tests/persuratan: an OPD's chain and an approved nota dinas.
chain, draft, approved = letters.chain, letters.draft, letters.approved
BASE_DIR = Path(settings.BASE_DIR)
PASSPHRASE = "cadangan-uji-2026"
TTE_PASSPHRASE = "sandi-tte-kadis-2026"
# Tiny PNG: a public file (an OPD's logo) beside the private ones.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000185d7d2d30000000049454e44ae426082"
)
# Run inside the restored installation: its rows, its files and its signatures, as JSON.
INSPECT = """
import hashlib, json
from pathlib import Path
from django.conf import settings
from django.db import connection
from kantor_virtual.backup import missing_stored_files, table_counts
from persuratan.models import OutgoingLetter
from tte.signing import verify_pdf
with connection.cursor() as cursor:
    counts = table_counts(cursor)
files = {}
for prefix, root in (("media", settings.MEDIA_ROOT), ("private", settings.PRIVATE_MEDIA_ROOT)):
    for path in Path(root).rglob("*"):
        if path.is_file():
            files[f"{prefix}/{path.relative_to(root).as_posix()}"] = hashlib.sha256(path.read_bytes()).hexdigest()
signatures = {}
for letter in OutgoingLetter.objects.exclude(signed_pdf=""):
    with letter.signed_pdf.open("rb") as handle:
        signatures[letter.signed_pdf.name] = verify_pdf(handle.read()).valid
print(json.dumps({"counts": counts, "files": files, "signatures": signatures, "missing": missing_stored_files()}))
"""


def _environment(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a command of its own installation, none of the test run's servers or folders."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "SECRET_KEY",
            "MEDIA_ROOT",
            "PRIVATE_MEDIA_ROOT",
            "BACKUP_PASSPHRASE",
            "TEST_DATABASE_NAME",
        }
    }
    env["KV_DATA_DIR"] = str(data_dir)
    env.update(extra)
    return env


def _stack(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kantor_virtual.stack", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def _suite_database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="") + (
        f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    )
    host = quote(db["HOST"] or "localhost", safe="") + (f":{db['PORT']}" if db["PORT"] else "")
    return f"postgres://{credentials}@{host}/{db['NAME']}"


def _counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return table_counts(cursor)


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path.relative_to(folder)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in folder.rglob("*")
        if path.is_file()
    }


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def open_folder():
    """A folder in the system's temp folder: run as root, pgserver runs PostgreSQL as a user of its
    own, which cannot enter pytest's private tmp_path."""
    folder = Path(tempfile.mkdtemp(prefix="kantor-restore-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


class Writer(threading.Thread):
    """Registers incoming letters, each with its scan, until told to stop."""

    def __init__(self, register, opd, position) -> None:
        super().__init__(daemon=True)
        self.register, self.opd, self.position = register, opd, position
        self.stop, self.written, self.error = threading.Event(), 0, None

    def run(self) -> None:
        from django.db import connection as own

        try:
            while not self.stop.is_set():
                self.register(
                    opd=self.opd, to=[self.position], subject=f"Surat selama pencadangan {self.written}"
                )
                self.written += 1
        except Exception as error:  # reported by the test
            self.error = error
        finally:
            own.close()


def test_a_backup_taken_while_letters_are_registered_restores_into_an_empty_folder_as_it_was(
    tmp_path, open_folder, opd, chain, approved, register, make_scan
):
    # A signed outgoing letter, a public logo and a few incoming letters with their scans.
    letter = approved()
    enrol(user=chain["kadis_user"], passphrase=TTE_PASSPHRASE)
    request_signature(actor=chain["kadis_user"], letter=letter, passphrase=TTE_PASSPHRASE)
    sign_outgoing(letter_id=letter.pk)  # the worker's part (already run, if tasks run at once)
    letter.refresh_from_db()
    assert letter.signed_pdf
    opd.logo.save("logo.png", ContentFile(PNG))
    for number in range(3):
        register(opd=opd, to=[chain["kadis"]], scans=[make_scan(text=f"Pindaian surat {number}")])

    archive = tmp_path / "cadangan" / "kantor.tar.enc"
    writer = Writer(register, opd, chain["kadis"])
    writer.start()
    while writer.written < 2 and writer.error is None:
        time.sleep(0.05)
    before = _counts()
    started = time.monotonic()
    done = _stack(
        "backup",
        str(archive),
        env=_environment(
            tmp_path / "sumber",
            DATABASE_URL=_suite_database_url(),
            REDIS_URL=os.environ["REDIS_URL"],
            SECRET_KEY=settings.SECRET_KEY,
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
            PRIVATE_MEDIA_ROOT=str(settings.PRIVATE_MEDIA_ROOT),
            BACKUP_PASSPHRASE=PASSPHRASE,
        ),
    )
    backup_seconds = time.monotonic() - started
    writer.stop.set()
    writer.join(timeout=30)
    after = _counts()
    assert done.returncode == 0, done.stderr
    assert writer.error is None, writer.error
    assert "Cadangan tertulis" in done.stdout
    assert archive.stat().st_mode & 0o777 == 0o600
    assert archive.read_bytes().startswith(b"KVBACKUP-AESGCM1\n")

    os.environ["BACKUP_PASSPHRASE"] = PASSPHRASE
    try:
        manifest = read_manifest(archive)
    finally:
        del os.environ["BACKUP_PASSPHRASE"]
    # The row counts are of one moment between the two readings, letters kept coming meanwhile.
    assert set(manifest["tables"]) == set(before) == set(after)
    outside = {
        table: (before[table], manifest["tables"][table], after[table])
        for table in before
        if not before[table] <= manifest["tables"][table] <= after[table]
        and table != "public.celery_outbox"  # a queue: its rows leave once the broker has them
    }
    assert outside == {}
    assert after["public.persuratan_incomingletter"] > before["public.persuratan_incomingletter"]
    assert manifest["encrypted"] is True and manifest["release"]["fingerprint"]
    assert manifest["release"]["migrations"]["persuratan"]
    assert f"media/{opd.logo.name}" in manifest["files"]
    assert f"private/{letter.signed_pdf.name}" in manifest["files"]

    # A wrong passphrase is refused before anything is made.
    target = open_folder / "pulih"
    wrong = _stack("restore", str(archive), env=_environment(target, BACKUP_PASSPHRASE="bukan-frasanya"))
    assert wrong.returncode == 1
    assert "Frasa sandi cadangan (BACKUP_PASSPHRASE) salah" in wrong.stderr
    assert not target.exists()

    # Into an empty folder: a PostgreSQL of its own, the database restored, every file checked.
    started = time.monotonic()
    restored = _stack("restore", str(archive), env=_environment(target, BACKUP_PASSPHRASE=PASSPHRASE))
    restore_seconds = time.monotonic() - started
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "SHA-256 dan ukuran cocok dengan manifest" in restored.stdout
    assert (target / "secret_key").read_text() == settings.SECRET_KEY

    own = _environment(target, MEDIA_ROOT=str(target / "media"), PRIVATE_MEDIA_ROOT=str(target / "private"))
    events = _stack("manage", "verify_events", env=own)
    assert events.returncode == 0, events.stdout + events.stderr
    assert "Rantai utuh" in events.stdout
    inspected = _stack("manage", "shell", "-c", INSPECT, env=own)
    assert inspected.returncode == 0, inspected.stderr
    state = json.loads(inspected.stdout.strip().splitlines()[-1])
    assert state["counts"] == manifest["tables"]
    stored = {name: entry["sha256"] for name, entry in manifest["files"].items() if "/" in name}
    assert state["files"] == stored
    roots = {"media": Path(settings.MEDIA_ROOT), "private": Path(settings.PRIVATE_MEDIA_ROOT)}
    for name, digest in stored.items():
        prefix, relative = name.split("/", 1)
        assert _sha256(roots[prefix] / relative) == digest, name
    assert state["missing"] == []
    assert state["signatures"] and all(state["signatures"].values()), state["signatures"]
    assert letter.signed_pdf.name in state["signatures"]
    print(
        f"\narchive {archive.stat().st_size / 1024:.0f} KiB, {len(stored)} files, "
        f"{sum(manifest['tables'].values())} rows; backup {backup_seconds:.1f} s, restore {restore_seconds:.1f} s "
        f"(both with process start-up), {writer.written} letters registered meanwhile"
    )

    # A folder that is not empty is refused, and nothing in it changes.
    tree = _tree(target)
    again = _stack("restore", str(archive), env=_environment(target, BACKUP_PASSPHRASE=PASSPHRASE))
    assert again.returncode == 1
    assert "tidak kosong" in again.stderr
    assert _tree(target) == tree

    # So is a database that is not empty (DATABASE_URL: the suite's own), and nothing changes.
    elsewhere = tmp_path / "lain"
    elsewhere.mkdir()
    into_used = _stack(
        "restore",
        str(archive),
        env=_environment(
            elsewhere,
            DATABASE_URL=_suite_database_url(),
            REDIS_URL=os.environ["REDIS_URL"],
            MEDIA_ROOT=str(elsewhere / "media"),
            PRIVATE_MEDIA_ROOT=str(elsewhere / "private"),
            BACKUP_PASSPHRASE=PASSPHRASE,
        ),
    )
    assert into_used.returncode == 1
    assert "tidak kosong" in into_used.stderr
    assert _counts() == after
    assert not (elsewhere / "media").exists() and not (elsewhere / "private").exists()


def test_the_nightly_task_keeps_the_last_n_archives_and_writes_one_a_night(tmp_path, opd):
    folder = tmp_path / "backups"
    folder.mkdir()
    old = [folder / f"kantor-virtual-2020010{day}-013000.tar" for day in range(1, 5)]
    for path in old:
        path.write_bytes(b"cadangan lama")
    (folder / "catatan.txt").write_text("bukan arsip")

    with override_settings(BACKUP_DIR=folder, BACKUP_KEEP=3):
        first = write_nightly_backup.apply().get()
        second = write_nightly_backup.apply().get()

    written = Path(first["written"])
    assert second == {"written": None}
    assert sorted(folder.iterdir()) == sorted([*old[-2:], written, folder / "catatan.txt"])
    assert written.stat().st_mode & 0o777 == 0o600
    manifest = read_manifest(written)
    assert manifest["encrypted"] is False
    assert manifest["tables"]["public.organisasi_opd"] == 1
