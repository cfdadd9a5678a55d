from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from kantor_virtual.access import public
from tte.services import ensure_authority
from tte.signing import crl_der


@public
@require_GET
def crl(request: HttpRequest) -> HttpResponse:
    """The revocation list named in every signer certificate: public, as X.509 requires."""
    response = HttpResponse(crl_der(ensure_authority()), content_type="application/pkix-crl")
    response["Cache-Control"] = "public, max-age=300"
    return response
