"""The people pages for admins ("Pegawai"): find a person, add one, and help one who cannot get in.

Every page looks people up through organisasi.people_selectors.people_visible_to: a person outside
the admin's reach is a 404, the same answer as one who does not exist, and someone who administers
no OPD has no such pages at all. Each action is one service of organisasi.services.people, which
checks the admin again; a refusal is shown on the person's page.

A link to set a password for a person without an e-mail address is shown once, in the answer to the
POST that made it (never redirected to, so never kept in a session or a message), with headers that
keep browsers and proxies from storing the page.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kantor_virtual.errors import Refused
from kantor_virtual.pickers import matches
from organisasi.models import Opd, RoleGrant, User
from organisasi.people_forms import PeopleSearchForm, PersonForm
from organisasi.people_selectors import account_state, people_page, people_visible_to, person_timeline
from organisasi.pickers import POSITIONS
from organisasi.selectors import active_assignments, administers_an_opd, opds_administered_by, open_positions
from organisasi.services import (
    PasswordLink,
    can_manage_person,
    create_person,
    deactivate_person,
    reactivate_person,
    reset_second_factor,
    send_password_link,
    unlock_person,
)
from organisasi.services.passwords import link_valid_days

# A refusal of create_person is shown beside the field it is about; the others above the form.
REFUSED_FIELD = {
    "bad_nip": "nip",
    "nip_required": "nip",
    "nip_taken": "nip",
    "username_taken": "nip",
    "no_name": "full_name",
    "name_too_long": "full_name",
    "bad_employment": "employment",
    "bad_email": "email",
    "email_taken": "email",
    "no_login": "email",
    "bad_nik": "nik",
    "nik_taken": "nik",
    "not_admin_opd": "opd",
    "position_outside_opd": "position",
    "position_has_definitive": "position",
    "position_closed": "position",
    "decree_required": "decree_number",
    "decree_too_long": "decree_number",
}


def _admins_only(request: HttpRequest) -> None:
    if not administers_an_opd(user=request.user):
        raise Http404


def _person_or_404(request: HttpRequest, pk: int) -> User:
    return get_object_or_404(people_visible_to(user=request.user).select_related("opd"), pk=pk)


def _cursor(raw: str | None) -> int | None:
    """`?setelah=<id of the last row shown>`; anything malformed means the first page."""
    try:
        value = int(raw or "")
    except ValueError:
        return None
    return value if 0 < value < 2**63 else None


@login_required
@require_GET
def people(request: HttpRequest) -> HttpResponse:
    _admins_only(request)
    form = PeopleSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    rows, more = people_page(user=request.user, query=query, after=_cursor(request.GET.get("setelah")))
    context = {"form": form, "people": rows, "query": query, "next_after": more}
    return render(request, "organisasi/people/list.html", context)


def _page_opd(request: HttpRequest, opds) -> Opd:
    """The OPD of `?opd=CODE` among those the user administers; without it, the first of them."""
    code = request.GET.get("opd")
    if code:
        return get_object_or_404(opds, code=code)
    opd = opds.first()
    if opd is None:
        raise Http404
    return opd


def _show_link(request: HttpRequest, link: PasswordLink, *, created: bool) -> HttpResponse:
    context = {"link": link, "created": created, "days": link_valid_days()}
    response = render(request, "organisasi/people/password_link.html", context)
    add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    _admins_only(request)
    opds = opds_administered_by(user=request.user).order_by("name")
    opd = _page_opd(request, opds)
    form = PersonForm(request.POST or None, opds=opds, opd=opd, on=timezone.localdate())
    if form.is_valid():
        try:
            created = create_person(actor=request.user, **form.person())
        except Refused as refusal:
            form.add_error(REFUSED_FIELD.get(refusal.code), refusal.message)  # everything typed stays
        else:
            if not created.password_link.emailed:
                return _show_link(request, created.password_link, created=True)
            messages.success(
                request,
                f"{created.person.full_name} ditambahkan. Tautan untuk mengatur kata sandi pertama "
                f"dikirim ke {created.person.email}.",
            )
            return redirect("organisasi:person", pk=created.person.pk)
    context = {"form": form, "opd": opd, "opds": list(opds.only("code", "name"))}
    return render(request, "organisasi/people/create.html", context)


@login_required
@require_GET
def person_positions(request: HttpRequest) -> HttpResponse:
    """The new-person form's position picker as the admin types: open positions of an OPD they
    administer (`?opd=`), the page's own scope."""
    _admins_only(request)
    opd = _page_opd(request, opds_administered_by(user=request.user).order_by("name"))
    return matches(request, source=POSITIONS, among=open_positions(on=timezone.localdate(), opd=opd))


def _render_person(request: HttpRequest, person: User, *, refusal: str = "") -> HttpResponse:
    today = timezone.localdate()
    context = {
        "person": person,
        "state": account_state(person=person),
        "positions": list(active_assignments(user=person, on=today)),
        "roles": list(
            RoleGrant.objects.filter(user=person).select_related("opd").order_by("role", "opd__name")
        ),
        "timeline": person_timeline(person=person),
        "can_manage": can_manage_person(actor=request.user, person=person),
        "is_self": person.pk == request.user.pk,
        "refusal": refusal,
    }
    return render(request, "organisasi/people/person.html", context)


@login_required
@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_person(request, _person_or_404(request, pk))


def _act(request: HttpRequest, pk: int, action: Callable[[User], object], notice: str) -> HttpResponse:
    """Run one service on the person: success redirects to their page with `notice`, a refusal is
    shown on it."""
    person = _person_or_404(request, pk)
    try:
        action(person)
    except Refused as refusal:
        return _render_person(request, person, refusal=refusal.message)
    messages.success(request, notice)
    return redirect("organisasi:person", pk=person.pk)


@login_required
@require_POST
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda person: deactivate_person(actor=request.user, person=person),
        "Akun dinonaktifkan; semua sesinya berakhir.",
    )


@login_required
@require_POST
def person_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda person: reactivate_person(actor=request.user, person=person),
        "Akun diaktifkan kembali.",
    )


@login_required
@require_POST
def person_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda person: unlock_person(actor=request.user, person=person),
        "Kunci akun dibuka; pegawai ini dapat mencoba masuk lagi.",
    )


@login_required
@require_POST
def person_reset_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda person: reset_second_factor(actor=request.user, person=person),
        "Verifikasi dua langkah direset; pegawai ini mengatur aplikasi autentikator lagi saat masuk.",
    )


@login_required
@require_POST
def person_password_link(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_or_404(request, pk)
    try:
        link = send_password_link(actor=request.user, person=person)
    except Refused as refusal:
        return _render_person(request, person, refusal=refusal.message)
    if not link.emailed:
        return _show_link(request, link, created=False)
    messages.success(request, f"Tautan untuk mengatur kata sandi dikirim ke {person.email}.")
    return redirect("organisasi:person", pk=person.pk)


urlpatterns = [
    path("", people, name="people"),
    path("baru/", person_create, name="person_create"),
    path("baru/jabatan/", person_positions, name="person_positions"),
    path("<int:pk>/", person_detail, name="person"),
    path("<int:pk>/nonaktifkan/", person_deactivate, name="person_deactivate"),
    path("<int:pk>/aktifkan/", person_reactivate, name="person_reactivate"),
    path("<int:pk>/buka-kunci/", person_unlock, name="person_unlock"),
    path("<int:pk>/reset-verifikasi/", person_reset_second_factor, name="person_reset_second_factor"),
    path("<int:pk>/tautan-kata-sandi/", person_password_link, name="person_password_link"),
]
