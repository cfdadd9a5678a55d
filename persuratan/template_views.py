"""Templat naskah: an OPD's admin sees and edits the bodies its drafts start from."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from kantor_virtual.errors import Refused
from organisasi.selectors import opds_administered_by
from persuratan.letter_templates import PLACEHOLDERS
from persuratan.outgoing_forms import TemplateForm
from persuratan.outgoing_selectors import templates_of
from persuratan.services.letter_templates import reset_template, save_template
from persuratan.views import chosen_opd


@login_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    opds = opds_administered_by(user=request.user).order_by("name")
    opd = chosen_opd(request, opds)
    context = {"opd": opd, "opds": opds if len(opds) > 1 else [], "templates": templates_of(opd_id=opd.pk)}
    return render(request, "persuratan/templates/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, letter_type: str) -> HttpResponse:
    """Save the body, or with `reset` go back to the product's default."""
    opd = chosen_opd(request, opds_administered_by(user=request.user))
    row = next((row for row in templates_of(opd_id=opd.pk) if row.letter_type == letter_type), None)
    if row is None:
        raise Http404
    back = f"{reverse('surat_keluar:templates')}?opd={opd.code}"
    form = TemplateForm(request.POST or None, initial={"body": row.body_html})
    if request.method == "POST" and "reset" in request.POST:
        reset_template(actor=request.user, opd=opd, letter_type=letter_type)
        messages.success(request, f"Templat {row.label} kembali ke bawaan.")
        return redirect(back)
    if form.is_valid():
        try:
            save_template(
                actor=request.user, opd=opd, letter_type=letter_type, body_html=form.cleaned_data["body"]
            )
        except Refused as refusal:
            form.add_error("body", refusal.message)
        else:
            messages.success(request, f"Templat {row.label} disimpan.")
            return redirect(back)
    context = {"opd": opd, "row": row, "form": form, "placeholders": PLACEHOLDERS}
    return render(request, "persuratan/templates/edit.html", context)
