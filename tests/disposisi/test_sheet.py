"""The lembar disposisi PDF: what it prints, when it is rendered again, and who may get it."""

import time
import uuid
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from disposisi.models import Disposition, DispositionSheet, Instruction
from disposisi.sheet import TEMPLATE, render_sheet, request_sheet, sheet_fingerprint
from kantor_virtual.errors import Refused
from kantor_virtual.files import private_storage
from kantor_virtual.models import Event
from kantor_virtual.pdf import LOCAL_ORIGIN, LocalFetcher, local_path, render_pdf
from persuratan.models import InboxItem, SecurityClass
from persuratan.services import Sender, change_item_status, deliver
from tests.browser import assert_accessible, log_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_second_factor")]


@pytest.fixture(autouse=True)
def _remove_sheet_files(db):
    """Sheets go to the real private storage: take away what the test left there."""
    yield
    for name in DispositionSheet.objects.exclude(file="").values_list("file", flat=True):
        private_storage.delete(name)


@pytest.fixture
def office(opd, make_position, make_user):
    """Kepala Dinas over two Kepala Bidang, one of them over a staff member; a holder for each."""
    kadis = make_position(name="Kepala Dinas", heads_opd=True)
    kabid_tik = make_position(name="Kepala Bidang Teknologi Informasi", parent=kadis)
    kabid_stat = make_position(name="Kepala Bidang Statistik", parent=kadis)
    pranata = make_position(name="Pranata Komputer Ahli Muda", parent=kabid_tik, kind="fungsional")
    people = {
        "kadis": make_user(holds=kadis, full_name="Ir. Budi Santoso, M.T."),
        "kabid_tik": make_user(holds=kabid_tik, full_name="Sri Wahyuni, S.Kom."),
        "kabid_stat": make_user(holds=kabid_stat),
        "pranata": make_user(holds=pranata),
    }
    return {
        "kadis": kadis,
        "kabid_tik": kabid_tik,
        "kabid_stat": kabid_stat,
        "pranata": pranata,
        **{f"{key}_user": user for key, user in people.items()},
    }


def dispose(*, parent, actor, to, instructions, note="", due_on=None):
    """One disposition step as the disposisi app records it: a node per target, one batch of rows."""
    batch, now = uuid.uuid4(), timezone.now()
    rows = []
    for position in to:
        item = deliver(
            letter=parent.letter,
            to=position,
            reason=InboxItem.Reason.DISPOSITION,
            parent=parent,
            from_position=parent.position,
            due_on=due_on,
        )
        rows.append(
            Disposition.objects.create(
                letter=parent.letter,
                parent_item=parent,
                item=item,
                batch=batch,
                from_position=parent.position,
                actor=actor,
                instructions=instructions,
                note=note,
                created_at=now,
            )
        )
    return rows


@pytest.fixture
def disposed_letter(opd, office, register, today):
    """A letter to the Kepala Dinas, disposed to both Kepala Bidang, then by one to his staff."""
    letter = register(
        opd=opd,
        to=[office["kadis"]],
        subject="Permohonan data statistik sektoral 2026",
        sender=Sender(kind="institution", name="Badan Pusat Statistik Provinsi"),
        attachment_count=2,
    )
    top = letter.inbox_items.get(position=office["kadis"])
    first = dispose(
        parent=top,
        actor=office["kadis_user"],
        to=[office["kabid_tik"], office["kabid_stat"]],
        instructions=[Instruction.FOLLOW_UP, Instruction.COORDINATE_WITH],
        note="Siapkan data dan koordinasikan.",
        due_on=today + timedelta(days=7),
    )
    dispose(
        parent=first[0].item,
        actor=office["kabid_tik_user"],
        to=[office["pranata"]],
        instructions=[Instruction.PREPARE_MATERIAL],
        due_on=today + timedelta(days=3),
    )
    return letter


def pdf_text(sheet: DispositionSheet) -> str:
    with sheet.file.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_the_sheet_prints_the_agenda_entry_every_step_and_every_instruction(
    disposed_letter, office, django_capture_on_commit_callbacks, queued
):
    with django_capture_on_commit_callbacks():
        sheet = request_sheet(actor=office["kadis_user"], letter=disposed_letter)
    assert sheet.state == DispositionSheet.State.PENDING
    assert len(queued("render_disposition_sheet")) == 1, "the render is left to the worker, after the commit"
    assert not sheet.file

    assert render_sheet(letter_id=disposed_letter.pk) is True
    sheet.refresh_from_db()
    assert sheet.state == DispositionSheet.State.READY
    assert sheet.fingerprint == sheet_fingerprint(letter=disposed_letter)
    text = pdf_text(sheet)
    for expected in (
        "DINAS KOMUNIKASI, INFORMATIKA DAN STATISTIK",
        "LEMBAR DISPOSISI",
        disposed_letter.agenda_label,
        "Permohonan data statistik sektoral 2026",
        "Badan Pusat Statistik Provinsi",
        "Kepala Dinas",
        "Kepala Bidang Teknologi Informasi",
        "Kepala Bidang Statistik",
        "Pranata Komputer Ahli Muda",
        "Siapkan data dan koordinasikan.",
        "Ir. Budi Santoso, M.T.",
        "2 berkas",
        "☑ Untuk ditindaklanjuti",
        "☐ Untuk diketahui",
    ):
        assert expected in text, expected
    for label in Instruction.labels:
        assert label in text, label
    assert text.count("☑") == 3, "two ticked in the first step, one in the second"


def test_dates_are_printed_the_indonesian_way(opd, office, register):
    letter = register(
        opd=opd, to=[office["kadis"]], letter_date=date(2025, 8, 17), received_on=date(2025, 11, 24)
    )
    request_sheet(actor=office["kadis_user"], letter=letter)
    render_sheet(letter_id=letter.pk)

    text = pdf_text(DispositionSheet.objects.get(letter=letter))
    assert "17 Agustus 2025" in text
    assert "24 November 2025" in text


def test_rendering_twice_renders_once_and_leaves_the_file_alone(disposed_letter, office):
    request_sheet(actor=office["kadis_user"], letter=disposed_letter)
    assert render_sheet(letter_id=disposed_letter.pk) is True
    first = DispositionSheet.objects.get(letter=disposed_letter)
    with first.file.open("rb") as handle:
        first_bytes = handle.read()

    assert render_sheet(letter_id=disposed_letter.pk) is False
    again = DispositionSheet.objects.get(letter=disposed_letter)
    assert (again.file.name, again.rendered_at, again.state) == (
        first.file.name,
        first.rendered_at,
        DispositionSheet.State.READY,
    )
    with again.file.open("rb") as handle:
        assert handle.read() == first_bytes


def test_asking_again_for_an_unchanged_tree_returns_the_ready_sheet_without_a_render(
    disposed_letter, office, django_capture_on_commit_callbacks, queued
):
    request_sheet(actor=office["kadis_user"], letter=disposed_letter)
    render_sheet(letter_id=disposed_letter.pk)

    with django_capture_on_commit_callbacks():
        sheet = request_sheet(actor=office["kabid_tik_user"], letter=disposed_letter)

    assert sheet.state == DispositionSheet.State.READY
    assert len(queued("render_disposition_sheet")) == 1, "the first request's render only"


def test_a_new_disposition_makes_a_new_fingerprint_and_the_next_request_renders_again(
    disposed_letter, office, make_position, make_user, django_capture_on_commit_callbacks, queued
):
    request_sheet(actor=office["kadis_user"], letter=disposed_letter)
    render_sheet(letter_id=disposed_letter.pk)
    old = DispositionSheet.objects.get(letter=disposed_letter)

    statistisi = make_position(name="Statistisi Ahli Pertama", parent=office["kabid_stat"], kind="fungsional")
    stat_item = disposed_letter.inbox_items.get(position=office["kabid_stat"])
    dispose(
        parent=stat_item, actor=office["kabid_stat_user"], to=[statistisi], instructions=[Instruction.MONITOR]
    )
    assert sheet_fingerprint(letter=disposed_letter) != old.fingerprint

    with django_capture_on_commit_callbacks():
        sheet = request_sheet(actor=office["kadis_user"], letter=disposed_letter)
    assert sheet.state == DispositionSheet.State.PENDING
    assert len(queued("render_disposition_sheet")) == 2, "the first request's render and this one"

    assert render_sheet(letter_id=disposed_letter.pk) is True
    new = DispositionSheet.objects.get(letter=disposed_letter)
    assert new.state == DispositionSheet.State.READY
    assert new.fingerprint == sheet_fingerprint(letter=disposed_letter) != old.fingerprint
    assert "Statistisi Ahli Pertama" in pdf_text(new)
    assert not private_storage.exists(old.file.name), "the superseded picture is removed"


def test_a_withdrawn_target_is_struck_through_and_marked(disposed_letter, office):
    item = disposed_letter.inbox_items.get(position=office["kabid_stat"])
    change_item_status(
        item=item,
        to=InboxItem.Status.WITHDRAWN,
        allowed_from=[InboxItem.Status.UNREAD],
        refusal=Refused("Sudah dibaca.", code="already_read"),
        actor=office["kadis_user"],
        position=office["kadis"],
    )
    request_sheet(actor=office["kadis_user"], letter=disposed_letter)
    render_sheet(letter_id=disposed_letter.pk)

    assert "Kepala Bidang Statistik (ditarik)" in pdf_text(
        DispositionSheet.objects.get(letter=disposed_letter)
    )


def test_a_rahasia_letter_is_marked_as_such(opd, office, register):
    letter = register(opd=opd, to=[office["kadis"]], security_class=SecurityClass.TOP_SECRET)
    request_sheet(actor=office["kadis_user"], letter=letter)
    render_sheet(letter_id=letter.pk)

    text = pdf_text(DispositionSheet.objects.get(letter=letter))
    assert "SANGAT RAHASIA" in text
    assert "belum didisposisikan" in text, "an undisposed letter gets a blank block to fill by hand"


def test_a_render_racing_a_newer_request_does_not_store_the_older_picture(
    disposed_letter, office, make_position, django_capture_on_commit_callbacks
):
    """While the worker renders the first picture, a Kepala Bidang disposes further and someone asks
    for the sheet again: the first render must not become the current sheet."""
    request_sheet(actor=office["kadis_user"], letter=disposed_letter)
    analis = make_position(name="Analis Data Ahli Muda", parent=office["kabid_stat"], kind="fungsional")
    stat_item = disposed_letter.inbox_items.get(position=office["kabid_stat"])

    def meanwhile(sender, template, **kwargs):
        if template.name == TEMPLATE and not Disposition.objects.filter(item__position=analis).exists():
            dispose(parent=stat_item, actor=office["kabid_stat_user"], to=[analis], instructions=["monitor"])
            request_sheet(actor=office["kadis_user"], letter=disposed_letter)

    template_rendered.connect(meanwhile)
    try:
        with django_capture_on_commit_callbacks():
            assert render_sheet(letter_id=disposed_letter.pk) is False
    finally:
        template_rendered.disconnect(meanwhile)

    sheet = DispositionSheet.objects.get(letter=disposed_letter)
    assert sheet.state == DispositionSheet.State.PENDING
    assert sheet.fingerprint == sheet_fingerprint(letter=disposed_letter)
    assert not sheet.file, "the older picture was not stored"

    assert render_sheet(letter_id=disposed_letter.pk) is True
    sheet.refresh_from_db()
    assert "Analis Data Ahli Muda" in pdf_text(sheet)


def breaking_the_render(error: Exception):
    """Connect to `template_rendered` to make the sheet's template raise `error`, as a broken disk would."""

    def receiver(sender, template, **kwargs):
        if template.name == TEMPLATE:
            raise error

    return receiver


def test_a_render_that_breaks_marks_the_sheet_failed_and_asking_again_tries_anew(
    client, disposed_letter, office, django_capture_on_commit_callbacks, queued
):
    request_sheet(actor=office["kadis_user"], letter=disposed_letter)
    broken = breaking_the_render(ValueError("templat rusak"))
    template_rendered.connect(broken)
    try:
        with pytest.raises(ValueError):
            render_sheet(letter_id=disposed_letter.pk)
    finally:
        template_rendered.disconnect(broken)

    assert DispositionSheet.objects.get(letter=disposed_letter).state == DispositionSheet.State.FAILED
    client.force_login(office["kadis_user"])
    shown = client.get(
        reverse("lembar_disposisi:status", args=[disposed_letter.pk]), headers={"HX-Request": "true"}
    )
    assert "gagal disiapkan" in shown.text
    with django_capture_on_commit_callbacks():
        sheet = request_sheet(actor=office["kadis_user"], letter=disposed_letter)
    assert (sheet.state, len(queued("render_disposition_sheet"))) == (DispositionSheet.State.PENDING, 2)


def test_a_render_that_meets_an_os_error_stays_pending_for_the_task_to_retry(disposed_letter, office):
    request_sheet(actor=office["kadis_user"], letter=disposed_letter)
    broken = breaking_the_render(OSError("disk penuh"))
    template_rendered.connect(broken)
    try:
        with pytest.raises(OSError):
            render_sheet(letter_id=disposed_letter.pk)
    finally:
        template_rendered.disconnect(broken)
    assert DispositionSheet.objects.get(letter=disposed_letter).state == DispositionSheet.State.PENDING

    assert render_sheet(letter_id=disposed_letter.pk) is True, "the retry renders it"
    assert DispositionSheet.objects.get(letter=disposed_letter).state == DispositionSheet.State.READY


def test_only_people_who_may_read_the_letter_in_full_get_its_sheet(
    client, opd, other_opd, office, disposed_letter, register, make_position, make_user, make_operator
):
    outsider = make_user(holds=make_position(opd=other_opd, name="Kepala Dinas Sosial"))
    secret = register(opd=opd, to=[office["kadis"]], security_class=SecurityClass.SECRET)
    operator = make_operator(opd=opd)  # sees the rahasia letter's metadata only
    for letter in (disposed_letter, secret):
        request_sheet(actor=office["kadis_user"], letter=letter)
        render_sheet(letter_id=letter.pk)

    def answers(user, letter):
        client.force_login(user)
        responses = {
            "request": client.post(reverse("lembar_disposisi:request", args=[letter.pk])),
            "status": client.get(reverse("lembar_disposisi:status", args=[letter.pk])),
            "download": client.get(reverse("lembar_disposisi:download", args=[letter.pk])),
        }
        client.logout()
        if responses["download"].status_code == 200:
            b"".join(responses["download"].streaming_content)  # read to the end, so the file is closed
        return {name: response.status_code for name, response in responses.items()}

    assert answers(office["pranata_user"], disposed_letter) == {
        "request": 302,
        "status": 200,
        "download": 200,
    }
    assert answers(outsider, disposed_letter) == {"request": 404, "status": 404, "download": 404}
    assert answers(operator, secret) == {"request": 404, "status": 404, "download": 404}
    assert answers(office["kabid_tik_user"], secret) == {"request": 404, "status": 404, "download": 404}
    with pytest.raises(Refused) as refusal:
        request_sheet(actor=outsider, letter=disposed_letter)
    assert refusal.value.code == "no_access"
    assert answers(office["kadis_user"], secret)["download"] == 200
    assert Event.objects.filter(verb="sheet_opened", target_id=str(secret.pk)).count() == 1


def test_the_card_asks_with_htmx_and_polls_until_the_download_link_appears(client, disposed_letter, office):
    client.force_login(office["kadis_user"])
    request_url = reverse("lembar_disposisi:request", args=[disposed_letter.pk])
    status_url = reverse("lembar_disposisi:status", args=[disposed_letter.pk])

    asked = client.post(request_url, headers={"HX-Request": "true"})
    assert asked.status_code == 200
    assert "Sedang disiapkan…" in asked.text
    assert 'hx-trigger="every 1s"' in asked.text
    assert client.get(f"{status_url}?menunggu=1", headers={"HX-Request": "true"}).status_code == 204

    render_sheet(letter_id=disposed_letter.pk)
    ready = client.get(f"{status_url}?menunggu=1", headers={"HX-Request": "true"})
    assert ready.status_code == 200
    assert "every 1s" not in ready.text
    assert reverse("lembar_disposisi:download", args=[disposed_letter.pk]) in ready.text

    download = client.get(reverse("lembar_disposisi:download", args=[disposed_letter.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("inline")
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_plain_post_goes_back_to_the_page_it_came_from(client, disposed_letter, office):
    client.force_login(office["kadis_user"])
    url = reverse("lembar_disposisi:request", args=[disposed_letter.pk])

    back = client.post(url, {"next": "/surat/kembali/"})
    elsewhere = client.post(url, {"next": "https://contoh.invalid/"})

    assert back.status_code == 302 and back["Location"] == "/surat/kembali/"
    assert elsewhere["Location"] == disposed_letter.get_absolute_url(), "no open redirect"
    assert DispositionSheet.objects.get(letter=disposed_letter).state == DispositionSheet.State.PENDING


def test_a_request_pending_too_long_is_sent_again(
    disposed_letter, office, django_capture_on_commit_callbacks, queued
):
    sheet = request_sheet(actor=office["kadis_user"], letter=disposed_letter)
    DispositionSheet.objects.filter(pk=sheet.pk).update(requested_at=timezone.now() - timedelta(minutes=10))

    with django_capture_on_commit_callbacks():
        request_sheet(actor=office["kadis_user"], letter=disposed_letter)

    assert len(queued("render_disposition_sheet")) == 2, "the first request's render and again"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_requested_sheet(worker, disposed_letter, office):
    """The request commits, the task travels through Redis, an in-thread worker renders the PDF."""
    request_sheet(actor=office["kadis_user"], letter=disposed_letter)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        sheet = DispositionSheet.objects.get(letter=disposed_letter)
        if sheet.state != DispositionSheet.State.PENDING:
            break
        time.sleep(0.2)

    assert sheet.state == DispositionSheet.State.READY
    assert disposed_letter.agenda_label in pdf_text(sheet)


# ── kantor_virtual.pdf ───────────────────────────────────────────────────────────────────────


def test_the_kop_surat_carries_the_opd_logo_from_local_media(opd, office, register, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    logo = BytesIO()
    Image.new("RGB", (60, 60), "#0b4f8a").save(logo, format="PNG")
    opd.logo.save("logo.png", ContentFile(logo.getvalue()))
    opd.phone, opd.email = "(0370) 123456", "diskominfos@nusamandiri.go.id"
    opd.save()
    letter = register(opd=opd, to=[office["kadis"]])
    request_sheet(actor=office["kadis_user"], letter=letter)
    render_sheet(letter_id=letter.pk)

    sheet = DispositionSheet.objects.get(letter=letter)
    with sheet.file.open("rb") as handle:
        first_page = PdfReader(BytesIO(handle.read())).pages[0]
    assert len(first_page.images) == 1
    assert "Pos-el diskominfos@nusamandiri.go.id" in " ".join(first_page.extract_text().split())


def test_the_pdf_fetcher_serves_only_local_static_and_media_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "cap.png").write_bytes(b"png")
    (tmp_path / "rahasia.txt").write_text("jangan")
    fetcher = LocalFetcher()

    assert local_path(f"{LOCAL_ORIGIN}/media/cap.png") == (tmp_path / "media" / "cap.png").resolve()
    assert local_path(f"{LOCAL_ORIGIN}/static/kv/kantor.css") is not None
    assert local_path(f"{LOCAL_ORIGIN}/media/../rahasia.txt") is None
    assert local_path(f"{LOCAL_ORIGIN}/media/%2e%2e/rahasia.txt") is None
    assert local_path(f"{LOCAL_ORIGIN}/static/../../pyproject.toml") is None
    assert local_path("https://contoh.invalid/media/cap.png") is None
    assert fetcher.fetch(f"{LOCAL_ORIGIN}/media/cap.png").read() == b"png"
    for url in ("https://contoh.invalid/logo.png", f"file://{tmp_path}/rahasia.txt"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_a_remote_image_in_a_template_is_left_out_not_fetched(settings, tmp_path, caplog):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]},
    ]
    (tmp_path / "uji.html").write_text('<p>Isi</p><img src="http://192.0.2.1/pelacak.png" alt="">')

    pdf = render_pdf(template="uji.html", context={})

    page = PdfReader(BytesIO(pdf)).pages[0]
    assert "Isi" in page.extract_text()
    assert len(page.images) == 0
    assert "Alamat di luar berkas lokal tidak diambil: http://192.0.2.1/pelacak.png" in caplog.text


@pytest.mark.browser
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_letter_page_prints_the_sheet_and_offers_the_download(worker, page, disposed_letter, office):
    log_in(page, office["kabid_tik_user"])
    page.goto(disposed_letter.get_absolute_url())
    card = page.get_by_role("region", name="Lembar disposisi")
    expect(card).to_contain_text("Belum pernah dicetak.")
    card.get_by_role("button", name="Cetak lembar disposisi").click()
    download = card.get_by_role("link", name="Unduh lembar disposisi (PDF)")
    expect(download).to_be_visible(timeout=30_000)
    assert_accessible(page)

    response = page.request.get(download.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
