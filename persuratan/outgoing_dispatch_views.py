"""Paper copies of a signed letter: the operator of its OPD prints the letter for the recipients no
e-mail reaches (every outside recipient of a rahasia letter) and records how each copy left."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from kantor_virtual.errors import Refused
from kantor_virtual.files import private_file_response
from persuratan.models import OutgoingLetter
from persuratan.outgoing_dispatch_forms import DispatchForm
from persuratan.outgoing_selectors import visible_outgoing
from persuratan.services.outgoing import can_record_dispatch, letter_label, open_print_copy, record_dispatch


def _letter(request: HttpRequest, pk: int) -> OutgoingLetter:
    letter = visible_outgoing(user=request.user, pk=pk)
    if letter is None:
        raise Http404
    return letter


@login_required
@require_http_methods(["GET", "POST"])
def dispatch(request: HttpRequest, pk: int, recipient_id: int) -> HttpResponse:
    """The form that records one recipient's paper copy as sent; the service says who may."""
    letter = _letter(request, pk)
    recipient = letter.recipients.filter(pk=recipient_id).first()
    if recipient is None or (
        request.method == "GET" and not can_record_dispatch(user=request.user, letter=letter)
    ):
        raise Http404
    form = DispatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_dispatch(actor=request.user, letter=letter, recipient=recipient, **form.cleaned_data)
        except Refused as refusal:
            form.add_error(None, refusal.message)  # the form keeps what the operator typed
        else:
            messages.success(request, f"Pengiriman {letter_label(letter)} kepada {recipient.label} dicatat.")
            return redirect(reverse("surat_keluar:letter", args=[letter.pk]))
    context = {"letter": letter, "recipient": recipient, "form": form, "label": letter_label(letter)}
    return render(request, "persuratan/outgoing/dispatch.html", context)


def _print(request: HttpRequest, pk: int, attachment_id: int | None) -> FileResponse:
    letter = _letter(request, pk)
    try:
        file, name, content_type = open_print_copy(
            actor=request.user, letter=letter, attachment_id=attachment_id
        )
    except Refused:
        raise Http404 from None
    return private_file_response(file, name=name, content_type=content_type)


@login_required
@require_GET
def print_copy(request: HttpRequest, pk: int) -> FileResponse:
    return _print(request, pk, None)


@login_required
@require_GET
def print_attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    return _print(request, pk, attachment_id)
