"""The province's organisation: OPDs, units, positions (jabatan), people and who holds what when.

Authority belongs to the position, not to the person: letters reach "Kepala Dinas Kominfos", and
whoever holds that position on a given day (definitively, or as Plt/Plh) acts for it.
"""

from datetime import date

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Lower


class DateRange(Func):
    """`daterange(start, end, '[]')`: both ends inclusive; an open end (NULL) means "until further notice"."""

    function = "daterange"
    output_field = models.DateField()

    def __init__(self, start: str, end: str) -> None:
        super().__init__(F(start), F(end), Value("[]"))


class SameId(Func):
    """`int8range(id, id, '[]')`: lets a GiST exclusion constraint compare ids without btree_gist,
    which the embedded PostgreSQL does not ship."""

    function = "int8range"
    output_field = models.BigIntegerField()

    def __init__(self, field: str) -> None:
        super().__init__(F(field), F(field), Value("[]"))


class User(AbstractUser):
    """A person who signs in: an ASN (with NIP), a non-ASN officer, or a member of the public."""

    class Employment(models.TextChoices):
        ASN = "asn", "ASN"
        NON_ASN = "non_asn", "Non-ASN"
        PUBLIC = "public", "Masyarakat"

    full_name = models.CharField("nama lengkap", max_length=200)
    nip = models.CharField("NIP", max_length=18, unique=True, null=True, blank=True)
    employment = models.CharField(
        "status kepegawaian", max_length=10, choices=Employment, default=Employment.ASN
    )
    nik = models.CharField(
        "NIK", max_length=16, unique=True, null=True, blank=True, help_text="16 angka, sesuai KTP-el."
    )
    phone = models.CharField("telepon", max_length=30, blank=True)
    opd = models.ForeignKey(
        "Opd",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name="OPD induk",
        help_text="OPD yang mengelola akun pegawai ini; kosong untuk pemohon.",
    )

    objects = UserManager()

    class Meta:
        verbose_name = "pengguna"
        verbose_name_plural = "pengguna"
        constraints = [
            models.UniqueConstraint(Lower("email"), condition=~Q(email=""), name="user_email_unique_ci"),
            models.CheckConstraint(
                condition=Q(nip__isnull=True) | Q(nip__regex=r"^[0-9]{18}$"), name="user_nip_18_digits"
            ),
            models.CheckConstraint(
                condition=Q(nik__isnull=True) | Q(nik__regex=r"^[0-9]{16}$"), name="user_nik_16_digits"
            ),
        ]
        indexes = [
            # The admins' list of people (organisasi.people_selectors): keyset pages in name order,
            # across the province for the SPBE team, within their OPDs for an admin OPD.
            models.Index(fields=["full_name", "id"], name="user_name_id"),
            models.Index(fields=["opd", "full_name", "id"], name="user_opd_name_id"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username


class Province(models.Model):
    name = models.CharField("nama", max_length=120, help_text="Mis. Provinsi Nusa Mandiri")
    capital = models.CharField("ibu kota", max_length=120)
    logo = models.ImageField("lambang", upload_to="lambang/", blank=True)

    class Meta:
        verbose_name = "provinsi"
        verbose_name_plural = "provinsi"

    def __str__(self) -> str:
        return self.name


class Opd(models.Model):
    """Perangkat Daerah: a dinas, badan or the sekretariat daerah. Its details make the kop surat."""

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="opds")
    code = models.CharField("kode", max_length=20, unique=True, help_text="Kode singkat, mis. DISKOMINFOS")
    name = models.CharField("nama", max_length=200)
    short_name = models.CharField("nama singkat", max_length=60)
    address = models.CharField("alamat", max_length=255, blank=True)
    city = models.CharField("kota", max_length=80, blank=True)
    postal_code = models.CharField("kode pos", max_length=10, blank=True)
    phone = models.CharField("telepon", max_length=60, blank=True)
    email = models.EmailField("surel", blank=True)
    website = models.CharField("laman", max_length=120, blank=True)
    logo = models.ImageField("logo", upload_to="opd/", blank=True)

    class Meta:
        verbose_name = "perangkat daerah"
        verbose_name_plural = "perangkat daerah"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class Unit(models.Model):
    """A unit inside an OPD: sekretariat, bidang, biro, UPT."""

    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    code = models.CharField("kode", max_length=30)
    name = models.CharField("nama", max_length=200)

    class Meta:
        verbose_name = "unit kerja"
        verbose_name_plural = "unit kerja"
        ordering = ["opd", "name"]
        constraints = [models.UniqueConstraint(fields=["opd", "code"], name="unit_code_unique_in_opd")]

    def __str__(self) -> str:
        return self.name


# Names of people, units and offices: no stemming, every word as written.
POSITION_SEARCH_CONFIG = "simple"


class Position(models.Model):
    """A jabatan. Its parent is its superior; the tree runs Gubernur → Sekda → Kepala Dinas → … → staf."""

    class Kind(models.TextChoices):
        STRUKTURAL = "struktural", "Struktural"
        FUNGSIONAL = "fungsional", "Fungsional"
        PELAKSANA = "pelaksana", "Pelaksana"

    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="positions")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="positions")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="atasan",
    )
    code = models.CharField("kode", max_length=60, unique=True)
    name = models.CharField("nama jabatan", max_length=255)
    kind = models.CharField("jenis", max_length=12, choices=Kind)
    eselon = models.CharField("eselon", max_length=6, blank=True)
    heads_opd = models.BooleanField("kepala perangkat daerah", default=False)
    order = models.PositiveSmallIntegerField("urutan", default=0)
    closed_on = models.DateField("ditutup sejak", null=True, blank=True)
    # What a picker finds a position by besides its name: its unit, its OPD and who holds it today.
    # Kept by the database's triggers (migration 0006) whatever writes the rows, and each night for
    # holders whose dates began or ended (organisasi.tasks.refresh_position_search).
    search_terms = models.TextField(default="", editable=False)
    # Who acts for it today as a picker names them ("Hendra Siregar, Plt. Gita Permata"), kept with the
    # search terms by the same triggers, so that a list of positions costs no query per holder.
    holder_names = models.TextField(default="", editable=False)
    search = models.GeneratedField(
        expression=SearchVector("name", weight="A", config=POSITION_SEARCH_CONFIG)
        + SearchVector("search_terms", weight="B", config=POSITION_SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = "jabatan"
        verbose_name_plural = "jabatan"
        ordering = ["opd", "order", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="position_not_own_parent"),
            models.UniqueConstraint(
                fields=["opd"],
                condition=Q(heads_opd=True, closed_on__isnull=True),
                name="position_one_head_per_opd",
            ),
        ]
        indexes = [
            models.Index(fields=["parent"], name="position_parent"),
            # The heads of OPDs, whom letters across the province are offered to before any typing.
            models.Index(fields=["opd"], condition=Q(heads_opd=True), name="position_heads"),
            GinIndex(fields=["search"], name="position_search"),
        ]

    def __str__(self) -> str:
        return self.name

    def is_open_on(self, day: date) -> bool:
        return self.closed_on is None or self.closed_on > day

    @property
    def is_struktural(self) -> bool:
        return self.kind == self.Kind.STRUKTURAL


class Assignment(models.Model):
    """A person holding a position for a date range: definitively, or as Plt/Plh.

    A position has at most one definitive holder on any day, a person holds at most one definitive
    position on any day, and a position has at most one Plt/Plh on any day: the database refuses
    overlaps (exclusion constraints), so two admins acting at once cannot break the rule.
    """

    class Kind(models.TextChoices):
        DEFINITIVE = "definitif", "Definitif"
        PLT = "plt", "Pelaksana Tugas (Plt)"
        PLH = "plh", "Pelaksana Harian (Plh)"

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="assignments")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="assignments")
    kind = models.CharField("status", max_length=10, choices=Kind)
    start = models.DateField("mulai")
    end = models.DateField("sampai", null=True, blank=True, help_text="Kosong: sampai ada keputusan lain.")
    decree_number = models.CharField("nomor SK / surat perintah", max_length=100, blank=True)
    # Who made the appointment; empty for the system's own loaders (demo, benchmark, the server's
    # import command) and for appointments recorded before this was kept.
    appointed_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="ditetapkan oleh",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "penugasan"
        verbose_name_plural = "penugasan"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="assignment_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(kind="definitif") | Q(end__isnull=False), name="assignment_acting_has_end"
            ),
            ExclusionConstraint(
                name="assignment_one_definitive_holder",
                expressions=[
                    (SameId("position_id"), RangeOperators.OVERLAPS),
                    (DateRange("start", "end"), RangeOperators.OVERLAPS),
                ],
                condition=Q(kind="definitif"),
            ),
            ExclusionConstraint(
                name="assignment_one_definitive_post",
                expressions=[
                    (SameId("user_id"), RangeOperators.OVERLAPS),
                    (DateRange("start", "end"), RangeOperators.OVERLAPS),
                ],
                condition=Q(kind="definitif"),
            ),
            ExclusionConstraint(
                name="assignment_one_acting_holder",
                expressions=[
                    (SameId("position_id"), RangeOperators.OVERLAPS),
                    (DateRange("start", "end"), RangeOperators.OVERLAPS),
                ],
                condition=Q(kind__in=["plt", "plh"]),
            ),
        ]
        indexes = [
            models.Index(fields=["user", "start"], name="assignment_user_start"),
            models.Index(fields=["position", "start"], name="assignment_position_start"),
            # Admin SPBE's "Penugasan terbaru": newest first, keyset pages on (created_at, id).
            models.Index(fields=["created_at", "id"], name="assignment_created"),
        ]

    def __str__(self) -> str:
        prefix = (
            ""
            if self.kind == self.Kind.DEFINITIVE
            else f"{self.get_kind_display().split('(')[-1].rstrip(')')} "
        )
        return f"{prefix}{self.position} — {self.user}"

    def is_active_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)


class RoleGrant(models.Model):
    """A scoped role: operator or admin_opd of an OPD, arsiparis of an OPD or the province, admin, pemohon.

    Pimpinan is not granted here: it follows from holding a struktural position.
    """

    class Role(models.TextChoices):
        OPERATOR = "operator", "Operator"
        ARSIPARIS = "arsiparis", "Arsiparis"
        ADMIN_OPD = "admin_opd", "Admin OPD"
        ADMIN = "admin", "Admin SPBE"
        PEMOHON = "pemohon", "Pemohon"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField("peran", max_length=12, choices=Role)
    opd = models.ForeignKey(Opd, null=True, blank=True, on_delete=models.PROTECT, related_name="role_grants")

    class Meta:
        verbose_name = "peran"
        verbose_name_plural = "peran"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "opd"], nulls_distinct=False, name="role_grant_unique"
            ),
            models.CheckConstraint(
                condition=(Q(role__in=["operator", "admin_opd"], opd__isnull=False))
                | Q(role__in=["admin", "pemohon"], opd__isnull=True)
                | Q(role="arsiparis"),
                name="role_grant_scope_matches_role",
            ),
        ]

    def __str__(self) -> str:
        scope = f" {self.opd}" if self.opd_id else (" Provinsi" if self.role == self.Role.ARSIPARIS else "")
        return f"{self.get_role_display()}{scope}"


class OrgVersion(models.Model):
    """One row whose `version` database triggers replace, in the same transaction, whenever an OPD,
    a position, an assignment or a role grant changes, however it changes (form, import, bulk update).

    What a person acts for and which roles they hold are asked on every page; the answers are kept
    in Redis under this version (organisasi.selectors), so a change reaches the next request. The
    version is a fresh random UUID, never a counter: a rolled-back change, or a restored backup, can
    never hand out again a version whose kept answers describe another state.
    """

    version = models.UUIDField()

    class Meta:
        verbose_name = "versi organisasi"

    def __str__(self) -> str:
        return str(self.version)
