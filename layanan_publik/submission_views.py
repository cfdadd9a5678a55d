"""Submission pages: applying, the applicant's own pages, the public look-up by tracking code, and
the operator's verification queue. Each POST calls one service; a refusal keeps what was typed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from kantor_virtual.access import public
from kantor_virtual.errors import Refused
from kantor_virtual.files import private_file_response
from kantor_virtual.protection import limited
from layanan_publik.models import Applicant, Service, Submission, SubmissionDocument
from layanan_publik.selectors import (
    applicant_timeline,
    own_submission,
    submission_by_code,
    submission_for_operator,
    submissions_of,
    verification_queue,
)
from layanan_publik.services.submissions import accept, reject, resubmit, return_incomplete, submit
from layanan_publik.submission_forms import DecisionForm, SubmissionForm, TrackForm
from organisasi.selectors import opds_operated_by
from persuratan.views import chosen_opd


def _detail_url(submission: Submission) -> str:
    return reverse("permohonan:detail", args=[submission.tracking_code])


PORTAL = "layanan_publik/base.html"


@public
@limited(
    "submission",
    ip_rate="PORTAL_RATE_SUBMISSION_IP",
    user_rate="PORTAL_RATE_SUBMISSION_ACCOUNT",
    frame=PORTAL,
)
@require_http_methods(["GET", "POST"])
def submit_view(request: HttpRequest, opd_code: str, slug: str) -> HttpResponse:
    service = get_object_or_404(
        Service.objects.select_related("opd"), opd__code=opd_code, slug=slug, active=True
    )
    applicant = Applicant.objects.filter(user=request.user).first() if request.user.is_authenticated else None
    form = SubmissionForm(request.POST or None, request.FILES or None, service=service)
    if applicant is not None and form.is_valid():
        try:
            submission = submit(
                actor=request.user, service=service, answers=form.answers(), uploads=form.uploads()
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, f"Permohonan terkirim dengan kode lacak {submission.tracking_code}.")
            return redirect(_detail_url(submission))
    context = {"service": service, "form": form, "applicant": applicant}
    return render(request, "layanan_publik/submissions/submit.html", context)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    return render(
        request, "layanan_publik/submissions/mine.html", {"submissions": submissions_of(user=request.user)}
    )


def own_or_404(request: HttpRequest, code: str) -> Submission:
    """The signed-in applicant's submission by its code; anyone else's, or none, is the same 404."""
    submission = own_submission(user=request.user, code=code)
    if submission is None:
        raise Http404
    return submission


@login_required
@limited(
    "submission",
    ip_rate="PORTAL_RATE_SUBMISSION_IP",
    user_rate="PORTAL_RATE_SUBMISSION_ACCOUNT",
    frame=PORTAL,
)
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, code: str) -> HttpResponse:
    """The applicant's page: status, timeline, what was sent, and the fix form while it is returned."""
    submission = own_or_404(request, code)
    latest = submission.versions.order_by("-number").first()
    documents = list(latest.documents.select_related("requirement"))
    form = None
    if submission.status == Submission.Status.RETURNED:
        kept = {doc.requirement_id for doc in documents if doc.requirement_id}
        form = SubmissionForm(
            request.POST or None,
            request.FILES or None,
            service=submission.service,
            kept=kept,
            initial_answers=latest.answers,
        )
        if request.method == "POST" and form.is_valid():
            try:
                resubmit(
                    actor=request.user,
                    submission=submission,
                    answers=form.answers(),
                    uploads=form.uploads(),
                    note=form.cleaned_data.get("note", ""),
                )
            except Refused as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, "Perbaikan terkirim dan menunggu verifikasi kembali.")
                return redirect(_detail_url(submission))
    elif request.method == "POST":
        raise Http404
    labels = {field.key: field.label for field in submission.service.fields.all()}
    context = {
        "submission": submission,
        "answers": [(labels.get(key, key), value) for key, value in latest.answers.items()],
        "documents": documents,
        "timeline": applicant_timeline(submission),
        "form": form,
    }
    return render(request, "layanan_publik/submissions/detail.html", context)


@login_required
@require_GET
def receipt_status(request: HttpRequest, code: str) -> HttpResponse:
    """The receipt area, polled by htmx until the worker has rendered the tanda terima."""
    submission = own_or_404(request, code)
    return render(request, "layanan_publik/submissions/_receipt.html", {"submission": submission})


@login_required
@require_GET
def receipt(request: HttpRequest, code: str) -> FileResponse:
    submission = own_or_404(request, code)
    if not submission.receipt:
        raise Http404
    name = f"tanda-terima-{submission.tracking_code}.pdf"
    return private_file_response(submission.receipt, name=name, content_type="application/pdf", download=True)


@login_required
@require_GET
def reply(request: HttpRequest, code: str) -> FileResponse:
    submission = own_or_404(request, code)
    if submission.reply is None or not submission.reply.signed_pdf:
        raise Http404
    name = f"{submission.reply.number.replace('/', '-')}.pdf"
    return private_file_response(submission.reply.signed_pdf, name=name, content_type="application/pdf")


@login_required
@require_GET
def document(request: HttpRequest, code: str, document_id: int) -> FileResponse:
    submission = own_or_404(request, code)
    return _document_response(submission, document_id)


def _document_response(submission: Submission, document_id: int) -> FileResponse:
    found = SubmissionDocument.objects.filter(pk=document_id, version__submission=submission).first()
    if found is None:
        raise Http404
    return private_file_response(found.file, name=found.original_name, content_type=found.content_type)


@public
@limited("tracking", ip_rate="PORTAL_RATE_TRACKING_IP", methods=("GET",), frame=PORTAL)
@require_GET
def track(request: HttpRequest) -> HttpResponse:
    """Anyone with a tracking code sees the status: no name, no answers, no documents."""
    form = TrackForm(request.GET or None)
    found, searched = None, form.is_bound and form.is_valid()
    if searched:
        found = submission_by_code(form.cleaned_data["kode"])
    return render(
        request, "layanan_publik/submissions/track.html", {"form": form, "found": found, "searched": searched}
    )


# ── The operator's verification ──────────────────────────────────────────────────────────────


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    opds = opds_operated_by(user=request.user)
    opd = chosen_opd(request, opds)
    context = {"opd": opd, "opds": opds if len(opds) > 1 else [], "rows": verification_queue(opd=opd)}
    return render(request, "layanan_publik/submissions/queue.html", context)


def _for_operator(request: HttpRequest, pk: int) -> Submission:
    submission = submission_for_operator(user=request.user, pk=pk)
    if submission is None:
        raise Http404
    return submission


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """The verifying operator sees everything, the NIK unmasked included, and decides."""
    submission = _for_operator(request, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action, note = request.POST.get("action"), form.cleaned_data["note"]
        try:
            if action == "accept":
                accept(actor=request.user, submission=submission)
            elif action == "return":
                return_incomplete(actor=request.user, submission=submission, note=note)
            elif action == "reject":
                reject(actor=request.user, submission=submission, reason=note)
            else:
                raise PermissionDenied
        except Refused as refusal:
            form.add_error(
                "note" if refusal.code in ("missing_note", "missing_reason") else None, refusal.message
            )
        else:
            messages.success(request, _DONE[action].format(code=submission.tracking_code))
            return redirect(f"{reverse('permohonan:queue')}?opd={submission.opd.code}")
    versions = list(submission.versions.prefetch_related("documents__requirement").order_by("-number"))
    labels = {field.key: field.label for field in submission.service.fields.all()}
    context = {
        "submission": submission,
        "versions": [
            (version, [(labels.get(key, key), value) for key, value in version.answers.items()])
            for version in versions
        ],
        "form": form,
    }
    return render(request, "layanan_publik/submissions/review.html", context)


_DONE = {
    "accept": "Permohonan {code} diterima dan dicatat sebagai surat masuk.",
    "return": "Permohonan {code} dikembalikan kepada pemohon untuk dilengkapi.",
    "reject": "Permohonan {code} ditolak.",
}


@login_required
@require_GET
def operator_document(request: HttpRequest, pk: int, document_id: int) -> FileResponse:
    return _document_response(_for_operator(request, pk), document_id)
