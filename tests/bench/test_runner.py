"""The benchmark's own parts that run quickly: the Server-Timing header, the floor page, reading
Locust's CSV into figures and verdicts, and the in-process choices and measurements of the runner."""

import importlib
import json
import os
import re
import subprocess
import sys

import pytest
from django.test.utils import override_settings
from django.urls import NoReverseMatch, clear_url_caches, reverse

from bench import report, runner
from disposisi.models import Instruction
from disposisi.services import dispose
from kantor_virtual.pagination import parse_cursor
from persuratan.models import InboxItem, IncomingLetter, OutgoingLetter
from persuratan.selectors import inbox_for

pytestmark = pytest.mark.django_db

LOCUST_CSV = """\
Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
GET,inbox,400,2,30,31.5,10.1,90.2,16961.0,40.0,0.2,30,33,35,37,40,44,60,80,90,90,90
server,inbox,398,0,20,21.0,8.0,70.0,0.0,39.8,0.0,20,22,24,25,28,30,50,60,70,70,70
GET,floor,600,0,8,8.4,3.1,20.0,300.0,60.0,0.0,8,9,9,10,11,12,15,18,20,20,20
server,floor,600,0,4,4.2,2.0,9.0,0.0,60.0,0.0,4,4,5,5,5,6,7,8,9,9,9
GET,search_rare,0,0,0,0,0,0,0,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A
,Aggregated,1998,2,12,14.0,2.0,90.2,4000.0,199.8,0.2,12,14,20,22,28,30,40,60,90,90,90
"""


def _reload_urls() -> None:
    import kantor_virtual.urls

    importlib.reload(kantor_virtual.urls)
    clear_url_caches()


@pytest.fixture
def floor_mounted():
    """The URLconf as `./kantor bench` serves it (BENCH_FLOOR=true), put back afterwards."""
    with override_settings(BENCH_FLOOR=True):
        _reload_urls()
        yield
    _reload_urls()


@pytest.fixture
def office(opd, other_opd, make_position, make_user, make_operator, grant_role, register):
    """A Kepala Dinas with three letters, one disposed to a staff member; a quieter head elsewhere;
    the province's admin SPBE."""
    kadis = make_position(name="Kepala Dinas Kominfos", heads_opd=True)
    staf = make_position(name="Pranata Komputer", parent=kadis, kind="fungsional")
    quiet = make_position(name="Kepala Dinas Sosial", opd=other_opd, heads_opd=True)
    head, staff, operator = make_user(holds=kadis), make_user(holds=staf), make_operator(opd=opd)
    make_user(holds=quiet)
    grant_role(make_user(full_name="Admin SPBE"), "admin")
    subjects = [
        "Undangan rapat koordinasi anggaran",
        "Undangan rapat evaluasi jaringan",
        "Undangan laporan kegiatan",
    ]
    letters = [register(opd=opd, to=[kadis], actor=operator, subject=subject) for subject in subjects]
    register(opd=other_opd, to=[quiet])
    item = InboxItem.objects.get(letter=letters[0], position=kadis)
    dispose(actor=head, from_item=item, to=[staf], instructions=[Instruction.FOLLOW_UP])
    return {
        "head": head, "staff": staff, "operator": operator, "kadis": kadis, "staf": staf, "disposed": letters[0]
    }  # fmt: skip


def test_every_response_says_how_long_django_spent_on_it(client):
    response = client.get(reverse("kesehatan"))

    assert re.fullmatch(r"app;dur=\d+\.\d\d", response["Server-Timing"])
    assert report.server_duration_ms(response["Server-Timing"]) >= 0
    assert report.server_duration_ms(None) is None


def test_the_floor_page_exists_only_when_the_benchmark_turns_it_on(client, make_position, make_user):
    position = make_position(name="Pranata Komputer", code="KOMINFO.PRAKOM", kind="fungsional")
    client.force_login(make_user(holds=position))

    with pytest.raises(NoReverseMatch):
        reverse("bench:floor", args=[position.code])
    assert client.get(f"/tolok-ukur/lantai/{position.code}/").status_code == 404


def test_the_floor_page_needs_a_sign_in_and_reads_one_position_by_its_code(
    floor_mounted, client, settings, make_position, make_user, django_assert_num_queries
):
    settings.OTP_REQUIRED = False  # as `./kantor bench` serves it, like `./kantor run`
    position = make_position(name="Pranata Komputer", code="KOMINFO.PRAKOM", kind="fungsional")
    url = reverse("bench:floor", args=[position.code])
    assert client.get(url).status_code == 302, "the floor is behind the sign-in like every product page"

    client.force_login(make_user(holds=position))
    with django_assert_num_queries(2) as captured:  # the user, the position (the session is in Redis)
        response = client.get(url)

    assert response.status_code == 200
    assert "Pranata Komputer" in response.content.decode()
    assert sum("organisasi_position" in query["sql"] for query in captured.captured_queries) == 1


def test_locust_figures_are_read_per_page_for_the_client_and_the_server(tmp_path):
    path = tmp_path / "run_stats.csv"
    path.write_text(LOCUST_CSV)

    stats = report.read_locust_stats(path)
    inbox = report.page_figures(stats, "inbox")

    assert inbox["client"] == {"requests": 400, "failures": 2, "rps": 40.0, "p50": 30, "p95": 44, "p99": 80}
    assert inbox["server"]["p95"] == 30
    assert report.page_figures(stats, "search_rare")["client"]["p95"] is None, "N/A: no requests"
    assert report.mix_figures(stats) == {"requests": 1000, "failures": 2, "rps": 100.0}, "client rows only"


def test_pages_are_compared_with_the_floor_and_checked_against_their_budgets(tmp_path):
    path = tmp_path / "run_stats.csv"
    path.write_text(LOCUST_CSV)
    stats = report.read_locust_stats(path)
    result = {
        "size": "10k",
        "dataset": {"label": "10k", "letters": 10_000},
        "users": 6,
        "seconds": 10,
        "web_workers": 3,
        "pages": {name: {**report.page_figures(stats, name), "queries": 5} for name in ("inbox", "floor")},
        "mix": {"requests": 1000, "failures": 0, "rps": 120.0},
        "writes": {"sign": report.timing_summary([0.2, 0.3, 0.6])},
    }

    checked = report.with_verdicts(result)

    assert checked["pages"]["inbox"]["floor_ratio_server"] == 5.0  # 30 ms over the floor's 6 ms
    assert checked["pages"]["inbox"]["within_floor_limit"] is True, "5× the floor is still within it"
    assert checked["pages"]["floor"]["within_floor_limit"] is None
    assert checked["pages"]["inbox"]["within_budget"] is True
    assert checked["pages"]["inbox"]["html_budget"] is None, "only forms have an HTML budget"
    assert checked["mix"]["within_budget"] is False
    assert checked["writes"]["sign"] == {
        "runs": 3, "p50_ms": 300.0, "p95_ms": 600.0, "budget": "≤ 500 ms", "within_budget": False
    }  # fmt: skip
    table = report.format_size(checked)
    assert "inbox" in table and "≤ 50 ms" in table and "120.0 permintaan/dtk" in table


def _sized(pages: dict[str, dict], *, floor_p95: float = 10) -> dict:
    return {
        "size": "10k",
        "dataset": {"label": "10k", "letters": 10_000},
        "users": 6,
        "seconds": 10,
        "web_workers": 2,
        "pages": {"floor": {"server": {"p95": floor_p95}, "queries": 2, "html_bytes": 900}, **pages},
    }


def test_a_page_over_five_times_the_floor_fails_its_floor_limit_whatever_its_own_budget():
    checked = report.with_verdicts(
        _sized({
            "letter": {"server": {"p95": 49}, "queries": 12},  # within its 50 ms, not within 5 × 8 ms
            "people": {"server": {"p95": 40}, "queries": 6},
            "statistics": {"server": None, "queries": 9},  # no request answered: no verdict
        }, floor_p95=8)
    )  # fmt: skip

    pages = checked["pages"]
    assert (pages["letter"]["within_budget"], pages["letter"]["within_floor_limit"]) == (True, False)
    assert pages["people"]["within_floor_limit"] is True
    assert pages["statistics"]["within_floor_limit"] is None
    assert "6.1 ✗" in report.format_size(checked) and "5.0 ✓" in report.format_size(checked)


def test_a_form_page_may_send_at_most_100_kb_of_html():
    kb = 1024
    checked = report.with_verdicts(
        _sized({
            "draft_form": {"server": {"p95": 20}, "queries": 14, "html_bytes": 100 * kb},
            "dispose_form": {"server": {"p95": 30}, "queries": 15, "html_bytes": 100 * kb + 1},
            "person_create": {"server": {"p95": 500}, "queries": 8, "html_bytes": 1_843_200},
            "inbox": {"server": {"p95": 8}, "queries": 9, "html_bytes": 300 * kb},
            "position_form": {"server": {"p95": 40}, "queries": 7},  # measured before sizes were kept
        })
    )  # fmt: skip

    pages = checked["pages"]
    assert report.is_form("service_form") and report.is_form("person_create") and not report.is_form("people")
    assert {name: pages[name]["within_html_budget"] for name in pages} == {
        "floor": None,
        "draft_form": True,
        "dispose_form": False,
        "person_create": False,
        "inbox": None,  # a list page is as long as its rows; its time is what counts
        "position_form": None,
    }
    assert pages["draft_form"]["html_budget"] == "≤ 100 KB"
    assert pages["inbox"]["html_budget"] is None
    table = report.format_size(checked)
    person_create = next(line for line in table.splitlines() if line.startswith("person_create"))
    assert "1800.0" in person_create and "≤ 100 KB" in person_create and person_create.endswith("✗")
    assert "300.0" in table, "every page's HTML is shown, in KB"


def test_growth_compares_the_largest_set_with_the_smallest():
    def sized(size, letters, inbox_p95):
        return {
            "size": size,
            "dataset": {"letters": letters},
            "pages": {"inbox": {"server": {"p95": inbox_p95}}},
        }

    change = report.growth({"1m": sized("1m", 1_000_000, 40), "10k": sized("10k", 10_000, 20)})

    assert change["from"] == "10k" and change["to"] == "1m"
    assert change["pages"]["inbox"] == {"ratio": 2.0, "within_budget": False}
    assert report.growth({"10k": sized("10k", 10_000, 20)}) is None


def test_the_deep_cursor_opens_the_page_reached_by_following_load_more(office):
    head, kadis = office["head"], office["kadis"]

    cursor, page = runner.deep_cursor(position_id=kadis.pk, page=200, page_size=1)

    assert page == 3, "three items: the deepest page there is"
    shown = inbox_for(user=head, position_id=kadis.pk, after=parse_cursor(cursor), limit=1)
    oldest = inbox_for(user=head, position_id=kadis.pk, limit=3)[-1]
    assert [item.pk for item in shown] == [oldest.pk]
    assert runner.deep_cursor(position_id=kadis.pk, page=200, page_size=50) == (None, 1)


def test_the_plan_signs_in_the_busiest_head_his_staff_and_operator_and_counts_each_pages_queries(
    floor_mounted, office, tmp_path
):
    plan = runner.make_plan()

    assert plan.people["kepala_dinas"]["username"] == office["head"].username
    assert plan.people["staf"]["username"] == office["staff"].username
    assert plan.people["operator"]["username"] == office["operator"].username
    pages = {page.name: page for page in plan.pages}
    assert pages["letter"].path == reverse("persuratan:letter", args=[office["disposed"].pk])
    assert (pages["search_common"].note, pages["search_rare"].note) == ("“undangan”", "“koordinasi”")
    costs = {page.name: runner.measure_page(plan.clients[page.role], page.path) for page in plan.pages}
    queries = {name: cost.queries for name, cost in costs.items()}
    assert all(count > 0 for count in queries.values())
    assert all(cost.html_bytes > 0 for cost in costs.values())
    assert costs["register_form"].html_bytes > costs[report.FLOOR_PAGE].html_bytes
    signed_in = ("inbox", "letter", "search_common", "inbox_staf", "outgoing_register")
    assert queries[report.FLOOR_PAGE] < min(queries[name] for name in signed_in), "the floor is the floor"
    config = plan.locust_config(max_requests=100)
    assert {role for role, cookie in config["cookies"].items() if "sessionid=" in cookie} == {
        "kepala_dinas",
        "staf",
        "operator",
        "admin",
    }, "the citizen is signed out"
    accounts = ("people", "people_deep", "people_search", "person", "person_create", "certificate_requests")
    assert {*accounts, "certificates_issued", "certificate"} <= set(pages)
    assert pages["people_search"].note == "“Pegawai”"  # the factories' common first name
    forms = {
        "draft_form": "kepala_dinas",
        "staf_draft_form": "staf",
        "register_form": "operator",
        "dispose_form": "kepala_dinas",
        "appointment_form": "admin",
        "position_form": "admin",
        "filing_form": "operator",
        "service_form": "admin",
        "person_create": "admin",
    }
    assert {name: pages[name].role for name in forms} == forms
    assert all(report.is_form(name) and pages[name].in_mix for name in forms)
    assert pages["dispose_form"].path == reverse("disposisi:dispose", args=[plan.context["open_item"].pk])
    assert pages["appointment_form"].path == reverse(
        "organisasi:org_chart_position", args=[office["kadis"].pk]
    )
    assert "csrftoken=" in config["cookies"]["kepala_dinas"], "as a browser back on the inbox"
    assert _locust_roles(config, tmp_path) == {page.role for page in plan.pages}, (
        "each role's pages are loaded"
    )


def _locust_roles(config: dict, folder) -> set[str]:
    """The roles the Locust users of bench/locustfile.py play with this config (Locust runs every
    concrete user class it finds in the module), read in a process of its own: importing Locust
    patches threading for gevent, which the test's database connection must not meet."""
    path = folder / "locust.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    script = (
        "import json, bench.locustfile as module\n"
        "from locust import User\n"
        "users = [v for v in vars(module).values() if isinstance(v, type) and issubclass(v, User)]\n"
        "print(json.dumps(sorted(u.role for u in users if not u.abstract)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "BENCH_LOCUST_CONFIG": str(path)},
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_timed_writes_leave_the_data_as_it_was(office, monkeypatch):
    monkeypatch.setattr(runner, "WRITE_RUNS", 2)
    context = {
        "opd": office["kadis"].opd,
        "operator": office["operator"],
        "head": office["head"],
        "head_position": office["kadis"],
        "staff": office["staff"],
        "staff_position": office["staf"],
        "open_item": InboxItem.objects.filter(position=office["kadis"]).latest("received_at", "id"),
    }
    letters, items = IncomingLetter.objects.count(), InboxItem.objects.count()

    writes = runner.time_writes(runner.Plan(people={}, clients={}, pages=[], context=context))

    assert set(writes) == {"register_incoming", "dispose", "sign"}
    assert all(write["runs"] == 2 and write["p95_ms"] > 0 for write in writes.values())
    assert (IncomingLetter.objects.count(), InboxItem.objects.count()) == (letters, items)
    assert not OutgoingLetter.objects.exists()
