"""The search page: a plain GET form that works without JavaScript; with htmx, the results refresh
as the user types and the address bar follows, so a search can be bookmarked or shared."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from persuratan.search import search_letters
from persuratan.search_forms import SearchForm

PAGE_TEMPLATE = "persuratan/search.html"
RESULTS_TEMPLATE = "persuratan/_search_results.html"


def page_number(raw: str | None) -> int:
    """`?page=` as a positive number; anything else is the first page, never an error."""
    try:
        return max(int(raw or 1), 1)
    except ValueError:
        return 1


def search_page(
    request: HttpRequest, *, form, run, page_template: str, results_template: str, **context
) -> HttpResponse:
    """A search page: `run(form, page)` gives the results of a valid `form`. htmx swaps in
    the results only; a reload or a history restore needs the whole page."""
    results = None
    if form.is_valid():
        results = run(form, page_number(request.GET.get("page")))
    partial = request.htmx and not request.htmx.history_restore_request
    response = render(
        request,
        results_template if partial else page_template,
        {
            "form": form,
            "results": results,
            "searched": bool(form.data.get("q", "").strip()),
            "filtered": any(form.data.get(name) for name in form.fields if name != "q"),
            "partial": partial,
            **context,
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    return search_page(
        request,
        form=SearchForm(request.GET),
        run=lambda form, page: search_letters(
            user=request.user, query=form.cleaned_data["q"], filters=form.filters(), page=page
        ),
        page_template=PAGE_TEMPLATE,
        results_template=RESULTS_TEMPLATE,
    )
