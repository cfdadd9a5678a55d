from django.urls import include, path

from kantor_virtual.protection import limited
from organisasi.views import account, org_chart

app_name = "organisasi"
# Failed sign-ins per client address (an office behind one NAT address mostly succeeds); axes locks
# the account itself after AXES_FAILURE_LIMIT failures.
counted_failures = limited("login", ip_rate="PORTAL_RATE_LOGIN_FAILURES_IP", failures_only=True)

urlpatterns = [
    path("masuk/", counted_failures(account.LoginView.as_view()), name="login"),
    path("keluar/", account.LogoutView.as_view(), name="logout"),
    path("akun/kata-sandi/", account.PasswordChangeView.as_view(), name="password_change"),
    path("akun/verifikasi/", account.otp_verify, name="otp_verify"),
    path("akun/verifikasi/atur/", account.otp_setup, name="otp_setup"),
    path("akun/jabatan/", account.switch_position, name="switch_position"),
    path("struktur/", include(org_chart.urlpatterns)),
]
