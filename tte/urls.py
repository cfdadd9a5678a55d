from django.urls import path

from tte import views

app_name = "tte"

urlpatterns = [
    path("tte/crl/", views.crl, name="crl"),
    path("tte/sertifikat/", views.certificate, name="certificate"),
    path("tte/sertifikat/kata-sandi/", views.passphrase, name="passphrase"),
    path("tte/sertifikat/cabut/", views.revoke_own, name="revoke_own"),
    path("tte/permohonan/", views.requests, name="requests"),
    path("tte/permohonan/terbit/", views.issued, name="issued"),
    path("tte/permohonan/<int:pk>/", views.review, name="review"),
    path("tte/permohonan/<int:pk>/setujui/", views.approve, name="approve"),
    path("tte/permohonan/<int:pk>/tolak/", views.reject, name="reject"),
    path("tte/permohonan/<int:pk>/cabut/", views.revoke_any, name="revoke"),
]
