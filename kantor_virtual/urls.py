from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from kantor_virtual import views

urlpatterns = [
    path("", views.home, name="beranda"),
    path("kesehatan/", views.health, name="kesehatan"),
    path("notifikasi/", views.notifications, name="notifications"),
    path("notifikasi/<int:pk>/", views.notification, name="notification"),
    path("", include("organisasi.urls")),
    path("", include("persuratan.search_urls")),
    path("", include("persuratan.urls")),
    path("", include("persuratan.outgoing_urls")),
    path("", include("disposisi.urls")),
    path("", include("disposisi.sheet_urls")),
    path("", include("tte.urls")),
    path("", include("persuratan.verification_urls")),
    path("", include("layanan_publik.catalogue_urls")),
    path("", include("layanan_publik.account_urls")),
    path("", include("layanan_publik.submission_urls")),
    path("", include("layanan_publik.survey_urls")),
    path("", include("arsip.urls")),
    path("admin/", admin.site.urls),
]
if settings.BENCH_FLOOR:
    urlpatterns.append(path("", include("bench.urls")))

handler403 = "kantor_virtual.views.forbidden"
handler404 = "kantor_virtual.views.not_found"
handler500 = "kantor_virtual.views.server_error"
