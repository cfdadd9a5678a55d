"""Locust users for the benchmark: a Kepala Dinas, a staff member, an operator, an admin SPBE on the
people and certificate pages and a citizen on the public pages, each with the session the runner
made for them.

bench/runner.py writes a JSON file and points BENCH_LOCUST_CONFIG at it:
    {"cookies": {"kepala_dinas": "csrftoken=…; sessionid=…", …}, "max_requests": 20000,
     "pages": [{"name": "inbox", "path": "/surat-masuk/", "role": "kepala_dinas", "weight": 4}, …]}
BENCH_PAGES (comma-separated names) picks the pages of this run; a role without one sits it out.

Every response is reported twice: as the client saw it (GET) and as Django measured it (request type
"server", from the Server-Timing header), so Locust's percentiles exist for both.
"""

import json
import os
from pathlib import Path

import gevent
from locust import FastHttpUser, constant
from locust.exception import StopUser

from bench.report import SERVER_REQUEST_TYPE, server_duration_ms

CONFIG = json.loads(Path(os.environ["BENCH_LOCUST_CONFIG"]).read_text(encoding="utf-8"))
CHOSEN = {name for name in os.environ.get("BENCH_PAGES", "").split(",") if name}
PAGES = [page for page in CONFIG["pages"] if not CHOSEN or page["name"] in CHOSEN]
requests_sent = 0


def page_task(page: dict):
    def visit(user: "BenchUser") -> None:
        global requests_sent
        if requests_sent >= CONFIG["max_requests"]:
            # The run is bounded in requests as well as time; quit from outside this user's greenlet.
            gevent.spawn(user.environment.runner.quit)
            raise StopUser
        requests_sent += 1
        with user.client.get(
            page["path"], name=page["name"], headers=user.headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code} ({response.headers.get('Location', '')})")
                return
            duration = server_duration_ms(response.headers.get("Server-Timing"))
            if duration is None:
                response.failure("tanpa Server-Timing")
                return
        user.environment.events.request.fire(
            request_type=SERVER_REQUEST_TYPE,
            name=page["name"],
            response_time=duration,
            response_length=0,
            exception=None,
            context={},
        )

    visit.__name__ = page["name"]
    return visit


class BenchUser(FastHttpUser):
    abstract = True
    role = ""
    # No think time: each user asks again at once, so the figures show what the server sustains.
    wait_time = constant(0)

    def on_start(self) -> None:
        cookie = CONFIG["cookies"].get(self.role)
        self.headers = {"Cookie": cookie} if cookie else {}


def _user_class(class_name: str, role: str) -> type[BenchUser]:
    tasks = {page_task(page): page["weight"] for page in PAGES if page["role"] == role}
    return type(class_name, (BenchUser,), {"role": role, "tasks": tasks, "abstract": not tasks})


KepalaDinas = _user_class("KepalaDinas", "kepala_dinas")
Staf = _user_class("Staf", "staf")
Operator = _user_class("Operator", "operator")
Admin = _user_class("Admin", "admin")
Warga = _user_class("Warga", "warga")
