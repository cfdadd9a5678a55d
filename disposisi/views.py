"""The disposition pages: dispose a node down, report follow-up, withdraw, download follow-up files.

A node the user does not act for (or did not send, for withdrawing) is a 404, the same answer as
one that does not exist. The services check every rule again; their refusals go into the form,
which keeps everything typed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from disposisi.forms import REFUSAL_FIELDS, DisposeForm, FollowUpForm
from disposisi.selectors import dispose_candidates, dispose_targets, follow_up_file, held_item, sent_item
from disposisi.services import (
    default_due_on,
    dispose,
    record_follow_up_file_opened,
    report_follow_up,
    withdraw,
)
from kantor_virtual.errors import Refused
from kantor_virtual.files import private_file_response
from kantor_virtual.pickers import matches
from organisasi.pickers import POSITIONS
from persuratan.models import InboxItem
from persuratan.selectors import letter_access


def _held_or_404(request: HttpRequest, pk: int) -> InboxItem:
    item = held_item(user=request.user, pk=pk)
    if item is None:
        raise Http404
    return item


def _refuse_into(form, refusal: Refused) -> None:
    form.add_error(REFUSAL_FIELDS.get(refusal.code), refusal.message)


@login_required
@require_http_methods(["GET", "POST"])
def dispose_page(request: HttpRequest, pk: int) -> HttpResponse:
    item = _held_or_404(request, pk)
    form = DisposeForm(
        request.POST or None,
        initial={"due_on": default_due_on(item=item)},
        search_url=reverse("disposisi:positions", args=[item.pk]),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = dispose(
                actor=request.user,
                from_item=item,
                to=list(data["targets"]),
                instructions=data["instructions"],
                note=data["note"],
                due_on=data["due_on"],
                priority=data["priority"],
            )
        except Refused as refusal:
            _refuse_into(form, refusal)
        else:
            names = ", ".join(disposition.item.position.name for disposition in made)
            messages.success(request, f"Surat didisposisikan kepada {names}.")
            return redirect(item.letter.get_absolute_url())
    chosen = {str(value) for value in (form["targets"].value() or [])}
    return render(
        request,
        "disposisi/dispose.html",
        {
            "item": item,
            "letter": item.letter,
            "form": form,
            "targets": dispose_targets(user=request.user, item=item),
            "chosen_targets": chosen,
            "chosen_instructions": set(form["instructions"].value() or []),
        },
    )


@login_required
@require_GET
def positions(request: HttpRequest, pk: int) -> HttpResponse:
    """The dispose page's picker as the user types: open positions below the node, at any depth."""
    item = _held_or_404(request, pk)
    return matches(request, source=POSITIONS, among=dispose_candidates(user=request.user, item=item))


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_page(request: HttpRequest, pk: int) -> HttpResponse:
    item = _held_or_404(request, pk)
    form = FollowUpForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            report_follow_up(actor=request.user, item=item, **form.cleaned_data)
        except Refused as refusal:
            _refuse_into(form, refusal)
        except ValidationError as error:
            form.add_error("files", error)
        else:
            done = form.cleaned_data["done"]
            messages.success(
                request,
                "Tindak lanjut dilaporkan dan ditandai selesai." if done else "Tindak lanjut dilaporkan.",
            )
            return redirect(item.letter.get_absolute_url())
    return render(request, "disposisi/follow_up.html", {"item": item, "letter": item.letter, "form": form})


@login_required
@require_POST
def withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = sent_item(user=request.user, pk=pk)
    if item is None:
        raise Http404
    try:
        withdraw(actor=request.user, item=item)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"Disposisi kepada {item.position.name} ditarik.")
    return redirect(item.letter.get_absolute_url())


@login_required
@require_GET
def follow_up_file_view(request: HttpRequest, pk: int) -> FileResponse:
    stored = follow_up_file(pk=pk)
    if stored is None or not letter_access(user=request.user, letter=stored.follow_up.item.letter).full:
        raise Http404
    record_follow_up_file_opened(user=request.user, follow_up_file=stored)
    return private_file_response(stored.file, name=stored.original_name, content_type=stored.content_type)
