"""Pages of outgoing letters: the overview, drafting, the paraf chain, signing and its progress.

Each POST calls one service; a refusal comes back as a message on the letter page with the input kept.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kantor_virtual.errors import Refused
from kantor_virtual.files import private_file_response
from organisasi.selectors import position_ids_for
from persuratan.models import OutgoingLetter, SigningRequest
from persuratan.outgoing_forms import DraftForm, ReviewNoteForm, ReviseForm, SignForm
from persuratan.outgoing_selectors import (
    awaiting_my_paraf,
    awaiting_my_signature,
    current_turn,
    drafts_for,
    visible_outgoing,
)
from persuratan.services.outgoing import (
    create_draft,
    latest_version,
    paraf,
    request_signature,
    return_draft,
    revise_draft,
    signing_capacity,
    submit_for_review,
)


def _letter_url(letter: OutgoingLetter) -> str:
    return reverse("surat_keluar:letter", args=[letter.pk])


def _found(request: HttpRequest, pk: int) -> OutgoingLetter:
    letter = visible_outgoing(user=request.user, pk=pk)
    if letter is None:
        raise Http404
    return letter


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    context = {
        "drafts": drafts_for(user=request.user),
        "to_paraf": awaiting_my_paraf(user=request.user),
        "to_sign": awaiting_my_signature(user=request.user),
        "position": request.acting_position,
    }
    return render(request, "persuratan/outgoing/overview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    position = request.acting_position
    if not position:
        raise PermissionDenied
    form = DraftForm(request.POST or None, position=position)
    if form.is_valid():
        try:
            letter = create_draft(
                actor=request.user,
                position=position,
                details=form.details(),
                recipients=form.recipients(),
                body_html=form.cleaned_data["body"],
                reviewers=form.cleaned_data["reviewers"],
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "Konsep disimpan sebagai versi 1.")
            return redirect(_letter_url(letter))
    return render(request, "persuratan/outgoing/new.html", {"form": form, "position": position})


def _letter_page(request: HttpRequest, letter: OutgoingLetter, **forms) -> HttpResponse:
    """The letter with the actions this user may take now; `forms` keeps input after a refusal."""
    version = latest_version(letter)
    turn = current_turn(letter)
    my_positions = position_ids_for(user=request.user, on=timezone.localdate())
    editable = letter.status in (OutgoingLetter.Status.DRAFT, OutgoingLetter.Status.RETURNED)
    is_drafter = letter.drafter_id == request.user.pk
    context = {
        "letter": letter,
        "version": version,
        "versions": list(letter.versions.select_related("author").order_by("-number")),
        "steps": list(letter.review_steps.select_related("position", "acted_by", "version")),
        "turn": turn,
        "recipients": list(letter.recipients.select_related("position")),
        "signing": SigningRequest.objects.filter(letter=letter).first(),
        "can_submit": is_drafter and editable,
        "can_revise": is_drafter and editable,
        "can_review": turn is not None and turn.position_id in my_positions,
        "can_sign": letter.status == OutgoingLetter.Status.APPROVED
        and signing_capacity(user=request.user, letter=letter) is not None,
        "revise_form": forms.get("revise_form") or ReviseForm(initial={"body": version.body_html}),
        "review_form": forms.get("review_form") or ReviewNoteForm(),
        "sign_form": forms.get("sign_form") or SignForm(),
    }
    return render(request, "persuratan/outgoing/letter.html", context)


@login_required
@require_GET
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    return _letter_page(request, _found(request, pk))


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _found(request, pk)
    try:
        letter = submit_for_review(actor=request.user, letter=letter)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"Konsep diajukan: {letter.get_status_display().lower()}.")
    return redirect(_letter_url(letter))


@login_required
@require_POST
def revise(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _found(request, pk)
    form = ReviseForm(request.POST)
    if form.is_valid():
        try:
            version = revise_draft(
                actor=request.user,
                letter=letter,
                body_html=form.cleaned_data["body"],
                note=form.cleaned_data["note"],
            )
        except Refused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, f"Versi {version.number} disimpan.")
            return redirect(_letter_url(letter))
    return _letter_page(request, letter, revise_form=form)


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Paraf or return, by the button pressed; the note goes with either."""
    letter = _found(request, pk)
    form = ReviewNoteForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    returning = request.POST.get("action") == "return"
    try:
        if returning:
            return_draft(actor=request.user, letter=letter, note=note)
        else:
            paraf(actor=request.user, letter=letter, note=note)
    except Refused as refusal:
        messages.error(request, refusal.message)
        return _letter_page(request, letter, review_form=form)
    messages.success(request, "Konsep dikembalikan kepada penyusun." if returning else "Paraf tercatat.")
    return redirect(_letter_url(letter))


@login_required
@require_POST
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _found(request, pk)
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            request_signature(actor=request.user, letter=letter, passphrase=form.cleaned_data["passphrase"])
        except Refused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request, "Permintaan tanda tangan dikirim; nomor dan berkas muncul setelah selesai."
            )
            return redirect(_letter_url(letter))
    return _letter_page(request, letter, sign_form=form)


@login_required
@require_GET
def signing_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress area, polled every 2 s by htmx until the signature is done or refused."""
    letter = _found(request, pk)
    signing = SigningRequest.objects.filter(letter=letter).first()
    return render(request, "persuratan/outgoing/_signing_status.html", {"letter": letter, "signing": signing})


@login_required
@require_GET
def signed_pdf(request: HttpRequest, pk: int) -> FileResponse:
    letter = _found(request, pk)
    if letter.status != OutgoingLetter.Status.SIGNED or not letter.signed_pdf:
        raise Http404
    return private_file_response(
        letter.signed_pdf,
        name=f"{letter.number.replace('/', '-')}.pdf",
        content_type="application/pdf",
        download="unduh" in request.GET,
    )
