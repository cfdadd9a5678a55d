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
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kantor_virtual.errors import Refused
from kantor_virtual.files import private_file_response
from kantor_virtual.pickers import matches
from kantor_virtual.security import framed_by_us, styled_by_its_template
from organisasi.pickers import POSITIONS
from organisasi.selectors import open_positions, position_ids_for
from persuratan.letter_templates import DRAFTABLE_TYPES, layout_for
from persuratan.models import IncomingLetter, LetterType, OutgoingLetter, SigningRequest
from persuratan.outgoing_forms import DraftForm, ReviewNoteForm, ReviseForm, SignForm
from persuratan.outgoing_selectors import (
    awaiting_my_paraf,
    awaiting_my_signature,
    current_turn,
    delivery_of,
    drafts_for,
    starting_bodies,
    templates_of,
    visible_outgoing,
)
from persuratan.rendering import naskah_context, signature_block
from persuratan.selectors import visible_letter
from persuratan.services.outgoing import (
    can_record_dispatch,
    create_draft,
    latest_version,
    paraf,
    request_signature,
    return_draft,
    revise_draft,
    signing_capacity,
    signing_lapse,
    submit_for_review,
)
from persuratan.version_diff import compare as compare_versions
from tte.selectors import signing_readiness


def _letter_url(letter: OutgoingLetter) -> str:
    return reverse("surat_keluar:letter", args=[letter.pk])


def _found(request: HttpRequest, pk: int, *, content: bool = False) -> OutgoingLetter:
    """The letter if the user may see it; with `content`, only if they may read it too."""
    letter = visible_outgoing(user=request.user, pk=pk)
    if letter is None or (content and not letter.access.full):
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
    """First the letter type, then the form with the body from the OPD's template for that type."""
    position = request.acting_position
    if not position:
        raise PermissionDenied
    bodies = starting_bodies(opd_id=position.opd_id)
    reply_to = _reply_target(request)
    letter_type = request.POST.get("letter_type") or request.GET.get("jenis")
    if letter_type not in bodies:
        context = {
            "templates": templates_of(opd_id=position.opd_id),
            "position": position,
            "reply_to": reply_to,
        }
        return render(request, "persuratan/outgoing/choose_type.html", context)
    form = DraftForm(
        request.POST or None,
        request.FILES or None,
        drafter=request.user,
        position=position,
        letter_type=letter_type,
        starting_body=bodies[letter_type],
        reply_to=reply_to,
    )
    if form.is_valid():
        try:
            letter = create_draft(
                actor=request.user,
                position=position,
                details=form.details(),
                recipients=form.recipients(),
                body_html=form.cleaned_data["body"],
                reviewers=form.cleaned_data["reviewers"],
                attachments=form.cleaned_data["attachments"],
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "Konsep disimpan sebagai versi 1.")
            return redirect(_letter_url(letter))
    context = {
        "form": form,
        "position": position,
        "letter_type": LetterType(letter_type),
        "reply_to": reply_to,
    }
    return render(request, "persuratan/outgoing/new.html", context)


@login_required
@require_GET
def positions(request: HttpRequest) -> HttpResponse:
    """The drafting page's pickers as the drafter types: any open position of the province."""
    if not request.acting_position:
        raise PermissionDenied
    return matches(request, source=POSITIONS, among=open_positions(on=timezone.localdate()))


@login_required
@require_GET
def signer_fields(request: HttpRequest) -> HttpResponse:
    """As the drafter picks the signer or the way it signs: the a.n./u.b. choices that signer may
    lawfully make, and, for a new signer, the paraf chain proposed up to them."""
    position = request.acting_position
    if not position:
        raise PermissionDenied
    names = ("signer_position", "signing_mode", "on_behalf_of", "by_order_of")
    form = DraftForm(
        initial={name: request.GET.get(name, "") for name in names},
        drafter=request.user,
        position=position,
        letter_type=DRAFTABLE_TYPES[0],
        starting_body="",
    )
    context = {"form": form, "with_paraf": request.GET.get("paraf") == "1"}
    return render(request, "persuratan/outgoing/_signer_fields.html", context)


def _reply_target(request: HttpRequest) -> IncomingLetter | None:
    """The incoming letter a new draft answers (`?balas=<id>`), if the user may read it; else 404."""
    pk = request.POST.get("balas") or request.GET.get("balas")
    if not pk:
        return None
    found = visible_letter(user=request.user, pk=int(pk)) if pk.isdigit() else None
    if found is None or not found[1].full:
        raise Http404
    return found[0]


def _letter_page(request: HttpRequest, letter: OutgoingLetter, **forms) -> HttpResponse:
    """The letter with the actions this user may take now; `forms` keeps input after a refusal."""
    version = latest_version(letter)
    turn = current_turn(letter)
    my_positions = position_ids_for(user=request.user, on=timezone.localdate())
    editable = letter.status in (OutgoingLetter.Status.DRAFT, OutgoingLetter.Status.RETURNED)
    is_drafter = letter.drafter_id == request.user.pk
    is_signer = (
        letter.status == OutgoingLetter.Status.APPROVED
        and signing_capacity(user=request.user, letter=letter) is not None
    )
    # The organisation may have changed since the paraf: the signer reads why, instead of a form.
    signing_lapsed = signing_lapse(letter=letter, on=timezone.localdate()) if is_signer else None
    can_sign = is_signer and signing_lapsed is None
    context = {
        "letter": letter,
        "can_read": letter.access.full,
        "version": version,
        "versions": list(letter.versions.select_related("author").order_by("-number")),
        "steps": list(letter.review_steps.select_related("position", "acted_by", "version")),
        "turn": turn,
        "recipients": list(letter.recipients.select_related("position")),
        "signature_lines": signature_block(letter),
        "attachments": list(letter.attachments.all()),
        "signing": SigningRequest.objects.filter(letter=letter).first(),
        # Delivery once signed: each recipient's inbox, e-mail or paper copy, and the operator's part.
        "delivery": delivery_of(letter=letter),
        "can_dispatch": can_record_dispatch(user=request.user, letter=letter),
        "can_submit": is_drafter and editable,
        "can_revise": is_drafter and editable,
        "can_review": turn is not None and turn.position_id in my_positions,
        "can_sign": can_sign,
        "signing_lapsed": signing_lapsed,
        # Whether the signer holds a certificate that signs: the sign form points to "Sertifikat TTE".
        "certificate_readiness": signing_readiness(user=request.user) if can_sign else None,
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


@sensitive_post_parameters("passphrase")
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


@framed_by_us
@styled_by_its_template
@login_required
@require_GET
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter laid out as its PDF will be (the same template), as a page: cheap enough for a request."""
    letter = _found(request, pk, content=True)
    if letter.status == OutgoingLetter.Status.SIGNED:
        return redirect("surat_keluar:signed_pdf", pk=letter.pk)
    context = naskah_context(letter)
    return render(request, layout_for(letter.letter_type).template, context)


@login_required
@require_GET
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Any two versions; by default the one before the latest against the latest."""
    letter = _found(request, pk, content=True)
    versions = list(letter.versions.select_related("author").order_by("number"))
    by_number = {version.number: version for version in versions}
    new = by_number.get(_int(request.GET.get("b")), versions[-1])
    old = by_number.get(_int(request.GET.get("a")), versions[-2] if len(versions) > 1 else versions[0])
    segments = compare_versions(old.body_html, new.body_html)
    context = {
        "letter": letter,
        "versions": versions,
        "old": old,
        "new": new,
        "segments": segments,
        "changed": any(segment.kind != "same" for segment in segments),
    }
    return render(request, "persuratan/outgoing/compare.html", context)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    letter = _found(request, pk, content=True)
    found = letter.attachments.filter(pk=attachment_id).first()
    if found is None or not found.file:  # no file: destroyed with its archive record
        raise Http404
    return private_file_response(found.file, name=found.original_name, content_type=found.content_type)


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
    letter = _found(request, pk, content=True)
    if letter.status != OutgoingLetter.Status.SIGNED or not letter.signed_pdf:
        raise Http404
    return private_file_response(
        letter.signed_pdf,
        name=f"{letter.number.replace('/', '-')}.pdf",
        content_type="application/pdf",
        download="unduh" in request.GET,
    )
