"""Browser journeys: Playwright driving Debian's Chromium, at a desktop and a 360 px phone viewport.

Every journey takes the `page` fixture (run once per viewport) and calls `assert_accessible` on
each screen it reaches: zero serious or critical axe-core violations.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect, sync_playwright

from organisasi.selectors import requires_second_factor
from tests.factories import TEST_PASSWORD

CHROMIUM = "/usr/bin/chromium"
# Without these, Chromium keeps trying to reach Google's services from this closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 780}}
BLOCKING_IMPACTS = {"serious", "critical"}
_CSP_REFUSAL = "Content Security Policy"
_axe = Axe()


@pytest.fixture(scope="module")
def chromium() -> Browser:
    """One browser per test module: Playwright's sync API keeps an event loop running in this thread
    while it lives, and code under test that runs its own loop (pyHanko) must not meet it."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(params=list(VIEWPORTS))
def page(request, chromium, live_server) -> Page:
    """A fresh browser context on the live server; `page.is_phone` tells the journey which viewport it is.

    Whatever the Content-Security-Policy refused along the journey (a script, a style, a frame)
    fails it: the browser reports each refusal on its console."""
    context = chromium.new_context(
        viewport=VIEWPORTS[request.param], locale="id-ID", base_url=live_server.url
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.is_phone = request.param == "phone"
    refused = []
    page.on(
        "console",
        lambda message: (
            _CSP_REFUSAL in message.text and refused.append(f"{message.location['url']}: {message.text}")
        ),
    )
    yield page
    context.close()
    assert not refused, "The Content-Security-Policy refused:\n" + "\n".join(refused)


def assert_accessible(page: Page) -> None:
    """axe-core on the page as it stands: no serious or critical violation."""
    violations = _axe.run(page).response["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in blocking
    )
    assert not blocking, f"axe-core found serious/critical violations on {page.url}:\n{report}"


def open_menu(page: Page) -> None:
    """On a phone the navigation is collapsed behind the toggler."""
    toggler = page.get_by_role("button", name="Buka menu")
    if toggler.is_visible():
        toggler.click()
        # Bootstrap animates the menu open; a click during the animation may land on a moving target.
        expect(page.locator("#menu-utama")).to_have_class(re.compile(r"\bshow\b"))


def log_in(page: Page, user, *, password: str = TEST_PASSWORD, login: str | None = None) -> None:
    """Sign in through the login page; answers the TOTP prompt with a real code when one is asked."""
    device = None
    if user is not None and requires_second_factor(user=user):
        # A fresh device for every sign-in, made before the form is sent so that the server goes
        # straight to the code prompt: django-otp refuses a code used twice in one time step, and
        # a journey may sign the same person in twice within 30 seconds.
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="Uji", confirmed=True)
    page.goto("/masuk/")
    page.get_by_label("NIP atau alamat surel").fill(login or user.nip or user.email)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(lambda url: "/masuk/" not in url)
    if device is not None and "/akun/verifikasi/" in page.url:
        page.get_by_label("Kode 6 angka").fill(f"{totp(device.bin_key):06d}")
        page.get_by_role("button", name="Verifikasi").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Masuk ke Kantor Virtual")
