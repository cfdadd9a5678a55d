from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from kantor_virtual.health import health_report
from kantor_virtual.notifications import PAGE_SIZE, mark_read, notification_of, notifications_for
from kantor_virtual.pagination import make_cursor, parse_cursor


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Staff start at their positions; a citizen or business (pemohon) at their submissions."""
    if hasattr(request.user, "applicant"):
        return redirect("permohonan:mine")
    return render(request, "kantor_virtual/home.html")


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 200 whenever PostgreSQL answers, each part in the body."""
    status, report = health_report()
    return JsonResponse(report, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    """The list of one's notifications; POST marks them all read."""
    if request.method == "POST":
        mark_read(user=request.user)
        return redirect("notifications")
    rows = notifications_for(user=request.user, after=parse_cursor(request.GET.get("after")))
    more = make_cursor(rows[-1].created_at, rows[-1].pk) if len(rows) == PAGE_SIZE else None
    return render(request, "kantor_virtual/notifications.html", {"notifications": rows, "next_after": more})


@login_required
@require_GET
def notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a notification: it counts as read, and the user lands where it points."""
    found = notification_of(user=request.user, notification_id=pk)
    if found is None:
        raise Http404
    mark_read(user=request.user, notification_id=found.pk)
    target = found.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect("notifications")
    return redirect(target)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors here: whatever broke the page may break them too.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
