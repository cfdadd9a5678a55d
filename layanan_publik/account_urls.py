from django.urls import path

from layanan_publik import account_views

app_name = "pemohon"

urlpatterns = [
    path("pemohon/daftar/", account_views.register_choice, name="register"),
    path("pemohon/daftar/<slug:kind>/", account_views.register, name="register_as"),
    path("pemohon/akun/", account_views.account, name="account"),
    path("pemohon/verifikasi-surel/kirim-ulang/", account_views.resend, name="resend"),
    path("pemohon/verifikasi-surel/<str:token>/", account_views.verify, name="verify"),
]
