"""The catalogue: public pages anyone opens without an account, and the pages where an OPD's admins
keep its services and maklumat.

Admin pages are scoped through opds_administered_by: a service of an OPD the user does not
administer is a 404, the same answer as one that does not exist.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kantor_virtual.access import public
from kantor_virtual.errors import Refused
from kantor_virtual.pickers import matches
from layanan_publik.catalogue_forms import (
    CatalogueSearchForm,
    DocumentForm,
    FieldForm,
    NewFieldForm,
    PledgeForm,
    ServiceForm,
)
from layanan_publik.catalogue_selectors import (
    catalogue,
    head_of,
    opds_with_services,
    pledge_of,
    service_detail,
    service_managed_by,
    services_managed,
)
from layanan_publik.models import Service, ServiceDocument, ServiceField
from layanan_publik.services.catalogue import (
    DEFAULT_PLEDGE_TEXT,
    add_document,
    add_field,
    ensure_general_service,
    move_part,
    remove_part,
    save_service,
    set_pledge,
    update_document,
    update_field,
)
from organisasi.models import Opd
from organisasi.pickers import POSITIONS
from organisasi.selectors import holders_of, opds_administered_by, open_positions
from persuratan.views import chosen_opd

# ── Public pages ─────────────────────────────────────────────────────────────────────────────────


@public
@require_GET
def catalogue_page(request: HttpRequest, opd_code: str = "") -> HttpResponse:
    """Every active service, found by words and filtered by OPD; an OPD's own page (`opd_code`) adds
    its maklumat pelayanan."""
    opds = list(opds_with_services())
    data = request.GET.copy()
    if opd_code:
        own = get_object_or_404(Opd, code=opd_code)
        if own not in opds:
            opds.append(own)  # its page opens even before it offers a service
        data.setdefault("opd", opd_code)
    form = CatalogueSearchForm(data, opds=opds)
    form.is_valid()  # a bad OPD code gets its message; the words still search
    query, code = form.cleaned_data.get("q", ""), form.cleaned_data.get("opd", "")
    opd = next((opd for opd in opds if opd.code == code), None) if code else None
    context = {
        "form": form,
        "services": catalogue(query=query, opd_code=code),
        "opd": opd,
        "pledge": pledge_of(opd_id=opd.pk) if opd else None,
        "query": query,
    }
    return render(request, "layanan_publik/catalogue/catalogue.html", context)


@public
@require_GET
def service_page(request: HttpRequest, opd_code: str, slug: str) -> HttpResponse:
    page = service_detail(opd_code=opd_code, slug=slug)
    if page is None:
        raise Http404
    return render(request, "layanan_publik/catalogue/service.html", {"page": page, "service": page.service})


# ── The OPD admin's pages ────────────────────────────────────────────────────────────────────────


def _managed_or_404(request: HttpRequest, pk: int) -> Service:
    service = service_managed_by(user=request.user, pk=pk)
    if service is None:
        raise Http404
    return service


def _manage_url(opd: Opd) -> str:
    return f"{reverse('layanan:manage')}?opd={opd.code}"


@login_required
@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    opds = opds_administered_by(user=request.user).order_by("name")
    opd = chosen_opd(request, opds)
    services = list(services_managed(opd_id=opd.pk))
    context = {
        "opd": opd,
        "opds": opds if len(opds) > 1 else [],
        "services": services,
        "has_general": any(service.is_general for service in services),
        "pledge": pledge_of(opd_id=opd.pk),
    }
    return render(request, "layanan_publik/catalogue/manage.html", context)


@login_required
@require_POST
def general_create(request: HttpRequest) -> HttpResponse:
    opd = chosen_opd(request, opds_administered_by(user=request.user))
    try:
        service = ensure_general_service(opd=opd, actor=request.user)
    except Refused as refusal:
        messages.error(request, refusal.message)
        return redirect(_manage_url(opd))
    messages.success(request, f"Layanan “{service.name}” tersedia.")
    return redirect("layanan:edit", pk=service.pk)


@login_required
@require_http_methods(["GET", "POST"])
def service_create(request: HttpRequest) -> HttpResponse:
    opd = chosen_opd(request, opds_administered_by(user=request.user))
    form = ServiceForm(request.POST or None, opd=opd, initial={"addressee": head_of(opd_id=opd.pk)})
    if form.is_valid():
        try:
            service = save_service(actor=request.user, opd=opd, details=form.details())
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, f"Layanan “{service.name}” dibuat. Tambahkan isian dan dokumennya.")
            return redirect("layanan:edit", pk=service.pk)
    return render(request, "layanan_publik/catalogue/service_form.html", {"opd": opd, "form": form})


@login_required
@require_GET
def positions(request: HttpRequest) -> HttpResponse:
    """The service form's addressee picker as the admin types: open positions of an OPD whose services
    they keep (`?opd=`); any other OPD is a 403, as on the service pages."""
    opd = chosen_opd(request, opds_administered_by(user=request.user))
    return matches(request, source=POSITIONS, among=open_positions(on=timezone.localdate(), opd=opd))


@dataclass(frozen=True)
class Part:
    """A list on the service's page: its form questions or its required documents."""

    model: type[ServiceField] | type[ServiceDocument]
    new_form: type[Form]
    edit_form: type[Form]
    add: Callable
    update: Callable
    noun: str
    title: str  # the attribute that names an item in messages


PARTS = {
    "isian": Part(
        ServiceField,
        NewFieldForm,
        FieldForm,
        add=lambda actor, service, data: add_field(actor=actor, service=service, **data),
        update=lambda actor, item, data: update_field(actor=actor, field=item, **data),
        noun="Isian",
        title="label",
    ),
    "dokumen": Part(
        ServiceDocument,
        DocumentForm,
        DocumentForm,
        add=lambda actor, service, data: add_document(actor=actor, service=service, **data),
        update=lambda actor, item, data: update_document(actor=actor, document=item, **data),
        noun="Dokumen",
        title="name",
    ),
}


def _render_edit(
    request: HttpRequest, service: Service, *, form: Form | None = None, bound: tuple[str, Form] | None = None
) -> HttpResponse:
    """The service's page; `form` or `bound` (part, form) is the form just posted, errors and all."""
    initial = {name: getattr(service, name) for name in ServiceForm.base_fields}
    add_forms = {key: part.new_form(prefix=key) for key, part in PARTS.items()}
    if bound is not None:
        add_forms[bound[0]] = bound[1]
    context = {
        "service": service,
        "opd": service.opd,
        "form": form or ServiceForm(opd=service.opd, initial=initial),
        "fields": list(service.fields.all()),
        "documents": list(service.documents.all()),
        "field_form": add_forms["isian"],
        "document_form": add_forms["dokumen"],
    }
    return render(request, "layanan_publik/catalogue/service_edit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = _managed_or_404(request, pk)
    if request.method == "GET":
        return _render_edit(request, service)
    form = ServiceForm(request.POST, opd=service.opd)
    if form.is_valid():
        try:
            save_service(actor=request.user, opd=service.opd, service=service, details=form.details())
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "Standar pelayanan disimpan.")
            return redirect("layanan:edit", pk=service.pk)
    return _render_edit(request, service, form=form)


def _part_or_404(part_key: str) -> Part:
    if part_key not in PARTS:
        raise Http404
    return PARTS[part_key]


@login_required
@require_POST
def part_add(request: HttpRequest, pk: int, part_key: str) -> HttpResponse:
    service, part = _managed_or_404(request, pk), _part_or_404(part_key)
    form = part.new_form(request.POST, prefix=part_key)
    if form.is_valid():
        try:
            part.add(request.user, service, form.cleaned_data)
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, f"{part.noun} “{form.cleaned_data[part.title]}” ditambahkan.")
            return redirect(f"{reverse('layanan:edit', args=[service.pk])}#{part_key}")
    return _render_edit(request, service, bound=(part_key, form))


@login_required
@require_http_methods(["GET", "POST"])
def part_edit(request: HttpRequest, pk: int, part_key: str, item_id: int) -> HttpResponse:
    service, part = _managed_or_404(request, pk), _part_or_404(part_key)
    item = get_object_or_404(part.model, pk=item_id, service=service)
    initial = {name: getattr(item, name) for name in part.edit_form.base_fields}
    form = part.edit_form(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            part.update(request.user, item, form.cleaned_data)
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, f"{part.noun} “{getattr(item, part.title)}” disimpan.")
            return redirect(f"{reverse('layanan:edit', args=[service.pk])}#{part_key}")
    context = {"service": service, "item": item, "form": form, "part_key": part_key, "noun": part.noun}
    return render(request, "layanan_publik/catalogue/part_form.html", context)


@login_required
@require_POST
def part_move(request: HttpRequest, pk: int, part_key: str, item_id: int) -> HttpResponse:
    """`arah=naik` moves it up one place, anything else down."""
    service, part = _managed_or_404(request, pk), _part_or_404(part_key)
    item = get_object_or_404(part.model, pk=item_id, service=service)
    move_part(actor=request.user, part=item, offset=-1 if request.POST.get("arah") == "naik" else 1)
    return redirect(f"{reverse('layanan:edit', args=[service.pk])}#{part_key}")


@login_required
@require_POST
def part_remove(request: HttpRequest, pk: int, part_key: str, item_id: int) -> HttpResponse:
    service, part = _managed_or_404(request, pk), _part_or_404(part_key)
    item = get_object_or_404(part.model, pk=item_id, service=service)
    try:
        remove_part(actor=request.user, part=item)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"{part.noun} “{getattr(item, part.title)}” dihapus.")
    return redirect(f"{reverse('layanan:edit', args=[service.pk])}#{part_key}")


def _pledge_initial(opd: Opd) -> dict:
    """The maklumat as it stands, or a draft signed by whoever heads the OPD today."""
    pledge = pledge_of(opd_id=opd.pk)
    if pledge is not None:
        return {name: getattr(pledge, name) for name in PledgeForm.base_fields}
    today = timezone.localdate()
    head = head_of(opd_id=opd.pk)
    holders = holders_of(position_ids=[head.pk], on=today).get(head.pk, []) if head else []
    return {
        "text": DEFAULT_PLEDGE_TEXT,
        "signer_name": holders[0].full_name if holders else "",
        "signer_position": head.name if head else "",
        "effective_on": today,
    }


@login_required
@require_http_methods(["GET", "POST"])
def pledge_edit(request: HttpRequest) -> HttpResponse:
    opd = chosen_opd(request, opds_administered_by(user=request.user))
    form = PledgeForm(request.POST or None, initial=_pledge_initial(opd))
    if form.is_valid():
        try:
            set_pledge(actor=request.user, opd=opd, **form.cleaned_data)
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "Maklumat pelayanan disimpan dan tampil di halaman layanan.")
            return redirect(_manage_url(opd))
    return render(request, "layanan_publik/catalogue/pledge_form.html", {"opd": opd, "form": form})
