from django.urls import include, path

from kantor_virtual.access import public
from kantor_virtual.protection import limited
from organisasi.views import account, org_chart, people

app_name = "organisasi"
# Failed sign-ins per client address (an office behind one NAT address mostly succeeds); axes locks
# the account itself after AXES_FAILURE_LIMIT failures.
counted_failures = limited("login", ip_rate="PORTAL_RATE_LOGIN_FAILURES_IP", failures_only=True)
# "Lupa kata sandi": per client address, and per address typed whoever sends it.
reset_requests = limited(
    "password_reset",
    ip_rate="PASSWORD_RESET_RATE_IP",
    field_rate="PASSWORD_RESET_RATE_EMAIL",
    field="email",
)

urlpatterns = [
    path("masuk/", counted_failures(account.LoginView.as_view()), name="login"),
    path("keluar/", account.LogoutView.as_view(), name="logout"),
    path("akun/kata-sandi/", account.PasswordChangeView.as_view(), name="password_change"),
    # Open to anyone, also to a pimpinan signed in but not yet past the second factor.
    path(
        "akun/lupa-kata-sandi/",
        public(reset_requests(account.PasswordResetView.as_view())),
        name="password_reset",
    ),
    path(
        "akun/lupa-kata-sandi/terkirim/",
        public(account.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "akun/atur-kata-sandi/selesai/",
        public(account.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path(
        "akun/atur-kata-sandi/<uidb64>/<token>/",
        public(account.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path("akun/verifikasi/", account.otp_verify, name="otp_verify"),
    path("akun/verifikasi/atur/", account.otp_setup, name="otp_setup"),
    path("akun/verifikasi/kode-cadangan/", account.recovery_codes, name="recovery_codes"),
    path("akun/jabatan/", account.switch_position, name="switch_position"),
    path("struktur/", include(org_chart.urlpatterns)),
    path("pegawai/", include(people.urlpatterns)),
]
