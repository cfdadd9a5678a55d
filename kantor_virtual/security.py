"""Where a view needs more of the browser than settings.CONTENT_SECURITY_POLICY gives every page."""

from collections.abc import Callable
from functools import wraps

from csp.constants import NONCE, SELF
from django.views.decorators.clickjacking import xframe_options_sameorigin


def _replacing(directives: dict[str, list]) -> Callable[[Callable], Callable]:
    """django-csp's csp_replace, except that stacked decorators add up instead of the outer one
    setting the response's replacements alone."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def replaced(*args, **kwargs):
            response = view(*args, **kwargs)
            response._csp_replace = getattr(response, "_csp_replace", {}) | directives
            return response

        return replaced

    return decorator


def framed_by_us(view: Callable) -> Callable:
    """A view our own pages show in a frame (a scan, a naskah's preview): framed by our origin only,
    in the words of both headers (X-Frame-Options for older browsers, frame-ancestors for the rest)."""
    return xframe_options_sameorigin(_replacing({"frame-ancestors": [SELF]})(view))


def styled_by_its_template(view: Callable) -> Callable:
    """A page drawn from a PDF template (the naskah's preview): its rules sit in one <style> element,
    which WeasyPrint reads; in the browser that element runs with the response's nonce and nothing
    else of the page may style it."""
    return _replacing({"style-src": [NONCE]})(view)
