"""Backup and restore of a whole installation in one archive.

An archive is a tar stream holding, in this order: `secret_key` (SECRET_KEY, which unlocks the TTE
authority's key kept in the database), `database.dump` (pg_dump, custom format), `media/...`
(MEDIA_ROOT), `private/...` (PRIVATE_MEDIA_ROOT: scans, signed PDFs, attachments) and last
`manifest.json`: each member's SHA-256 and size, the row count of every table, the release and the
date. The database is dumped first, from an exported snapshot the row counts are read in too; the
files are copied after it, so every file a dumped row names was already complete.

With BACKUP_PASSPHRASE set the tar stream is encrypted: a header (magic, a random salt) and then
chunks of AES-256-GCM under a key derived from the passphrase with scrypt, each chunk's nonce its
number and whether it is the last, so chunks cannot be reordered, dropped or cut off unnoticed.
Without it the archive is a plain tar file. Either way it is created with mode 0600.

This module is imported by `kantor_virtual.stack` before Django is set up: Django is imported
inside the functions that need it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import struct
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from kantor_virtual.errors import Refused

FORMAT = 1
MAGIC = b"KVBACKUP-AESGCM1\n"
SALT_BYTES = 16
CHUNK_BYTES = 1024 * 1024
SCRYPT_N = 2**15
ARCHIVE_PREFIX = "kantor-virtual-"
PARTIAL_SUFFIX = ".partial"
SECRET_MEMBER = "secret_key"
DUMP_MEMBER = "database.dump"
MANIFEST_MEMBER = "manifest.json"
COPY_BYTES = 1024 * 1024


def pg_binary(name: str) -> str:
    """pg_dump / pg_restore as shipped in the pgserver wheel (PostgreSQL 16): nothing to install."""
    import pgserver

    return str(Path(pgserver.__file__).parent / "pginstall" / "bin" / name)


# ── Encryption ───────────────────────────────────────────────────────────────────────────────


def _key(passphrase: str, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, n=SCRYPT_N, r=8, p=1).derive(passphrase.encode())


def _nonce(counter: int, *, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class _EncryptingWriter(io.RawIOBase):
    """Whatever is written goes out as authenticated chunks; close() writes the last one."""

    def __init__(self, out: IO[bytes], passphrase: str) -> None:
        salt = os.urandom(SALT_BYTES)
        self._header = MAGIC + salt
        self._aead = AESGCM(_key(passphrase, salt))
        self._out = out
        self._buffer = bytearray()
        self._counter = 0
        out.write(self._header)

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK_BYTES:
            self._emit(bytes(self._buffer[:CHUNK_BYTES]), last=False)
            del self._buffer[:CHUNK_BYTES]
        return len(data)

    def _emit(self, plain: bytes, *, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._counter, last=last), plain, self._header)
        self._out.write(struct.pack(">I", len(sealed)) + sealed)
        self._counter += 1

    def close(self) -> None:
        if not self.closed:
            self._emit(bytes(self._buffer), last=True)
            self._buffer.clear()
        super().close()


class _DecryptingReader(io.RawIOBase):
    def __init__(self, source: IO[bytes], passphrase: str) -> None:
        salt = source.read(SALT_BYTES)
        self._header = MAGIC + salt
        self._aead = AESGCM(_key(passphrase, salt))
        self._source = source
        self._buffer = b""
        self._counter = 0
        self._done = False

    def readable(self) -> bool:
        return True

    def _next_chunk(self) -> None:
        head = self._source.read(4)
        if len(head) < 4:
            raise Refused("Arsip cadangan terpotong: bagian terakhirnya tidak ada.", code="truncated")
        sealed = self._source.read(struct.unpack(">I", head)[0])
        for last in (False, True):
            try:
                self._buffer = self._aead.decrypt(_nonce(self._counter, last=last), sealed, self._header)
            except InvalidTag:
                continue
            self._counter += 1
            self._done = last
            return
        if self._counter == 0:
            raise Refused(
                "Frasa sandi cadangan (BACKUP_PASSPHRASE) salah, atau arsip ini rusak: arsip tidak dapat dibuka.",
                code="wrong_passphrase",
            )
        raise Refused("Arsip cadangan rusak atau telah diubah (potongan tidak sah).", code="tampered")

    def readinto(self, target) -> int:
        while not self._buffer and not self._done:
            self._next_chunk()
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


@contextlib.contextmanager
def _archive_for_reading(path: Path) -> Iterator[tarfile.TarFile]:
    if not path.is_file():
        raise Refused(f"Arsip cadangan {path} tidak ditemukan.", code="missing_archive")
    with open(path, "rb") as raw:
        encrypted = raw.read(len(MAGIC)) == MAGIC
        if not encrypted:
            raw.seek(0)
            source: IO[bytes] = raw
        else:
            passphrase = os.environ.get("BACKUP_PASSPHRASE", "")
            if not passphrase:
                raise Refused(
                    "Arsip cadangan ini terenkripsi: setel BACKUP_PASSPHRASE ke frasa sandi saat dicadangkan.",
                    code="passphrase_needed",
                )
            source = io.BufferedReader(_DecryptingReader(raw, passphrase), buffer_size=COPY_BYTES)
        try:
            with tarfile.open(fileobj=source, mode="r|") as archive:
                yield archive
        except tarfile.TarError as error:
            raise Refused(
                f"Arsip cadangan {path} bukan arsip Kantor Virtual yang utuh ({error}).", code="bad_archive"
            ) from error


def read_secret_key(path: Path) -> str:
    """The archive's SECRET_KEY (its first member); opening it proves the passphrase."""
    with _archive_for_reading(path) as archive:
        member = archive.next()
        if member is None or member.name != SECRET_MEMBER:
            raise Refused(f"Arsip {path} bukan cadangan Kantor Virtual.", code="bad_archive")
        return archive.extractfile(member).read().decode().strip()


def read_manifest(path: Path) -> dict:
    """The archive's manifest (its last member): reads the whole archive through."""
    manifest = None
    with _archive_for_reading(path) as archive:
        for member in archive:
            if member.name == MANIFEST_MEMBER:
                manifest = json.loads(archive.extractfile(member).read())
    if manifest is None:
        raise Refused(f"Arsip {path} tidak memuat manifest.", code="bad_manifest")
    return manifest


# ── Writing ──────────────────────────────────────────────────────────────────────────────────


class _Hashing(io.RawIOBase):
    """Reads at most `size` bytes of a file, hashing them; a file shorter than it claimed (cut while
    being written) is padded, and the hash is of what went into the archive."""

    def __init__(self, handle: IO[bytes], size: int) -> None:
        self._handle, self._left, self.digest = handle, size, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        want = min(len(target), self._left)
        if want == 0:
            return 0
        data = self._handle.read(want) or b"\x00" * want
        target[: len(data)] = data
        self.digest.update(data)
        self._left -= len(data)
        return len(data)


@dataclass
class BackupReport:
    path: Path
    bytes: int
    files: int
    tables: int
    rows: int
    seconds: float
    encrypted: bool


def _database_environment() -> dict[str, str]:
    """libpq's variables for the default database, as Django connects to it."""
    from django.db import connections

    settings = connections["default"].settings_dict
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ):
        if settings.get(key):
            env[variable] = str(settings[key])
    env["PGDATABASE"] = settings["NAME"]
    return env


def _connect(env: dict[str, str]):
    import psycopg2

    return psycopg2.connect(
        dbname=env["PGDATABASE"],
        host=env.get("PGHOST"),
        port=env.get("PGPORT"),
        user=env.get("PGUSER"),
        password=env.get("PGPASSWORD"),
    )


TABLES_SQL = """
    SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg_toast%%' AND n.nspname NOT LIKE 'pg_temp%%'
    ORDER BY 1, 2
"""


def table_counts(cursor) -> dict[str, int]:
    """The row count of every table, in the cursor's transaction."""
    cursor.execute(TABLES_SQL)
    counts = {}
    for schema, table in cursor.fetchall():
        cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
        counts[f"{schema}.{table}"] = cursor.fetchone()[0]
    return counts


def _release(cursor) -> dict:
    from importlib.metadata import PackageNotFoundError, version

    from django.conf import settings

    try:
        package = version("kantor-virtual")
    except PackageNotFoundError:
        package = ""
    cursor.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app")
    return {"version": package, "fingerprint": settings.RELEASE, "migrations": dict(cursor.fetchall())}


def _dump_database(target: Path, env: dict[str, str]) -> tuple[dict[str, int], dict]:
    """pg_dump into `target` from a snapshot that the row counts are read in as well."""
    connection = _connect(env)
    try:
        connection.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = table_counts(cursor)
            release = _release(cursor)
            command = [
                pg_binary("pg_dump"),
                "--format=custom",
                f"--snapshot={snapshot}",
                "--file",
                str(target),
            ]
            done = subprocess.run(command, env=env, capture_output=True, text=True)
            if done.returncode != 0:
                raise Refused(f"pg_dump gagal: {done.stderr.strip()}", code="pg_dump_failed")
        connection.rollback()
    finally:
        connection.close()
    return counts, release


def _media_roots() -> dict[str, Path]:
    from django.conf import settings

    return {"media": Path(settings.MEDIA_ROOT), "private": Path(settings.PRIVATE_MEDIA_ROOT)}


def _add_file(archive: tarfile.TarFile, name: str, path: Path) -> dict:
    with open(path, "rb") as handle:
        stat = os.fstat(handle.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o600
        reader = _Hashing(handle, stat.st_size)
        archive.addfile(info, io.BufferedReader(reader, buffer_size=COPY_BYTES))
    return {"sha256": reader.digest.hexdigest(), "size": stat.st_size}


def write_backup(path: Path) -> BackupReport:
    """Write the whole installation to `path` (mode 0600), while it keeps running."""
    import time

    from django.conf import settings
    from django.utils import timezone

    started = time.monotonic()
    path = Path(path).absolute()
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        raise Refused(f"Berkas {path} sudah ada; pilih nama lain.", code="archive_exists")
    passphrase = os.environ.get("BACKUP_PASSPHRASE", "")
    partial = path.with_name(path.name + PARTIAL_SUFFIX)
    env = _database_environment()
    files: dict[str, dict] = {}
    try:
        with tempfile.TemporaryDirectory(dir=path.parent, prefix=".kantor-backup-") as scratch:
            os.chmod(scratch, 0o700)
            dump = Path(scratch) / DUMP_MEMBER
            counts, release = _dump_database(dump, env)
            secret = Path(scratch) / SECRET_MEMBER
            secret.write_text(settings.SECRET_KEY)
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with open(descriptor, "wb") as raw:
                out: IO[bytes] = raw
                with contextlib.ExitStack() as stack:
                    if passphrase:
                        out = stack.enter_context(
                            io.BufferedWriter(_EncryptingWriter(raw, passphrase), buffer_size=COPY_BYTES)
                        )
                    with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as archive:
                        files[SECRET_MEMBER] = _add_file(archive, SECRET_MEMBER, secret)
                        files[DUMP_MEMBER] = _add_file(archive, DUMP_MEMBER, dump)
                        for prefix, root in _media_roots().items():
                            for file in (
                                sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
                            ):
                                name = f"{prefix}/{file.relative_to(root).as_posix()}"
                                with contextlib.suppress(FileNotFoundError):  # removed meanwhile
                                    files[name] = _add_file(archive, name, file)
                        manifest = {
                            "format": FORMAT,
                            "created_at": timezone.now().isoformat(),
                            "release": release,
                            "encrypted": bool(passphrase),
                            "tables": counts,
                            "files": files,
                        }
                        body = json.dumps(manifest, indent=1, sort_keys=True).encode()
                        info = tarfile.TarInfo(MANIFEST_MEMBER)
                        info.size, info.mtime, info.mode = len(body), int(time.time()), 0o600
                        archive.addfile(info, io.BytesIO(body))
                raw.flush()
                os.fsync(raw.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupReport(
        path=path,
        bytes=path.stat().st_size,
        files=len(files) - 2,
        tables=len(counts),
        rows=sum(counts.values()),
        seconds=time.monotonic() - started,
        encrypted=bool(passphrase),
    )


def archive_name(moment: datetime, *, encrypted: bool) -> str:
    return f"{ARCHIVE_PREFIX}{moment:%Y%m%d-%H%M%S}.tar{'.enc' if encrypted else ''}"


def archives_in(directory: Path) -> list[Path]:
    """Finished archives in `directory`, oldest first (their names carry the time)."""
    if not directory.is_dir():
        return []
    return sorted(
        p
        for p in directory.iterdir()
        if p.is_file() and p.name.startswith(ARCHIVE_PREFIX) and p.name.endswith((".tar", ".tar.enc"))
    )


def write_backup_into(directory: Path, *, keep: int, once_per_day: bool = False) -> BackupReport | None:
    """A new archive in `directory`, then only the newest `keep` kept. With `once_per_day`, nothing is
    written when today's archive is already there (so a task delivered twice writes one)."""
    from django.utils import timezone

    directory = Path(directory)
    now = timezone.localtime()
    encrypted = bool(os.environ.get("BACKUP_PASSPHRASE"))
    today = f"{ARCHIVE_PREFIX}{now:%Y%m%d}-"
    report = None
    if not (once_per_day and any(p.name.startswith(today) for p in archives_in(directory))):
        name = archive_name(now, encrypted=encrypted)
        while (directory / name).exists():  # two in one second
            now += timedelta(seconds=1)
            name = archive_name(now, encrypted=encrypted)
        report = write_backup(directory / name)
    rotate(directory, keep=keep)
    return report


def rotate(directory: Path, *, keep: int) -> list[Path]:
    """Delete all but the newest `keep` archives (at least one is always kept); returns the deleted."""
    archives = archives_in(directory)
    doomed = archives[: max(0, len(archives) - max(1, keep))]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


# ── Restoring ────────────────────────────────────────────────────────────────────────────────


@dataclass
class RestoreReport:
    manifest: dict
    files: int = 0
    bytes: int = 0
    tables: int = 0
    rows: int = 0
    seconds: float = 0.0
    missing_files: list[str] = field(default_factory=list)
    pending_migrations: int = 0


def database_tables(env: dict[str, str]) -> int:
    connection = _connect(env)
    try:
        with connection.cursor() as cursor:
            cursor.execute(TABLES_SQL)
            return len(cursor.fetchall())
    finally:
        connection.close()


def _has_files(root: Path) -> bool:
    return root.is_dir() and any(p.is_file() for p in root.rglob("*"))


def check_restore_target() -> None:
    """Restore only into an empty database and empty media folders."""
    env = _database_environment()
    if database_tables(env):
        raise Refused(
            f"Basis data {env['PGDATABASE']} tidak kosong: pemulihan hanya ke basis data kosong. Tidak ada yang diubah.",
            code="database_not_empty",
        )
    for root in _media_roots().values():
        if _has_files(root):
            raise Refused(
                f"Folder {root} tidak kosong: pemulihan hanya ke folder kosong. Tidak ada yang diubah.",
                code="folder_not_empty",
            )


def _copy_hashing(source: IO[bytes], target: Path) -> dict:
    digest, size = hashlib.sha256(), 0
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(descriptor, "wb") as out:
        while chunk := source.read(COPY_BYTES):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return {"sha256": digest.hexdigest(), "size": size}


def _safe_name(name: str) -> bool:
    parts = Path(name).parts
    return bool(parts) and not Path(name).is_absolute() and ".." not in parts


def restore_backup(path: Path) -> RestoreReport:
    """Bring an archive back into this (empty) installation: check every file against the manifest
    before anything is put in place, pg_restore in one transaction, then compare each table's rows."""
    import time

    from django.conf import settings

    started = time.monotonic()
    path = Path(path).absolute()
    check_restore_target()
    env = _database_environment()
    roots = _media_roots()
    staging_parent = roots["private"].parent
    staging_parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=staging_parent, prefix=".kantor-restore-") as scratch:
        os.chmod(scratch, 0o700)
        staging = Path(scratch)
        seen: dict[str, dict] = {}
        manifest = None
        with _archive_for_reading(path) as archive:
            for member in archive:
                if not member.isfile() or not _safe_name(member.name):
                    raise Refused(f"Arsip memuat entri tak dikenal: {member.name!r}.", code="bad_archive")
                if member.name == MANIFEST_MEMBER:
                    manifest = json.loads(archive.extractfile(member).read())
                    continue
                seen[member.name] = _copy_hashing(
                    archive.extractfile(member), staging / "files" / member.name
                )
        if manifest is None or manifest.get("format") != FORMAT:
            raise Refused(
                "Arsip tidak memuat manifest yang dikenali; tidak ada yang diubah.", code="bad_manifest"
            )
        problems = [
            name
            for name in sorted(set(manifest["files"]) | set(seen))
            if manifest["files"].get(name) != seen.get(name)
        ]
        if problems:
            raise Refused(
                f"{len(problems)} berkas tidak cocok dengan manifest (SHA-256 atau ukuran), mis. {problems[0]}; "
                "tidak ada yang diubah.",
                code="manifest_mismatch",
            )
        secret = (staging / "files" / SECRET_MEMBER).read_text().strip()
        if secret != settings.SECRET_KEY:
            raise Refused(
                "SECRET_KEY instalasi ini berbeda dengan SECRET_KEY dalam cadangan, sehingga kunci CA TTE tidak "
                "akan terbuka. Setel SECRET_KEY ke nilai dari `manage.py restore --print-secret-key ARSIP`. "
                "Tidak ada yang diubah.",
                code="secret_key_mismatch",
            )
        command = [
            pg_binary("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            env["PGDATABASE"],
            str(staging / "files" / DUMP_MEMBER),
        ]
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise Refused(
                f"pg_restore gagal, basis data tetap kosong: {done.stderr.strip()}", code="pg_restore_failed"
            )
        connection = _connect(env)
        try:
            with connection.cursor() as cursor:
                counts = table_counts(cursor)
        finally:
            connection.close()
        if counts != manifest["tables"]:
            differ = sorted(
                name
                for name in set(counts) | set(manifest["tables"])
                if counts.get(name) != manifest["tables"].get(name)
            )
            raise Refused(
                f"Jumlah baris setelah pg_restore tidak sama dengan manifest pada {len(differ)} tabel, mis. {differ[0]}.",
                code="row_count_mismatch",
            )
        for prefix, root in roots.items():
            source = staging / "files" / prefix
            if source.is_dir():
                root.mkdir(parents=True, exist_ok=True)
                for item in source.iterdir():
                    shutil.move(str(item), str(root / item.name))
    report = RestoreReport(
        manifest=manifest,
        files=len(seen) - 2,
        bytes=sum(entry["size"] for entry in seen.values()),
        tables=len(counts),
        rows=sum(counts.values()),
    )
    report.missing_files = missing_stored_files()
    report.pending_migrations = _pending_migrations()
    report.seconds = time.monotonic() - started
    return report


def missing_stored_files() -> list[str]:
    """Files that rows name but storage does not have."""
    from django.apps import apps
    from django.db import models

    missing = []
    for model in apps.get_models():
        for model_field in model._meta.get_fields():
            if isinstance(model_field, models.FileField) and model_field.concrete:
                names = model._base_manager.exclude(**{model_field.name: ""}).values_list(
                    model_field.name, flat=True
                )
                for name in names.iterator():
                    if name and not model_field.storage.exists(name):
                        missing.append(f"{model._meta.label}.{model_field.name}: {name}")
    return missing


def _pending_migrations() -> int:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
