from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from kantor_virtual.notifications import unread_count


def notifications(request: HttpRequest) -> dict:
    """The bell's counter, lazy: a page that never draws it makes no query, one that does makes one."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user=user))}
