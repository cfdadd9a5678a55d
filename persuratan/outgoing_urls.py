from django.urls import path

from persuratan import outgoing_dispatch_views, outgoing_register_views, outgoing_views, template_views

app_name = "surat_keluar"

urlpatterns = [
    path("surat-keluar/", outgoing_views.overview, name="overview"),
    path("surat-keluar/baru/", outgoing_views.new, name="new"),
    path("surat-keluar/baru/penandatangan/", outgoing_views.signer_fields, name="signer_fields"),
    path("surat-keluar/baru/jabatan/", outgoing_views.positions, name="positions"),
    path("surat-keluar/agenda/", outgoing_register_views.register, name="register"),
    path("surat-keluar/templat/", template_views.template_list, name="templates"),
    path("surat-keluar/templat/<str:letter_type>/", template_views.template_edit, name="template_edit"),
    path("surat-keluar/<int:pk>/", outgoing_views.letter, name="letter"),
    path("surat-keluar/<int:pk>/ajukan/", outgoing_views.submit, name="submit"),
    path("surat-keluar/<int:pk>/ubah/", outgoing_views.revise, name="revise"),
    path("surat-keluar/<int:pk>/paraf/", outgoing_views.review, name="review"),
    path("surat-keluar/<int:pk>/tanda-tangan/", outgoing_views.sign, name="sign"),
    path("surat-keluar/<int:pk>/status-tanda-tangan/", outgoing_views.signing_status, name="signing_status"),
    path("surat-keluar/<int:pk>/pratinjau/", outgoing_views.preview, name="preview"),
    path("surat-keluar/<int:pk>/bandingkan/", outgoing_views.compare, name="compare"),
    path("surat-keluar/<int:pk>/lampiran/<int:attachment_id>/", outgoing_views.attachment, name="attachment"),
    path("surat-keluar/<int:pk>/berkas.pdf", outgoing_views.signed_pdf, name="signed_pdf"),
    path("surat-keluar/<int:pk>/amplop.pdf", outgoing_register_views.envelope, name="envelope"),
    path(
        "surat-keluar/<int:pk>/kirim-cetak/<int:recipient_id>/",
        outgoing_dispatch_views.dispatch,
        name="dispatch",
    ),
    path("surat-keluar/<int:pk>/cetak.pdf", outgoing_dispatch_views.print_copy, name="print_copy"),
    path(
        "surat-keluar/<int:pk>/cetak/lampiran/<int:attachment_id>/",
        outgoing_dispatch_views.print_attachment,
        name="print_attachment",
    ),
]
