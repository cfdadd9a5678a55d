"""The province-scale benchmark: `./kantor bench [--sizes 10k,1m] [--seconds N] [--users N]`.

For each size, a process of its own (its Django settings point at that size's database) starts the
embedded PostgreSQL and Redis in var/bench/<size>, migrates, generates the data once (bench_data),
picks a busy Kepala Dinas, a staff member and an operator of the same OPD, signs them in, counts the
SQL queries and the HTML bytes of each page and times the writes in-process, then starts gunicorn
exactly as `./kantor run` does on a free port of 127.0.0.1 and loads each page, the floor view and a
mix of all pages with Locust. This process prints the tables and writes bench/results/<UTC time>.json and
bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import platform
import re
import runpy
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from bench import report

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"
SIZES = ("demo", "10k", "100k", "1m")  # demo: the seed_demo province, for a quick try of the runner
DEEP_PAGE = 200  # the inbox page reached by following "load more" 199 times
WRITE_RUNS = 20
SEARCH_SAMPLE = 2000  # subjects of the Kepala Dinas's newest letters the search words are taken from
BENCH_PASSPHRASE = "tolok-ukur-tte-2026"
LOOPBACK = "127.0.0.1"


def _log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


# ── The parent: one child per size, then the report ──────────────────────────────────────────


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="./kantor bench", description="Tolok ukur Kantor Virtual.")
    parser.add_argument("--sizes", default="10k", help=f"ukuran data, dipisah koma: {', '.join(SIZES)}")
    parser.add_argument("--seconds", type=int, default=20, help="lama beban per halaman (detik)")
    parser.add_argument("--users", type=int, default=6, help="pengguna Locust serentak")
    parser.add_argument(
        "--max-requests", type=int, default=50_000, help="batas permintaan per putaran Locust"
    )
    parser.add_argument(
        "--pages",
        default="",
        help="hanya halaman ini (dipisah koma; lantai selalu ikut): uji coba cepat, tanpa campuran, "
        "penulisan dan berkas hasil",
    )
    parser.add_argument("--measure-into", type=Path, help=argparse.SUPPRESS)  # the child's own output
    args = parser.parse_args(argv)
    sizes = [size.strip().lower() for size in args.sizes.split(",") if size.strip()]
    unknown = [size for size in sizes if size not in SIZES]
    if unknown or not sizes:
        parser.error(
            f"ukuran tidak dikenal: {', '.join(unknown) or '(kosong)'}; pilih dari {', '.join(SIZES)}"
        )
    if args.measure_into:
        return measure(size=sizes[0], options=args, into=args.measure_into)

    from kantor_virtual.stack import DATA_DIR

    results, failed = {}, []
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="kantor-bench-") as scratch:
            into = Path(scratch) / "result.json"
            command = [
                sys.executable, "-m", "bench.runner", "--sizes", size, "--seconds", str(args.seconds),
                "--users", str(args.users), "--max-requests", str(args.max_requests), "--pages", args.pages,
                "--measure-into", str(into),
            ]  # fmt: skip
            env = {**os.environ, "KV_DATA_DIR": str(DATA_DIR / "bench" / size)}
            _log(f"Ukuran {size}: data di {env['KV_DATA_DIR']}")
            if subprocess.run(command, cwd=BASE_DIR, env=env).returncode != 0 or not into.exists():
                _log(f"Ukuran {size} gagal diukur.")
                failed.append(size)
                continue
            results[size] = report.with_verdicts(json.loads(into.read_text()))
    if results and args.pages:
        for result in results.values():  # a trial of some pages is printed, never recorded
            print(report.format_size(result))
    elif results:
        publish(results, options=args)
    return 1 if failed else 0


def publish(results: dict[str, dict], *, options: argparse.Namespace) -> None:
    now = datetime.now(UTC)
    change = report.growth(results)
    document = {
        "created": now.isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "options": {"seconds": options.seconds, "users": options.users, "max_requests": options.max_requests},
        "sizes": results,
        "growth": change,
    }
    print()
    for result in results.values():
        print(report.format_size(result))
        print()
    if change:
        print(report.format_growth(change))
        print()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, indent=2, ensure_ascii=False)
    stamped = RESULTS_DIR / f"{now.strftime('%Y%m%dT%H%M%SZ')}.json"
    for path in (stamped, RESULTS_DIR / "latest.json"):
        # Written aside and renamed, so a reader never sees half a file.
        unfinished = path.with_suffix(".tmp")
        unfinished.write_text(text, encoding="utf-8")
        unfinished.replace(path)
    _log(f"Hasil ditulis ke {stamped.relative_to(BASE_DIR)} dan bench/results/latest.json")


# ── The child: one size, its own servers ──────────────────────────────────────────────────────


def measure(*, size: str, options: argparse.Namespace, into: Path) -> int:
    from kantor_virtual import stack

    stack.local_environment()
    os.environ["BENCH_FLOOR"] = "true"
    # The public tracking page allows 30 look-ups a minute per address, and every Locust user comes
    # from 127.0.0.1: a limit that counts would measure the 429 page instead of the look-up.
    os.environ["PORTAL_RATE_TRACKING_IP"] = "1000000/m"
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # not a line per sign-in of the three users
    with stack.services():
        stack._manage("migrate", "--noinput", "-v", "0")
        stack._collect_static()
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kantor_virtual.settings")
        import django

        django.setup()
        dataset = ensure_dataset(size, manage=stack._manage)
        _log(f"Data {size}: {dataset['letters']:,} surat")
        plan = make_plan()
        if options.pages:
            wanted = {name.strip() for name in options.pages.split(",")} | {report.FLOOR_PAGE}
            plan.pages = [page for page in plan.pages if page.name in wanted]
        _log("Pengguna: " + ", ".join(f"{role} {person['username']}" for role, person in plan.people.items()))
        costs = {page.name: measure_page(plan.clients[page.role], page.path) for page in plan.pages}
        writes = {} if options.pages else time_writes(plan)
        from django.db import connections

        connections.close_all()  # idle while Locust runs
        work_dir = stack.DATA_DIR / "locust"
        shutil.rmtree(work_dir, ignore_errors=True)
        work_dir.mkdir(parents=True)
        config = work_dir / "config.json"
        config.write_text(json.dumps(plan.locust_config(max_requests=options.max_requests)))
        with gunicorn(log=stack.DATA_DIR / "gunicorn.log", command=stack.web_command) as base_url:
            warm_up(base_url, plan)
            pages = {}
            for page in plan.pages:
                _log(f"Beban {page.name}: {options.users} pengguna × {options.seconds} dtk")
                stats = run_locust(
                    base_url, config, [page.name], options=options, prefix=work_dir / page.name
                )
                pages[page.name] = {
                    "path": page.path, "role": page.role, "note": page.note,
                    "queries": costs[page.name].queries, "html_bytes": costs[page.name].html_bytes,
                    **report.page_figures(stats, page.name),
                }  # fmt: skip
            mix = {} if options.pages else run_mix(base_url, config, plan, options=options, work_dir=work_dir)
    result = {
        "size": size,
        "dataset": dataset,
        "users": options.users,
        "seconds": options.seconds,
        "web_workers": web_workers(),
        "people": plan.people,
        "pages": pages,
        "mix": mix,
        "writes": writes,
    }
    into.write_text(json.dumps(result, indent=2, default=str))
    return 0


def ensure_dataset(size: str, *, manage: Callable[..., None]) -> dict:
    """The generated data of `size`, made on the first run of that size only (it takes a while)."""
    from bench.models import Dataset
    from persuratan.models import IncomingLetter

    if size == "demo":
        manage("seed_demo")
        return {"label": size, "letters": IncomingLetter.objects.count()}
    dataset = Dataset.objects.filter(size=size).first()
    if dataset is None:
        _log(f"Membuat data {size} (sekali saja; lama untuk ukuran besar)…")
        manage("bench_data", "--size", size)
        dataset = Dataset.objects.get(size=size)
    return {"label": size, "letters": dataset.letters, "seed": dataset.seed, "loaded_in_s": dataset.seconds}


# ── Who, and which pages ──────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    role: str  # kepala_dinas, staf, operator, admin (SPBE), warga (signed out)
    weight: int  # its share of the mixed run
    note: str = ""

    @property
    def in_mix(self) -> bool:
        return self.name != report.FLOOR_PAGE


@dataclass
class Plan:
    people: dict[str, dict]
    clients: dict[str, object]  # role → a django.test.Client signed in as that person
    pages: list[Page]
    # What the writes need: the OPD, its operator, the Kepala Dinas's position and an open item of theirs.
    context: dict

    def locust_config(self, *, max_requests: int) -> dict:
        """The Cookie header of each role is what its browser sends back after its first pages: the
        session and the CSRF secret (a page is kept rendered only for a browser that holds one)."""
        return {
            "cookies": {
                role: "; ".join(f"{name}={morsel.value}" for name, morsel in sorted(client.cookies.items()))
                for role, client in self.clients.items()
                if client.cookies
            },
            "max_requests": max_requests,
            "pages": [
                {"name": p.name, "path": p.path, "role": p.role, "weight": p.weight} for p in self.pages
            ],
        }


def _today():
    from django.utils import timezone

    return timezone.localdate()


@dataclass(frozen=True)
class Held:
    """A position and the person acting for it today."""

    user: object
    position: object

    @property
    def position_id(self) -> int:
        return self.position.pk


def _busiest_held(positions) -> tuple[Held, int]:
    """The position with the most inbox items among `positions` that someone acts for today."""
    from django.db.models import Count

    from organisasi.models import Position
    from organisasi.selectors import holders_of
    from persuratan.models import InboxItem

    ranked = (
        InboxItem.objects.filter(position__in=positions)
        .exclude(status=InboxItem.Status.WITHDRAWN)
        .values("position_id")
        .annotate(items=Count("id"))
        .order_by("-items", "position_id")
    )
    for row in ranked[:50]:
        holders = holders_of(position_ids=[row["position_id"]], on=_today()).get(row["position_id"])
        if holders:  # the definitive holder first, then a Plt/Plh
            position = Position.objects.select_related("opd").get(pk=row["position_id"])
            return Held(user=holders[0], position=position), row["items"]
    raise SystemExit("Tidak ada jabatan berpemangku dengan surat masuk: data tolok ukur tidak lengkap.")


def make_plan() -> Plan:
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from organisasi.models import Position, RoleGrant
    from persuratan.models import InboxItem
    from persuratan.selectors import PAGE_SIZE

    # A Kepala Dinas, not the Sekda whose inbox gathers the province's mail; any OPD head if none is named so.
    heads = Position.objects.filter(heads_opd=True)
    kepala_dinas = heads.filter(name__istartswith="Kepala Dinas")
    head, head_items = _busiest_held(kepala_dinas if kepala_dinas.exists() else heads)
    opd = head.position.opd
    staff, staff_items = _busiest_held(
        Position.objects.filter(opd=opd).exclude(kind=Position.Kind.STRUKTURAL)
    )
    operator = (
        RoleGrant.objects.filter(role=RoleGrant.Role.OPERATOR, opd=opd)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if operator is None:
        raise SystemExit(f"{opd.code} tidak punya operator: data tolok ukur tidak lengkap.")
    people = {
        "kepala_dinas": {
            "username": head.user.username,
            "position": head.position.name,
            "inbox_items": head_items,
        },
        "staf": {
            "username": staff.user.username,
            "position": staff.position.name,
            "inbox_items": staff_items,
        },
        "operator": {"username": operator.user.username, "opd": opd.code},
    }
    admin = RoleGrant.objects.filter(role=RoleGrant.Role.ADMIN).select_related("user").order_by("pk").first()
    if admin is None:
        raise SystemExit("Tidak ada admin SPBE: data tolok ukur tidak lengkap.")
    people["admin"] = {"username": admin.user.username}
    clients = {
        "kepala_dinas": signed_in_client(head.user, acting_position_id=head.position_id),
        "admin": signed_in_client(admin.user),
        "staf": signed_in_client(staff.user, acting_position_id=staff.position_id),
        "operator": signed_in_client(operator.user),
        "warga": Client(HTTP_HOST=LOOPBACK),
    }

    inbox = reverse("persuratan:inbox")
    cursor, deep_page = deep_cursor(position_id=head.position_id, page=DEEP_PAGE, page_size=PAGE_SIZE)
    tree = (
        InboxItem.objects.filter(parent__position_id=head.position_id, reason=InboxItem.Reason.DISPOSITION)
        .values("letter_id")
        .annotate(nodes=Count("id"))
        .order_by("-nodes", "-letter_id")
        .first()
    )
    if tree is None:
        raise SystemExit(f"{head.position.name} belum pernah mendisposisikan surat: data tidak lengkap.")
    common, rare = search_words(position_id=head.position_id)
    search = reverse("pencarian:search")
    pages = [
        Page("inbox", inbox, "kepala_dinas", 4, f"{head_items:,} butir"),
        Page("inbox_deep", f"{inbox}?{urlencode({'after': cursor})}" if cursor else inbox, "kepala_dinas", 1,
             f"halaman {deep_page}"),
        Page("letter", reverse("persuratan:letter", args=[tree["letter_id"]]), "kepala_dinas", 3,
             f"{tree['nodes']} disposisi langsung"),
        Page("search_common", f"{search}?{urlencode({'q': common})}", "kepala_dinas", 1, f"“{common}”"),
        Page("search_rare", f"{search}?{urlencode({'q': rare})}", "kepala_dinas", 1, f"“{rare}”"),
        Page("inbox_staf", inbox, "staf", 3, f"{staff_items:,} butir"),
        Page("outgoing_register", f"{reverse('surat_keluar:register')}?{urlencode({'opd': opd.code})}",
             "operator", 2, opd.code),
    ]  # fmt: skip
    tracking_code = _tracking_code()
    if tracking_code:
        pages.append(
            Page(
                "tracking", f"{reverse('permohonan:track')}?{urlencode({'kode': tracking_code})}", "warga", 1
            )
        )
    pages.append(Page("statistics", reverse("skm:statistics"), "warga", 1))
    pages += account_pages(admin=admin, head=head, opd=opd)
    open_item = (
        InboxItem.objects.filter(position_id=head.position_id, status__in=InboxItem.OPEN_STATUSES)
        .exclude(reason=InboxItem.Reason.COPY)
        .order_by("-received_at", "-id")
        .first()
    )
    pages += form_pages(head=head, opd=opd, open_item=open_item)
    pages.append(
        Page(report.FLOOR_PAGE, reverse("bench:floor", args=[head.position.code]), "kepala_dinas", 1)
    )

    context = {
        "opd": opd, "operator": operator.user, "head": head.user, "head_position": head.position,
        "staff": staff.user, "staff_position": staff.position, "open_item": open_item,
    }  # fmt: skip
    return Plan(people=people, clients=clients, pages=pages, context=context)


def account_pages(*, admin, head: Held, opd) -> list[Page]:
    """The pages of accounts and certificates: the people list of admin SPBE (first, deep and a
    search), a person, the form for a new one, the certificate requests and issued certificates, and
    the Kepala Dinas's own certificate."""
    from django.db.models import CharField, Count, Func, Value
    from django.urls import reverse

    from organisasi.models import User
    from organisasi.people_selectors import people_rows

    everyone = people_rows(user=admin.user)
    total = everyone.count()
    middle = everyone.values_list("pk", flat=True)[total // 2] if total else None
    common = (
        User.objects.annotate(
            first=Func("full_name", Value(" "), Value(1), function="split_part", output_field=CharField())
        )
        .values("first")
        .annotate(people=Count("id"))
        .order_by("-people", "first")
        .values_list("first", flat=True)
        .first()
    )
    people = reverse("organisasi:people")
    return [
        Page("people", people, "admin", 1, f"{total:,} orang"),
        Page("people_deep", f"{people}?{urlencode({'setelah': middle})}", "admin", 1, "di tengah daftar"),
        Page("people_search", f"{people}?{urlencode({'q': common})}", "admin", 1, f"“{common}”"),
        Page("person", reverse("organisasi:person", args=[head.user.pk]), "admin", 1, head.position.name),
        Page("person_create", f"{reverse('organisasi:person_create')}?{urlencode({'opd': opd.code})}", "admin",
             1, opd.code),
        Page("certificate_requests", reverse("tte:requests"), "admin", 1),
        Page("certificates_issued", reverse("tte:issued"), "admin", 1),
        Page("certificate", reverse("tte:certificate"), "kepala_dinas", 1),
    ]  # fmt: skip


def form_pages(*, head: Held, opd, open_item) -> list[Page]:
    """The empty forms, each opened by whoever fills it in: a draft (Surat Dinas) by the Kepala Dinas
    and by the staff member, the incoming register and pemberkasan by the operator, disposing of the
    Kepala Dinas's open item by him, and the org chart's position and new-position forms and a new
    public service by admin SPBE (who administers every OPD). Sharing a letter has no page of its
    own: its form is on the letter's page, already measured."""
    from django.urls import reverse

    of_opd = urlencode({"opd": opd.code})
    draft = f"{reverse('surat_keluar:new')}?{urlencode({'jenis': 'official_letter'})}"
    pages = [
        Page("draft_form", draft, "kepala_dinas", 1, "Surat Dinas"),
        Page("staf_draft_form", draft, "staf", 1, "Surat Dinas"),
        Page("register_form", f"{reverse('persuratan:register')}?{of_opd}", "operator", 1, opd.code),
    ]
    if open_item is not None:
        pages.append(
            Page("dispose_form", reverse("disposisi:dispose", args=[open_item.pk]), "kepala_dinas", 1,
                 "butir terbuka terbaru")
        )  # fmt: skip
    return [
        *pages,
        Page("appointment_form", reverse("organisasi:org_chart_position", args=[head.position_id]), "admin",
             1, head.position.name),
        Page("position_form", f"{reverse('organisasi:org_chart_position_create')}?{of_opd}", "admin", 1,
             opd.code),
        Page("filing_form", f"{reverse('arsip:filing')}?{of_opd}", "operator", 1, opd.code),
        Page("service_form", f"{reverse('layanan:create')}?{of_opd}", "admin", 1, opd.code),
    ]  # fmt: skip


def _tracking_code() -> str | None:
    from layanan_publik.models import Submission

    return Submission.objects.order_by("-pk").values_list("tracking_code", flat=True).first()


def deep_cursor(*, position_id: int, page: int, page_size: int) -> tuple[str | None, int]:
    """The `after` cursor that opens inbox page `page` (or the deepest page there is), and its number.

    It is the (received_at, id) of the last row of the page before, in the inbox's own order.
    """
    from kantor_virtual.pagination import make_cursor
    from persuratan.models import InboxItem

    rows = (
        InboxItem.objects.filter(position_id=position_id)
        .exclude(status=InboxItem.Status.WITHDRAWN)
        .order_by("-received_at", "-id")
    )
    total = rows.count()
    pages_before = min(page - 1, max(total - 1, 0) // page_size)
    if pages_before == 0:
        return None, 1
    received_at, pk = rows.values_list("received_at", "id")[pages_before * page_size - 1]
    return make_cursor(received_at, pk), pages_before + 1


def search_words(*, position_id: int) -> tuple[str, str]:
    """A common and a rare word of the subjects in this position's newest letters."""
    from persuratan.models import InboxItem

    subjects = (
        InboxItem.objects.filter(position_id=position_id)
        .order_by("-received_at", "-id")
        .values_list("letter__subject", flat=True)[:SEARCH_SAMPLE]
    )
    words = Counter(word for subject in subjects for word in re.findall(r"[a-z]{5,}", subject.lower()))
    if not words:
        return "surat", "surat"
    common = min(words, key=lambda word: (-words[word], word))
    rare = min(words, key=lambda word: (words[word], -len(word), word))
    return common, rare


def signed_in_client(user, *, acting_position_id: int | None = None):
    """A Django test client with a real session of `user`, through django.contrib.auth's own login.

    Its session cookie also signs in the Locust users. Where TOTP is required, the session carries
    a confirmed device, as after the code was typed.
    """
    from django.conf import settings
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from organisasi.middleware import ACTING_POSITION_SESSION_KEY
    from organisasi.selectors import requires_second_factor

    client = Client(HTTP_HOST=LOOPBACK)
    client.force_login(user)
    session = client.session
    if acting_position_id is not None:
        session[ACTING_POSITION_SESSION_KEY] = acting_position_id
    if settings.OTP_REQUIRED and requires_second_factor(user=user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="tolok ukur", confirmed=True
        )
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@dataclass(frozen=True)
class PageCost:
    queries: int
    html_bytes: int  # the body as the page's role receives it, uncompressed


def measure_page(client, path: str) -> PageCost:
    """SQL queries and HTML size of one request of `path`, after a first request has warmed the caches."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = client.get(path)
    if first.status_code != 200:
        raise SystemExit(f"{path} menjawab {first.status_code}, bukan 200.")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} menjawab {response.status_code}, bukan 200.")
    return PageCost(queries=len(captured.captured_queries), html_bytes=len(response.content))


# ── Writes, timed in-process ──────────────────────────────────────────────────────────────────


def _timed_and_undone(
    action: Callable[[], object], runs: int, *, prepare: Callable[[], object] | None = None
) -> list[float]:
    """Seconds of each run of `action` (after `prepare`, untimed), each in a transaction rolled back
    afterwards, so the data set stays as generated and nothing is left for a worker. A first,
    warming run is not counted."""
    from django.db import transaction

    timings = []
    for run in range(runs + 1):
        with transaction.atomic():
            if prepare is not None:
                prepare()
            started = time.perf_counter()
            action()
            if run:
                timings.append(time.perf_counter() - started)
            transaction.set_rollback(True)
    return timings


def time_writes(plan: Plan) -> dict:
    writes = {"register_incoming": time_register(plan.context)}
    if plan.context["open_item"] is not None:
        writes["dispose"] = time_dispose(plan.context)
    writes["sign"] = time_sign(plan.context)
    for name, write in writes.items():
        _log(f"Penulisan {name}: p50 {write['p50_ms']} ms, p95 {write['p95_ms']} ms")
    return writes


def _scan_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<p>Surat uji tolok ukur: undangan rapat koordinasi.</p>").write_pdf()


def time_register(context: dict) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from persuratan.models import Classification, LetterType, SecurityClass, Urgency
    from persuratan.services import LetterDetails, Sender, register_incoming

    pdf, today = _scan_pdf(), _today()
    details = LetterDetails(
        sender=Sender(kind="institution", name="Kementerian Dalam Negeri", address="Jakarta"),
        sender_number="000.1.2/123/SJ",
        letter_date=today - timedelta(days=3),
        received_on=today,
        subject="Undangan rapat koordinasi tolok ukur",
        letter_type=LetterType.OFFICIAL_LETTER,
        security_class=SecurityClass.ORDINARY,
        urgency=Urgency.NORMAL,
        classification=Classification.objects.order_by("code").first(),
    )
    stored = []

    def register() -> None:
        letter = register_incoming(
            actor=context["operator"],
            opd=context["opd"],
            details=details,
            addressees=[context["head_position"]],
            scans=[SimpleUploadedFile("pindaian.pdf", pdf, content_type="application/pdf")],
        )
        stored.extend(stored_file.file for stored_file in letter.files.all())

    timings = _timed_and_undone(register, WRITE_RUNS)
    for field_file in stored:  # the rows were rolled back; their files are not transactional
        field_file.storage.delete(field_file.name)
    return report.timing_summary(timings)


def time_dispose(context: dict) -> dict:
    from disposisi.models import Instruction
    from disposisi.services import dispose

    def disposed() -> None:
        dispose(
            actor=context["head"],
            from_item=context["open_item"],
            to=[context["staff_position"]],
            instructions=[Instruction.FOLLOW_UP],
            note="Mohon ditindaklanjuti.",
        )

    return report.timing_summary(_timed_and_undone(disposed, WRITE_RUNS))


SIGNED_BODY = "".join(
    f"<p>{paragraph}</p>"
    for paragraph in (
        "Dengan hormat, sehubungan dengan pelaksanaan evaluasi Sistem Pemerintahan Berbasis Elektronik "
        "tahun ini, kami mengundang Bapak/Ibu untuk hadir pada rapat koordinasi.",
        "Rapat akan membahas tindak lanjut hasil evaluasi, rencana aksi dan pembagian tugas antarperangkat "
        "daerah. Mohon membawa data pendukung yang diperlukan.",
        "Demikian disampaikan, atas perhatian dan kehadiran Bapak/Ibu diucapkan terima kasih.",
    )
)


def time_sign(context: dict) -> dict:
    """Number, render and PAdES-sign a nota dinas of the Kepala Dinas as the worker does
    (persuratan.services.outgoing.sign_outgoing); the draft and a certificate with a known
    passphrase are made, untimed, inside each rolled-back transaction."""
    from django.utils import timezone

    from persuratan.models import Classification, LetterType, OutgoingRecipient, SecurityClass, Urgency
    from persuratan.rendering import render_outgoing_pdf
    from persuratan.services.outgoing import DraftDetails, RecipientSpec, assign_number, create_draft
    from tte.backends import backend
    from tte.models import Certificate
    from tte.services import enrol

    # pyhanko warns on every signature that it may not fetch revocation info; the local authority's
    # CRL is embedded on purpose, and twenty warnings would bury the benchmark's output.
    logging.getLogger("pyhanko").setLevel(logging.ERROR)
    signer, drafter = context["head"], context["staff"]
    details = DraftDetails(
        letter_type=LetterType.INTERNAL_MEMO,
        subject="Undangan rapat koordinasi evaluasi SPBE",
        security_class=SecurityClass.ORDINARY,
        urgency=Urgency.NORMAL,
        classification=Classification.objects.order_by("code").first(),
        signer_position=context["head_position"],
    )
    letter = None

    def drafted_and_enrolled() -> None:
        nonlocal letter
        draft = create_draft(
            actor=drafter,
            position=context["staff_position"],
            details=details,
            recipients=[RecipientSpec(kind=OutgoingRecipient.Kind.TO, name="Inspektur Provinsi")],
            body_html=SIGNED_BODY,
            reviewers=[],
        )
        letter = assign_number(letter_id=draft.pk)
        Certificate.objects.filter(user=signer, revoked_at__isnull=True).update(revoked_at=timezone.now())
        enrol(user=signer, passphrase=BENCH_PASSPHRASE)

    def signed() -> None:
        pdf = render_outgoing_pdf(letter=letter)
        backend().sign(
            pdf=pdf, signer=signer, passphrase=BENCH_PASSPHRASE, reason=f"Menandatangani {letter.number}"
        )

    return report.timing_summary(_timed_and_undone(signed, WRITE_RUNS, prepare=drafted_and_enrolled))


# ── gunicorn and Locust ───────────────────────────────────────────────────────────────────────


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(*, log: Path, command: Callable[..., list[str]]) -> Iterator[str]:
    """gunicorn as `./kantor run` starts it, on a free port of 127.0.0.1; its access log to `log`."""
    port = free_port()
    base_url = f"http://{LOOPBACK}:{port}"
    with log.open("w") as output:
        process = subprocess.Popen(
            command(host=LOOPBACK, port=str(port)), cwd=BASE_DIR, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + 60
            while _status(f"{base_url}/kesehatan/") != 200:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn tidak menjawab; lihat {log}")
                time.sleep(0.3)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _status(url: str, cookie: str | None = None) -> int | None:
    """The HTTP status of a GET, redirects not followed; None when nothing answered."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect to the sign-in page is an answer to report, not to follow


def web_workers() -> int:
    """How many workers gunicorn starts, from its own settings file."""
    return runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))["workers"]


def warm_up(base_url: str, plan: Plan) -> None:
    """Each gunicorn worker connects to the database and compiles templates on its first requests:
    send every page several times at once, so that every worker gets some before the clock runs."""
    config = plan.locust_config(max_requests=0)
    workers = web_workers()
    for page in plan.pages:
        cookie = config["cookies"].get(page.role)
        with ThreadPoolExecutor(max_workers=2 * workers) as pool:
            rounds = [(base_url + page.path, cookie)] * (4 * workers)
            statuses = set(pool.map(lambda call: _status(*call), rounds))
        if statuses != {200}:
            raise SystemExit(
                f"{page.name} ({page.path}) menjawab {sorted(statuses, key=str)} lewat gunicorn, bukan 200."
            )


def run_mix(base_url: str, config: Path, plan: Plan, *, options: argparse.Namespace, work_dir: Path) -> dict:
    mixed = [page.name for page in plan.pages if page.in_mix]
    _log(f"Beban campuran: {len(mixed)} halaman, {options.users} pengguna × {options.seconds} dtk")
    return report.mix_figures(run_locust(base_url, config, mixed, options=options, prefix=work_dir / "mix"))


def run_locust(
    base_url: str, config: Path, pages: list[str], *, options: argparse.Namespace, prefix: Path
) -> dict:
    """One headless Locust run over `pages`, bounded by --seconds and --max-requests."""
    locust = Path(sys.executable).parent / "locust"
    users = str(options.users)
    command = [
        str(locust), "-f", str(BASE_DIR / "bench" / "locustfile.py"), "--headless", "-u", users, "-r", users,
        "-t", f"{options.seconds}s", "--host", base_url, "--csv", str(prefix), "--only-summary",
        "--reset-stats", "--stop-timeout", "5", "--loglevel", "WARNING", "--exit-code-on-error", "0",
    ]  # fmt: skip
    env = {
        **os.environ,
        "BENCH_LOCUST_CONFIG": str(config),
        "BENCH_PAGES": ",".join(pages),
        "PYTHONPATH": str(BASE_DIR),
    }
    done = subprocess.run(
        command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=options.seconds + 120
    )
    stats = Path(f"{prefix}_stats.csv")
    if done.returncode != 0 or not stats.exists():
        raise SystemExit(f"Locust gagal untuk {', '.join(pages)}:\n{done.stderr[-3000:]}")
    return report.read_locust_stats(stats)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
