"""Turning Locust's CSV and the in-process timings into the benchmark's figures, budgets and table.

Pure Python, no Django: the runner's parent process and the tests use it as they are.
"""

import csv
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

SERVER_REQUEST_TYPE = "server"  # what bench/locustfile.py reports the Server-Timing duration as
FLOOR_PAGE = "floor"
MIX = "campuran"
PERCENTILES = {"p50": "50%", "p95": "95%", "p99": "99%"}
KB = 1024


@dataclass(frozen=True)
class Budget:
    """A limit from issue 8, checked on one figure of a page or of the run."""

    figure: str  # "server_p95_ms", "html_bytes", "rps" or "p95_ms" (writes)
    limit: float
    at_least: bool = False  # requests/s must reach the limit; times must stay under it

    def met(self, value: float | None) -> bool | None:
        if value is None:
            return None
        return value >= self.limit if self.at_least else value <= self.limit

    @property
    def label(self) -> str:
        sign = "≥" if self.at_least else "≤"
        if self.figure == "html_bytes":
            return f"{sign} {self.limit / KB:g} KB"
        unit = "/dtk" if self.figure == "rps" else " ms"
        return f"{sign} {self.limit:g}{unit}"


# Budgets hold at 1M letters (DESIGN.md, "Performance budgets"); smaller sets are checked the same way.
PAGE_BUDGETS = {
    "inbox": Budget("server_p95_ms", 50),
    "inbox_deep": Budget("server_p95_ms", 50),
    "inbox_staf": Budget("server_p95_ms", 50),
    "letter": Budget("server_p95_ms", 50),
    "search_common": Budget("server_p95_ms", 150),
    "search_rare": Budget("server_p95_ms", 150),
}
# Every page: server p95 at most this many times the floor's (floor_ratio_server).
FLOOR_LIMIT = 5
# A form page (named *_form, or the new-person form) sends at most this much HTML.
FORM_HTML_BUDGET = Budget("html_bytes", 100 * KB)
MIX_BUDGET = Budget("rps", 150, at_least=True)
WRITE_BUDGETS = {"sign": Budget("p95_ms", 500)}
GROWTH_LIMIT = 1.5  # p95 on the largest set over p95 on the smallest, per page


def is_form(name: str) -> bool:
    return name.endswith("_form") or name == "person_create"


def server_duration_ms(header: str | None) -> float | None:
    """`app;dur=12.34` → 12.34 (kantor_virtual/server_timing.py writes it); None without one."""
    for metric in (header or "").split(","):
        name, _, params = metric.strip().partition(";")
        if name == "app" and params.startswith("dur="):
            return float(params.removeprefix("dur="))
    return None


def _number(raw: str) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None  # Locust writes "N/A" for a percentile of no requests
    return None if math.isnan(value) else value


def read_locust_stats(path: Path) -> dict[tuple[str, str], dict]:
    """Locust's `<prefix>_stats.csv` as {(request type, name): figures}, the Aggregated row left out
    (it mixes client and server rows)."""
    rows = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                continue
            rows[(row["Type"], row["Name"])] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": _number(row["Requests/s"]),
                **{key: _number(row[column]) for key, column in PERCENTILES.items()},
            }
    return rows


def page_figures(stats: dict[tuple[str, str], dict], name: str) -> dict:
    """Client (as Locust saw it) and server (Server-Timing) figures of one page."""
    client = next(
        (figures for (kind, row), figures in stats.items() if row == name and kind != SERVER_REQUEST_TYPE),
        None,
    )
    return {"client": client, "server": stats.get((SERVER_REQUEST_TYPE, name))}


def mix_figures(stats: dict[tuple[str, str], dict]) -> dict:
    """Requests/s of the mixed run: the client rows only, each page's rate summed."""
    client = [figures for (kind, _), figures in stats.items() if kind != SERVER_REQUEST_TYPE]
    return {
        "requests": sum(figures["requests"] for figures in client),
        "failures": sum(figures["failures"] for figures in client),
        "rps": round(sum(figures["rps"] or 0 for figures in client), 1),
    }


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile (share 0.95 → p95) of a few in-process timings."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def timing_summary(seconds: Iterable[float]) -> dict:
    """p50/p95 in milliseconds of repeated in-process runs of one write."""
    milliseconds = [value * 1000 for value in seconds]
    return {
        "runs": len(milliseconds),
        "p50_ms": round(percentile(milliseconds, 0.50), 1) if milliseconds else None,
        "p95_ms": round(percentile(milliseconds, 0.95), 1) if milliseconds else None,
    }


def _p95(figures: dict | None) -> float | None:
    return (figures or {}).get("p95")


def with_verdicts(result: dict) -> dict:
    """One size's result with the ratio to the floor and the budget verdicts of each page (its own
    time budget, FLOOR_LIMIT × the floor, and for a form its HTML), the mix and the writes added."""
    floor_server = _p95(result["pages"].get(FLOOR_PAGE, {}).get("server"))
    floor_client = _p95(result["pages"].get(FLOOR_PAGE, {}).get("client"))
    for name, page in result["pages"].items():
        server, client = _p95(page.get("server")), _p95(page.get("client"))
        page["floor_ratio_server"] = round(server / floor_server, 2) if server and floor_server else None
        page["floor_ratio_client"] = round(client / floor_client, 2) if client and floor_client else None
        ratio = page["floor_ratio_server"]
        page["within_floor_limit"] = None if name == FLOOR_PAGE or ratio is None else ratio <= FLOOR_LIMIT
        budget = PAGE_BUDGETS.get(name)
        page["budget"] = budget.label if budget else None
        page["within_budget"] = budget.met(server) if budget else None
        html_budget = FORM_HTML_BUDGET if is_form(name) else None
        page["html_budget"] = html_budget.label if html_budget else None
        page["within_html_budget"] = html_budget.met(page.get("html_bytes")) if html_budget else None
    if result.get("mix"):
        result["mix"]["budget"] = MIX_BUDGET.label
        result["mix"]["within_budget"] = MIX_BUDGET.met(result["mix"]["rps"])
    for name, write in result.get("writes", {}).items():
        budget = WRITE_BUDGETS.get(name)
        write["budget"] = budget.label if budget else None
        write["within_budget"] = budget.met(write.get("p95_ms")) if budget else None
    return result


def growth(results: dict[str, dict]) -> dict | None:
    """Server p95 on the largest set over the smallest, per page, when more than one size ran."""
    if len(results) < 2:
        return None
    by_letters = sorted(results.values(), key=lambda result: result["dataset"]["letters"])
    small, large = by_letters[0], by_letters[-1]
    pages = {}
    for name, page in large["pages"].items():
        before, after = _p95(small["pages"].get(name, {}).get("server")), _p95(page.get("server"))
        ratio = round(after / before, 2) if before and after else None
        pages[name] = {"ratio": ratio, "within_budget": None if ratio is None else ratio <= GROWTH_LIMIT}
    return {"from": small["size"], "to": large["size"], "limit": GROWTH_LIMIT, "pages": pages}


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def _mark(verdict: bool | None) -> str:
    return {True: "✓", False: "✗", None: ""}[verdict]


def _kb(size: int | None) -> str:
    return "—" if size is None else f"{size / KB:.1f}"


def _marked(figure: str, verdict: bool | None) -> str:
    return f"{figure} {_mark(verdict)}".rstrip()


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = [header, ["─" * width for width in widths], *rows]
    return "\n".join(
        "  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)) for line in lines
    )


def format_size(result: dict) -> str:
    """The table of one size: each page, the mixed run and the writes."""
    dataset = result["dataset"]
    title = (
        f"Ukuran {result['size']}: {dataset['letters']:,} surat · {result['users']} pengguna × "
        f"{result['seconds']} dtk per halaman · gunicorn {result['web_workers']} worker"
    )
    header = [
        "halaman", "p50 klien", "p95 klien", "p95 server", f"× lantai (≤ {FLOOR_LIMIT:g})", "kueri", "HTML KB",
        "anggaran", "", "anggaran HTML", "",
    ]  # fmt: skip
    rows = []
    for name, page in result["pages"].items():
        client, server = page.get("client") or {}, page.get("server") or {}
        ratio = page.get("floor_ratio_server")
        queries = page.get("queries")
        rows.append([
            name, _ms(client.get("p50")), _ms(client.get("p95")), _ms(server.get("p95")),
            _marked("—" if ratio is None else f"{ratio:.1f}", page.get("within_floor_limit")),
            "—" if queries is None else str(queries), _kb(page.get("html_bytes")),
            page.get("budget") or "", _mark(page.get("within_budget")),
            page.get("html_budget") or "", _mark(page.get("within_html_budget")),
        ])  # fmt: skip
    lines = [title, _table(header, rows)]
    mix = result.get("mix")
    if mix:
        lines.append(
            f"Campuran: {mix['rps']:.1f} permintaan/dtk ({mix['requests']} permintaan, {mix['failures']} gagal)"
            f"  anggaran {mix['budget']} {_mark(mix['within_budget'])}"
        )
    writes = result.get("writes") or {}
    if writes:
        header = ["penulisan", "p50 ms", "p95 ms", "kali", "anggaran", ""]
        rows = [
            [name, _ms(write.get("p50_ms")), _ms(write.get("p95_ms")), str(write.get("runs", 0)),
             write.get("budget") or "", _mark(write.get("within_budget"))]
            for name, write in writes.items()
        ]  # fmt: skip
        lines.append(_table(header, rows))
    failures = {name: (page.get("client") or {}).get("failures") for name, page in result["pages"].items()}
    failed = {name: count for name, count in failures.items() if count}
    if failed:
        lines.append("Permintaan gagal: " + ", ".join(f"{name} {count}" for name, count in failed.items()))
    return "\n".join(lines)


def format_growth(change: dict) -> str:
    header = ["halaman", f"p95 {change['to']} / {change['from']}", f"anggaran ≤ {change['limit']:g}", ""]
    rows = [
        [name, "—" if page["ratio"] is None else f"{page['ratio']:.2f}", "", _mark(page["within_budget"])]
        for name, page in change["pages"].items()
    ]
    return _table(header, rows)
