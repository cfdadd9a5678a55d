"""Reads of the catalogue: what the public finds and opens, and what an OPD's admin manages."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from layanan_publik.models import Service, ServiceDocument, ServiceField, ServicePledge
from organisasi.models import Opd, Position, User
from organisasi.selectors import opds_administered_by

# The search box is public: a long paste must not grow into a query with hundreds of conditions.
MAX_QUERY_WORDS = 8


def catalogue(*, query: str = "", opd_code: str = "") -> list[Service]:
    """Active services with their OPD, each word of `query` found in the name, summary or product.

    One query whatever the number of services: the catalogue holds hundreds of rows, not millions,
    so a plain icontains is enough here.
    """
    rows = Service.objects.filter(active=True).select_related("opd")
    if opd_code:
        rows = rows.filter(opd__code=opd_code)
    for word in query.split()[:MAX_QUERY_WORDS]:
        rows = rows.filter(Q(name__icontains=word) | Q(summary__icontains=word) | Q(product__icontains=word))
    return list(rows)


def opds_with_services() -> QuerySet[Opd]:
    """OPDs offering at least one active service: the choices of the catalogue's OPD filter."""
    offered = Service.objects.filter(opd=OuterRef("pk"), active=True)
    return Opd.objects.filter(Exists(offered)).order_by("name")


def head_of(*, opd_id: int) -> Position | None:
    """The open position heading the OPD (one at most: a database constraint)."""
    return Position.objects.filter(opd_id=opd_id, heads_opd=True, closed_on__isnull=True).first()


def pledge_of(*, opd_id: int) -> ServicePledge | None:
    return ServicePledge.objects.filter(opd_id=opd_id).first()


@dataclass(frozen=True)
class ServicePage:
    """A service as the public reads it: its standar pelayanan, form questions, documents and the
    maklumat of its OPD."""

    service: Service
    fields: list[ServiceField]
    documents: list[ServiceDocument]
    pledge: ServicePledge | None


def service_detail(*, opd_code: str, slug: str) -> ServicePage | None:
    """The active service at `opd_code`/`slug`, or None: an inactive one is as unknown as a missing one."""
    service = (
        Service.objects.filter(active=True, opd__code=opd_code, slug=slug)
        .select_related("opd", "opd__service_pledge")
        .prefetch_related("fields", "documents")
        .first()
    )
    if service is None:
        return None
    return ServicePage(
        service=service,
        fields=list(service.fields.all()),
        documents=list(service.documents.all()),
        pledge=getattr(service.opd, "service_pledge", None),
    )


def services_managed(*, opd_id: int) -> QuerySet[Service]:
    """Every service of the OPD, inactive ones too, with how many questions and documents each asks."""
    return Service.objects.filter(opd_id=opd_id).annotate(
        field_count=Count("fields", distinct=True), document_count=Count("documents", distinct=True)
    )


def service_managed_by(*, user: User, pk: int) -> Service | None:
    """A service of an OPD the user administers, or None: "not yours" and "missing" are the same 404."""
    return (
        Service.objects.filter(pk=pk, opd__in=opds_administered_by(user=user))
        .select_related("opd", "classification", "addressee")
        .first()
    )
