"""Shared fixtures: people by role and position, built with our own models and services."""

import os
import uuid
from datetime import date, timedelta
from functools import partial

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import empty

from organisasi.models import Assignment, RoleGrant
from persuratan.models import OutgoingRecipient
from persuratan.services.outgoing import DraftDetails, RecipientSpec, create_draft, submit_for_review
from tests.factories import OpdFactory, PositionFactory, UserFactory
from tte.national_standin import NationalStandIn

# Playwright's sync API runs an event loop in the test thread; the ORM calls made beside it are
# ordinary synchronous code, so Django's async-safety guard does not apply to them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.browser"]


@pytest.fixture(scope="session", autouse=True)
def _static_files_without_manifest():
    """Tests serve static files from their sources, so no collectstatic run is needed first."""
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise looks there first
    with override_settings(STORAGES=storages):
        yield


@pytest.fixture(scope="session", autouse=True)
def _own_private_files(tmp_path_factory):
    """Each test process keeps its letters' files apart: stored files are named by OPD, year and
    content, which two processes' tests share, and one test's deletion must not meet another's copy."""
    from kantor_virtual.files import private_storage

    with override_settings(PRIVATE_MEDIA_ROOT=tmp_path_factory.mktemp("private")):
        private_storage._wrapped = empty
        yield
    private_storage._wrapped = empty


@pytest.fixture(scope="session", autouse=True)
def _own_celery_queue(worker_id):
    """Test processes (and test runs) may share one Redis: give each its own queue, so that a worker
    started by one never runs another's task against the wrong test database."""
    from kantor_virtual.celery import app

    run = os.environ.get("TEST_DATABASE_NAME", "kantor-test")
    app.conf.task_default_queue = f"{run}-{worker_id}"


def _close_connection(**kwargs) -> None:
    connection.close()


@pytest.fixture
def worker():
    """A real Celery worker on the Redis broker, in a thread of this process, for tests marked
    `worker`. A real `celery worker` closes its database connection after each task; this one does
    not by itself, and an open connection would keep the test database from being dropped."""
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    from kantor_virtual.celery import app

    task_postrun.connect(_close_connection, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        task_postrun.disconnect(_close_connection)


@pytest.fixture(autouse=True)
def _tasks_run_in_process(request):
    """Tasks are written to the outbox in the transaction that asks for them; here each row is taken
    as its transaction commits, the relay's part played at once: run right here (Celery eager,
    errors propagate), so nothing waits for a worker that never comes. Tests marked `worker`
    get the row published to the real broker for the real worker instead. The relay itself
    (`celery_outbox_relay`) runs in tests/resilience."""
    from celery.result import _set_task_join_will_block
    from django_celery_outbox.models import CeleryOutbox
    from django_celery_outbox.relay._publisher import RelayPublisher
    from django_celery_outbox.signals import outbox_message_created

    from kantor_virtual.celery import app

    if request.node.get_closest_marker("relay"):
        yield  # the real relay process takes the rows
        return
    if request.node.get_closest_marker("worker"):
        publisher = RelayPublisher(app=app, send_timeout=10)

        def take(row: CeleryOutbox) -> None:
            publisher.publish(row)

    else:
        # A worker started earlier in this process (a `worker` test) may have marked the process as
        # "inside a worker", which forbids waiting on results; this test is not inside a worker.
        _set_task_join_will_block(False)

        def take(row: CeleryOutbox) -> None:
            app.tasks[row.task_name].apply(args=row.args, kwargs=row.kwargs, task_id=row.task_id, throw=True)

    def relay(task_id: str) -> None:
        row = CeleryOutbox.objects.filter(task_id=task_id).first()
        if row is not None:
            row.delete()
            take(row)

    def at_commit(*, task_id: str, **_) -> None:
        transaction.on_commit(partial(relay, task_id))

    before = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = True
    outbox_message_created.connect(at_commit, weak=False, dispatch_uid="tests-relay")
    yield
    outbox_message_created.disconnect(dispatch_uid="tests-relay")
    app.conf.task_eager_propagates = before


@pytest.fixture
def queued():
    """`queued("ocr_file", ...)`: the tasks of those names (all, without names) waiting in the outbox,
    oldest first, as (name, args): what work asked for and nobody has taken yet (a test's own
    transaction never commits, and inside `django_capture_on_commit_callbacks()` without `execute`
    nothing is taken)."""
    from django_celery_outbox.models import CeleryOutbox

    def read(*names: str) -> list[tuple[str, list]]:
        rows = CeleryOutbox.objects.order_by("id").values_list("task_name", "args")
        waiting = [(name.rpartition(".")[2], args) for name, args in rows]
        return [task for task in waiting if not names or task[0] in names]

    return read


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _own_rate_limit_counters(settings):
    """Rate limits count in Redis, which outlives a test and a test run: each test counts afresh."""
    settings.RATELIMIT_CACHE_PREFIX = f"rl:{uuid.uuid4().hex}:"


@pytest.fixture(autouse=True)
def _own_statistics_cache(settings):
    """The statistics' figures are cached in Redis, shared by the test databases of parallel workers."""
    settings.STATISTICS_CACHE_PREFIX = f"statistik:{uuid.uuid4().hex}:"


@pytest.fixture(autouse=True)
def _own_org_cache(settings):
    """Every test database starts from the same organisation version, and user ids meet across the
    parallel workers' databases: each test keeps its answers about people apart."""
    settings.ORG_CACHE_PREFIX = f"organisasi:{uuid.uuid4().hex}:"


@pytest.fixture(autouse=True)
def _own_fragment_cache(settings):
    """Each test renders its fragments afresh, so what one page draws never depends on an earlier
    test having drawn it (query counts included). With DEBUG nothing is kept, and nothing is to do."""
    fragments = settings.CACHES["template_fragments"]
    if "KEY_PREFIX" in fragments:
        settings.CACHES = {
            **settings.CACHES,
            "template_fragments": {
                **fragments,
                "KEY_PREFIX": f"{fragments['KEY_PREFIX']}:{uuid.uuid4().hex}",
            },
        }


@pytest.fixture(autouse=True)
def _forms_may_be_sent_at_once(settings):
    """A test client sends a form the moment it is shown; tests of the bot check set the minimum again."""
    settings.PORTAL_MIN_FILL_SECONDS = 0


@pytest.fixture
def no_second_factor(settings):
    """For tests about something else than signing in: pimpinan reach pages without a TOTP code,
    whose step the account tests cover."""
    settings.OTP_REQUIRED = False


@pytest.fixture
def returning_browser(client):
    """The test client as a browser that has been here before: it holds its CSRF secret (from the
    sign-in page), so pages kept rendered for it (kantor_virtual.fragments.kept_page) are kept."""
    client.get(reverse("organisasi:login"))
    assert "csrftoken" in client.cookies
    return client


@pytest.fixture
def human_check():
    """What a browser sends back with a form under the bot check (kantor_virtual.protection)."""
    from kantor_virtual.protection import STAMP_FIELD, new_stamp

    return {STAMP_FIELD: new_stamp()}


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def opd(db):
    return OpdFactory(
        code="DISKOMINFOS", name="Dinas Komunikasi, Informatika dan Statistik", short_name="Diskominfos"
    )


@pytest.fixture
def other_opd(db):
    return OpdFactory(code="DINSOS", name="Dinas Sosial", short_name="Dinsos")


@pytest.fixture
def make_position(db, opd):
    def make(*, name: str = "Kepala Seksi", opd=opd, parent=None, kind="struktural", **fields):
        return PositionFactory(opd=opd, name=name, parent=parent, kind=kind, **fields)

    return make


@pytest.fixture
def make_user(db, today):
    """`make_user()`, `make_user(holds=position)`, `make_user(acts_for=position, until=day, kind="plh")`."""

    def make(
        *,
        holds=None,
        acts_for=None,
        kind: str = Assignment.Kind.PLT,
        since: date | None = None,
        until: date | None = None,
        **fields,
    ):
        home = holds if holds is not None else acts_for
        if home is not None:
            fields.setdefault("opd", home.opd)
        user = UserFactory(**fields)
        if holds is not None:
            Assignment.objects.create(
                user=user,
                position=holds,
                kind=Assignment.Kind.DEFINITIVE,
                start=since or today - timedelta(days=365),
            )
        if acts_for is not None:
            end = until or today + timedelta(days=30)
            Assignment.objects.create(
                user=user,
                position=acts_for,
                kind=kind,
                start=since or min(end, today) - timedelta(days=7),
                end=end,
            )
        return user

    return make


@pytest.fixture
def grant_role(db):
    def grant(user, role: str, opd=None):
        RoleGrant.objects.create(user=user, role=role, opd=opd)
        return user

    return grant


@pytest.fixture
def make_operator(make_user, grant_role):
    def make(*, opd, **fields):
        return grant_role(make_user(**fields), RoleGrant.Role.OPERATOR, opd)

    return make


@pytest.fixture
def make_admin_opd(make_user, grant_role):
    def make(*, opd, **fields):
        return grant_role(make_user(**fields), RoleGrant.Role.ADMIN_OPD, opd)

    return make


# ── Letters ──────────────────────────────────────────────────────────────────────────────────


@pytest.fixture(scope="session")
def pdf_bytes():
    """`pdf_bytes("text")`: a real one-page PDF with that text layer, rendered by WeasyPrint."""
    from weasyprint import HTML

    cache: dict[str, bytes] = {}

    def render(text: str = "Surat uji") -> bytes:
        if text not in cache:
            cache[text] = HTML(string=f"<p>{text}</p>").write_pdf()
        return cache[text]

    return render


@pytest.fixture
def make_scan(pdf_bytes):
    """`make_scan()` → an uploaded PDF scan; `make_scan(content=b"...", name="x.pdf")` for bad input."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    def make(*, text: str = "Surat uji", content: bytes | None = None, name: str = "pindaian.pdf"):
        data = pdf_bytes(text) if content is None else content
        return SimpleUploadedFile(name, data, content_type="application/pdf")

    return make


@pytest.fixture
def classification(db):
    """A code from the reference list. A transactional test (browser journeys, parallel writes, the
    real worker) ends by emptying every table, the codes the migration loaded too: load them again."""
    from persuratan.models import Classification
    from persuratan.reference import load_classification_codes

    load_classification_codes(Classification)
    return Classification.objects.get(code="000.1.2")


@pytest.fixture
def letter_details(classification, today):
    """`letter_details(subject=..., security_class=...)` → the LetterDetails a register form produces."""
    from persuratan.models import LetterType, SecurityClass, Urgency
    from persuratan.services import LetterDetails, Sender

    def make(**overrides):
        fields = {
            "sender": Sender(kind="institution", name="Kementerian Dalam Negeri", address="Jakarta"),
            "sender_number": "000.1.2/123/SJ",
            "letter_date": today - timedelta(days=3),
            "received_on": today,
            "subject": "Undangan rapat koordinasi perjalanan dinas",
            "letter_type": LetterType.OFFICIAL_LETTER,
            "security_class": SecurityClass.ORDINARY,
            "urgency": Urgency.NORMAL,
            "classification": classification,
            "summary": "Rapat koordinasi di Jakarta.",
        }
        fields.update(overrides)
        return LetterDetails(**fields)

    return make


@pytest.fixture
def register(make_operator, letter_details, make_scan):
    """`register(opd=..., to=[position], copies=[...], **details)` → a letter registered by an operator."""
    from persuratan.services import register_incoming

    operators = {}

    def make(*, opd, to, copies=(), scans=None, actor=None, **details):
        if actor is None:
            actor = operators.get(opd.pk) or operators.setdefault(opd.pk, make_operator(opd=opd))
        return register_incoming(
            actor=actor,
            opd=opd,
            details=letter_details(**details),
            addressees=to,
            copies=copies,
            scans=scans if scans is not None else [make_scan()],
        )

    return make


# ── Signing through the national service (its stand-in) ─────────────────────────────────────


@pytest.fixture
def national(settings):
    """The stand-in of the national service, chosen as the backend, as a server would be configured."""
    with NationalStandIn() as service:
        settings.TTE_BACKEND = "national"
        settings.TTE_NATIONAL_URL = service.url
        settings.TTE_NATIONAL_TIMEOUT = 10
        yield service


@pytest.fixture
def nik_signer(opd, make_position, make_user):
    """A Kepala Dinas the national service knows by NIK."""
    return make_user(
        holds=make_position(name="Kepala Dinas Kominfos", heads_opd=True),
        full_name="Hendra Siregar",
        nik="5371011203750001",  # the national service knows signers by NIK
    )


@pytest.fixture
def approved_nota_dinas(nik_signer, other_opd, make_position, make_user, classification):
    """An approved nota dinas of the Kepala Dinas to two positions of Dinsos and one of Bappeda."""
    kadis_position = nik_signer.assignments.get().position
    staf = make_position(name="Pranata Komputer", parent=kadis_position, kind="fungsional")
    bappeda = OpdFactory(code="BAPPEDA", name="Badan Perencanaan Pembangunan Daerah", short_name="Bappeda")
    to, copy = OutgoingRecipient.Kind.TO, OutgoingRecipient.Kind.COPY
    recipients = [
        RecipientSpec(
            kind=to, position=make_position(name="Kepala Dinas Sosial", opd=other_opd, heads_opd=True)
        ),
        RecipientSpec(kind=copy, position=make_position(name="Sekretaris Dinas Sosial", opd=other_opd)),
        RecipientSpec(kind=to, position=make_position(name="Kepala Bappeda", opd=bappeda, heads_opd=True)),
    ]
    drafter = make_user(holds=staf)
    details = DraftDetails(
        letter_type="internal_memo",
        subject="Undangan rapat evaluasi SPBE",
        security_class="ordinary",
        urgency="normal",
        classification=classification,
        signer_position=kadis_position,
    )
    draft = create_draft(
        actor=drafter,
        position=staf,
        details=details,
        recipients=recipients,
        body_html="<p>Dengan hormat, kami mengundang Bapak/Ibu.</p>",
        reviewers=[],
    )
    return submit_for_review(actor=drafter, letter=draft)  # no reviewers: approved at once
