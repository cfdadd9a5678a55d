"""The floor of the stack: the cheapest page a signed-in user can get, through the same middleware,
session, template engine and database as every product page. Product pages are reported as
multiples of it, because absolute times differ from machine to machine."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from organisasi.models import Position


@login_required
@require_GET
def floor(request: HttpRequest, code: str) -> HttpResponse:
    """One query on a unique index (the position's code), one small template."""
    position = Position.objects.select_related("opd").filter(code=code).first()
    if position is None:
        raise Http404
    return render(request, "bench/floor.html", {"position": position})
