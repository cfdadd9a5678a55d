from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from organisasi.models import User


class NipOrEmailBackend(ModelBackend):
    """Staff sign in with their NIP, the public and non-ASN officers with their e-mail address."""

    def authenticate(self, request, username: str | None = None, password: str | None = None, **kwargs):
        if not username or password is None:
            return None
        login = username.strip()
        user = User.objects.filter(Q(nip=login) | Q(email__iexact=login) | Q(username=login)).first()
        if user is None:
            # Spend the same time as a real check, so response times do not reveal who exists.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
