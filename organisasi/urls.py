from django.urls import include, path

from organisasi.views import account, org_chart

app_name = "organisasi"

urlpatterns = [
    path("masuk/", account.LoginView.as_view(), name="login"),
    path("keluar/", account.LogoutView.as_view(), name="logout"),
    path("akun/kata-sandi/", account.PasswordChangeView.as_view(), name="password_change"),
    path("akun/verifikasi/", account.otp_verify, name="otp_verify"),
    path("akun/verifikasi/atur/", account.otp_setup, name="otp_setup"),
    path("akun/jabatan/", account.switch_position, name="switch_position"),
    path("struktur/", include(org_chart.urlpatterns)),
]
