"""Pages of penyusutan: the due lists where the arsiparis proposes, the proposals and the decision."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from arsip.disposal_forms import DecisionForm, ProposalForm
from arsip.disposal_selectors import (
    due_counts,
    due_records,
    may_read_berita_acara,
    proposals_for,
    records_of,
    visible_proposal,
)
from arsip.models import Proposal
from arsip.record_selectors import opds_archived_by
from arsip.services.proposals import ACTIONS, approve, propose, reject
from kantor_virtual.errors import Refused
from kantor_virtual.files import private_file_response
from kantor_virtual.timeline import timeline_for
from persuratan.models import OutgoingLetter
from persuratan.views import chosen_opd

# `?jenis=` in the address bar reads as the office says it.
KINDS = {
    "pemindahan": Proposal.Kind.TRANSFER,
    "pemusnahan": Proposal.Kind.DESTROY,
    "penyerahan": Proposal.Kind.HAND_OVER,
}


@login_required
@require_http_methods(["GET", "POST"])
def due(request: HttpRequest) -> HttpResponse:
    """Records due for one kind of penyusutan, with the form that proposes the ones ticked."""
    opds = opds_archived_by(user=request.user)
    opd = chosen_opd(request, opds)
    slug = request.POST.get("jenis") or request.GET.get("jenis")
    slug = slug if slug in KINDS else "pemindahan"
    kind = KINDS[slug]
    form = ProposalForm(request.POST or None)
    if form.is_valid():
        try:
            proposal = propose(
                actor=request.user,
                opd=opd,
                kind=kind,
                records=list(form.cleaned_data["records"]),
                note=form.cleaned_data["note"],
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, f"Usul {ACTIONS[kind].title.lower()} dikirim kepada pimpinan.")
            return redirect("arsip:proposal", pk=proposal.pk)
    counts = due_counts(user=request.user, opd_id=opd.pk)
    context = {
        "opd": opd,
        "opds": opds if len(opds) > 1 else [],
        "slug": slug,
        "action": ACTIONS[kind],
        "tabs": [(key, ACTIONS[value].title, counts.get(value, 0)) for key, value in KINDS.items()],
        "count": counts.get(kind, 0),
        "records": due_records(user=request.user, opd_id=opd.pk, kind=kind),
        "date_label": "Aktif sampai" if kind == Proposal.Kind.TRANSFER else "Inaktif sampai",
        "form": form,
        "chosen": {int(pk) for pk in request.POST.getlist("records") if pk.isdigit()},
    }
    return render(request, "arsip/due.html", context)


@login_required
@require_GET
def proposals(request: HttpRequest) -> HttpResponse:
    return render(request, "arsip/proposals.html", {"proposals": proposals_for(user=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    """The proposal with its records; its approver decides here, then signs the berita acara."""
    found = visible_proposal(user=request.user, pk=pk)
    if found is None:
        raise Http404
    form = DecisionForm(request.POST or None)
    if form.is_valid():
        approving = request.POST.get("action") == "approve"
        decide = approve if approving else reject
        try:
            decide(actor=request.user, proposal=found, note=form.cleaned_data["note"])
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                "Usul disetujui; berita acara siap Anda tandatangani." if approving else "Usul ditolak.",
            )
            return redirect("arsip:proposal", pk=found.pk)
    berita_acara = found.berita_acara
    context = {
        "proposal": found,
        "action": ACTIONS[found.kind],
        "records": records_of(user=request.user, proposal=found),
        "form": form,
        "signed": berita_acara is not None and berita_acara.status == OutgoingLetter.Status.SIGNED,
        "timeline": list(timeline_for(target=found)),
    }
    return render(request, "arsip/proposal.html", context)


def berita_acara_response(request: HttpRequest, letter: OutgoingLetter | None) -> FileResponse:
    """The signed berita acara PDF, for a caller that has checked who sees its proposal or record;
    404 until it is signed, and for a rahasia one to those who may not read it."""
    if letter is None or letter.status != OutgoingLetter.Status.SIGNED or not letter.signed_pdf:
        raise Http404
    if not may_read_berita_acara(user=request.user, letter=letter):
        raise Http404  # the same answer as a berita acara not yet signed
    return private_file_response(
        letter.signed_pdf, name=f"{letter.number.replace('/', '-')}.pdf", content_type="application/pdf"
    )


@login_required
@require_GET
def berita_acara_pdf(request: HttpRequest, pk: int) -> FileResponse:
    found = visible_proposal(user=request.user, pk=pk)
    if found is None:
        raise Http404
    return berita_acara_response(request, found.berita_acara)
