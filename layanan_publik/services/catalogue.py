"""The catalogue: an OPD's admins keep its services (standar pelayanan, form questions, required
documents) and its maklumat pelayanan; every OPD has a general "kirim surat" service."""

from dataclasses import dataclass, fields
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from kantor_virtual.errors import Refused
from kantor_virtual.timeline import record_event
from layanan_publik.catalogue_selectors import head_of
from layanan_publik.models import Service, ServiceDocument, ServiceField, ServicePledge
from organisasi.models import Opd, Position, User
from organisasi.selectors import opds_administered_by
from persuratan.models import Classification

GENERAL_SLUG = "kirim-surat"
# The reference list has no "persuratan" code: correspondence is part of tata usaha (000.1).
GENERAL_CLASSIFICATION = "000.1"
GENERAL_FIELD = "isi_surat"
MAX_SLA_DAYS = 365
MAX_FEE = 1_000_000_000
DEFAULT_PLEDGE_TEXT = (
    "Dengan ini kami menyatakan sanggup menyelenggarakan pelayanan sesuai dengan standar pelayanan "
    "yang telah ditetapkan, dan apabila tidak menepati janji ini kami siap menerima sanksi sesuai "
    "dengan peraturan perundang-undangan yang berlaku."
)
DEFAULT_COMPLAINT_CHANNEL = (
    "Pengaduan, saran dan masukan disampaikan melalui menu Pengaduan di portal ini, "
    "atau melalui SP4N-LAPOR! (www.lapor.go.id)."
)


@dataclass(frozen=True)
class ServiceDetails:
    """The standar pelayanan of a service as its admin states it, and where its submissions land."""

    name: str
    sla_days: int
    product: str
    classification: Classification
    addressee: Position
    slug: str = ""  # empty: made from the name
    summary: str = ""
    channel: str = Service.Channel.BOTH
    legal_basis: str = ""
    requirements: str = ""
    procedure: str = ""
    fee_amount: int = 0
    fee_basis: str = ""
    complaint_channel: str = DEFAULT_COMPLAINT_CHANNEL
    active: bool = True


def _check_admin(actor: User, opd: Opd) -> None:
    if not opds_administered_by(user=actor).filter(pk=opd.pk).exists():
        raise Refused("Hanya admin OPD ini yang dapat mengelola layanannya.", code="not_admin")


def _check_details(details: ServiceDetails, *, opd: Opd, service: Service | None) -> str:
    """The rules of a standar pelayanan; returns the slug to store."""
    if not 1 <= details.sla_days <= MAX_SLA_DAYS:
        raise Refused(
            f"Jangka waktu penyelesaian harus antara 1 dan {MAX_SLA_DAYS} hari kerja.", code="bad_sla"
        )
    if not 0 <= details.fee_amount <= MAX_FEE:
        raise Refused("Biaya tidak boleh negatif atau melebihi Rp1.000.000.000.", code="bad_fee")
    if details.fee_amount and not details.fee_basis.strip():
        # UU 25/2009 and the retribusi rules: a fee is charged only where a regulation sets it.
        raise Refused(
            "Layanan berbiaya wajib menyebutkan dasar hukum biayanya (mis. Perda retribusi).",
            code="fee_without_basis",
        )
    today = timezone.localdate()
    addressee = details.addressee
    if addressee.opd_id != opd.pk or not addressee.is_open_on(today):
        raise Refused("Jabatan penerima harus jabatan aktif di OPD ini.", code="foreign_addressee")
    if not details.classification.active:
        raise Refused("Kode klasifikasi itu sudah tidak aktif.", code="inactive_classification")
    is_general = service is not None and service.is_general
    if is_general and not details.active:
        raise Refused(
            "Layanan kirim surat umum selalu tersedia dan tidak dapat dinonaktifkan.",
            code="general_stays_active",
        )
    slug = (details.slug or slugify(details.name))[:60]
    if not slug:
        raise Refused("Isi kode layanan dengan huruf atau angka.", code="bad_slug")
    if slug == GENERAL_SLUG and not is_general:
        raise Refused(f"Kode “{GENERAL_SLUG}” dipakai layanan kirim surat umum.", code="duplicate_slug")
    taken = Service.objects.filter(opd=opd, slug=slug).exclude(pk=service.pk if service else None)
    if taken.exists():
        raise Refused(f"Kode layanan “{slug}” sudah dipakai layanan lain di OPD ini.", code="duplicate_slug")
    return slug


@transaction.atomic
def save_service(
    *, actor: User, opd: Opd, details: ServiceDetails, service: Service | None = None
) -> Service:
    """Create a service of `opd`, or with `service` update it; its rules in `_check_details`."""
    _check_admin(actor, opd)
    if service is not None and service.opd_id != opd.pk:
        raise Refused("Layanan itu bukan milik OPD ini.", code="foreign_service")
    values = {item.name: getattr(details, item.name) for item in fields(details)}
    values["slug"] = _check_details(details, opd=opd, service=service)
    if service is None:
        service = Service.objects.create(opd=opd, **values)
        record_event(target=service, verb="service_created", actor=actor)
        return service
    # Related rows compared by id (attname): no query to load the stored ones.
    changed = [
        name
        for name, value in values.items()
        if getattr(service, Service._meta.get_field(name).attname) != getattr(value, "pk", value)
    ]
    if changed:
        for name in changed:
            setattr(service, name, values[name])
        service.save()
        record_event(target=service, verb="service_updated", actor=actor, details={"changed": changed})
    return service


def _checked_choices(kind: str, choices: str) -> str:
    """Choices kept one per line, each once, and only for a choice question."""
    if kind != ServiceField.Kind.CHOICE:
        return ""
    lines = {}  # the first spelling of each choice, whatever its case
    for line in choices.splitlines():
        lines.setdefault(line.strip().casefold(), line.strip())
    lines.pop("", None)
    if len(lines) < 2:
        raise Refused(
            "Isian jenis pilihan memerlukan sekurang-kurangnya dua pilihan.", code="choices_missing"
        )
    return "\n".join(lines.values())


def _next_order(rows) -> int:
    return (rows.aggregate(last=Max("order"))["last"] or 0) + 1


@transaction.atomic
def add_field(
    *,
    actor: User,
    service: Service,
    key: str,
    label: str,
    kind: str = ServiceField.Kind.TEXT,
    choices: str = "",
    required: bool = True,
    help_text: str = "",
) -> ServiceField:
    """A new question at the end of the form. Its key names the answer in every submission, for good."""
    _check_admin(actor, service.opd)
    if service.fields.filter(key=key).exists():
        raise Refused(f"Kode isian “{key}” sudah dipakai di layanan ini.", code="duplicate_key")
    field = ServiceField.objects.create(
        service=service,
        order=_next_order(service.fields),
        key=key,
        label=label,
        kind=kind,
        choices=_checked_choices(kind, choices),
        required=required,
        help_text=help_text,
    )
    record_event(target=service, verb="service_field_added", actor=actor, details={"key": key})
    return field


@transaction.atomic
def update_field(
    *, actor: User, field: ServiceField, label: str, kind: str, choices: str, required: bool, help_text: str
) -> ServiceField:
    """Everything but the key: answers already given are stored under it."""
    _check_admin(actor, field.service.opd)
    field.label, field.kind, field.required, field.help_text = label, kind, required, help_text
    field.choices = _checked_choices(kind, choices)
    field.save()
    record_event(target=field.service, verb="service_field_updated", actor=actor, details={"key": field.key})
    return field


@transaction.atomic
def add_document(
    *, actor: User, service: Service, name: str, required: bool = True, help_text: str = ""
) -> ServiceDocument:
    """A new required (or optional) document at the end of the list."""
    _check_admin(actor, service.opd)
    _check_document_name(service, name)
    document = ServiceDocument.objects.create(
        service=service,
        order=_next_order(service.documents),
        name=name,
        required=required,
        help_text=help_text,
    )
    record_event(target=service, verb="service_document_added", actor=actor, details={"name": name})
    return document


@transaction.atomic
def update_document(
    *, actor: User, document: ServiceDocument, name: str, required: bool, help_text: str
) -> ServiceDocument:
    _check_admin(actor, document.service.opd)
    _check_document_name(document.service, name, document)
    document.name, document.required, document.help_text = name, required, help_text
    document.save()
    record_event(
        target=document.service, verb="service_document_updated", actor=actor, details={"name": name}
    )
    return document


def _check_document_name(service: Service, name: str, document: ServiceDocument | None = None) -> None:
    same = service.documents.filter(name__iexact=name.strip()).exclude(pk=document.pk if document else None)
    if same.exists():
        raise Refused(f"Dokumen “{name}” sudah ada dalam daftar.", code="duplicate_document")


def _described(part: ServiceField | ServiceDocument) -> tuple[str, dict]:
    """What an event says of a question or a document: its noun, and the item."""
    if isinstance(part, ServiceField):
        return "field", {"key": part.key}
    return "document", {"name": part.name}


@transaction.atomic
def remove_part(*, actor: User, part: ServiceField | ServiceDocument) -> None:
    """Remove a question or a document. Submissions made before keep what was sent."""
    service = part.service
    _check_admin(actor, service.opd)
    if service.is_general and isinstance(part, ServiceField) and part.key == GENERAL_FIELD:
        raise Refused("Isian “Isi surat” wajib ada di layanan kirim surat umum.", code="general_field_kept")
    noun, item = _described(part)
    part.delete()
    record_event(target=service, verb=f"service_{noun}_removed", actor=actor, details=item)


@transaction.atomic
def move_part(*, actor: User, part: ServiceField | ServiceDocument, offset: int) -> None:
    """Move a question or a document up (-1) or down (+1); the list is renumbered 1…n."""
    service = part.service
    _check_admin(actor, service.opd)
    rows = type(part).objects.select_for_update().filter(service=service).order_by("order", "id")
    ids = [row.pk for row in rows]  # locked: two admins reordering at once do not interleave
    index = ids.index(part.pk)
    target = min(max(index + offset, 0), len(ids) - 1)
    ids.insert(target, ids.pop(index))
    for order, pk in enumerate(ids, start=1):
        type(part).objects.filter(pk=pk).exclude(order=order).update(order=order)
    noun, item = _described(part)
    record_event(target=service, verb=f"service_{noun}_moved", actor=actor, details=item | {"to": target + 1})


@transaction.atomic
def set_pledge(
    *, actor: User, opd: Opd, text: str, signer_name: str, signer_position: str, effective_on: date
) -> ServicePledge:
    """The OPD's maklumat pelayanan, published with all its services (UU 25/2009 Pasal 22)."""
    _check_admin(actor, opd)
    if not text.strip():
        raise Refused("Isi maklumat pelayanan masih kosong.", code="empty_pledge")
    pledge, _ = ServicePledge.objects.update_or_create(
        opd=opd,
        defaults={
            "text": text.strip(),
            "signer_name": signer_name,
            "signer_position": signer_position,
            "effective_on": effective_on,
        },
    )
    record_event(target=opd, verb="pledge_set", actor=actor, details={"effective_on": effective_on})
    return pledge


@transaction.atomic
def ensure_general_service(*, opd: Opd, actor: User | None = None) -> Service:
    """The OPD's "Kirim surat" service, made once: any letter the other services do not cover goes to
    its head. Safe to call again; an OPD without a head position yet is refused. `actor` is the admin
    who asks for it; None when the system sets up an OPD (the demo seed)."""
    if actor is not None:
        _check_admin(actor, opd)
    # Locks the OPD row: two callers at once would both find no general service and both create one.
    Opd.objects.select_for_update().filter(pk=opd.pk).first()
    service = Service.objects.filter(opd=opd, is_general=True).first()
    if service is not None:
        return service
    head = head_of(opd_id=opd.pk)
    if head is None:
        raise Refused("OPD ini belum memiliki jabatan kepala perangkat daerah.", code="no_head")
    name = opd.short_name or opd.name
    service = Service.objects.create(
        opd=opd,
        slug=GENERAL_SLUG,
        name=f"Kirim surat ke {name}",
        summary=f"Surat, permohonan atau usulan kepada {opd.name} yang tidak termasuk layanan lain.",
        channel=Service.Channel.BOTH,
        is_general=True,
        legal_basis="Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik",
        requirements="Akun pemohon dengan alamat surel terverifikasi\nIsi surat yang jelas maksud dan tujuannya",
        procedure=(
            "Pemohon menulis isi surat dan dapat melampirkan suratnya\n"
            "Petugas memverifikasi kelengkapan permohonan\n"
            f"Surat diteruskan kepada {head.name} dan didisposisikan\n"
            "Pemohon menerima surat balasan melalui portal ini"
        ),
        sla_days=14,
        product="Surat balasan",
        complaint_channel=DEFAULT_COMPLAINT_CHANNEL,
        classification=Classification.objects.get(code=GENERAL_CLASSIFICATION),
        addressee=head,
    )
    ServiceField.objects.create(
        service=service, order=1, key=GENERAL_FIELD, label="Isi surat", kind=ServiceField.Kind.LONG_TEXT
    )
    ServiceDocument.objects.create(
        service=service,
        order=1,
        name="Surat",
        required=False,
        help_text="Pindaian surat bertanda tangan, bila ada.",
    )
    record_event(target=service, verb="general_service_created", actor=actor)
    return service
