"""The classification codes and the retention schedule (JRA): read by every keeper of records,
imported and edited by the province's arsiparis and the administrators."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from arsip.models import RetentionRule
from arsip.schedule_forms import CsvImportForm, RetentionForm
from arsip.selectors import keeps_any, keeps_schedule, schedule_rows
from arsip.services.schedule import (
    FileRejected,
    import_classification_codes,
    import_retention_schedule,
    remove_retention,
    set_retention,
)
from kantor_virtual.timeline import timeline_for
from persuratan.models import Classification

IMPORTS = {"kode": import_classification_codes, "jra": import_retention_schedule}
IMPORTED = {"kode": "Kode klasifikasi diimpor", "jra": "Jadwal retensi diimpor"}


def _may_read(request: HttpRequest) -> bool:
    """Keepers of any OPD's records read the schedule; the province's arsiparis and admins change it."""
    editor = keeps_schedule(user=request.user)
    if not (editor or keeps_any(user=request.user)):
        raise PermissionDenied
    return editor


def _page(
    request: HttpRequest, *, forms: dict | None = None, rejected: FileRejected | None = None, which: str = ""
) -> HttpResponse:
    editor = _may_read(request)
    prefix = request.GET.get("awalan", "").strip()[:30]
    context = {
        "rows": schedule_rows(prefix=prefix),
        "prefix": prefix,
        "editor": editor,
        "forms": forms or {name: CsvImportForm(prefix=name) for name in IMPORTS},
        "rejected": rejected,
        "rejected_file": which,
    }
    return render(request, "arsip/schedule.html", context)


@login_required
@require_GET
def schedule(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def import_file(request: HttpRequest, which: str) -> HttpResponse:
    """Import the codes (`kode`) or the schedule (`jra`) from CSV; a rejected file is listed row by row."""
    if which not in IMPORTS:
        raise Http404
    if not keeps_schedule(user=request.user):
        raise PermissionDenied
    forms = {name: CsvImportForm(prefix=name) for name in IMPORTS}
    form = forms[which] = CsvImportForm(request.POST, request.FILES, prefix=which)
    if form.is_valid():
        try:
            result = IMPORTS[which](actor=request.user, csv_text=form.cleaned_data["berkas"])
        except FileRejected as rejected:
            return _page(request, forms=forms, rejected=rejected, which=which)
        else:
            messages.success(request, f"{IMPORTED[which]}: {result.summary}")
            return redirect("arsip:schedule")
    return _page(request, forms=forms)


@login_required
@require_http_methods(["GET", "POST"])
def retention(request: HttpRequest, pk: int) -> HttpResponse:
    """One code's own row of the schedule: set, changed, or removed so that it follows its parent's."""
    if not keeps_schedule(user=request.user):
        raise PermissionDenied
    code = Classification.objects.select_related("parent").filter(pk=pk).first()
    if code is None:
        raise Http404
    own = RetentionRule.objects.filter(classification=code).first()
    initial = {"active_years": 2, "inactive_years": 3, "final_disposition": "musnah"}
    if own is not None:
        initial = {field: getattr(own, field) for field in RetentionForm.base_fields}
    form = RetentionForm(request.POST or None, initial=initial)
    if request.method == "POST" and "hapus" in request.POST:
        remove_retention(actor=request.user, classification=code)
        messages.success(request, f"Jadwal retensi kode {code.code} dihapus; kode ini mengikuti induknya.")
        return redirect("arsip:schedule")
    if form.is_valid():
        set_retention(actor=request.user, classification=code, values=form.values())
        messages.success(request, f"Jadwal retensi kode {code.code} disimpan.")
        return redirect("arsip:schedule")
    context = {"code": code, "own": own, "form": form, "timeline": list(timeline_for(target=code))}
    return render(request, "arsip/retention.html", context)
