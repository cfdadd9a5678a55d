from django.urls import path

from arsip import disposal_views, filing_views, loan_views, record_views, schedule_views

app_name = "arsip"

urlpatterns = [
    path("arsip/penyusutan/", disposal_views.due, name="due"),
    path("arsip/usul/", disposal_views.proposals, name="proposals"),
    path("arsip/usul/<int:pk>/", disposal_views.proposal, name="proposal"),
    path(
        "arsip/usul/<int:pk>/berita-acara.pdf", disposal_views.berita_acara_pdf, name="proposal_berita_acara"
    ),
    path("arsip/peminjaman/", loan_views.my_loans, name="my_loans"),
    path("arsip/peminjaman/layanan/", loan_views.loan_desk, name="loan_desk"),
    path("arsip/peminjaman/<int:pk>/", loan_views.loan_action, name="loan_action"),
    path("arsip/<int:pk>/", record_views.record, name="record"),
    path("arsip/<int:pk>/pinjam/", record_views.borrow, name="borrow"),
    path("arsip/<int:pk>/berita-acara.pdf", record_views.berita_acara_pdf, name="record_berita_acara"),
    path("arsip/daftar/", filing_views.register, name="register"),
    path("arsip/daftar/cetak/", filing_views.print_register, name="print_register"),
    path("arsip/pemberkasan/", filing_views.filing, name="filing"),
    path("arsip/berkas/<int:pk>/", filing_views.berkas, name="berkas"),
    path("arsip/berkas/<int:pk>/ekspor/", filing_views.export, name="export"),
    path("arsip/unduhan/<int:pk>/status/", filing_views.download_status, name="download_status"),
    path("arsip/unduhan/<int:pk>/unduh/", filing_views.download, name="download"),
    path("arsip/cari/", filing_views.search, name="search"),
    path("arsip/klasifikasi/", schedule_views.schedule, name="schedule"),
    path("arsip/klasifikasi/impor/<str:which>/", schedule_views.import_file, name="import"),
    path("arsip/klasifikasi/<int:pk>/retensi/", schedule_views.retention, name="retention"),
]
