"""The outgoing register (agenda surat keluar) of an OPD for its operators: every signed letter,
searchable like incoming letters, with the envelopes and the signed letter to print for each."""

from io import BytesIO

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from kantor_virtual.pagination import make_cursor, parse_cursor
from kantor_virtual.pdf import render_pdf
from organisasi.selectors import opds_operated_by
from persuratan.outgoing_register_forms import OutgoingRegisterForm
from persuratan.outgoing_selectors import PAGE_SIZE, envelopes_of, outgoing_register, search_outgoing_register
from persuratan.search_views import page_number
from persuratan.views import operator_opd

PAGE_TEMPLATE = "persuratan/outgoing/register.html"
RESULTS_TEMPLATE = "persuratan/outgoing/_register_results.html"


@login_required
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    """Newest first with "next page" links (keyset), or, when words are typed, the best matches
    first on numbered pages. With htmx only the results are swapped, as on the incoming search."""
    opd = operator_opd(request)
    opds = opds_operated_by(user=request.user)
    form = OutgoingRegisterForm(request.GET)
    hits, results, next_after = [], None, None
    if form.is_valid():
        query, filters = form.cleaned_data["q"], form.filters()
        if query.strip():
            results = search_outgoing_register(
                user=request.user,
                opd_id=opd.pk,
                query=query,
                filters=filters,
                page=page_number(request.GET.get("page")),
            )
        else:
            hits = outgoing_register(
                user=request.user,
                opd_id=opd.pk,
                filters=filters,
                after=parse_cursor(request.GET.get("after")),
            )
            last = hits[-1].letter if len(hits) == PAGE_SIZE else None
            next_after = make_cursor(last.signed_at, last.pk) if last else None
    partial = request.htmx and not request.htmx.history_restore_request
    context = {
        "opd": opd,
        "opds": opds if len(opds) > 1 else [],
        "form": form,
        "hits": results.hits if results else hits,
        "results": results,
        "next_after": next_after,
        "filtered": any(form.data.get(name) for name in form.fields),
        "partial": partial,
    }
    response = render(request, RESULTS_TEMPLATE if partial else PAGE_TEMPLATE, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def envelope(request: HttpRequest, pk: int) -> FileResponse:
    """The envelopes of a signed letter, one DL page per recipient, for the sender OPD's operators.

    Rendered in the request: five envelopes take about 0.15 s, less than handing the job to a
    worker and polling for the result would.
    """
    found = envelopes_of(user=request.user, pk=pk)
    if found is None:
        raise Http404
    letter, envelopes = found
    pdf = render_pdf(
        template="pdf/amplop.html", context={"opd": letter.opd, "letter": letter, "envelopes": envelopes}
    )
    return FileResponse(
        BytesIO(pdf), content_type="application/pdf", filename=f"amplop-{letter.number.replace('/', '-')}.pdf"
    )
