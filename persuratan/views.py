"""Pages of the incoming register, the inbox and the letter.

The letter page composes the disposition section (disposisi's selectors and templates): views are
the one place where apps meet.
"""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from disposisi.selectors import letter_section
from kantor_virtual.errors import Refused
from kantor_virtual.files import private_file_response
from kantor_virtual.fragments import drawn_values, kept_page
from kantor_virtual.notifications import unread_count
from kantor_virtual.pagination import make_cursor, parse_cursor
from kantor_virtual.pickers import matches
from kantor_virtual.security import framed_by_us
from kantor_virtual.timeline import timeline_for
from organisasi.models import Opd, Position, RoleGrant
from organisasi.org_chart_selectors import active_staff
from organisasi.pickers import PEOPLE, POSITIONS
from organisasi.selectors import opds_operated_by, open_positions, org_version, role_scope
from persuratan.forms import InboxFilterForm, IncomingLetterForm, ShareForm, parse_date
from persuratan.models import IncomingLetter, LetterFile
from persuratan.selectors import (
    INBOX_ROW_DRAWN,
    PAGE_SIZE,
    Access,
    InboxFilters,
    inbox_for,
    inbox_states,
    possible_duplicates,
    register_of,
    suggest_senders,
    visible_letter,
)
from persuratan.services import mark_read, record_file_opened, register_incoming, share_letter


def _next_query(request: HttpRequest, after: str | None) -> str | None:
    """The current filters plus the cursor of the next page, for a real "load more" link."""
    if after is None:
        return None
    query = request.GET.copy()
    query["after"] = after
    return query.urlencode()


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    position = request.acting_position
    if position and request.GET.keys() <= {"after"}:
        # Unfiltered pages, kept rendered: what their rows show changes the position's inbox version,
        # what the person has opened changes their unread count, and the rest of the page follows the
        # organisation's version and the bell. Filters read other tables (senders, codes): drawn afresh.
        return kept_page(
            request,
            (
                position.pk,
                inbox_states(user=request.user, position_ids={position.pk})[position.pk],
                org_version(),
                unread_count(user=request.user),
            ),
            lambda: _inbox(request, position),
        )
    return _inbox(request, position)


def _inbox(request: HttpRequest, position: Position | None) -> HttpResponse:
    form = InboxFilterForm(request.GET or None)
    filters = form.filters() if request.GET else InboxFilters()
    after = parse_cursor(request.GET.get("after"))
    items = (
        inbox_for(user=request.user, position_id=position.pk, filters=filters, after=after)
        if position
        else []
    )
    last = items[-1] if len(items) == PAGE_SIZE else None
    context = {
        "form": form,
        "items": items,
        "position": position,
        "next_query": _next_query(request, make_cursor(last.received_at, last.pk) if last else None),
        "drawn": drawn_values(items, INBOX_ROW_DRAWN),
    }
    if request.htmx:
        # "Load more" needs only the next rows; a filter change needs the whole list.
        template = "persuratan/_inbox_rows.html" if after else "persuratan/_inbox_list.html"
        return render(request, template, context)
    return render(request, "persuratan/inbox.html", context)


def chosen_opd(request: HttpRequest, opds: QuerySet[Opd]) -> Opd:
    """The OPD a page works on: `?opd=CODE` among the user's, or their first; none is a 403."""
    code = request.GET.get("opd") or request.POST.get("opd")
    opd = opds.filter(code=code).first() if code else opds.first()
    if opd is None:
        raise PermissionDenied
    return opd


def operator_opd(request: HttpRequest) -> Opd:
    """The OPD the operator works for on this page."""
    return chosen_opd(request, opds_operated_by(user=request.user))


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    opd = operator_opd(request)
    form = IncomingLetterForm(request.POST or None, request.FILES or None, opd=opd)
    duplicates = []
    if form.is_valid():
        data = form.cleaned_data
        duplicates = possible_duplicates(
            opd_id=opd.pk,
            sender_name=data["sender_name"],
            sender_number=data["sender_number"],
            letter_date=data["letter_date"],
        )
        if duplicates and not data["confirm_duplicate"]:
            form.add_error(
                None,
                "Surat dari pengirim ini dengan nomor dan tanggal yang sama sudah tercatat. Periksa daftar di "
                "bawah; bila memang surat lain, centang konfirmasi lalu pilih ulang berkas pindaian.",
            )
        else:
            try:
                letter = register_incoming(
                    actor=request.user,
                    opd=opd,
                    details=form.details(),
                    addressees=list(data["addressees"]),
                    copies=list(data["copies"]),
                    scans=data["scans"],
                )
            except Refused as refusal:
                form.add_error(None, refusal.message)
            except ValidationError as error:
                form.add_error("scans", error)
            else:
                messages.success(request, f"Surat dicatat dengan nomor agenda {letter.agenda_label}.")
                return redirect(letter)
    return render(request, "persuratan/register.html", {"form": form, "opd": opd, "duplicates": duplicates})


@login_required
@require_GET
def duplicate_check(request: HttpRequest) -> HttpResponse:
    """As the operator types: letters that look like the one being registered."""
    opd = operator_opd(request)
    letter_date = parse_date(request.GET.get("letter_date"))
    name, number = request.GET.get("sender_name", ""), request.GET.get("sender_number", "")
    duplicates = (
        possible_duplicates(opd_id=opd.pk, sender_name=name, sender_number=number, letter_date=letter_date)
        if letter_date and name.strip() and number.strip()
        else []
    )
    return render(request, "persuratan/_duplicates.html", {"duplicates": duplicates})


@login_required
@require_GET
def positions(request: HttpRequest) -> HttpResponse:
    """The register's pickers as the operator types: the open positions of the OPD they register for."""
    opd = operator_opd(request)
    return matches(request, source=POSITIONS, among=open_positions(on=timezone.localdate(), opd=opd))


@login_required
@require_GET
def sender_suggestions(request: HttpRequest) -> HttpResponse:
    opd = operator_opd(request)
    senders = suggest_senders(opd_id=opd.pk, prefix=request.GET.get("sender_name", ""))
    return render(request, "persuratan/_sender_suggestions.html", {"senders": senders})


@login_required
@require_GET
def agenda(request: HttpRequest) -> HttpResponse:
    """The OPD's agenda register, for its operators and arsiparis."""
    operator = role_scope(user=request.user, role=RoleGrant.Role.OPERATOR)
    arsiparis = role_scope(user=request.user, role=RoleGrant.Role.ARSIPARIS)
    opds = Opd.objects.order_by("name")
    if not arsiparis.everywhere:
        opds = opds.filter(pk__in=operator.opd_ids | arsiparis.opd_ids)
    code = request.GET.get("opd")
    opd = opds.filter(code=code).first() if code else opds.first()
    if opd is None:
        raise PermissionDenied
    letters = register_of(user=request.user, opd_id=opd.pk, after=parse_cursor(request.GET.get("after")))
    last = letters[-1] if len(letters) == PAGE_SIZE else None
    context = {
        "opd": opd,
        "opds": opds if len(opds) > 1 else [],
        "letters": letters,
        "can_register": operator.covers(opd.pk),
        "next_query": _next_query(request, make_cursor(last.registered_at, last.pk) if last else None),
    }
    return render(request, "persuratan/agenda.html", context)


LETTER_PAGE_ALSO = ("record", "disposition_sheet")  # drawn on the letter's page, read with the letter


@login_required
@require_GET
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    return _letter_page(request, *_visible_or_404(request, pk, also=LETTER_PAGE_ALSO))


def _letter_page(
    request: HttpRequest, letter: IncomingLetter, access: Access, *, share_form: ShareForm | None = None
) -> HttpResponse:
    """The letter's page; `share_form` is the share form just posted with "Cari", with its matches."""
    context = {"letter": letter, "access": access, "can_share": _share_offered(letter=letter, access=access)}
    if access.full:
        my_items = list(access.my_items)
        for item in my_items:
            if not item.is_read:
                mark_read(user=request.user, item=item)
        context.update(
            **_files_context(letter),
            timeline=list(timeline_for(target=letter)),
            share_form=share_form or ShareForm(letter=letter),
            **letter_section(user=request.user, letter=letter, my_items=my_items),
        )
    return render(request, "persuratan/letter.html", context)


def _share_offered(*, letter: IncomingLetter, access: Access) -> bool:
    """Whether the letter's page offers to share it (persuratan.services.share_letter decides)."""
    return access.full and not letter.is_narrowed


def _files_context(letter: IncomingLetter) -> dict:
    files = list(letter.files.exclude(file=""))  # an emptied file was destroyed with its archive record
    return {"files": files, "files_being_read": any(stored.is_being_read for stored in files)}


@login_required
@require_GET
def letter_files(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter's file list alone: htmx polls it every 2 s while a scan is being read."""
    found = visible_letter(user=request.user, pk=pk)
    if found is None or not found[1].full:
        raise Http404
    return render(request, "persuratan/_letter_files.html", {"letter": found[0], **_files_context(found[0])})


def _file_of_readable_letter(request: HttpRequest, pk: int, file_pk: int) -> LetterFile:
    found = visible_letter(user=request.user, pk=pk)
    if found is None or not found[1].full:
        raise Http404
    return get_object_or_404(LetterFile.objects.exclude(file=""), pk=file_pk, letter=found[0])


@login_required
@require_GET
@framed_by_us
def letter_file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    """A scan, only for those who may read the letter; opening a rahasia scan is an event."""
    stored = _file_of_readable_letter(request, pk, file_pk)
    record_file_opened(user=request.user, letter_file=stored)
    return private_file_response(
        stored.file,
        name=stored.original_name,
        content_type=stored.content_type,
        download="unduh" in request.GET,
    )


@login_required
@require_GET
@framed_by_us
def letter_file_ocr(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    """The searchable copy OCR made of a scan, under the same rules as the scan itself."""
    stored = _file_of_readable_letter(request, pk, file_pk)
    if not stored.ocr_file:
        raise Http404
    record_file_opened(user=request.user, letter_file=stored)
    return private_file_response(
        stored.ocr_file,
        name=f"{PurePath(stored.original_name).stem}-dapat-dicari.pdf",
        content_type="application/pdf",
        download="unduh" in request.GET,
    )


def _visible_or_404(
    request: HttpRequest, pk: int, *, also: tuple[str, ...] = ()
) -> tuple[IncomingLetter, Access]:
    """The letter and the user's access to it; one they may not see is a 404."""
    found = visible_letter(user=request.user, pk=pk, also=also)
    if found is None:
        raise Http404
    return found


@login_required
@require_POST
def share(request: HttpRequest, pk: int) -> HttpResponse:
    letter, access = _visible_or_404(request, pk, also=LETTER_PAGE_ALSO)
    form = ShareForm(request.POST, letter=letter)
    if form.searching:
        # "Cari" without JavaScript: the letter's page again, with the matches to choose from.
        if not _share_offered(letter=letter, access=access):
            raise Http404
        return _letter_page(request, letter, access, share_form=form)
    if form.is_valid():
        try:
            share_letter(actor=request.user, letter=letter, with_user=form.cleaned_data["person"])
        except Refused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, f"Surat dibagikan kepada {form.cleaned_data['person']}.")
    else:
        messages.error(request, " ".join(form.errors.get("person", ["Isian tidak valid."])))
    return redirect(letter)


@login_required
@require_GET
def share_people(request: HttpRequest, pk: int) -> HttpResponse:
    """The share form's picker as the user types: active staff, for someone offered to share the letter."""
    letter, access = _visible_or_404(request, pk)
    if not _share_offered(letter=letter, access=access):
        raise Http404
    return matches(request, source=PEOPLE, among=active_staff())
