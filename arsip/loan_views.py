"""Pages of peminjaman arsip: the borrower's loans and the arsiparis's desk."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from arsip.loan_forms import LoanActionForm
from arsip.loan_selectors import desk_loan, loans_of, loans_to_handle
from arsip.models import Loan
from arsip.record_selectors import opds_archived_by
from arsip.services.loans import approve_loan, hand_out, reject_loan, take_back
from kantor_virtual.errors import Refused
from organisasi.models import Opd
from persuratan.views import chosen_opd


@login_required
@require_GET
def my_loans(request: HttpRequest) -> HttpResponse:
    return render(request, "arsip/my_loans.html", {"loans": loans_of(user=request.user)})


def _desk_page(
    request: HttpRequest, opd: Opd, *, bound: dict[int, LoanActionForm] | None = None
) -> HttpResponse:
    """The desk; `bound` keeps what the arsiparis typed for a loan whose step was refused."""
    opds = opds_archived_by(user=request.user)
    loans = loans_to_handle(user=request.user, opd_id=opd.pk)
    for loan in loans:
        loan.form = (bound or {}).get(loan.pk) or LoanActionForm(prefix=f"pinjam-{loan.pk}")
    context = {"opd": opd, "opds": opds if len(opds) > 1 else [], "loans": loans}
    return render(request, "arsip/loan_desk.html", context)


@login_required
@require_GET
def loan_desk(request: HttpRequest) -> HttpResponse:
    return _desk_page(request, chosen_opd(request, opds_archived_by(user=request.user)))


def _act(actor, loan: Loan, form: LoanActionForm) -> str:
    """Run the step the button asked for; returns what the page says afterwards."""
    data = form.cleaned_data
    match data["action"]:
        case "approve":
            approve_loan(actor=actor, loan=loan, due_on=data["due_on"])
            return "Peminjaman disetujui."
        case "reject":
            reject_loan(actor=actor, loan=loan, reason=data["reason"])
            return "Peminjaman ditolak."
        case "hand_out":
            hand_out(actor=actor, loan=loan)
            return "Arsip diserahkan kepada peminjam."
        case _:
            take_back(actor=actor, loan=loan)
            return "Arsip diterima kembali."


@login_required
@require_POST
def loan_action(request: HttpRequest, pk: int) -> HttpResponse:
    loan = desk_loan(user=request.user, pk=pk)
    if loan is None:
        raise Http404
    form = LoanActionForm(request.POST, prefix=f"pinjam-{loan.pk}")
    if form.is_valid():
        try:
            messages.success(request, _act(request.user, loan, form))
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            return redirect(reverse("arsip:loan_desk") + f"?opd={loan.record.opd.code}")
    return _desk_page(request, loan.record.opd, bound={loan.pk: form})
