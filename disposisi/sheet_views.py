"""The lembar disposisi card: ask for the PDF, watch it being made, download it.

All three answer 404 to anyone who may not read the letter in full, the same answer as a letter
that does not exist, so ids in URLs reveal nothing.
"""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from disposisi.models import DispositionSheet
from disposisi.sheet import SheetStatus, record_sheet_opened, request_sheet, sheet_status
from kantor_virtual.errors import Refused
from persuratan.models import IncomingLetter
from persuratan.selectors import visible_letter

CARD_TEMPLATE = "disposisi/_sheet.html"


def _readable(request: HttpRequest, letter_pk: int) -> tuple[IncomingLetter, SheetStatus]:
    found = visible_letter(user=request.user, pk=letter_pk)
    status = sheet_status(user=request.user, letter=found[0]) if found is not None else None
    if status is None:
        raise Http404
    return found[0], status


def _status_area(request: HttpRequest, letter: IncomingLetter, status: SheetStatus) -> HttpResponse:
    context = {
        "letter": letter,
        "status_only": True,
        "sheet": status.sheet,
        "current": status.current,
        "stalled": status.stalled,
    }
    return render(request, CARD_TEMPLATE, context)


@login_required
@require_POST
def ask(request: HttpRequest, letter_pk: int) -> HttpResponse:
    letter, _ = _readable(request, letter_pk)
    try:
        request_sheet(actor=request.user, letter=letter)
    except Refused as refusal:
        raise Http404 from refusal
    if request.htmx:
        return _status_area(request, letter, sheet_status(user=request.user, letter=letter))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect(letter.get_absolute_url())


@login_required
@require_GET
@never_cache
def status(request: HttpRequest, letter_pk: int) -> HttpResponse:
    """The status area. A poll (`?menunggu=1`) that finds the sheet still being made gets 204, so
    htmx leaves the page alone and screen readers hear "Sedang disiapkan…" once, not every second."""
    letter, status = _readable(request, letter_pk)
    sheet = status.sheet
    still_pending = sheet is not None and sheet.state == DispositionSheet.State.PENDING and not status.stalled
    if request.htmx and request.GET.get("menunggu") and still_pending:
        return HttpResponse(status=204)
    return _status_area(request, letter, status)


@login_required
@require_GET
@never_cache
def download(request: HttpRequest, letter_pk: int) -> FileResponse:
    letter, status = _readable(request, letter_pk)
    sheet = status.sheet
    if sheet is None or sheet.state != DispositionSheet.State.READY or not sheet.file:
        raise Http404
    record_sheet_opened(user=request.user, sheet=sheet)
    return FileResponse(
        sheet.file.open("rb"),
        content_type="application/pdf",
        filename=f"lembar-disposisi-{letter.agenda_label.replace('/', '-')}.pdf",
    )
