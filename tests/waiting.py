"""Waiting on another process (a worker, the relay, a server) to do its part."""

import time
from collections.abc import Callable


def wait_for(condition: Callable[[], object], *, what: str, seconds: float = 60) -> None:
    """Until `condition()` holds; fails saying `what` did not happen within `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen within {seconds:.0f} s"
        time.sleep(0.2)
