"""The embedded servers of `./kantor`: commands on one data folder share them, and the last one
alive stops them."""

import os
import subprocess
import sys

import redis

from kantor_virtual import stack

ENTER_AND_LEAVE = "from kantor_virtual.stack import embedded_redis\nwith embedded_redis() as url: print(url)"


def _ping(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_timeout=2).ping())
    except (redis.RedisError, OSError):
        return False


def test_a_command_that_ends_leaves_the_redis_another_command_uses_and_the_last_one_stops_it(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(stack, "DATA_DIR", tmp_path)
    with stack.embedded_redis() as url:
        redis.Redis.from_url(url).set("kept", "ya")
        other = subprocess.run(
            [sys.executable, "-c", ENTER_AND_LEAVE],
            env={**os.environ, "KV_DATA_DIR": str(tmp_path)},
            capture_output=True,
            text=True,
            check=True,
        )

        assert other.stdout.splitlines()[-1] == url, "the second command used another server"
        assert _ping(url), "the second command stopped the server the first one still uses"
        servers = subprocess.run(
            ["pgrep", "-f", f"unixsocket:{url.removeprefix('unix://')}"], capture_output=True
        )
        assert len(servers.stdout.split()) == 1, "two servers were started on one socket"
    assert not _ping(url), "the last command left the server running"

    with stack.embedded_redis() as url:
        assert redis.Redis.from_url(url).get("kept") == b"ya"  # saved when it stopped
