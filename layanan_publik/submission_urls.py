from django.urls import path

from layanan_publik import submission_views as views

app_name = "permohonan"

urlpatterns = [
    path("layanan/<str:opd_code>/<slug:slug>/ajukan/", views.submit_view, name="submit"),
    path("lacak/", views.track, name="track"),
    path("permohonan/", views.mine, name="mine"),
    path("permohonan/<str:code>/", views.detail, name="detail"),
    path("permohonan/<str:code>/tanda-terima/", views.receipt_status, name="receipt_status"),
    path("permohonan/<str:code>/tanda-terima.pdf", views.receipt, name="receipt"),
    path("permohonan/<str:code>/balasan.pdf", views.reply, name="reply"),
    path("permohonan/<str:code>/berkas/<int:document_id>/", views.document, name="document"),
    path("verifikasi-permohonan/", views.queue, name="queue"),
    path("verifikasi-permohonan/<int:pk>/", views.review, name="review"),
    path(
        "verifikasi-permohonan/<int:pk>/berkas/<int:document_id>/",
        views.operator_document,
        name="operator_document",
    ),
]
