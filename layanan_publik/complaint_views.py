"""Complaint pages: the applicant files and follows a pengaduan; the OPD's operators answer it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from kantor_virtual.errors import Refused
from kantor_virtual.protection import limited
from layanan_publik.complaint_forms import AnswerForm, ComplaintForm
from layanan_publik.complaint_selectors import (
    complaint_for_operator,
    complaint_queue,
    complaints_of,
    own_complaint,
)
from layanan_publik.selectors import submissions_of
from layanan_publik.services.complaints import answer_complaint, file_complaint
from organisasi.selectors import opds_operated_by
from persuratan.views import chosen_opd


@login_required
@require_http_methods(["GET", "POST"])
@limited(
    "complaint",
    ip_rate="PORTAL_RATE_COMPLAINT_IP",
    user_rate="PORTAL_RATE_COMPLAINT_ACCOUNT",
    frame="layanan_publik/base.html",
)
def complaints(request: HttpRequest) -> HttpResponse:
    """A new complaint, and below it the applicant's earlier ones."""
    form = ComplaintForm(request.POST or None, submissions=submissions_of(user=request.user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            complaint = file_complaint(
                actor=request.user,
                opd=data["opd"],
                submission=data["submission"],
                subject=data["subject"],
                body=data["body"],
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, f"Pengaduan terkirim dengan kode lacak {complaint.tracking_code}.")
            return redirect("skm:complaint", code=complaint.tracking_code)
    context = {"form": form, "complaints": complaints_of(user=request.user)}
    return render(request, "layanan_publik/complaints/new.html", context)


@login_required
@require_GET
def complaint(request: HttpRequest, code: str) -> HttpResponse:
    found = own_complaint(user=request.user, code=code)
    if found is None:
        raise Http404
    return render(request, "layanan_publik/complaints/detail.html", {"complaint": found})


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The OPD's complaints: those waiting for an answer first. Operators only (403 for others)."""
    opds = opds_operated_by(user=request.user)
    opd = chosen_opd(request, opds)
    context = {"opd": opd, "opds": opds if len(opds) > 1 else [], "queue": complaint_queue(opd=opd)}
    return render(request, "layanan_publik/complaints/inbox.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, code: str) -> HttpResponse:
    found = complaint_for_operator(user=request.user, code=code)
    if found is None:
        raise Http404
    form = AnswerForm(request.POST or None)
    if form.is_valid():
        try:
            answer_complaint(actor=request.user, complaint=found, answer=form.cleaned_data["answer"])
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, f"Tanggapan atas pengaduan {found.tracking_code} terkirim.")
            return redirect(f"{reverse('skm:complaint_inbox')}?opd={found.opd.code}")
    return render(request, "layanan_publik/complaints/answer.html", {"complaint": found, "form": form})
