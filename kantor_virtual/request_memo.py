"""Facts worth reading once per request: who acts for which position, which roles a person holds.

The menu, the access checks and the view of one page all ask them; inside a request the first
answer is kept for the rest of it. Outside a request (tasks, services called directly) nothing is
kept, so a change made between two calls is always seen.
"""

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")
_memo: ContextVar[dict | None] = ContextVar("request_memo", default=None)


def inside_request() -> bool:
    return _memo.get() is not None


def remembered(key: Hashable, compute: Callable[[], T]) -> T:
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


class RequestMemoMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
