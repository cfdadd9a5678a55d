"""Pages of the OPD's keepers: the daftar arsip, pemberkasan, a berkas with its export, the files a
worker prepares for them, and the archive search.

A keeper works on one OPD at a time (`?opd=CODE` among theirs); anyone else gets 403 on the OPD's
pages and 404 on a berkas or download id, the same answer as one that does not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from arsip.downloads import (
    berkas_download,
    download_for,
    may_export,
    register_download,
    request_berkas_export,
    request_register_print,
)
from arsip.filing_forms import ArchiveSearchForm, FilingFilterForm, FilingForm, RegisterFilterForm
from arsip.models import Berkas, Download
from arsip.search import search_records
from arsip.selectors import (
    PAGE_SIZE,
    RegisterFilters,
    keeps_any,
    kept_berkas,
    letters_to_file,
    opds_kept_by,
    parse_register_cursor,
    records_in,
    register_rows,
)
from arsip.services.filing import file_letters
from kantor_virtual.errors import Refused
from kantor_virtual.files import private_file_response
from organisasi.models import Opd
from persuratan.search_views import search_page
from persuratan.views import chosen_opd

DOWNLOAD_TEMPLATE = "arsip/_download.html"


def _kept_opd(request: HttpRequest) -> tuple[Opd, list[Opd]]:
    """The OPD the page works on, and the others the user keeps (for the picker, when several)."""
    opds = opds_kept_by(user=request.user)
    opd = chosen_opd(request, opds)
    others = list(opds)
    return opd, others if len(others) > 1 else []


def _register_filters(opd: Opd, data) -> tuple[RegisterFilterForm, RegisterFilters]:
    form = RegisterFilterForm(data, opd=opd)
    return form, form.filters() if form.is_valid() else RegisterFilters()


@login_required
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    """Daftar arsip aktif or inaktif of an OPD, one line per berkas, newest year first."""
    opd, opds = _kept_opd(request)
    form, filters = _register_filters(opd, request.GET)
    rows = register_rows(
        user=request.user, opd=opd, filters=filters, after=parse_register_cursor(request.GET.get("after"))
    )
    next_query = None
    if len(rows) == PAGE_SIZE:
        query = request.GET.copy()
        query["after"] = f"{rows[-1].berkas.year}-{rows[-1].berkas.number}"
        next_query = query.urlencode()
    context = {
        "opd": opd,
        "opds": opds,
        "form": form,
        "filters": filters,
        "rows": rows,
        "next_query": next_query,
        "download": register_download(opd=opd, filters=filters),
        "filtered": any(request.GET.get(name) for name in form.fields),
        "clear_url": f"{reverse('arsip:register')}?{urlencode({'opd': opd.code})}",
        # The daftar as shown is what "Siapkan PDF" asks for: its filters travel with the button.
        "print_fields": [("opd", opd.code), *((name, request.GET.get(name, "")) for name in form.fields)],
    }
    return render(request, "arsip/register.html", context)


@login_required
@require_POST
def print_register(request: HttpRequest) -> HttpResponse:
    """Ask for the daftar as shown (its filters come with the form) as a PDF made by a worker."""
    opd, _ = _kept_opd(request)
    _, filters = _register_filters(opd, request.POST)
    download = request_register_print(actor=request.user, opd=opd, filters=filters)  # a keeper: never refused
    if request.htmx:
        return render(request, DOWNLOAD_TEMPLATE, {"download": download, "status_only": True})
    query = request.POST.copy()
    query.pop("csrfmiddlewaretoken", None)
    return redirect(f"{reverse('arsip:register')}?{query.urlencode()}")


@login_required
@require_http_methods(["GET", "POST"])
def filing(request: HttpRequest) -> HttpResponse:
    """Pemberkasan: the OPD's finished letters not yet filed, ticked and filed into a berkas."""
    opd, opds = _kept_opd(request)
    filter_form = FilingFilterForm(request.GET or None)
    code = filter_form.cleaned_data["kode"] if filter_form.is_valid() else ""
    form = FilingForm(request.POST or None, opd=opd)
    if form.is_valid():
        try:
            berkas = file_letters(
                actor=request.user,
                opd=opd,
                into=form.target(),
                incoming=list(form.cleaned_data["surat_masuk"]),
                outgoing=list(form.cleaned_data["surat_keluar"]),
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)  # the ticks and the berkas typed stay as they were
        else:
            messages.success(request, f"Surat diberkaskan ke berkas nomor {berkas.number}/{berkas.year}.")
            return redirect("arsip:berkas", pk=berkas.pk)
    context = {
        "opd": opd,
        "opds": opds,
        "filter_form": filter_form,
        "form": form,
        "letters": letters_to_file(user=request.user, opd=opd, classification=code),
        "ticked_in": form.ticked("surat_masuk"),
        "ticked_out": form.ticked("surat_keluar"),
    }
    return render(request, "arsip/filing.html", context)


def _berkas(request: HttpRequest, pk: int) -> Berkas:
    berkas = kept_berkas(user=request.user, pk=pk)
    if berkas is None:
        raise Http404
    return berkas


@login_required
@require_GET
def berkas(request: HttpRequest, pk: int) -> HttpResponse:
    """A berkas: its records (daftar isi berkas) and its export."""
    found = _berkas(request, pk)
    context = {
        "berkas": found,
        "records": records_in(user=request.user, berkas=found),
        "can_export": may_export(user=request.user, berkas=found),
        "download": berkas_download(berkas=found),
    }
    return render(request, "arsip/berkas.html", context)


@login_required
@require_POST
def export(request: HttpRequest, pk: int) -> HttpResponse:
    found = _berkas(request, pk)
    try:
        download = request_berkas_export(actor=request.user, berkas=found)
    except Refused as refusal:
        raise Http404 from refusal
    if request.htmx:
        return render(request, DOWNLOAD_TEMPLATE, {"download": download, "status_only": True})
    return redirect("arsip:berkas", pk=found.pk)


@login_required
@require_GET
@never_cache
def download_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The status area of a download. A poll (`?kemajuan=N`) that finds it still being made at the same
    progress gets 204, so htmx leaves the page alone and screen readers are not told the same again."""
    status = download_for(user=request.user, pk=pk)
    if status is None:
        raise Http404
    download = status.download
    pending = download.state == Download.State.PENDING and not status.stalled
    if request.htmx and pending and request.GET.get("kemajuan") == str(download.progress):
        return HttpResponse(status=204)
    return render(
        request, DOWNLOAD_TEMPLATE, {"download": download, "stalled": status.stalled, "status_only": True}
    )


@login_required
@require_GET
@never_cache
def download(request: HttpRequest, pk: int) -> FileResponse:
    status = download_for(user=request.user, pk=pk)
    if status is None or status.download.state != Download.State.READY or not status.download.file:
        raise Http404
    return private_file_response(
        status.download.file, name=status.name, content_type=status.content_type, download=True
    )


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """The archive search: a plain GET form; with htmx, the results refresh as the user types."""
    return search_page(
        request,
        form=ArchiveSearchForm(request.GET),
        run=lambda form, page: search_records(
            user=request.user, query=form.cleaned_data["q"], filters=form.filters(), page=page
        ),
        page_template="arsip/search.html",
        results_template="arsip/_search_results.html",
        keeper=keeps_any(user=request.user),
    )
