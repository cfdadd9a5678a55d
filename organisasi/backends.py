from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from organisasi.models import User


def account_for_login(login: str) -> User | None:
    """The account a typed login names: a NIP, an e-mail address in any letter case, or a username."""
    login = login.strip()
    if not login:
        return None
    return User.objects.filter(Q(nip=login) | Q(email__iexact=login) | Q(username=login)).first()


def lockout_key(request: HttpRequest, credentials: dict | None = None) -> str:
    """What django-axes counts failures against (AXES_USERNAME_CALLABLE): the account the login
    resolves to, however it was spelt (NIP, e-mail in any case), or the typed text, lower-cased,
    when it resolves to nobody."""
    typed = (credentials or {}).get("username") or request.POST.get("username") or ""
    account = account_for_login(typed)
    return account.username if account is not None else typed.strip().lower()


class NipOrEmailBackend(ModelBackend):
    """Staff sign in with their NIP, the public and non-ASN officers with their e-mail address."""

    def authenticate(self, request, username: str | None = None, password: str | None = None, **kwargs):
        if not username or password is None:
            return None
        user = account_for_login(username)
        if user is None:
            # Spend the same time as a real check, so response times do not reveal who exists.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
