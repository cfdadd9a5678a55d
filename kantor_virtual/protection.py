"""Abuse protection of public pages: rate limits per client address and per account, and a bot check
for forms, without any third-party service. Every public form uses both.

Rate limits (django-ratelimit, counted in Redis, or in PostgreSQL while Redis is unreachable:
kantor_virtual.cache_health.RateCounterCache)::

    @limited("tracking", ip_rate="PORTAL_RATE_TRACKING_IP", methods=("GET",), frame="layanan_publik/base.html")
    def track(request): ...

    @limited("submission", ip_rate="PORTAL_RATE_SUBMISSION_IP", user_rate="PORTAL_RATE_SUBMISSION_ACCOUNT")
    def submit(request): ...

- `group` names the counter; views sharing a group share their counts.
- `ip_rate` and `user_rate` are names of settings holding rates such as "5/h", "30/m" or "20/10m",
  read on every request, so deployments and tests change them without touching the view.
  `user_rate` counts per account too, once the client is signed in.
- `field_rate` with `field` counts per value posted in that field, trimmed and in lower case,
  whoever sends it: "Lupa kata sandi" counts the requests for one e-mail address from any address::

    @limited("password_reset", ip_rate="PASSWORD_RESET_RATE_IP",
             field_rate="PASSWORD_RESET_RATE_EMAIL", field="email")
- Only `methods` count (default: POST, the writes). Over a limit the view does not run: the answer is
  HTTP 429 with a Retry-After header and the page kantor_virtual/rate_limited.html, drawn in `frame`
  (the template it extends: "base.html", or "layanan_publik/base.html" for the portal).
- `failures_only=True` counts only answers that are not redirects, i.e. a form shown again with its
  errors: sign-in, where one office behind one NAT address succeeds many times an hour.
- `client_ip(request)` is the client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies
  the address they recorded in X-Forwarded-For. Axes and the rate limits both use it.

Bot check for forms::

    class ComplaintForm(HumanCheckMixin, StyledForm): ...

    {% include "kantor_virtual/_form_fields.html" %}      {# renders the check by itself #}
    {% include "kantor_virtual/_human_check.html" %}      {# for a form laid out field by field #}

The mixin adds a honeypot field that people never see (`HONEYPOT_FIELD`) and the signed time the form
was shown (`STAMP_FIELD`). The form is invalid, with an Indonesian message and everything the user
typed kept, when the honeypot is filled, when it comes back sooner than PORTAL_MIN_FILL_SECONDS, or
when the stamp is missing, altered or older than STAMP_MAX_AGE. Tests post `{STAMP_FIELD: new_stamp()}`
along with the form (the `human_check` fixture).
"""

import functools
import ipaddress
import math
import time
from collections.abc import Callable

from django import forms
from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

# ── Rate limits ───────────────────────────────────────────────────────────────────────────────


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or with TRUSTED_PROXY_COUNT = n > 0 the n-th address from the right of
    X-Forwarded-For: each of our proxies appends the address it received the request from, so the
    entries further left are whatever the client chose to send and are never trusted."""
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        return remote  # the request did not come through all our proxies
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


Key = str | Callable[[str, HttpRequest], str]


def _posted_value(field: str) -> Callable[[str, HttpRequest], str]:
    """The key of a counter per value of a posted field: "Budi@Contoh.id " counts as budi@contoh.id.
    django-ratelimit hashes it into the cache key, so the value itself is never kept in Redis (nor in
    PostgreSQL, where the counts go while Redis is down)."""

    def key(group: str, request: HttpRequest) -> str:
        return f"{field}:{request.POST.get(field, '').strip().lower()}"

    return key


def _counters(
    request: HttpRequest,
    ip_rate: str,
    user_rate: str | None,
    field_rate: str | None = None,
    field: str | None = None,
) -> list[tuple[Key, str]]:
    """(key, rate) of each counter this request is held to: its address, its account if signed in,
    and the value posted in `field` when there is one."""
    counters: list[tuple[Key, str]] = [("ip", getattr(settings, ip_rate))]
    if user_rate is not None and request.user.is_authenticated:
        counters.append(("user", getattr(settings, user_rate)))
    if field_rate is not None and field is not None and request.POST.get(field, "").strip():
        counters.append((_posted_value(field), getattr(settings, field_rate)))
    return counters


def _wait(request: HttpRequest, group: str, counters: list[tuple[Key, str]], *, count: bool) -> int | None:
    """Seconds until the client may try again, or None while every counter is within its rate.

    `count` adds this request first (over when the count passes the limit); otherwise it only looks,
    and the client is over once the limit is reached."""
    waits = []
    for key, rate in counters:
        usage = get_usage(request, group=group, key=key, rate=rate, method=ALL, increment=count)
        if usage is None:  # RATELIMIT_ENABLE is off, or the counter expired meanwhile (RATELIMIT_FAIL_OPEN)
            continue
        over = usage["count"] > usage["limit"] if count else usage["count"] >= usage["limit"]
        if over:
            waits.append(max(usage["time_left"], 1))
    return max(waits) if waits else None


def _too_many(request: HttpRequest, wait: int, frame: str) -> HttpResponse:
    context = {"frame": frame, "minutes": math.ceil(wait / 60)}
    response = render(request, "kantor_virtual/rate_limited.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response


def limited(
    group: str,
    *,
    ip_rate: str,
    user_rate: str | None = None,
    field_rate: str | None = None,
    field: str | None = None,
    methods: tuple[str, ...] = ("POST",),
    failures_only: bool = False,
    frame: str = "base.html",
):
    """Hold a view to rates per client address, per account and per posted value (see the module
    docstring)."""
    if (field_rate is None) != (field is None):
        raise TypeError("field_rate and field go together")
    for name in filter(None, (ip_rate, user_rate, field_rate)):
        getattr(settings, name)  # a misspelt setting name stops startup, not the first request

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in methods:
                return view(request, *args, **kwargs)
            counters = _counters(request, ip_rate, user_rate, field_rate, field)
            wait = _wait(request, group, counters, count=not failures_only)
            if wait is not None:
                return _too_many(request, wait, frame)
            response = view(request, *args, **kwargs)
            if failures_only and not 300 <= response.status_code < 400:
                _wait(request, group, counters, count=True)  # count this failure
            return response

        return wrapped

    return decorator


# ── Bot check for forms ───────────────────────────────────────────────────────────────────────

HONEYPOT_FIELD = "website"
STAMP_FIELD = "form_stamp"
# A form left open overnight asks to be sent again; a stamp cannot be replayed for longer than this.
STAMP_MAX_AGE = 12 * 3600
_STAMP_SALT = "kantor_virtual.protection.form_stamp"

STALE_FORM = "Formulir ini sudah kedaluwarsa. Periksa isian Anda, lalu kirim lagi."
TOO_FAST = "Formulir dikirim terlalu cepat sehingga terbaca sebagai kiriman otomatis. Periksa isian Anda, lalu kirim lagi."
TRAPPED = "Kiriman ini terbaca sebagai kiriman otomatis dan tidak diproses. Bila Anda mengisinya sendiri, kirim lagi."


def new_stamp() -> str:
    """The moment a form is shown, signed, so that the browser cannot pretend it came earlier."""
    return signing.Signer(salt=_STAMP_SALT).sign(f"{time.time():.3f}")


def _stamp_age(stamp: str) -> float | None:
    """Seconds since the stamp was made; None for a stamp we did not sign."""
    try:
        shown_at = float(signing.Signer(salt=_STAMP_SALT).unsign(stamp))
    except (signing.BadSignature, ValueError):
        return None
    return time.time() - shown_at


class _StampField(forms.CharField):
    def bound_data(self, data, initial):
        """A form shown again (with errors) carries a new stamp: its fill time and expiry start anew."""
        return initial


class _HoneypotField(forms.CharField):
    def bound_data(self, data, initial):
        """Shown again empty, so a person whose browser filled it in can simply send again."""
        return ""


class HumanCheckMixin:
    """Put first in the bases of a public form (`class F(HumanCheckMixin, StyledForm)`)."""

    human_check = True  # tells kantor_virtual/_form_fields.html to render the check

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT_FIELD] = _HoneypotField(
            label="Jangan diisi",
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )
        self.fields[STAMP_FIELD] = _StampField(required=False, initial=new_stamp, widget=forms.HiddenInput)

    def visible_fields(self):
        return [field for field in super().visible_fields() if field.name != HONEYPOT_FIELD]

    def hidden_fields(self):
        return [field for field in super().hidden_fields() if field.name != STAMP_FIELD]

    def clean(self):
        cleaned = super().clean()
        age = _stamp_age(cleaned.get(STAMP_FIELD) or "")
        if cleaned.get(HONEYPOT_FIELD):
            self.add_error(None, forms.ValidationError(TRAPPED, code="bot_trap"))
        elif age is None or age > STAMP_MAX_AGE:
            self.add_error(None, forms.ValidationError(STALE_FORM, code="stale_form"))
        elif age < settings.PORTAL_MIN_FILL_SECONDS:
            self.add_error(None, forms.ValidationError(TOO_FAST, code="too_fast"))
        return cleaned
