"""Server-Timing: how long Django spent on a request, so a load runner can tell server time from
the time a response spent queueing and travelling (bench/locustfile.py reads it)."""

import time


class ServerTimingMiddleware:
    """First in MIDDLEWARE, so the figure covers every other middleware, the view and the template."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = f"app;dur={elapsed_ms:.2f}"
        return response
