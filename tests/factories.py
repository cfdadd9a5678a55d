"""factory_boy factories for the organisation. Tests build state through these and our services."""

import factory

from organisasi.models import Opd, Position, Province, Unit, User

TEST_PASSWORD = "Sandi-Uji-Kantor-2026"


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province

    name = "Provinsi Nusa Mandiri"
    capital = "Kota Mandala"


class OpdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opd

    province = factory.SubFactory(ProvinceFactory)
    code = factory.Sequence(lambda n: f"OPD{n:03d}")
    name = factory.Sequence(lambda n: f"Dinas Uji {n}")
    short_name = factory.Sequence(lambda n: f"Dinas Uji {n}")
    address = "Jalan Merdeka No. 1"
    city = "Kota Mandala"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    opd = factory.SubFactory(OpdFactory)
    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.Sequence(lambda n: f"Bidang Uji {n}")


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    opd = factory.SubFactory(OpdFactory)
    code = factory.Sequence(lambda n: f"JAB-{n:05d}")
    name = factory.Sequence(lambda n: f"Kepala Seksi Uji {n}")
    kind = Position.Kind.STRUKTURAL


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"pegawai{n}")
    full_name = factory.Sequence(lambda n: f"Pegawai Uji {n}")
    email = factory.Sequence(lambda n: f"pegawai{n}@uji.go.id")
    nip = factory.Sequence(lambda n: f"19800101200501{n:04d}")
    password = factory.django.Password(TEST_PASSWORD)
