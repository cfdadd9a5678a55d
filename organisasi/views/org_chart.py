"""The org chart pages for admin_opd: the position tree, positions, assignments, Plt/Plh, CSV import;
and for admin SPBE, every appointment of the province in the last 90 days ("Penugasan terbaru").

Every page is scoped through opds_administered_by: a position or OPD the user does not administer
is a 404, the same answer as one that does not exist; "Penugasan terbaru" is a 404 to anyone but
admin SPBE. Each form posts normally (redirect after success); with htmx it gets the refreshed panel
back instead.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kantor_virtual.errors import Refused
from kantor_virtual.pagination import make_cursor, parse_cursor
from kantor_virtual.pickers import matches
from organisasi.models import Assignment, Opd, Position
from organisasi.org_chart_forms import (
    AppointActingForm,
    AssignDefinitiveForm,
    ClosePositionForm,
    EndAssignmentForm,
    ImportForm,
    MovePositionForm,
    PositionForm,
)
from organisasi.org_chart_selectors import (
    RECENT_DAYS,
    active_staff,
    holders_from,
    parent_choices,
    past_assignments,
    position_tree,
    recent_appointments,
)
from organisasi.pickers import PEOPLE, POSITIONS
from organisasi.selectors import is_admin, opds_administered_by
from organisasi.services import (
    appoint_acting,
    assign_definitive,
    close_position,
    create_position,
    end_assignment,
    import_org_chart,
    move_position,
)

PAGE_TEMPLATE = "organisasi/org_chart/position.html"
PANEL_TEMPLATE = "organisasi/org_chart/_position_panel.html"


def _chosen_opd(request: HttpRequest) -> Opd:
    """The OPD of `?opd=CODE` among those the user administers; without it, the first of them."""
    opds = opds_administered_by(user=request.user)
    code = request.GET.get("opd")
    if code:
        return get_object_or_404(opds, code=code)
    opd = opds.order_by("name").first()
    if opd is None:
        raise Http404
    return opd


def _position_or_404(request: HttpRequest, pk: int) -> Position:
    return get_object_or_404(
        Position.objects.select_related("opd", "parent", "parent__opd", "unit"),
        pk=pk,
        opd__in=opds_administered_by(user=request.user),
    )


def _chart_url(opd: Opd, position: Position | None = None) -> str:
    anchor = f"#jabatan-{position.pk}" if position is not None else ""
    return f"{reverse('organisasi:org_chart')}?opd={opd.code}{anchor}"


@login_required
@require_GET
def org_chart(request: HttpRequest) -> HttpResponse:
    opd = _chosen_opd(request)
    today = timezone.localdate()
    tree = position_tree(opd=opd, on=today)
    opds = list(opds_administered_by(user=request.user).order_by("name").only("code", "name"))
    return render(
        request,
        "organisasi/org_chart/tree.html",
        {"opd": opd, "opds": opds, "tree": tree, "today": today},
    )


@login_required
@require_http_methods(["GET", "POST"])
def position_create(request: HttpRequest) -> HttpResponse:
    opd = _chosen_opd(request)
    form = PositionForm(request.POST or None, opd=opd, initial={"parent": request.GET.get("atasan")})
    if form.is_valid():
        try:
            position = create_position(actor=request.user, opd=opd, **form.cleaned_data)
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, f"Jabatan {position.name} ditambahkan dengan kode {position.code}.")
            return redirect(_chart_url(opd, position))
    return render(request, "organisasi/org_chart/position_form.html", {"opd": opd, "form": form})


def _render_position(
    request: HttpRequest, position: Position, *, bound: tuple[str, Form] | None = None, notice: str = ""
) -> HttpResponse:
    """The position's page, or only its panel for htmx; `bound` is the form just posted, errors and all."""
    today = timezone.localdate()
    holders = holders_from(position=position, on=today)
    forms = {
        "assign_form": AssignDefinitiveForm(prefix="definitif", initial={"start": today}),
        "acting_form": AppointActingForm(prefix="pltplh", initial={"start": today}),
        "move_form": MovePositionForm(prefix="pindah", position=position),
        "close_form": ClosePositionForm(prefix="tutup", initial={"on": today}),
    }
    end_forms = {
        assignment.pk: EndAssignmentForm(
            prefix=f"akhiri-{assignment.pk}", initial={"end": max(today, assignment.start)}
        )
        for assignment in holders
    }
    open_form = ""
    if bound is not None:
        open_form, form = bound
        if open_form.startswith("end:"):
            end_forms[int(open_form.removeprefix("end:"))] = form
        else:
            forms[open_form] = form
    context = {
        "position": position,
        "holders": [(assignment, end_forms[assignment.pk]) for assignment in holders],
        "past": past_assignments(position=position, on=today),
        "notice": notice,
        "open_form": open_form,
        **forms,
    }
    return render(request, PANEL_TEMPLATE if request.htmx else PAGE_TEMPLATE, context)


def _act(
    request: HttpRequest,
    position: Position,
    *,
    key: str,
    form: Form,
    action: Callable[[dict], object],
    notice: str,
) -> HttpResponse:
    """Validate the form, run the one service, answer: the refusal goes into the form, which keeps
    everything typed (status 200); success redirects, or gives htmx the fresh panel."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            if request.htmx:
                return _render_position(request, _position_or_404(request, position.pk), notice=notice)
            messages.success(request, notice)
            return redirect("organisasi:org_chart_position", pk=position.pk)
    return _render_position(request, position, bound=(key, form))


@login_required
@require_GET
def position_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_position(request, _position_or_404(request, pk))


@login_required
@require_POST
def position_move(request: HttpRequest, pk: int) -> HttpResponse:
    position = _position_or_404(request, pk)
    return _act(
        request,
        position,
        key="move_form",
        form=MovePositionForm(request.POST, prefix="pindah", position=position),
        action=lambda data: move_position(
            actor=request.user, position=position, new_parent=data["new_parent"]
        ),
        notice="Atasan jabatan diperbarui.",
    )


@login_required
@require_POST
def position_close(request: HttpRequest, pk: int) -> HttpResponse:
    position = _position_or_404(request, pk)
    return _act(
        request,
        position,
        key="close_form",
        form=ClosePositionForm(request.POST, prefix="tutup"),
        action=lambda data: close_position(actor=request.user, position=position, on=data["on"]),
        notice="Jabatan ditutup.",
    )


@login_required
@require_POST
def position_assign(request: HttpRequest, pk: int) -> HttpResponse:
    position = _position_or_404(request, pk)
    return _act(
        request,
        position,
        key="assign_form",
        form=AssignDefinitiveForm(request.POST, prefix="definitif"),
        action=lambda data: assign_definitive(actor=request.user, position=position, **data),
        notice="Pejabat definitif ditetapkan.",
    )


@login_required
@require_POST
def position_acting(request: HttpRequest, pk: int) -> HttpResponse:
    position = _position_or_404(request, pk)
    return _act(
        request,
        position,
        key="acting_form",
        form=AppointActingForm(request.POST, prefix="pltplh"),
        action=lambda data: appoint_acting(actor=request.user, position=position, **data),
        notice="Plt/Plh ditunjuk.",
    )


@login_required
@require_POST
def assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(
        Assignment.objects.select_related("position", "position__opd", "position__parent", "position__unit"),
        pk=pk,
        position__opd__in=opds_administered_by(user=request.user),
    )
    return _act(
        request,
        assignment.position,
        key=f"end:{assignment.pk}",
        form=EndAssignmentForm(request.POST, prefix=f"akhiri-{assignment.pk}"),
        action=lambda data: end_assignment(actor=request.user, assignment=assignment, end=data["end"]),
        notice="Penugasan diakhiri.",
    )


@login_required
@require_GET
def people_search(request: HttpRequest) -> HttpResponse:
    """The appointment forms' person picker as the admin types: active staff by NIP, name or e-mail.
    People move between OPDs, so an admin of any OPD finds staff of every OPD; nobody else finds any."""
    if not opds_administered_by(user=request.user).exists():
        raise Http404
    return matches(request, source=PEOPLE, among=active_staff())


@login_required
@require_GET
def parent_search(request: HttpRequest) -> HttpResponse:
    """The superior pickers as the admin types: `parent_choices` of an OPD they administer (`?opd=`,
    adding a position), or of the position they move (`?jabatan=`, its subordinates left out)."""
    moving = request.GET.get("jabatan")
    if moving is not None:
        if not moving.isdigit():
            raise Http404
        position = _position_or_404(request, int(moving))
        among = parent_choices(opd=position.opd, moving=position)
    else:
        among = parent_choices(opd=_chosen_opd(request))
    return matches(request, source=POSITIONS, among=among)


@login_required
@require_http_methods(["GET", "POST"])
def import_chart(request: HttpRequest) -> HttpResponse:
    opd = _chosen_opd(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = import_org_chart(
                actor=request.user,
                opd=opd,
                positions_csv_text=form.cleaned_data["jabatan"],
                people_csv_text=form.cleaned_data["pegawai"],
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
    response = render(
        request, "organisasi/org_chart/import.html", {"opd": opd, "form": form, "report": report}
    )
    if report is not None and report.links_to_hand_over:
        add_never_cache_headers(response)  # links shown once: no browser or proxy keeps the page
    return response


@login_required
@require_GET
def appointments(request: HttpRequest) -> HttpResponse:
    """Who was appointed to what in the last 90 days, province-wide, newest first: admin SPBE only."""
    if not is_admin(user=request.user):
        raise Http404
    rows, last = recent_appointments(user=request.user, after=parse_cursor(request.GET.get("setelah")))
    context = {
        "appointments": rows,
        "days": RECENT_DAYS,
        "next_after": make_cursor(last.created_at, last.pk) if last is not None else None,
        "later_page": "setelah" in request.GET,
    }
    return render(request, "organisasi/org_chart/appointments.html", context)


urlpatterns = [
    path("", org_chart, name="org_chart"),
    path("jabatan/baru/", position_create, name="org_chart_position_create"),
    path("jabatan/<int:pk>/", position_detail, name="org_chart_position"),
    path("jabatan/<int:pk>/pindah/", position_move, name="org_chart_position_move"),
    path("jabatan/<int:pk>/tutup/", position_close, name="org_chart_position_close"),
    path("jabatan/<int:pk>/pejabat/", position_assign, name="org_chart_assign"),
    path("jabatan/<int:pk>/plt-plh/", position_acting, name="org_chart_acting"),
    path("penugasan/<int:pk>/akhiri/", assignment_end, name="org_chart_assignment_end"),
    path("pegawai/", people_search, name="org_chart_people"),
    path("atasan/", parent_search, name="org_chart_parents"),
    path("impor/", import_chart, name="org_chart_import"),
    path("penugasan/", appointments, name="org_chart_appointments"),
]
