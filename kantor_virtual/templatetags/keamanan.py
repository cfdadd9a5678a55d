"""What our pages need to live under the Content-Security-Policy (settings.CONTENT_SECURITY_POLICY)."""

from django import template
from django.forms import Media as FormMedia
from django.http import HttpRequest
from js_asset import Media

register = template.Library()


@register.filter
def with_nonce(media: FormMedia, request: HttpRequest) -> Media:
    """A form's assets with the request's nonce on their tags: the rich-text editor's import map is
    an inline script, which the policy runs only when it carries the nonce of its response."""
    return Media.from_media(media, nonce=str(request.csp_nonce))
