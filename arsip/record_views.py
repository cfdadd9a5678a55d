"""The page of one record: its metadata and retention, what became of it, and the loan request."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from arsip.disposal_views import berita_acara_response
from arsip.loan_forms import LoanRequestForm
from arsip.loan_selectors import open_loan_of
from arsip.models import Record
from arsip.record_selectors import is_lendable, visible_record
from arsip.services.loans import request_loan
from kantor_virtual.errors import Refused
from kantor_virtual.timeline import timeline_for


def _found(request: HttpRequest, pk: int) -> Record:
    record = visible_record(user=request.user, pk=pk)
    if record is None:
        raise Http404
    return record


def _record_page(
    request: HttpRequest, record: Record, *, loan_form: LoanRequestForm | None = None
) -> HttpResponse:
    my_loan = open_loan_of(user=request.user, record_id=record.pk)
    context = {
        "record": record,
        "can_read": record.access.full,
        "my_loan": my_loan,
        "can_borrow": record.access.full and is_lendable(record) and my_loan is None,
        "loan_form": loan_form or LoanRequestForm(),
        "timeline": list(timeline_for(target=record)),
    }
    return render(request, "arsip/record.html", context)


@login_required
@require_GET
def record(request: HttpRequest, pk: int) -> HttpResponse:
    return _record_page(request, _found(request, pk))


@login_required
@require_POST
def borrow(request: HttpRequest, pk: int) -> HttpResponse:
    record = _found(request, pk)
    form = LoanRequestForm(request.POST)
    if form.is_valid():
        try:
            request_loan(actor=request.user, record=record, purpose=form.cleaned_data["purpose"])
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "Permintaan peminjaman dikirim kepada arsiparis.")
            return redirect("arsip:record", pk=record.pk)
    return _record_page(request, record, loan_form=form)


@login_required
@require_GET
def berita_acara_pdf(request: HttpRequest, pk: int) -> FileResponse:
    """The berita acara that destroyed the record, for whoever may see the record."""
    record = _found(request, pk)
    return berita_acara_response(
        request, record.destroyed_by.berita_acara if record.destroyed_by_id else None
    )
